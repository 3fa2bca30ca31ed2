"""Opening the store: engine creation, connection tuning and schema migration to the latest revision."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from netgain.errors import UsageError

MIGRATIONS = str(Path(__file__).with_name("migrations"))
VERSIONS = Path(MIGRATIONS) / "versions"


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
    # WAL lets readers run beside an ingest; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


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
        return engine
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True)


def upgrade(engine: Engine) -> None:
    """Bring the schema to the latest Alembic revision (a no-op when already current)."""
    if _current_revision(engine) == _head_revision():
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", MIGRATIONS)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


def open_store(url: str) -> Engine:
    """Create the engine and migrate; database errors become a clear usage error."""
    engine = create_store_engine(url)
    try:
        upgrade(engine)
    except OperationalError as exc:
        raise UsageError(f"cannot open database {engine.url!r}: {exc.orig}") from exc
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
