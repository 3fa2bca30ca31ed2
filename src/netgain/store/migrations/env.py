"""Alembic environment: runs migrations on the connection netgain hands over (never a global URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import netgain.store.finding_models
import netgain.store.metrics_models
import netgain.store.outcome_models
import netgain.store.risk_models  # noqa: F401
from netgain.store.models import Base

target_metadata = Base.metadata


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs batch ALTERs
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("netgain migrations run through netgain.store.engine.open_store()")
run_migrations(connection)
