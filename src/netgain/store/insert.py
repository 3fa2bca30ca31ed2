"""INSERT that skips rows whose unique key is already stored, on SQLite and PostgreSQL alike.

Why: two processes that ingest the same commits (two CI jobs on one store) must not fail on, or
duplicate, what the other wrote first. A check-then-insert leaves a window between the check and
the insert; ON CONFLICT DO NOTHING closes it in the database, and with RETURNING the caller
learns exactly which rows were its own.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import sqlite
from sqlalchemy.sql.dml import Insert


def insert_new(dialect: str, table: Table | Any) -> Insert:
    """`INSERT INTO table ... ON CONFLICT DO NOTHING` for the dialect named `dialect`.

    `table` is a Core Table or an ORM class. Raises ValueError for another database.
    The PostgreSQL dialect is imported on first use: it pulls in asyncio and ssl, about 40 ms
    that a command on a SQLite store (every `netgain ingest` by default) need not pay.
    """
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing()
    raise ValueError(f"netgain stores are SQLite or PostgreSQL, not {dialect}")
