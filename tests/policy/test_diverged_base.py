"""A change whose base branch moved on after it forked (pallets/itsdangerous's "Merge branch
'stable'": a 3-line changelog change on `stable`, while `main` had since rewritten 900 lines).

The gate judges what the change adds to the commit it forked from, as the pull request shows it
and as the risk model reads its commits: not the base branch's newer work, reversed. Before,
`facts.lines_added` counted both trees' difference (928 lines on itsdangerous against the risk
model's `la` of 3), the base branch's files and zones were the change's, and a line `main` had
since fixed read as a line the change added, with its finding. A flaw the change itself adds is
still found."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.gitrepo import GitRepo
from tests.history.conftest import netgain
from tests.policy.scenario import SQL_CODE

FIXED_SQL = SQL_CODE.replace(
    "cur.execute(\"SELECT * FROM users WHERE name = '%s'\" % name)",
    'cur.execute("SELECT * FROM users WHERE name = ?", (name,))',
)
NEW_MODULE = "".join(f"def helper_{i}() -> int:\n    return {i}\n\n\n" for i in range(20))


def _diverged(tmp_path: Path, change: dict[str, str]) -> tuple[GitRepo, str, str]:
    """main: an app with an SQL injection; `stable` forks there and makes `change`; main then
    fixes the injection and adds a module. Returns (repo, base = main's tip, head)."""
    r = GitRepo(tmp_path / "r")
    r.commit({"app/db.py": SQL_CODE, "CHANGES.rst": "Version 2.2.0\n-------------\n"}, "start")
    r.branch("stable")
    head = r.commit(change, "stable: the change")
    r.checkout("main")
    base = r.commit({"app/db.py": FIXED_SQL, "app/new.py": NEW_MODULE}, "main moves on")
    return r, base, head


def _check(r: GitRepo, base: str, head: str) -> dict[str, Any]:
    proc = netgain(
        "check", "--base", base, "--head", head, "--format", "json", cwd=r.path, check=False
    )
    doc: dict[str, Any] = json.loads(proc.stdout)
    return doc


def test_the_change_is_what_it_adds_to_its_fork_point(tmp_path: Path) -> None:
    changelog = "Version 2.2.0\n-------------\n\n-   Drop support for Python 3.8.\n\n"
    r, base, head = _diverged(tmp_path, {"CHANGES.rst": changelog})
    assert r.git("merge-base", base, head) != base  # main moved on after the fork
    doc = _check(r, base, head)
    facts = doc["facts"]
    assert facts["paths"] == ["CHANGES.rst"]
    assert facts["lines_added"] == 3 and facts["files"] == 1
    # main's fixed line is not this change's: no finding for it
    assert [f for f in doc["findings"] if f["path"] == "app/db.py"] == []
    # the lines the gate counts are the risk model's `la` for the same change
    score = netgain(
        "risk", "score", "--base", base, "--head", head, "--json", cwd=r.path, check=False
    )
    assert json.loads(score.stdout)["features"]["la"] == facts["lines_added"]


def test_a_flaw_the_change_adds_is_still_found(tmp_path: Path) -> None:
    r, base, head = _diverged(tmp_path, {"app/report.py": SQL_CODE})
    doc = _check(r, base, head)
    assert doc["facts"]["paths"] == ["app/report.py"]
    assert any(f["path"] == "app/report.py" for f in doc["findings"])
    assert doc["verdict"] != "approved"
