"""Insert rows whose natural key may already be stored: a redelivered event changes nothing.

`INSERT ... ON CONFLICT DO NOTHING` on both SQLite and PostgreSQL, so two copies of one event
arriving at once serialise on the unique key instead of failing a transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def insert_new(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> int:
    """Insert the rows not stored yet; returns how many were new."""
    if not rows:
        return 0
    if conn.dialect.name == "postgresql":
        stmt: Any = postgresql.insert(table).on_conflict_do_nothing()
    elif conn.dialect.name == "sqlite":
        stmt = sqlite.insert(table).on_conflict_do_nothing()
    else:  # pragma: no cover - the service runs on these two
        raise RuntimeError(f"unsupported database {conn.dialect.name}")
    # RETURNING, not rowcount: psycopg reports -1 for an INSERT .. ON CONFLICT here
    key = next(iter(table.primary_key.columns))
    stmt = stmt.returning(key)
    return sum(len(conn.execute(stmt.values(**row)).all()) for row in rows)
