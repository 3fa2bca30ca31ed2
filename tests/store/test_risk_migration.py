"""Migrations 0003-0004 (risk features) go up and down on both backends; deletes cascade."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.config import Config
from sqlalchemy import func, insert, inspect, select

from netgain.store.engine import MIGRATIONS, open_store
from netgain.store.models import Commit, Repository
from netgain.store.risk_models import RiskFeatures

RISK_TABLES = {
    "risk_features",
    "risk_feature_state",
    "risk_evaluations",
    "risk_feature_snapshots",
}


def _config(conn: object) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", MIGRATIONS)
    cfg.attributes["connection"] = conn
    return cfg


def test_downgrade_to_0002_and_back(store_url: str) -> None:
    engine = open_store(store_url)
    assert set(inspect(engine).get_table_names()) >= RISK_TABLES
    with engine.begin() as conn:
        command.downgrade(_config(conn), "0002")
    assert not RISK_TABLES & set(inspect(engine).get_table_names())
    with engine.begin() as conn:
        command.upgrade(_config(conn), "head")
    assert set(inspect(engine).get_table_names()) >= RISK_TABLES
    engine.dispose()


def test_deleting_a_repository_deletes_its_vectors(store_url: str) -> None:
    engine = open_store(store_url)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        rid = conn.execute(
            insert(Repository).values(root_path="/r", created_at=now, shallow=False)
        ).inserted_primary_key[0]
        cid = conn.execute(
            insert(Commit).values(
                repository_id=rid,
                sha="a" * 40,
                parents="",
                author_name="a",
                author_email="a@x",
                author_date=now,
                committer_name="a",
                committer_email="a@x",
                committer_date=now,
                subject="s",
                message="s",
                trailers=[],
                is_merge=False,
                lines_added=0,
                lines_deleted=0,
                files_changed=0,
            )
        ).inserted_primary_key[0]
        conn.execute(
            insert(RiskFeatures).values(commit_id=cid, repository_id=rid, vector=b"\0" * 8)
        )
    with engine.begin() as conn:
        conn.execute(Repository.__table__.delete())  # type: ignore[attr-defined]
        left = conn.execute(select(func.count()).select_from(RiskFeatures)).scalar_one()
    assert left == 0
    engine.dispose()
