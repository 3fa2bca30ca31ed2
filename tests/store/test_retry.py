"""Store failures are recognised from real errors, and transient ones run the transaction again."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Connection, Engine, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from netgain.store.engine import open_store
from netgain.store.failures import Failure, StoreName, classify, describe, store_failure
from netgain.store.models import Repository
from netgain.store.retry import retrying


def _raised(action: Callable[[], object]) -> BaseException:
    try:
        action()
    except Exception as exc:
        return exc
    raise AssertionError("expected an error")


def test_sqlite_errors_are_classified(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    first = sqlite3.connect(db, timeout=0, isolation_level=None)
    first.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)")
    first.execute("BEGIN IMMEDIATE")
    second = sqlite3.connect(db, timeout=0, isolation_level=None)
    assert classify(_raised(lambda: second.execute("BEGIN IMMEDIATE"))) is Failure.BUSY
    first.execute("INSERT INTO t VALUES (1)")
    first.execute("COMMIT")
    dup = _raised(lambda: first.execute("INSERT INTO t VALUES (1)"))
    assert classify(dup) is Failure.CONFLICT
    reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    assert (
        classify(_raised(lambda: reader.execute("INSERT INTO t VALUES (2)"))) is Failure.READ_ONLY
    )
    for conn in (first, second, reader):
        conn.close()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 300)
    broken = sqlite3.connect(junk)
    error = _raised(lambda: broken.execute("SELECT * FROM sqlite_master"))
    assert classify(error) is Failure.CORRUPT
    message = str(describe(error, StoreName(str(junk), junk)))
    assert str(junk) in message and "does not start with an SQLite header" in message


def _repositories(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Repository)).scalar_one())


def _add_repository(conn: Connection, path: str) -> None:
    conn.execute(
        insert(Repository).values(root_path=path, created_at=datetime.now(UTC), shallow=False)
    )


@pytest.mark.postgres
def test_a_transaction_cut_off_by_the_server_is_run_again(postgres_url: str) -> None:
    engine = open_store(postgres_url)
    admin = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    attempts: list[int] = []

    def work() -> int:
        with engine.begin() as conn:
            attempts.append(1)
            _add_repository(conn, "/repo")
            if len(attempts) == 1:  # the server ends this session before it commits
                pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
                with psycopg.connect(admin, autocommit=True) as other:
                    other.execute("SELECT pg_terminate_backend(%s)", (pid,))
            conn.execute(text("SELECT 1"))
        return len(attempts)

    assert retrying(work) == 2
    assert _repositories(engine) == 1  # the cut attempt was rolled back, the retry committed
    engine.dispose()


def test_unique_races_are_retried_only_when_asked(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 's.db'}")
    with engine.begin() as conn:
        _add_repository(conn, "/taken")
    paths = iter(["/taken", "/free"])

    def work() -> None:
        with engine.begin() as conn:
            _add_repository(conn, next(paths))

    with pytest.raises(IntegrityError):
        retrying(work)
    paths = iter(["/taken", "/free"])
    retrying(work, conflicts=True)
    assert _repositories(engine) == 2
    engine.dispose()


def test_the_cli_keeps_tracebacks_for_errors_that_are_no_store_failure(tmp_path: Path) -> None:
    """A bad statement or an unretried key race is a bug in netgain: no friendly message."""
    engine = open_store(f"sqlite:///{tmp_path / 's.db'}")
    with engine.connect() as conn:
        bug = _raised(lambda: conn.execute(text("SELEC 1")))
    assert store_failure(bug) is None
    with engine.begin() as conn:
        _add_repository(conn, "/r")
    race = _raised(lambda: retrying(lambda: _add_repository_now(engine, "/r")))
    assert classify(race) is Failure.CONFLICT and store_failure(race) is None
    engine.dispose()


def _add_repository_now(engine: Engine, path: str) -> None:
    with engine.begin() as conn:
        _add_repository(conn, path)
