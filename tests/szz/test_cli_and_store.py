"""`netgain szz` as a user runs it, and the rows it leaves in the store."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from netgain.history.ingest import get_repository
from netgain.store.engine import open_store
from netgain.store.outcome_models import SzzLink, SzzRun
from netgain.szz import find_inducing
from netgain.szz.persist import store_results
from tests.history.conftest import netgain
from tests.szz.scenarios import comment_changes, moved_code


def test_json_maps_each_fix_to_its_inducing_commits(tmp_path: Path) -> None:
    s = moved_code(tmp_path / "r")
    out = json.loads(netgain("szz", s.fix, "--json", cwd=s.repo.path).stdout)
    assert out == {s.fix: [s.commits["c1"]]}
    b = json.loads(netgain("szz", "HEAD", "--variant", "B-SZZ", "--json", cwd=s.repo.path).stdout)
    assert b == {s.fix: [s.commits["c2"]]}


def test_both_engines_answer_the_same_and_a_bad_engine_is_a_usage_error(tmp_path: Path) -> None:
    s = comment_changes(tmp_path / "r")
    args = ("szz", "HEAD", "--json", "--evidence", "--no-store")
    replay = json.loads(netgain(*args, cwd=s.repo.path).stdout)
    blame = json.loads(netgain(*args, "--engine", "git", cwd=s.repo.path).stdout)
    assert replay == blame and replay[s.fix]["candidates"]
    bad = netgain("szz", "HEAD", "--engine", "fast", cwd=s.repo.path, check=False)
    assert bad.returncode == 2 and "--engine" in bad.stderr


def test_evidence_names_file_and_lines(tmp_path: Path) -> None:
    s = moved_code(tmp_path / "r")
    out = json.loads(
        netgain("szz", "HEAD", "--json", "--evidence", "--no-store", cwd=s.repo.path).stdout
    )
    [cand] = out[s.fix]["candidates"]
    assert cand["sha"] == s.commits["c1"]
    # Line 10 of headers.py at the fix's parent was line 9 of http.py when c1 wrote it.
    assert cand["evidence"] == [
        {
            "path": "headers.py",
            "lines": [10],
            "inducing_path": "http.py",
            "inducing_lines": [9],
            "reason": "changed",
        }
    ]
    assert not (s.repo.path / ".netgain").exists()  # --no-store wrote nothing


def test_text_output_and_unknown_fix(tmp_path: Path) -> None:
    s = comment_changes(tmp_path / "r")
    text = netgain("szz", "HEAD", "--no-store", cwd=s.repo.path).stdout
    assert s.commits["c2"][:12] in text and "price.py: lines 4 [changed]" in text
    bad = netgain("szz", "nosuchrev", cwd=s.repo.path, check=False)
    assert bad.returncode == 2 and "'nosuchrev' does not name a commit" in bad.stderr
    opt = netgain("szz", "--variant", "x", "HEAD", cwd=s.repo.path, check=False)
    assert opt.returncode == 2 and "unknown SZZ variant" in opt.stderr


def test_store_replaces_a_rerun_and_keeps_variants_apart(tmp_path: Path, store_url: str) -> None:
    s = comment_changes(tmp_path / "r")
    engine = open_store(store_url)
    for _ in range(2):  # the second run must replace, not duplicate
        for variant in ("b", "netgain"):
            results = find_inducing(s.repo.path, [s.fix], variant)
            with Session(engine) as session, session.begin():
                repo_id = get_repository(session, s.repo.path, False).id
                store_results(session, repo_id, results)
    with Session(engine) as session:
        runs = session.scalars(select(SzzRun).order_by(SzzRun.variant)).all()
        links = session.scalars(select(SzzLink).order_by(SzzLink.variant, SzzLink.path)).all()
    assert [(r.variant, r.candidates) for r in runs] == [("b", 2), ("netgain", 1)]
    got = {(x.variant, x.inducing_sha, x.path, tuple(x.lines)) for x in links}
    c1, c2 = s.commits["c1"], s.commits["c2"]
    assert got == {
        ("b", c1, "fmt.js", (3,)),
        ("b", c1, "price.py", (2,)),
        ("b", c2, "fmt.js", (6,)),
        ("b", c2, "price.py", (4,)),
        ("netgain", c2, "fmt.js", (6,)),
        ("netgain", c2, "price.py", (4,)),
    }
    engine.dispose()
