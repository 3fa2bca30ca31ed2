"""Entire checkpoints as evidence with counts (issue 15 item 1).

The branch, paths and JSON below are in the exact shape entireio/cli writes (`checkpoint/
committed.go`, `CommittedMetadata`), copied from its own `entire/checkpoints/v1` branch: a
sharded `<id[:2]>/<id[2:]>/` directory with a summary `metadata.json` and one numbered directory
per session holding the session's `metadata.json` with `initial_attribution`.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from tests.gitrepo import BASE_EPOCH, GitRepo, git_env
from tests.history.conftest import netgain, netgain_json

CHECKPOINT = "a3b2c4d5e6f7"


def numbered(tag: str, n: int) -> str:
    return "".join(f"{tag} line {i}\n" for i in range(1, n + 1))


def session(
    agent_lines: int,
    human_added: int,
    human_modified: int,
    total: int,
    *,
    agent: str = "Claude Code",
    at: str = "2026-02-03T00:31:46.001683Z",
) -> dict[str, Any]:
    return {
        "checkpoint_id": CHECKPOINT,
        "session_id": "253fd5ef-38bf-4f4a-804a-98df5088a868",
        "strategy": "manual-commit",
        "created_at": "2026-02-03T06:34:50.246415Z",
        "checkpoints_count": 6,
        "files_touched": ["svc.py"],
        "agent": agent,
        "token_usage": {"input_tokens": 137, "output_tokens": 581, "api_call_count": 63},
        "initial_attribution": {
            "calculated_at": at,
            "agent_lines": agent_lines,
            "human_added": human_added,
            "human_modified": human_modified,
            "human_removed": 4,
            "total_committed": total,
            "agent_percentage": 100.0 * agent_lines / total if total else 0,
        },
    }


def write_checkpoints(
    repo: GitRepo, checkpoints: dict[str, list[Any]], ref: str = "refs/heads/entire/checkpoints/v1"
) -> None:
    """Commit the checkpoint tree on an orphan branch as Entire does (HEAD left untouched)."""
    files: dict[str, str] = {}
    for cid, sessions in checkpoints.items():
        base = f"{cid[:2]}/{cid[2:]}"
        summary = {"checkpoint_id": cid, "strategy": "manual-commit", "sessions": []}
        files[f"{base}/metadata.json"] = json.dumps(summary)
        for index, data in enumerate(sessions):
            text = data if isinstance(data, str) else json.dumps(data, indent=2)
            files[f"{base}/{index}/metadata.json"] = text
            files[f"{base}/{index}/full.jsonl"] = '{"type":"user"}\n'
    entries = []
    for path, text in sorted(files.items()):
        blob = repo.git("hash-object", "-w", "--stdin", input=text)
        entries.append(f"100644 blob {blob}\t{path}")
    index_env = repo.path / ".git" / "entire-index"
    tree = _mktree(repo, entries, index_env)
    commit = repo.git(
        "-c",
        "user.name=Entire",
        "-c",
        "user.email=entire@example.com",
        "commit-tree",
        tree,
        "-m",
        f"Checkpoint: {CHECKPOINT}",
    )
    repo.update_ref(ref, commit)


def _mktree(repo: GitRepo, entries: list[str], scratch: Path) -> str:
    """A nested tree from `mode type oid<TAB>path` lines (git mktree takes one level only)."""
    env = {**git_env(), "GIT_INDEX_FILE": str(scratch)}
    subprocess.run(
        ["git", "update-index", "--add", "--index-info"],
        cwd=repo.path,
        input="\n".join(entries) + "\n",
        text=True,
        env=env,
        check=True,
    )
    out = subprocess.run(
        ["git", "write-tree"], cwd=repo.path, text=True, env=env, capture_output=True, check=True
    )
    scratch.unlink()
    return out.stdout.strip()


def by_sha(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["sha"]: c for c in payload["commits"]}


def _repo(tmp_path: Path) -> tuple[GitRepo, str]:
    repo = GitRepo(tmp_path / "r")
    base = repo.commit({"README.md": "x\n"}, "Start", date=BASE_EPOCH)
    return repo, base


def test_a_checkpoint_attributes_its_counts_not_the_whole_commit(tmp_path: Path) -> None:
    repo, base = _repo(tmp_path)
    sha = repo.commit(
        {"svc.py": numbered("s", 10)},
        f"Add service\n\nEntire-Checkpoint: {CHECKPOINT}\n",
        date=BASE_EPOCH + 60,
    )
    write_checkpoints(repo, {CHECKPOINT: [session(7, 2, 1, 10)]})

    commit = by_sha(netgain_json("provenance", "HEAD", cwd=repo.path))[sha]
    assert commit["level"] == "commit"
    assert commit["added"] == {"ai": 7, "human": 3, "unknown": 0}
    assert commit["evidence"][0]["kind"] == "session-record"
    assert commit["evidence"][0]["tool"] == "claude-code"

    share = netgain_json("share", f"{base}..HEAD", cwd=repo.path)
    assert (share["ai_lines"], share["human_lines"], share["unknown_lines"]) == (7, 3, 0)
    # the human lines come from the author's own tooling: a claim, not a measurement
    assert share["evidence"]["declared_human"] == 3


def test_identical_session_copies_count_once(tmp_path: Path) -> None:
    repo, _ = _repo(tmp_path)
    sha = repo.commit(
        {"svc.py": numbered("s", 33)},
        f"Reset\n\nEntire-Checkpoint: {CHECKPOINT}\n",
        date=BASE_EPOCH + 60,
    )
    copy = session(32, 0, 1, 33)
    write_checkpoints(repo, {CHECKPOINT: [copy, copy, copy]})  # as on entireio/cli's branch
    commit = by_sha(netgain_json("provenance", "HEAD", cwd=repo.path))[sha]
    assert commit["added"] == {"ai": 32, "human": 1, "unknown": 0}


def test_distinct_sessions_sum_agent_lines_and_leave_the_rest_unknown(tmp_path: Path) -> None:
    repo, _ = _repo(tmp_path)
    sha = repo.commit(
        {"svc.py": numbered("s", 20)},
        f"Two agents\n\nEntire-Checkpoint: {CHECKPOINT}\n",
        date=BASE_EPOCH + 60,
    )
    first = session(8, 12, 0, 20, at="2026-02-03T00:31:46Z")
    second = session(5, 15, 0, 20, agent="Gemini CLI", at="2026-02-03T00:31:47Z")
    write_checkpoints(repo, {CHECKPOINT: [first, second]})
    commit = by_sha(netgain_json("provenance", "HEAD", cwd=repo.path))[sha]
    assert commit["added"] == {"ai": 13, "human": 0, "unknown": 7}


def test_counts_for_another_change_fall_back_to_the_markers(tmp_path: Path) -> None:
    repo, _ = _repo(tmp_path)
    sha = repo.commit(
        {"svc.py": numbered("s", 10)},
        f"Squashed later\n\nEntire-Checkpoint: {CHECKPOINT}\n",
        date=BASE_EPOCH + 60,
    )
    write_checkpoints(repo, {CHECKPOINT: [session(0, 1266, 0, 1266)]})
    payload = netgain_json("provenance", "HEAD", cwd=repo.path)
    commit = by_sha(payload)[sha]
    assert commit["added"] == {"ai": 10, "human": 0, "unknown": 0}  # the Entire marker
    assert all(e["kind"] != "session-record" for e in commit["evidence"])
    assert any("1266 committed lines" in p["message"] for p in payload["problems"])


def test_a_session_that_measured_nothing_says_so(tmp_path: Path) -> None:
    """entireio/cli's branch: 127 checkpoints are Entire's empty fallback (agent 0, human 0)
    with a total that matches the commit. The problem said "counts 157 committed lines, the
    commit adds 157 (or measured nothing): not used", which reads as a contradiction."""
    repo, _ = _repo(tmp_path)
    sha = repo.commit(
        {"svc.py": numbered("s", 12)},
        f"Fallback\n\nEntire-Checkpoint: {CHECKPOINT}\n",
        date=BASE_EPOCH + 60,
    )
    write_checkpoints(repo, {CHECKPOINT: [session(0, 0, 0, 12)]})
    payload = netgain_json("provenance", "HEAD", cwd=repo.path)
    assert all(e["kind"] != "session-record" for e in by_sha(payload)[sha]["evidence"])
    [message] = [p["message"] for p in payload["problems"] if p["sha"] == sha]
    assert "counts 12 (no agent or human line measured) committed lines" in message
    assert "the commit adds 12: not used" in message


def test_an_ai_marker_contradicts_a_human_claim(tmp_path: Path) -> None:
    repo, _ = _repo(tmp_path)
    sha = repo.commit(
        {"svc.py": numbered("s", 88)},
        "Fix\n\nEntire-Checkpoint: a3b2c4d5e6f7\n"
        "Co-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>\n",
        date=BASE_EPOCH + 60,
    )
    write_checkpoints(repo, {CHECKPOINT: [session(0, 0, 88, 88)]})
    commit = by_sha(netgain_json("provenance", "HEAD", cwd=repo.path))[sha]
    assert commit["added"] == {"ai": 0, "human": 0, "unknown": 88}


def test_remote_tracking_branch_and_bad_metadata(tmp_path: Path) -> None:
    repo, _ = _repo(tmp_path)
    other = "0123456789ab"
    sha = repo.commit(
        {"svc.py": numbered("s", 4)},
        f"Add\n\nEntire-Checkpoint: {CHECKPOINT}\n",
        date=BASE_EPOCH + 60,
    )
    write_checkpoints(
        repo,
        {CHECKPOINT: [session(4, 0, 0, 4)], other: ['{"initial_attribution": {"agent_lines": -1']},
        ref="refs/remotes/origin/entire/checkpoints/v1",
    )
    payload = netgain_json("provenance", "HEAD", cwd=repo.path)
    assert by_sha(payload)[sha]["added"] == {"ai": 4, "human": 0, "unknown": 0}
    bad = [p for p in payload["problems"] if p["kind"] == "bad-checkpoint"]
    assert len(bad) == 1 and "01/23456789ab/0/metadata.json" in bad[0]["message"]


def test_the_documented_attribution_trailer_without_the_branch(tmp_path: Path) -> None:
    repo, _ = _repo(tmp_path)
    sha = repo.commit(
        {"svc.py": numbered("s", 200)},
        f"Auth\n\nEntire-Checkpoint: {CHECKPOINT}\nEntire-Attribution: 73% agent (146/200 lines)\n",
        date=BASE_EPOCH + 60,
    )
    commit = by_sha(netgain_json("provenance", "HEAD", cwd=repo.path))[sha]
    assert commit["added"] == {"ai": 146, "human": 54, "unknown": 0}
    assert netgain("provenance", "HEAD", cwd=repo.path).returncode == 0
