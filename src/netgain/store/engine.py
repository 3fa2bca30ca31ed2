"""Opening the store: engine creation, connection tuning and schema migration to the latest revision.

Several netgain processes (CI jobs, `check`, `szz`, `risk train`) may use one store at once, so:

- SQLite runs in WAL mode with a busy timeout, and every transaction starts with BEGIN IMMEDIATE,
  which takes the write lock up front. pysqlite's own deferred BEGIN takes it at the first write,
  and a transaction that read before it wrote then fails at once with "database is locked" when
  another process wrote in between (SQLite cannot upgrade a stale snapshot; the busy timeout does
  not help). A store that cannot be written (read-only file) falls back to a plain BEGIN, so that
  commands which only read still work and the first write reports the read-only store.
- Migrating a new or old store runs under a lock (SQLite's write lock, PostgreSQL's advisory
  lock) and re-reads the schema version inside it: the second of two processes that both found
  the schema missing finds it created instead of creating it again.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from netgain.errors import UsageError
from netgain.store.failures import Failure, StoreName, classify, describe, remember

MIGRATIONS = str(Path(__file__).with_name("migrations"))
VERSIONS = Path(MIGRATIONS) / "versions"
MIGRATION_LOCK = 0x6E657467  # PostgreSQL advisory lock key held while migrating ("netg")


def _head_revision() -> str:
    """The newest migration's id, read from file names (`NNNN_name.py`) without importing Alembic.

    Alembic takes a tenth of a second to import; every command opens the store, and the store is
    almost always current already.
    """
    return max(p.name.split("_", 1)[0] for p in VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))


def _current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    except (OperationalError, ProgrammingError):  # no table yet: a new database
        return None
    return str(row[0]) if row else None


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # The busy timeout first: switching a new file to WAL needs the lock another process may hold.
    # WAL: a commit appends to the log and, with synchronous=NORMAL, waits for no fsync (a crash
    # may lose the last commits, never consistency); foreign keys are off by default in SQLite.
    # isolation_level None: pysqlite emits no BEGIN of its own, `_begin_immediate` does.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _begin_immediate(connection: Connection) -> None:
    """Start every SQLite transaction holding the write lock (see the module docstring)."""
    raw = connection.connection.driver_connection
    if raw is None:  # pragma: no cover - a checked-out connection always has one
        return
    try:
        raw.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if classify(exc) is not Failure.READ_ONLY:
            raise OperationalError("BEGIN IMMEDIATE", None, exc) from exc
        raw.execute("BEGIN")


def store_name(url: URL) -> StoreName:
    """How messages name the store at `url`: the SQLite file, or the URL without password."""
    if url.drivername.startswith("sqlite") and url.database and url.database != ":memory:":
        path = Path(url.database).resolve()
        return StoreName(str(path), path)
    return StoreName(url.render_as_string(hide_password=True))


def create_store_engine(url: str) -> Engine:
    """An Engine for `url`; SQLite files get their directory created and WAL mode."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise UsageError(f"invalid database URL {url!r}: {exc}") from exc
    if parsed.drivername.startswith("sqlite"):
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _tune_sqlite)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True)


def upgrade(engine: Engine) -> None:
    """Bring the schema to the latest Alembic revision (a no-op when already current).

    Under the migration lock the version is read again: another process may have migrated
    while this one waited for the lock.
    """
    head = _head_revision()
    if _current_revision(engine) == head:
        return
    if engine.dialect.name == "sqlite" and _create_empty_sqlite(engine, head):
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", MIGRATIONS)
    with engine.begin() as connection:  # on SQLite, BEGIN IMMEDIATE: the write lock
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        if inspect(connection).has_table("alembic_version"):
            found = connection.execute(text("SELECT version_num FROM alembic_version")).first()
            if found is not None and found[0] == head:
                return
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


# What Alembic creates to record the revision, as it creates it on SQLite.
_VERSION_TABLE = (
    "CREATE TABLE alembic_version (\n\tversion_num VARCHAR(32) NOT NULL, \n"
    "\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)"
)


def _create_empty_sqlite(engine: Engine, head: str) -> bool:
    """Create an empty SQLite file's schema from the models and record it at `head`.

    Why: replaying every migration on a new store costs about 0.2 s of CPU (importing Alembic,
    its dialects and Mako, then each migration's DDL), serial before a first ingest reads a
    commit; `create_all` makes the same schema in 0.03 s (tests/store/test_fresh_schema.py
    proves the two equal, statement for statement up to the order of table constraints). Only
    for a file holding nothing at all, checked under the write lock: a store with any table
    goes through the migrations. False when the file was not empty.
    """
    import netgain.store.finding_models
    import netgain.store.metrics_models
    import netgain.store.outcome_models
    import netgain.store.risk_models  # noqa: F401 - their tables are in Base.metadata
    from netgain.store.models import Base

    with engine.begin() as connection:  # BEGIN IMMEDIATE: a racing process waits, then migrates
        if connection.exec_driver_sql("SELECT 1 FROM sqlite_master LIMIT 1").first() is not None:
            return False
        Base.metadata.create_all(connection)
        connection.exec_driver_sql(_VERSION_TABLE)
        connection.execute(
            text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": head}
        )
    return True


def open_store(url: str) -> Engine:
    """Create the engine and migrate; database errors become a clear error naming the store."""
    engine = create_store_engine(url)
    name = store_name(engine.url)
    remember(name)
    try:
        upgrade(engine)
    except DBAPIError as exc:
        engine.dispose()
        raise describe(exc, name) from exc
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
