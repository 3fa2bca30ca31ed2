"""netgain.store.bulk stores exactly what SQLAlchemy's Core insert stores, and skips known keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Table, insert, select, text

from netgain.store import bulk
from netgain.store.engine import open_store
from netgain.store.models import Commit, Repository


def _row(sha: str, when: datetime) -> dict[str, Any]:
    return {
        "repository_id": 1,
        "sha": sha,
        "parents": "",
        "author_name": "Ann é",
        "author_email": "ann@example.com",
        "author_date": when,
        "committer_name": "Ann",
        "committer_email": "ann@example.com",
        "committer_date": when,
        "subject": "s",
        "message": "s\n\nbody ü",
        "trailers": [] if sha.endswith("1") else [["Co-authored-by", "Claude <x@y>"]],
        "is_merge": sha.endswith("1"),
        "lines_added": 3,
        "lines_deleted": 0,
        "files_changed": 1,
    }


def test_bulk_rows_equal_core_rows(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path}/s.db")
    table: Table = Commit.__table__  # type: ignore[assignment]
    dates = [
        datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
        datetime(1999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=5))).astimezone(UTC),
    ]
    with engine.begin() as conn:
        conn.execute(insert(Repository).values(id=1, root_path="/r", created_at=dates[0]))
        conn.execute(insert(table), [_row(f"core{i}", d) for i, d in enumerate(dates)])
        got = bulk.insert_new_returning(
            conn, table, [_row(f"bulk{i}", d) for i, d in enumerate(dates)], ("sha", "id")
        )
        assert sorted(sha for sha, _id in got) == ["bulk0", "bulk1"]
        raw = conn.execute(text("SELECT * FROM commits ORDER BY id")).all()
    core, fast = raw[:2], raw[2:]
    for a, b in zip(core, fast, strict=True):
        assert a[1] == b[1]
        assert a[3:] == b[3:]  # every column after sha, as stored (dates, JSON, booleans)


def test_insert_new_returning_skips_stored_keys(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path}/s.db")
    table: Table = Commit.__table__  # type: ignore[assignment]
    when = datetime(2024, 1, 2, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(insert(Repository).values(id=1, root_path="/r", created_at=when))
        first = bulk.insert_new_returning(conn, table, [_row("a", when)], ("sha", "id"))
        again = bulk.insert_new_returning(
            conn, table, [_row("a", when), _row("b", when)], ("sha", "id")
        )
        stored = conn.execute(select(table.c.sha).order_by(table.c.id)).scalars().all()
    assert [sha for sha, _ in first] == ["a"]
    assert [sha for sha, _ in again] == ["b"]
    assert stored == ["a", "b"]


def test_datetime_text_matches_sqlalchemy() -> None:
    from sqlalchemy.dialects.sqlite import DATETIME, dialect

    reference = DATETIME().bind_processor(dialect())
    assert reference is not None
    for when in [
        datetime(1, 1, 1),
        datetime(999, 2, 3, 4, 5, 6, tzinfo=UTC),
        datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=-3))),
        datetime(9999, 12, 31, 23, 59, 59, 999999),
    ]:
        assert bulk._sqlite_datetime(when) == reference(when)


def test_json_text_matches_sqlalchemy() -> None:
    """Empty lists and dicts skip json.dumps, and get exactly the text SQLAlchemy gives them."""
    from sqlalchemy import JSON
    from sqlalchemy.dialects.sqlite import dialect

    sqlite = dialect()
    impl = JSON().dialect_impl(sqlite)
    reference = impl.bind_processor(sqlite)
    fast = bulk._processor(impl, sqlite)
    assert reference is not None and fast is not None
    for value in ([], {}, [1, "é"], {"a": [1]}, [[]], None, 0, "", ()):
        assert fast(value) == reference(value), value
