"""The shipped GitHub Action and pre-commit hook definitions, run the way their hosts run them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitrepo import git_env
from tests.policy.payloads_util import write
from tests.policy.scenario import ai_auth_change, base_repo, pr_event

yaml = pytest.importorskip("yaml", reason="PyYAML reads the action definition")
ROOT = Path(__file__).resolve().parents[2]


def test_action_step_runs_check_from_the_event_payload(tmp_path: Path) -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "check")
    repo = base_repo(tmp_path / "r")
    ai_auth_change(repo)
    event = write(tmp_path / "event.json", pr_event(repo, "no design doc"))
    outputs, summary = tmp_path / "out.txt", tmp_path / "summary.md"
    env = git_env() | {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(summary),
        "POLICY": "",
        "COVERAGE": "",
        "FORMAT": "text",
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
    assert proc.returncode == 1, proc.stderr  # blocked
    assert proc.stdout.startswith("verdict: BLOCKED")
    assert "verdict=blocked" in outputs.read_text(encoding="utf-8")
    comment = (repo.path / "comment.md").read_text(encoding="utf-8")
    assert comment.startswith("## ⛔ netgain review gate: **blocked**")
    assert summary.read_text(encoding="utf-8") == comment


def test_pre_commit_hook_definition() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    [hook] = hooks
    assert hook["id"] == "netgain-scan"
    assert hook["entry"].startswith("netgain scan --diff ")
    assert hook["language"] == "python" and hook["types"] == ["python"]
