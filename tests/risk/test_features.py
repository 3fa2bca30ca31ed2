"""Kamei metrics hand-computed on small real repositories, read back through the store."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from netgain.history import ingest_repository
from netgain.risk.data import load_changes
from netgain.risk.features import FEATURES, as_dict, extract
from netgain.store.engine import open_store
from tests.gitrepo import BASE_EPOCH, GitRepo
from tests.history.conftest import netgain_json

DAY = 86_400
ADA = ("Ada Lovelace", "ada@example.com")
GRACE = ("Grace Hopper", "Grace@Example.com")


def _lines(n: int, tag: str = "l") -> str:
    return "".join(f"{tag}{i}\n" for i in range(n))


@pytest.fixture
def repo(tmp_path: Path) -> tuple[GitRepo, list[str]]:
    r = GitRepo(tmp_path / "r")
    c1 = r.commit(
        {"a/x.py": _lines(3), "b.py": _lines(2)}, "Add x and b", author=ADA, date=BASE_EPOCH
    )
    # x.py: line 0 replaced (+1 -1); a/y.py new with 4 lines
    c2 = r.commit(
        {"a/x.py": "new0\nl1\nl2\n", "a/y.py": _lines(4)},
        "Fix crash in x",
        author=GRACE,
        date=BASE_EPOCH + DAY,
    )
    # x.py +2 lines; b.py -1 line
    c3 = r.commit(
        {"a/x.py": "new0\nl1\nl2\nm1\nm2\n", "b.py": "l0\n"},
        "Extend x",
        author=ADA,
        date=BASE_EPOCH + 3 * DAY,
    )
    return r, [c1, c2, c3]


def _features(root: Path, tmp_path: Path) -> dict[str, dict[str, float]]:
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    report = ingest_repository(root, engine, revs=["HEAD"])
    changes = load_changes(engine, report.repository_id)
    engine.dispose()
    return {c.sha: as_dict(row) for c, row in extract(changes)}


def test_first_commit_has_no_history(repo: tuple[GitRepo, list[str]], tmp_path: Path) -> None:
    r, (c1, _c2, _c3) = repo
    f = _features(r.path, tmp_path)[c1]
    assert (f["ns"], f["nd"], f["nf"], f["la"], f["ld"]) == (2, 2, 2, 5, 0)
    assert f["entropy"] == pytest.approx(-(0.6 * math.log2(0.6) + 0.4 * math.log2(0.4)))
    assert (f["lt"], f["ndev"], f["age"], f["nuc"], f["exp"], f["sexp"]) == (0, 0, 0, 0, 0, 0)
    assert f["fix"] == 0 and f["familiarity"] == 1.0


def test_second_commit_sees_the_first(repo: tuple[GitRepo, list[str]], tmp_path: Path) -> None:
    r, (_c1, c2, _c3) = repo
    f = _features(r.path, tmp_path)[c2]
    assert (f["ns"], f["nd"], f["nf"], f["la"], f["ld"]) == (1, 1, 2, 5, 1)
    assert f["fix"] == 1
    assert f["lt"] == 3  # x.py had 3 lines, y.py did not exist
    assert f["ndev"] == 1 and f["nuc"] == 1 and f["age"] == pytest.approx(1.0)
    assert f["exp"] == 0 and f["familiarity"] == 0.0  # Grace never touched x.py


def test_third_commit_all_metrics(repo: tuple[GitRepo, list[str]], tmp_path: Path) -> None:
    r, (_c1, _c2, c3) = repo
    f = _features(r.path, tmp_path)[c3]
    expected = {
        "ns": 2,  # a/ and the root
        "nd": 2,
        "nf": 2,
        "entropy": -(2 / 3 * math.log2(2 / 3) + 1 / 3 * math.log2(1 / 3)),
        "la": 2,
        "ld": 1,
        "lt": 5,  # x.py 3 lines + b.py 2 lines before the change
        "fix": 0,
        "ndev": 2,  # Ada and Grace (e-mail compared case-insensitively)
        "age": 2.5,  # x.py last changed 2 days ago, b.py 3 days ago
        "nuc": 2,  # x.py last changed by c2, b.py by c1
        "exp": 1,
        "rexp": 1.0,
        "sexp": 2,  # Ada's c1 touched both subsystems
        "ai_share": 0.0,
        "ai_tool": 0,
        "familiarity": 1.0,
        "tests": 0,
        "la_code": 2,  # x.py and b.py are code
        "ld_code": 1,
        "la_test": 0,
        "ld_test": 0,
        "la_other": 0,
        "ld_other": 0,
        # the in-memory pass here gets no API families, zones, scan or coverage: all unknown
        "api_new": 0,
        "api_familiarity": 0,
        "api_unknown": 1,
        "zones": 0,
        "zones_unknown": 1,
        "findings": 0,
        "findings_unknown": 1,
        "coverage": 0,
        "coverage_unknown": 1,
    }
    assert set(expected) == set(FEATURES)
    assert f == pytest.approx(expected)


def test_rename_keeps_file_state(tmp_path: Path) -> None:
    r = GitRepo(tmp_path / "r")
    r.commit({"src/old.py": _lines(10)}, "Add", author=ADA, date=BASE_EPOCH)
    r.git("mv", "src/old.py", "src/new.py")
    r.commit(None, "Rename", author=ADA, date=BASE_EPOCH + DAY)
    last = r.commit({"src/new.py": _lines(11)}, "Grow", author=GRACE, date=BASE_EPOCH + 2 * DAY)
    f = _features(r.path, tmp_path)[last]
    assert f["lt"] == 10 and f["ndev"] == 1 and f["age"] == pytest.approx(1.0)


def test_score_cli_reports_the_same_features(
    repo: tuple[GitRepo, list[str]], tmp_path: Path
) -> None:
    r, _ = repo
    out = netgain_json("risk", "score", "HEAD", cwd=r.path)
    assert out["features"]["lt"] == 5 and out["features"]["nuc"] == 2
    assert 0.0 <= out["risk"] <= 1.0 and out["tier"] in {"low", "medium", "high"}
    assert "default" in out["model"] and "no trained model" in out["notice"]


def test_size_and_test_counts_follow_each_paths_kind_when_paths_recur() -> None:
    """The extractor remembers each path's kind; every commit's counts still follow path_kind.

    Paths recur with different line counts, a path is renamed into a test folder, and test,
    code and other files mix in one commit: the size-by-kind and test-count features must equal
    what path_kind and TEST_PATH give for that commit alone.
    """
    from netgain.risk.features import SIZE_BY_KIND, ChangeRecord, FeatureExtractor, FileTouch
    from netgain.risk.paths import TEST_PATH, path_kind

    changes = [
        [FileTouch("src/app.py", 10, 0), FileTouch("README.md", 3, 1)],
        [FileTouch("src/app.py", 2, 5), FileTouch("tests/test_app.py", 7, 0)],
        [FileTouch("tests/test_app.py", 1, 1), FileTouch("docs/conf.py", 4, 0)],
        [FileTouch("tests/app.py", 0, 0, old_path="src/app.py"), FileTouch("README.md", 0, 2)],
        [FileTouch("src/app.py", 5, None), FileTouch("img.png", None, None)],
    ]
    extractor = FeatureExtractor()
    for number, files in enumerate(changes):
        change = ChangeRecord(f"{number:040d}", "a@x", 1_700_000_000.0 + number, "m", files)
        row = as_dict(extractor.push(change))
        expected = dict.fromkeys(SIZE_BY_KIND, 0.0)
        for f in files:
            kind = path_kind(f.path)
            expected[f"la_{kind}"] += f.added or 0
            expected[f"ld_{kind}"] += f.deleted or 0
        assert {name: row[name] for name in SIZE_BY_KIND} == expected, number
        assert row["tests"] == sum(1 for f in files if TEST_PATH.search(f.path)), number
