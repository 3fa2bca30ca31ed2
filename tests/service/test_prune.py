"""Old delivery ids, decision documents and finished jobs are cleaned up; recent ones stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select

from netgain.service.housekeeping import prune_service_tables
from netgain.service.intake import prune_deliveries
from netgain.service.queue import PRUNE, build_procrastinate
from netgain.service.runtime import open_runtime
from netgain.service.settings import from_env
from netgain.service.tables import create_tables, decisions, deliveries
from netgain.store.engine import open_store


def test_delivery_ids_older_than_redelivery_are_forgotten(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'netgain.db'}")
    create_tables(engine)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        for name, age in (("old", 31), ("recent", 2)):
            conn.execute(
                deliveries.insert().values(
                    delivery_id=name, event="push", jobs=1, received_at=now - timedelta(days=age)
                )
            )
    assert prune_deliveries(engine, now) == 1
    with engine.connect() as conn:
        assert conn.execute(select(deliveries.c.delivery_id)).scalars().all() == ["recent"]
    engine.dispose()


def test_the_queue_cleans_itself_every_hour() -> None:
    app = build_procrastinate("postgresql://nobody@127.0.0.1:1/none", lambda _t, _a: "")
    assert PRUNE in app.tasks
    (periodic,) = [p for p in app.periodic_registry.periodic_tasks.values() if p.task.name == PRUNE]
    assert periodic.cron == "17 * * * *"


def _decision(age_days: int, head: str) -> dict[str, object]:
    return {
        "repository": "octo-org/payments",
        "number": 7,
        "head_sha": head,
        "verdict": "pass",
        "conclusion": "success",
        "document": {"verdict": "pass"},
        "created_at": datetime.now(UTC) - timedelta(days=age_days),
    }


def _heads(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(select(decisions.c.head_sha)).scalars())


def test_decisions_beyond_the_retention_setting_are_pruned(store_url: str) -> None:
    engine = open_store(store_url)
    create_tables(engine)
    with engine.begin() as conn:
        conn.execute(decisions.insert(), [_decision(120, "old"), _decision(10, "recent")])
    forever = from_env({"NETGAIN_KEEP_DECISIONS_DAYS": "0"})
    assert prune_service_tables(engine, forever).decisions == 0
    assert _heads(engine) == ["old", "recent"]
    ninety = from_env({"NETGAIN_KEEP_DECISIONS_DAYS": "90"})
    assert prune_service_tables(engine, ninety).decisions == 1
    assert _heads(engine) == ["recent"]
    engine.dispose()


def test_the_embedded_service_runs_the_housekeeping_at_start(tmp_path: Path) -> None:
    settings = from_env(
        {"NETGAIN_SERVICE_DIR": str(tmp_path / "svc"), "NETGAIN_KEEP_DECISIONS_DAYS": "30"}
    )
    runtime = open_runtime(settings)
    engine = runtime.ctx.engine
    with engine.begin() as conn:
        conn.execute(decisions.insert(), [_decision(45, "old"), _decision(1, "recent")])
    runtime.queue.start()
    runtime.queue.stop()
    assert _heads(engine) == ["recent"]
    runtime.ctx.close()
