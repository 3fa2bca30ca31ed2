"""A second, incremental `netgain ingest` still shows the problems an earlier one stored.

It reads only the new commits, so a blob that was missing when an earlier run read its commit is
not met again; the stored figures of that commit stay incomplete all the same. `ingest --json`
lists every stored problem, those of earlier runs marked `earlier_run`, with counts; text mode
says how many earlier problems there are and where to see them.
"""

from __future__ import annotations

from pathlib import Path

from tests.gitrepo import GitRepo
from tests.history.conftest import netgain, netgain_json

CLAUDE = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"
LOGO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


def _repo_with_a_dropped_blob(tmp_path: Path) -> tuple[GitRepo, str]:
    """A mirror that dropped an old image: the object is simply gone."""
    repo = GitRepo(tmp_path / "r")
    repo.commit({"app.py": "A = 1\n", "logo.png": LOGO}, "init")
    repo.commit({"app.py": "A = 1\nB = 2\n", "logo.png": LOGO[:-1]}, "B" + CLAUDE)
    old_logo = repo.git("rev-parse", "HEAD~1:logo.png").strip()
    (repo.path / ".git" / "objects" / old_logo[:2] / old_logo[2:]).unlink()
    return repo, old_logo


def test_a_second_ingest_lists_the_problems_of_the_first(tmp_path: Path) -> None:
    repo, old_logo = _repo_with_a_dropped_blob(tmp_path)
    first = netgain_json("ingest", cwd=repo.path)
    missing = [p for p in first["problems"] if p["path"] == "logo.png"]
    assert missing and all(old_logo in p["message"] for p in missing)  # both commits that read it
    assert all(p["earlier_run"] is False for p in missing)
    assert first["problem_counts"] == {"this_run": len(first["problems"]), "earlier_runs": 0}

    repo.commit({"app.py": "A = 1\nB = 3\n"}, "Fix B")
    second = netgain_json("ingest", cwd=repo.path)
    assert second["commits_added"] == 1  # incremental: the first two commits are not read again
    assert second["problem_counts"] == {"this_run": 0, "earlier_runs": len(first["problems"])}
    assert [p for p in second["problems"] if p["path"] == "logo.png"] == [
        p | {"earlier_run": True} for p in missing
    ]
    keys = [(p["kind"], p["sha"], p["path"], p["message"]) for p in second["problems"]]
    assert len(keys) == len(set(keys))  # stored once, listed once


def test_text_mode_says_how_many_earlier_problems_apply(tmp_path: Path) -> None:
    repo, _ = _repo_with_a_dropped_blob(tmp_path)
    netgain("ingest", cwd=repo.path)
    again = netgain("ingest", cwd=repo.path)
    assert "Ingested 0 new commit(s)" in again.stdout
    assert "problem(s) stored by earlier ingests still apply" in again.stderr
    assert "netgain ingest --json" in again.stderr
    assert "while reading history" not in again.stderr  # this run met none itself
