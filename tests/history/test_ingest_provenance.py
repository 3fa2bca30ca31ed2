"""`netgain ingest` and `netgain provenance` end to end on real repositories, figures by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from netgain.history import ingest_repository
from netgain.provenance import marker_rules
from netgain.store.engine import open_store
from netgain.store.models import Attribution, Commit, FileChange, Problem
from tests.gitrepo import GitRepo
from tests.history.conftest import netgain, netgain_json

SESSION = "s_0a1b2c3d4e5f60"
TRACE = "t_99887766554433"
HUMAN = "h_abcdefabcdef01"


def note(path: str, ai: str, human: str | None = None, tool: str = "cursor") -> str:
    lines = [path, f"  {SESSION}::{TRACE} {ai}"]
    if human:
        lines.append(f"  {HUMAN} {human}")
    meta = {
        "schema_version": "authorship/3.0.0",
        "base_commit_sha": "d" * 40,
        "prompts": {},
        "sessions": {SESSION: {"agent_id": {"tool": tool, "id": "x", "model": "gpt-5"}}},
        "humans": {HUMAN: {"author": "Ada <ada@example.com>"}},
    }
    return "\n".join(lines) + "\n---\n" + json.dumps(meta)


def lines(n: int, tag: str) -> str:
    return "".join(f"{tag} line {i}\n" for i in range(1, n + 1))


@pytest.fixture
def mixed_repo(tmp_path: Path) -> tuple[GitRepo, dict[str, str]]:
    """Human, trailer-marked, note-attributed, merged and look-alike commits."""
    repo = GitRepo(tmp_path / "repo")
    shas: dict[str, str] = {}
    shas["human"] = repo.commit({"app.py": lines(3, "h")}, "Initial commit")
    shas["claude"] = repo.commit(
        {"app.py": lines(3, "h") + lines(2, "c"), "util.py": lines(2, "u")},
        "Add helpers\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n",
    )
    # The note covers lines 1-2 (ai) and 4 (human) of svc.py, plus line 9 which the commit did
    # not add (the file has 5 lines): expected ai 2, human 1, unknown 2.
    shas["noted"] = repo.commit(
        {"svc.py": lines(5, "s")},
        "Service\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n",
    )
    repo.notes_add("refs/notes/ai", shas["noted"], note("svc.py", "1-2,9", human="4"))
    # A trailer-like line in the body text is not a trailer; a committer "(aider)" is no evidence.
    shas["lookalike"] = repo.commit(
        {"doc.txt": lines(4, "d")},
        "Docs\n\nCo-Authored-By: Claude <noreply@anthropic.com> said we should do this.\n"
        "Then we did it properly.\n",
        committer=("Bob (aider)", "bob@example.com"),
    )
    repo.branch("feature")
    shas["aider"] = repo.commit({"feat.py": lines(6, "f")}, "aider: add feature")
    repo.checkout("main")
    shas["main2"] = repo.commit({"app.py": lines(3, "h") + lines(2, "c") + "tail\n"}, "Tail")
    shas["merge"] = repo.merge("feature")
    return repo, shas


def by_sha(payload: dict[str, object]) -> dict[str, dict[str, object]]:
    return {c["sha"]: c for c in payload["commits"]}  # type: ignore[attr-defined, index]


def test_provenance_attributes_every_evidence_kind(
    mixed_repo: tuple[GitRepo, dict[str, str]],
) -> None:
    repo, shas = mixed_repo
    payload = netgain_json("provenance", "HEAD", cwd=repo.path)
    commits = by_sha(payload)
    assert len(commits) == 7
    assert commits[shas["human"]]["added"] == {"ai": 0, "human": 0, "unknown": 3}
    assert commits[shas["claude"]]["added"] == {"ai": 4, "human": 0, "unknown": 0}
    assert commits[shas["claude"]]["tools"] == ["claude-code"]
    assert [e["kind"] for e in commits[shas["claude"]]["evidence"]] == ["commit-marker"]
    # Line-level evidence wins: the trailer is listed but does not attribute the uncovered lines.
    noted = commits[shas["noted"]]
    assert noted["added"] == {"ai": 2, "human": 1, "unknown": 2}
    assert {e["kind"] for e in noted["evidence"]} == {"git-ai-note", "commit-marker"}
    assert commits[shas["lookalike"]]["added"] == {"ai": 0, "human": 0, "unknown": 4}
    assert commits[shas["lookalike"]]["evidence"] == []
    assert commits[shas["aider"]]["added"] == {"ai": 6, "human": 0, "unknown": 0}
    assert commits[shas["aider"]]["tools"] == ["aider"]
    assert commits[shas["main2"]]["added"] == {"ai": 0, "human": 0, "unknown": 1}
    # The merge adds nothing of its own: feature lines are counted once, on the feature commit.
    assert commits[shas["merge"]]["added"] == {"ai": 0, "human": 0, "unknown": 0}
    summary = payload["summary"]
    assert summary["added"] == {"ai": 12, "human": 1, "unknown": 10, "total": 23}
    assert summary["ai_share"] == pytest.approx(12 / 23)
    assert payload["problems"] == []
    assert payload["history_truncated"] is False


def test_provenance_of_a_range_lists_only_that_range(
    mixed_repo: tuple[GitRepo, dict[str, str]],
) -> None:
    repo, shas = mixed_repo
    payload = netgain_json("provenance", f"{shas['lookalike']}..main", cwd=repo.path)
    assert set(by_sha(payload)) == {shas["aider"], shas["main2"], shas["merge"]}


def test_text_output_shows_table_and_summary(mixed_repo: tuple[GitRepo, dict[str, str]]) -> None:
    repo, _ = mixed_repo
    out = netgain("provenance", "HEAD", cwd=repo.path).stdout
    assert "AI provenance" in out
    assert "ai 12" in out and "unknown 10" in out


def test_malformed_note_is_reported_and_nothing_else_lost(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    good = repo.commit(
        {"a.py": lines(2, "a")}, "good\n\nCo-authored-by: Codex <noreply@openai.com>\n"
    )
    bad = repo.commit({"b.py": lines(3, "b")}, "bad note")
    repo.notes_add("refs/notes/ai", bad, "b.py\n  s_zz 1-3\n---\n{not json")
    payload = netgain_json("provenance", "HEAD", cwd=repo.path)
    commits = by_sha(payload)
    assert commits[good]["added"]["ai"] == 2
    assert commits[bad]["added"] == {"ai": 0, "human": 0, "unknown": 3}
    problems = [p for p in payload["problems"] if p["sha"] == bad]
    assert problems, payload["problems"]
    assert bad[:12] in problems[0]["message"]


def test_ingest_is_incremental_and_idempotent(store_url: str, tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    for i in range(5):
        repo.commit({f"f{i}.py": lines(i + 1, "x")}, f"commit {i}")
    engine = open_store(store_url)
    first = ingest_repository(repo.path, engine, markers=marker_rules())
    assert (first.commits_seen, first.commits_added) == (5, 5)
    again = ingest_repository(repo.path, engine, markers=marker_rules())
    assert (again.commits_seen, again.commits_added) == (0, 0)
    repo.commit(
        {"new.py": lines(7, "n")}, "new\n\nCo-authored-by: Cursor <cursoragent@cursor.com>\n"
    )
    third = ingest_repository(repo.path, engine, markers=marker_rules())
    assert (third.commits_seen, third.commits_added) == (1, 1)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Commit)) == 6
        assert session.scalar(select(func.count()).select_from(Attribution)) == 6
        assert session.scalar(select(func.count()).select_from(FileChange)) == 6
        assert session.scalar(select(func.sum(Attribution.ai_lines))) == 7
    engine.dispose()


def test_problems_are_stored_once_across_runs(store_url: str, tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    sha = repo.commit({"a.py": "x\n"}, "a")
    repo.notes_add("refs/notes/ai", sha, "garbage without separator")
    engine = open_store(store_url)
    ingest_repository(repo.path, engine, markers=marker_rules())
    ingest_repository(repo.path, engine, markers=marker_rules())
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Problem)) == 1
    engine.dispose()


def test_shallow_clone_says_history_is_truncated(tmp_path: Path) -> None:
    origin = GitRepo(tmp_path / "origin")
    for i in range(4):
        origin.commit({"a.py": lines(i + 1, "a")}, f"c{i}")
    clone = tmp_path / "clone"
    origin.git("clone", "-q", "--depth", "2", f"file://{origin.path}", str(clone))
    payload = netgain_json("provenance", "HEAD", cwd=clone)
    assert payload["history_truncated"] is True
    assert len(payload["commits"]) == 2
    assert any(p["kind"] == "shallow-history" for p in payload["problems"])


def test_bad_revision_is_a_usage_error(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit({"a.py": "x\n"}, "a")
    proc = netgain("share", "nope..HEAD", cwd=repo.path, check=False)
    assert proc.returncode == 2
    assert "nope" in proc.stderr
    proc = netgain("ingest", str(tmp_path / "missing"), cwd=repo.path, check=False)
    assert proc.returncode == 2


def test_empty_repository_ingests_nothing(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    payload = netgain_json("ingest", cwd=repo.path)
    assert payload["commits_added"] == 0
