"""Comprehension risk per design-doc zone file in `netgain metrics --json` and `netgain report`
(issue 18 item 2): real repositories, a real store, the CLI as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from netgain.metrics.sections import comprehension_entry
from tests.gitrepo import BASE_EPOCH, GitRepo
from tests.history.conftest import netgain

DAY = 86_400
CLAUDE = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"
CAROL = ("Carol Contractor", "carol@example.com")
SAM = ("Sam Senior", "sam@example.com")
ADA = ("Ada Lovelace", "ada@example.com")
AUTH = "".join(f"def check_{i}(token):\n    return token == {i}\n" for i in range(6))
UTIL = "".join(f"u{i} = {i}\n" for i in range(8))


def report(repo: GitRepo, tmp: Path) -> tuple[dict[str, Any], str]:
    """(the metrics document, the report's HTML) of `repo`, as the CLI writes them."""
    db = f"sqlite:///{tmp / 'store.db'}"
    out = tmp / "report.html"
    flags = ("--db", db, "--no-rework", "--no-szz")
    doc = json.loads(netgain("metrics", *flags, "--json", cwd=repo.path).stdout)
    netgain("report", *flags, "--output", str(out), cwd=repo.path)
    return doc, out.read_text(encoding="utf-8")


def test_ai_zone_code_whose_author_left_is_listed_without_naming_them(tmp_path: Path) -> None:
    """Carol had an agent write src/auth/x.py (her first commit there) and src/util.py, then
    left; Sam edited the auth file with Ada's review; 200 days on, Ada commits elsewhere."""
    repo = GitRepo(tmp_path / "r")
    ai = repo.commit(
        {"src/auth/x.py": AUTH, "src/util.py": UTIL},
        "token checks" + CLAUDE,
        author=CAROL,
        date=BASE_EPOCH + DAY,
    )
    repo.commit(
        {"src/auth/x.py": AUTH.replace("== 0", "== 100")},
        "stricter check\n\nReviewed-by: Ada Lovelace <ada@example.com>\n",
        author=SAM,
        date=BASE_EPOCH + 150 * DAY,
    )
    repo.commit({"README.md": "# service\n"}, "readme", author=ADA, date=BASE_EPOCH + 200 * DAY)
    doc, html = report(repo, tmp_path / "out")

    section = doc["comprehension"]
    assert section["status"] == "ok" and section["policy"] == "built-in default"
    assert "signals" in section["scope"]  # says what a repository-wide view cannot see
    [row] = section["files"]  # src/util.py has AI lines but lies in no zone
    assert row == {
        "path": "src/auth/x.py",
        "zones": ["auth"],
        "lines": 12,
        "ai_lines": 11,  # all but Sam's edited line
        "ai_authors": 1,
        "ai_authors_left": 1,
        "ai_authors_unfamiliar": 1,
        "touched_since": 1,
        "reviewed_since": 1,
        "risk": ["author-left", "author-unfamiliar"],
    }
    assert section["zone_files"] == 1 and section["with_ai_lines"] == 1
    assert doc["sections"]["comprehension"]["status"] == "filled"
    assert CAROL[1] not in json.dumps(section) and ai not in json.dumps(section)

    table = html.split('<table id="comprehension">', 1)[1].split("</table>", 1)[0]
    assert 'data-path="src/auth/x.py" data-risk="author-left author-unfamiliar"' in table
    assert "src/util.py" not in table and CAROL[1] not in html
    assert html.count('<svg class="chart"') == 11  # a table, not a new chart


def test_empty_states_say_why(tmp_path: Path) -> None:
    """No file in a design-doc zone, then a zone file without AI lines: a reason, never a table."""
    repo = GitRepo(tmp_path / "r")
    repo.commit({"src/util.py": UTIL}, "util" + CLAUDE, author=CAROL, date=BASE_EPOCH + DAY)
    doc, html = report(repo, tmp_path / "one")
    status = doc["comprehension"]["status"]
    assert status.startswith("no design-doc zone files: no file at HEAD matches auth, ")
    assert doc["comprehension"]["files"] == []
    assert doc["sections"]["comprehension"] == {
        "title": "Comprehension risk in design-doc zones",
        "status": "empty",
        "source": None,
        "fill": status,
    }
    assert 'data-comprehension-empty="1"' in html and '<table id="comprehension">' not in html

    repo.commit({"src/auth/x.py": AUTH}, "human auth code", author=ADA, date=BASE_EPOCH + 2 * DAY)
    doc, html = report(repo, tmp_path / "two")
    assert doc["comprehension"]["status"].startswith(
        "insufficient data: no AI-written line in the 1 design-doc zone files examined"
    )
    assert 'data-comprehension-empty="1"' in html


def test_a_policy_without_path_zones_says_so(tmp_path: Path) -> None:
    """The repository's own policy (as committed) decides the zones: signal-only zones are out of
    reach of a repository-wide view, and the section says so."""
    repo = GitRepo(tmp_path / "r")
    policy = '[zones.auth]\nsignals = ["jwt"]\ndesign_doc = true\n'
    repo.commit(
        {"netgain.toml": policy, "src/auth/x.py": AUTH},
        "auth" + CLAUDE,
        author=CAROL,
        date=BASE_EPOCH + DAY,
    )
    doc, _ = report(repo, tmp_path / "out")
    section = doc["comprehension"]
    assert section["zones"] == [] and section["files"] == []
    assert section["status"] == (
        "no design-doc zone files: the policy has no design-doc zone with `paths`"
    )


def test_the_cap_keeps_the_files_with_most_ai_lines_and_counts_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past MAX_EXAMINED zone files (by path) are counted as not examined; of those examined,
    the MAX_FILES with the most AI lines are read, largest first."""
    from netgain.history.queries import CommitProvenance, load_provenance
    from netgain.metrics import comprehension_risk
    from netgain.store.engine import open_store
    from netgain.store.models import Repository

    repo = GitRepo(tmp_path / "r")
    sizes = {"src/auth/a.py": 2, "src/auth/b.py": 9, "src/auth/c.py": 5, "src/auth/d.py": 7}
    repo.commit(
        {p: "".join(f"v{i} = {i}\n" for i in range(n)) for p, n in sizes.items()},
        "auth" + CLAUDE,
        author=CAROL,
        date=BASE_EPOCH + DAY,
    )
    db = f"sqlite:///{tmp_path / 'store.db'}"
    netgain("ingest", "--db", db, cwd=repo.path)
    engine = open_store(db)
    with Session(engine) as session:
        repository_id = session.scalars(select(Repository.id)).one()

    def stored(shas: list[str]) -> dict[str, CommitProvenance]:
        return load_provenance(engine, repository_id, shas)

    monkeypatch.setattr(comprehension_risk, "MAX_EXAMINED", 3)  # d.py is past the cap
    monkeypatch.setattr(comprehension_risk, "MAX_FILES", 2)
    section = comprehension_risk.comprehension_section(repo.path, repo.head(), stored)
    engine.dispose()
    assert (section["zone_files"], section["not_examined"], section["with_ai_lines"]) == (4, 1, 3)
    assert [(r["path"], r["ai_lines"]) for r in section["files"]] == [
        ("src/auth/b.py", 9),
        ("src/auth/c.py", 5),
    ]
    assert comprehension_entry(section)["status"] == "partial"
