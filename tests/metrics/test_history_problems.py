"""The history's problems reach every metrics output, warm runs included.

Found by `benchmarks/realworld.py` on amir-prompt/git-notes-bot: two of its `refs/notes/ai`
notes are free text ("Commit created with Cursor AI assistance / Timestamp: ..."), not git-ai
authorship logs. `ingest` and `provenance` list them as `bad-note` problems, but `metrics`,
`metrics --board` and `report` printed an AI share resting on the notes with no word of the two
it could not read: their documents had no problems at all.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.gitrepo import GitRepo
from tests.history.conftest import netgain

FREE_TEXT_NOTE = "Commit created with Cursor AI assistance\nTimestamp: 2025-12-07 08:42:18 UTC\n"
AUTHORSHIP_NOTE = (
    "bot.py\n"
    "  a1b2c3d4e5f60718 1-3\n"
    "---\n"
    '{"schema_version": "authorship/3.0.0", "base_commit_sha": "", '
    '"prompts": {"a1b2c3d4e5f60718": {"agent_id": {"tool": "cursor", "id": "s", '
    '"model": "gpt"}, "human_author": null, "messages": [], "total_additions": 3, '
    '"total_deletions": 0, "accepted_lines": 3, "overriden_lines": 0}}}\n'
)


def _repo(tmp_path: Path) -> tuple[GitRepo, str]:
    repo = GitRepo(tmp_path / "r")
    read = repo.commit({"bot.py": "import os\nimport sys\nprint(os, sys)\n"}, "Add bot")
    repo.notes_add("refs/notes/ai", read, AUTHORSHIP_NOTE)
    unread = repo.commit({"bot.py": "import os\nprint(os)\n"}, "Simplify bot")
    repo.notes_add("refs/notes/ai", unread, FREE_TEXT_NOTE)
    repo.commit({"README.md": "bot\n"}, "Document bot")
    return repo, unread


def _bad_notes(problems: list[dict[str, object]], sha: str) -> list[dict[str, object]]:
    return [p for p in problems if p["kind"] == "bad-note" and p["sha"] == sha]


def test_metrics_board_and_report_list_a_note_ingest_could_not_read(tmp_path: Path) -> None:
    repo, unread = _repo(tmp_path)
    ingested = json.loads(netgain("ingest", ".", "--json", cwd=repo.path).stdout)
    assert len(_bad_notes(ingested["problems"], unread)) == 1

    # warm: this ingest adds nothing, the problem is only in the store
    metrics = json.loads(netgain("metrics", "--json", cwd=repo.path).stdout)
    assert len(_bad_notes(metrics["problems"], unread)) == 1
    assert metrics["provenance"]["repository"]["evidence"]["line"] > 0  # the good note counts

    board = json.loads(netgain("metrics", "--board", "--json", cwd=repo.path).stdout)
    assert len(_bad_notes(board["problems"], unread)) == 1

    text = netgain("metrics", cwd=repo.path)
    assert re.search(rf"bad-note {unread[:12]}", text.stderr)
    board_text = netgain("metrics", "--board", cwd=repo.path)
    assert f"bad-note {unread[:12]}" in board_text.stderr

    out = tmp_path / "report.html"
    report = json.loads(netgain("report", "-o", str(out), "--json", cwd=repo.path).stdout)
    assert len(_bad_notes(report["metrics"]["problems"], unread)) == 1
    html = out.read_text(encoding="utf-8")
    assert 'data-history-problems="1"' in html
    assert f"bad-note {unread[:12]}" in html


def test_a_clean_history_reports_no_problems(tmp_path: Path) -> None:
    """The look-alike: a readable note gives an empty list and no problems section."""
    repo = GitRepo(tmp_path / "r")
    sha = repo.commit({"bot.py": "import os\nimport sys\nprint(os, sys)\n"}, "Add bot")
    repo.notes_add("refs/notes/ai", sha, AUTHORSHIP_NOTE)
    out = tmp_path / "report.html"
    report = json.loads(netgain("report", "-o", str(out), "--json", cwd=repo.path).stdout)
    assert report["metrics"]["problems"] == []
    assert "data-history-problems" not in out.read_text(encoding="utf-8")
