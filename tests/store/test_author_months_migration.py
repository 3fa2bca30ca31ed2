"""Migration 0007 fills the per-author rollup of a store ingested before it existed, on both
backends, and the rollup goes with its repository."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import delete, func, inspect, select

from netgain.history.ingest import ingest_repository
from netgain.store import author_months
from netgain.store.engine import open_store
from netgain.store.models import Commit, Repository
from tests.gitrepo import GitRepo
from tests.store.test_risk_migration import _config

CLAUDE = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"


def _rows(conn: object) -> list[tuple[object, ...]]:
    return sorted(tuple(r) for r in conn.execute(select(author_months.TABLE)))  # type: ignore[attr-defined]


def test_upgrade_backfills_and_delete_cascades(store_url: str, tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit({"a.py": "A = 1\n"}, "feat: a")
    repo.commit({"b.py": "B = 1\n" * 3}, "feat: b" + CLAUDE, author=("Bo", "BO@x.example"))
    repo.commit({"a.py": "A = 2\n"}, "fix: a", date=1_709_251_200)  # 2024-03-01
    engine = open_store(store_url)
    ingest_repository(repo.path, engine)
    with engine.connect() as conn:
        kept = _rows(conn)
    assert sum(int(str(r[4])) for r in kept) == 3
    with engine.begin() as conn:
        command.downgrade(_config(conn), "0006")
    assert "author_months" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        command.upgrade(_config(conn), "head")
    with engine.connect() as conn:
        assert _rows(conn) == kept  # what ingest kept equals what the migration computes
        assert {r[1] for r in kept} == {"ada@example.com", "bo@x.example"}
    with engine.begin() as conn:
        conn.execute(delete(Repository))
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Commit)).scalar_one() == 0
        assert _rows(conn) == []
    engine.dispose()
