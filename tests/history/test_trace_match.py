"""Agent Trace records as the reference writer records them, tied to the commit holding the lines.

The records below have the exact shape cursor/agent-trace's `reference/trace-store.ts` writes
(`JSON.stringify` of `createTrace`): `version: "1.0"`, `vcs.revision` = HEAD at edit time (the
commit the edit was made on), ranges in the edited file's line numbers, the workspace-relative
path (absolute outside the workspace), session events as the pseudo-file `.sessions`, keys in
that order, `url` and `model_id` left out when undefined.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.gitrepo import BASE_EPOCH, GitRepo
from tests.history.conftest import netgain_json

HOUR = 3600
DAY = 86_400
TRACES = ".agent-trace/traces.jsonl"


def iso(epoch: int) -> str:
    """`new Date().toISOString()`: milliseconds and a Z."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def claude_edit(
    revision: str, path: str, start: int, end: int, when: int, **range_extra: Any
) -> dict[str, Any]:
    """A Claude Code PostToolUse (Write) record."""
    return {
        "version": "1.0",
        "id": f"6f1c2a4e-0b7d-4c3e-9a51-{when:012d}",
        "timestamp": iso(when),
        "vcs": {"type": "git", "revision": revision},
        "tool": {"name": "claude-code"},
        "files": [
            {
                "path": path,
                "conversations": [
                    {
                        "url": "file:///home/dev/.claude/projects/-home-dev-svc/5b1e.jsonl",
                        "contributor": {
                            "type": "ai",
                            "model_id": "anthropic/claude-opus-4-5-20251101",
                        },
                        "ranges": [{"start_line": start, "end_line": end, **range_extra}],
                    }
                ],
            }
        ],
        "metadata": {
            "session_id": "5b1e0c2d-7f7a-4a39-8f0e-1c2d3e4f5a6b",
            "tool_name": "Write",
            "tool_use_id": "toolu_01ABCDEF",
        },
    }


def session_start(revision: str, when: int) -> dict[str, Any]:
    """A Cursor sessionStart record: a pseudo-file, range 1-1, no code."""
    return {
        "version": "1.0",
        "id": f"0a9b8c7d-6e5f-4a3b-8c1d-{when:012d}",
        "timestamp": iso(when),
        "vcs": {"type": "git", "revision": revision},
        "tool": {"name": "cursor", "version": "2.3.21"},
        "files": [
            {
                "path": ".sessions",
                "conversations": [
                    {"contributor": {"type": "ai"}, "ranges": [{"start_line": 1, "end_line": 1}]}
                ],
            }
        ],
        "metadata": {"event": "session_start", "session_id": "s-1", "composer_mode": "agent"},
    }


def jsonl(*records: dict[str, Any]) -> str:
    return "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records)


def numbered(tag: str, first: int, last: int) -> str:
    return "".join(f"{tag}{i}\n" for i in range(first, last + 1))


def by_sha(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["sha"]: c for c in payload["commits"]}


def test_reference_writer_records_count_on_the_commit_that_adds_the_lines(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "svc")
    base = repo.commit({"README.md": "svc\n"}, "Start", date=BASE_EPOCH)
    # The agent writes lines 42-67 of a new file while HEAD is `base`; a human wrote 1-41.
    edit = BASE_EPOCH + HOUR
    records = [
        session_start(base, edit - 60),
        claude_edit(base, "src/new.py", 42, 67, edit),
        claude_edit(base, "/home/dev/elsewhere/notes.py", 1, 3, edit + 5),
        claude_edit("0123456789abcdef0123456789abcdef01234567", "src/new.py", 1, 2, edit + 9),
    ]
    body = numbered("human", 1, 41) + numbered("agent", 42, 67)
    holder = repo.commit(
        {"src/new.py": body, TRACES: jsonl(*records)}, "Add new module", date=edit + HOUR
    )
    # a later human commit touching the same file must not take the agent's lines
    later = repo.commit({"src/new.py": "changed\n" + body}, "Tweak", date=edit + 3 * DAY)
    payload = netgain_json("provenance", "HEAD", cwd=repo.path)
    commits = by_sha(payload)
    assert commits[holder]["added"]["ai"] == 26
    assert commits[holder]["tools"] == ["claude-code"]
    assert commits[holder]["models"] == ["anthropic/claude-opus-4-5-20251101"]
    assert commits[later]["added"] == {"ai": 0, "human": 0, "unknown": 1}
    assert commits[base]["added"]["ai"] == 0
    unmatched = [p for p in payload["problems"] if p["kind"] == "unmatched-trace"]
    messages = " | ".join(p["message"] for p in unmatched)
    assert len(unmatched) == 2, messages
    assert "/home/dev/elsewhere/notes.py" in messages  # outside the workspace: reported
    assert "revision is not in this repository" in messages
    assert ".sessions" not in messages  # an event, not an edit: skipped, not a problem


def test_an_absolute_path_inside_the_workspace_finds_its_file(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "svc")
    base = repo.commit({"src/app.py": "a\n"}, "Start", date=BASE_EPOCH)
    edit = BASE_EPOCH + HOUR
    record = claude_edit(base, "/Users/dev/work/svc/src/app.py", 2, 4, edit)
    holder = repo.commit(
        {"src/app.py": "a\nb\nc\nd\n", TRACES: jsonl(record)}, "More", date=edit + HOUR
    )
    commits = by_sha(netgain_json("provenance", "HEAD", cwd=repo.path))
    assert commits[holder]["added"]["ai"] == 3


def test_content_hash_picks_the_commit_whose_lines_match(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "svc")
    base = repo.commit({"a.py": "old\n"}, "Start", date=BASE_EPOCH)
    edit = BASE_EPOCH + HOUR
    digest = hashlib.sha256(b"x1\nx2").hexdigest()
    record = claude_edit(base, "a.py", 1, 2, edit, content_hash=f"sha256:{digest}")
    # the next commit puts other text at those positions; the one after holds the agent's lines
    other = repo.commit({"a.py": "y1\ny2\nold\n"}, "Other", date=edit + HOUR)
    holder = repo.commit(
        {"a.py": "x1\nx2\nold\n", TRACES: jsonl(record)}, "Agent lines", date=edit + 2 * HOUR
    )
    commits = by_sha(netgain_json("provenance", "HEAD", cwd=repo.path))
    assert commits[other]["added"]["ai"] == 0
    assert commits[holder]["added"]["ai"] == 2


def test_a_record_naming_the_holding_commit_still_counts(tmp_path: Path) -> None:
    """Writers that record after committing name the commit itself: that keeps working."""
    repo = GitRepo(tmp_path / "svc")
    holder = repo.commit({"a.py": "1\n2\n3\n"}, "Add", date=BASE_EPOCH)
    record = claude_edit(holder, "a.py", 1, 3, BASE_EPOCH + HOUR)
    repo.commit({TRACES: jsonl(record)}, "Traces", date=BASE_EPOCH + 2 * HOUR)
    commits = by_sha(netgain_json("provenance", "HEAD", cwd=repo.path))
    assert commits[holder]["added"]["ai"] == 3


def test_trace_files_beside_the_reference_file_are_read(tmp_path: Path) -> None:
    """The spec leaves storage open: a writer that splits files per session keeps them in
    `.agent-trace/`; a `.jsonl` elsewhere in the tree is not a trace store."""
    repo = GitRepo(tmp_path / "svc")
    base = repo.commit({"README.md": "svc\n"}, "Start", date=BASE_EPOCH)
    edit = BASE_EPOCH + HOUR
    holder = repo.commit(
        {
            "src/a.py": numbered("a", 1, 5),
            "src/b.py": numbered("b", 1, 4),
            ".agent-trace/sessions/5b1e.jsonl": jsonl(claude_edit(base, "src/a.py", 1, 5, edit)),
            "data/traces.jsonl": jsonl(claude_edit(base, "src/b.py", 1, 4, edit + 5)),
        },
        "Add a and b",
        date=edit + HOUR,
    )
    commits = by_sha(netgain_json("provenance", "HEAD", cwd=repo.path))
    assert commits[holder]["added"] == {"ai": 5, "human": 0, "unknown": 4 + 2}
