"""The shipped GitHub Action and pre-commit hook definitions, run the way their hosts run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.gitrepo import GitRepo, git_env
from tests.policy.payloads_util import write
from tests.policy.scenario import BOB, ai_auth_change, base_repo, pr_event

yaml = pytest.importorskip("yaml", reason="PyYAML reads the action definition")
ROOT = Path(__file__).resolve().parents[2]


def run_action_step(
    repo: GitRepo, event: dict[str, Any], tmp_path: Path, fmt: str = "text"
) -> tuple[subprocess.CompletedProcess[str], str, str, str]:
    """The Action's `check` step as a runner runs it: (process, outputs, job summary, comment)."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "check")
    payload = write(tmp_path / "event.json", event)
    outputs, summary = tmp_path / "out.txt", tmp_path / "summary.md"
    env = git_env() | {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_EVENT_PATH": str(payload),
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(summary),
        "POLICY": "",
        "COVERAGE": "",
        "FORMAT": fmt,
        "COMMENT_FILE": "comment.md",
    }
    proc = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=repo.path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return (
        proc,
        outputs.read_text(encoding="utf-8"),
        summary.read_text(encoding="utf-8"),
        (repo.path / "comment.md").read_text(encoding="utf-8"),
    )


def test_action_step_runs_check_from_the_event_payload(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    ai_auth_change(repo)
    proc, outputs, summary, comment = run_action_step(
        repo, pr_event(repo, "no design doc"), tmp_path
    )
    assert proc.returncode == 1, proc.stderr  # blocked
    assert proc.stdout.startswith("verdict: BLOCKED")
    assert "verdict=blocked" in outputs
    assert comment.startswith("## ⛔ netgain review gate: **blocked**")
    assert summary == comment


def test_action_comment_carries_the_brief_when_a_senior_must_review(tmp_path: Path) -> None:
    """An AI-written auth change goes to a senior and the zone owner: the comment (and the job
    summary) folds the review brief under the verdict, its first item the auth zone's jwt line."""
    repo = base_repo(tmp_path / "r")
    ai_auth_change(repo)
    proc, _, summary, comment = run_action_step(
        repo, pr_event(repo, "no design doc"), tmp_path, fmt="github"
    )
    assert proc.returncode == 1, proc.stderr
    verdict, brief = comment.split("<summary>Review brief</summary>", 1)
    assert verdict.startswith("## ⛔ netgain review gate: **blocked**")
    first = next(line for line in brief.splitlines() if line.startswith("1. "))
    assert first.startswith("1. `src/auth/tokens.py:3` (in a sensitive zone)"), first
    assert summary == comment
    # the check-run payload the "github" format prints carries the same brief
    assert "<summary>Review brief</summary>" in json.loads(proc.stdout)["output"]["summary"]


def test_action_comment_has_no_brief_when_a_peer_review_is_enough(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    repo.branch("feature")
    repo.commit({"src/app.py": "def main() -> None:\n    print('hi')\n"}, "Greet", author=BOB)
    proc, _, _, comment = run_action_step(repo, pr_event(repo), tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    assert "netgain review gate" in comment
    assert "Review brief" not in comment


def test_pre_commit_hook_definition() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    [hook] = hooks
    assert hook["id"] == "netgain-scan"
    assert hook["entry"].startswith("netgain scan --diff ")
    assert hook["language"] == "python" and hook["types"] == ["python"]
