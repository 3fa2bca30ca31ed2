"""Old delivery ids and finished jobs are cleaned up; recent ones stay (deduplication holds)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from netgain.service.intake import prune_deliveries
from netgain.service.queue import PRUNE, build_procrastinate
from netgain.service.tables import create_tables, deliveries
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
