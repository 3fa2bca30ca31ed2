"""Bulk inserts on SQLite without SQLAlchemy's per-row parameter processing.

Why: an ingest writes tens of thousands of commit, file-change and attribution rows, and Core's
`executemany` spent more time per row building parameter dictionaries and formatting each
DateTime (`construct_params`, the DATETIME bind processor) than SQLite spent storing it. Here each
column's bind processor is looked up once, values are converted in one pass into positional
tuples, and the statement goes through `Connection.exec_driver_sql`: the same connection and
transaction, and a failure is wrapped by SQLAlchemy (so netgain.store.retry classifies and
retries it exactly as before). The stored values are the ones the bind processors produce; a
DateTime uses an equivalent formatter, checked against SQLAlchemy's at first use; an empty JSON
list or dict gets the text SQLAlchemy's own processor gave for it once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Connection, DateTime, Table
from sqlalchemy.engine import Dialect

Processor = Callable[[Any], Any]

# Parameters per statement: SQLite >= 3.32 allows 32766; multi-row VALUES stays well below it.
_MAX_PARAMS = 30_000
_PROBE = datetime(2001, 2, 3, 4, 5, 6, 78, tzinfo=UTC)


def _sqlite_datetime(value: datetime | None) -> str | None:
    """SQLAlchemy's default SQLite DATETIME storage format, without its per-call dict."""
    if value is None:
        return None
    # isoformat pads the year to 4 digits and, with "microseconds", always prints 6 of them.
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def _json_empty_first(processor: Processor) -> Processor:
    """`processor` for a JSON column, answering empty lists and dicts without serialising.

    Most commits carry no AI evidence: their tools, models, evidence and line map are empty,
    and one `json.dumps` call per empty value was a fifth of the batch write.
    """
    empty: dict[type, Any] = {list: processor([]), dict: processor({})}

    def process(value: Any) -> Any:
        if not value:
            text = empty.get(type(value))
            if text is not None:
                return text
        return processor(value)

    return process


def _processor(column_type: Any, dialect: Dialect) -> Processor | None:
    processor: Processor | None = column_type.bind_processor(dialect)
    if processor is None:
        return None
    if isinstance(column_type, DateTime) and processor(_PROBE) == _sqlite_datetime(_PROBE):
        return _sqlite_datetime  # same text, a fraction of the cost
    if isinstance(column_type, JSON):
        return _json_empty_first(processor)
    return processor


@cache
def _processors(
    table: Table, columns: tuple[str, ...], dialect: Dialect
) -> tuple[tuple[int, Processor], ...]:
    """(position, processor) of the columns whose values need converting; the rest go as is."""
    out: list[tuple[int, Processor]] = []
    for position, name in enumerate(columns):
        impl = table.c[name].type.dialect_impl(dialect)
        processor = _processor(impl, dialect)
        if processor is not None:
            out.append((position, processor))
    return tuple(out)


def _tuples(
    conn: Connection, table: Table, columns: tuple[str, ...], rows: Sequence[Mapping[str, Any]]
) -> list[tuple[Any, ...]]:
    """Each row's values in `columns` order, converted; most columns (ids, text, counts) need
    no conversion, so values are taken with one itemgetter call and only the others touched."""
    procs = _processors(table, columns, conn.dialect)
    if len(columns) == 1:
        name = columns[0]
        one = procs[0][1] if procs else None
        return [(row[name] if one is None else one(row[name]),) for row in rows]
    take = itemgetter(*columns)
    if not procs:
        return [take(row) for row in rows]
    out: list[tuple[Any, ...]] = []
    for row in rows:
        values = list(take(row))
        for position, processor in procs:
            values[position] = processor(values[position])
        out.append(tuple(values))
    return out


def _head(conn: Connection, table: Table, columns: tuple[str, ...]) -> str:
    quote = conn.dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    # Identifiers come from the schema (quoted), values are always bound parameters.
    return f"INSERT INTO {quote(table.name)} ({names}) VALUES "  # noqa: S608


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT every row (all with the same keys) with one executemany; SQLite only."""
    if not rows:
        return
    columns = tuple(rows[0])
    marks = "(" + ", ".join("?" for _ in columns) + ")"
    conn.exec_driver_sql(_head(conn, table, columns) + marks, _tuples(conn, table, columns, rows))


def insert_new_returning(
    conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]], returning: Sequence[str]
) -> list[tuple[Any, ...]]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING `returning`, many rows per statement.

    Returns one row per row this statement inserted (rows whose unique key is already stored
    return nothing), the same contract as netgain.store.insert.insert_new with RETURNING.
    SQLite only.
    """
    if not rows:
        return []
    columns = tuple(rows[0])
    values = _tuples(conn, table, columns, rows)
    quote = conn.dialect.identifier_preparer.quote
    tail = " ON CONFLICT DO NOTHING RETURNING " + ", ".join(quote(c) for c in returning)
    mark = "(" + ", ".join("?" for _ in columns) + ")"
    per = max(1, _MAX_PARAMS // len(columns))
    out: list[tuple[Any, ...]] = []
    for start in range(0, len(values), per):
        part = values[start : start + per]
        sql = _head(conn, table, columns) + ", ".join(mark for _ in part) + tail
        flat = tuple(v for row in part for v in row)
        out.extend(tuple(row) for row in conn.exec_driver_sql(sql, flat))
    return out
