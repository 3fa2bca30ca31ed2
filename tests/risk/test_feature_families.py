"""API families, zones, findings and coverage: values and their "unknown" indicators."""

from __future__ import annotations

from pathlib import Path

import pytest

from netgain.history import ingest_repository
from netgain.risk.apis import families
from netgain.risk.feature_store import scoring_changes, stored_row, update_features
from netgain.risk.features import as_dict
from netgain.risk.service import change_row
from netgain.store.engine import open_store
from tests.gitrepo import BASE_EPOCH, GitRepo
from tests.history.conftest import netgain_json

DAY = 86_400
ADA = ("Ada Lovelace", "ada@example.com")
GRACE = ("Grace Hopper", "grace@example.com")
ZONES = '[zones.auth]\npaths = ["**/auth/**"]\n[zones.data]\npaths = ["**/db.py"]\n'
CONFIG = ZONES + "[risk]\napi_families = true\n"


def test_families_from_a_patch() -> None:
    patch = (
        b"diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1 +1,7 @@\n"
        b"-import removed\n"
        b"+import a.b as c, d\n"
        b"+from e.f import g\n"
        b"+from . import h\n"
        b"+from .rel import i\n"
        b"+    import indented\n"
        b"+# import commented\n"
        b"+x = 'import quoted'\n"
    )
    assert families(patch) == ("a", "d", "e", "indented")


@pytest.fixture
def repo(tmp_path: Path) -> tuple[GitRepo, list[str]]:
    r = GitRepo(tmp_path / "r")
    r.commit({"netgain.toml": CONFIG}, "config", author=ADA, date=BASE_EPOCH)
    shas = [
        r.commit(
            {"app/auth/login.py": "import os\nfrom sqlalchemy.orm import Session\n"},
            "login",
            author=ADA,
            date=BASE_EPOCH + DAY,
        ),
        r.commit(
            {"app/db.py": "import sqlite3\nimport os, json\nfrom . import auth\n"},
            "db",
            author=GRACE,
            date=BASE_EPOCH + 2 * DAY,
        ),
        r.commit(
            {
                "app/auth/tokens.py": "import jwt\nimport os\n",
                "app/db.py": "import sqlite3\nimport os, json\nfrom . import auth\nimport csv\n",
            },
            "tokens",
            author=ADA,
            date=BASE_EPOCH + 3 * DAY,
        ),
        r.commit({"docs/x.md": "words\n"}, "docs", author=ADA, date=BASE_EPOCH + 4 * DAY),
    ]
    return r, shas


def _stored(r: GitRepo, tmp_path: Path) -> dict[str, dict[str, float]]:
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    rid = ingest_repository(
        r.path, engine, revs=["HEAD"], after_write=update_features
    ).repository_id
    out = {}
    for sha in r.git("rev-list", "HEAD").split():
        row = stored_row(engine, rid, sha)
        assert row is not None
        out[sha] = as_dict(row)
    engine.dispose()
    return out


def test_api_families_and_zones_are_stored(repo: tuple[GitRepo, list[str]], tmp_path: Path) -> None:
    r, (login, db, tokens, docs) = repo
    f = _stored(r, tmp_path)
    pick = ("api_new", "api_familiarity", "api_unknown", "zones", "zones_unknown")
    assert [f[login][k] for k in pick] == [2, 0, 0, 1, 0]  # os, sqlalchemy; auth
    assert [f[db][k] for k in pick] == [3, 0, 0, 1, 0]  # sqlite3, os, json (not the relative)
    # jwt and csv are new to Ada, os is not: 2 of 3 new
    assert [f[tokens][k] for k in pick] == pytest.approx([2, 1 / 3, 0, 2, 0])
    assert [f[docs][k] for k in pick] == [0, 0, 1, 0, 0]  # no import line: unknown, not "none"
    for row in f.values():  # history has no per-commit scan or coverage report
        assert (row["findings_unknown"], row["coverage_unknown"]) == (1, 1)
        assert (row["findings"], row["coverage"]) == (0, 0)


def test_zone_change_recomputes_and_no_zones_is_unknown(
    repo: tuple[GitRepo, list[str]], tmp_path: Path
) -> None:
    r, (login, *_rest) = repo
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    rid = ingest_repository(
        r.path, engine, revs=["HEAD"], after_write=update_features
    ).repository_id
    (r.path / "netgain.toml").write_text("[risk]\napi_families = true\n", "utf-8")  # no zones
    update = update_features(engine, rid, r.path)
    assert update.reason.startswith("recomputed") and update.computed == 5
    row = stored_row(engine, rid, login)
    assert row is not None
    assert (as_dict(row)["zones"], as_dict(row)["zones_unknown"]) == (0, 1)
    assert as_dict(row)["api_new"] == 2  # API families kept, not read again
    engine.dispose()


def test_range_score_joins_families_and_takes_scan_and_coverage(
    repo: tuple[GitRepo, list[str]], tmp_path: Path
) -> None:
    r, (_login, db, tokens, _docs) = repo
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    rid = ingest_repository(
        r.path, engine, revs=["HEAD"], after_write=update_features
    ).repository_id
    changes, zones = scoring_changes(engine, rid, r.path)
    row, record = change_row(changes, {db, tokens}, zones, findings=2, coverage=0.5)
    f = as_dict(row)
    assert record.apis == ("csv", "json", "jwt", "os", "sqlite3")
    # against Ada (the newest commit's author) before the change: she imported os, sqlalchemy
    assert (f["api_new"], f["api_familiarity"]) == (4, pytest.approx(1 / 5))
    engine.dispose()
    assert (f["findings"], f["findings_unknown"], f["coverage"], f["coverage_unknown"]) == (
        2,
        0,
        0.5,
        0,
    )


def test_score_cli_shows_the_new_features(repo: tuple[GitRepo, list[str]]) -> None:
    r, _ = repo
    out = netgain_json("risk", "score", "HEAD~1", cwd=r.path)
    assert out["features"]["zones"] == 2 and out["features"]["api_unknown"] == 0


def test_api_families_are_off_by_default(repo: tuple[GitRepo, list[str]], tmp_path: Path) -> None:
    r, (login, *_rest) = repo
    (r.path / "netgain.toml").write_text(ZONES, "utf-8")  # no [risk] api_families
    f = _stored(r, tmp_path)[login]
    assert (f["api_new"], f["api_unknown"], f["zones"]) == (0, 1, 1)
