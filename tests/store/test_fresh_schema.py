"""A new SQLite store is created from the models and stamped at head: the same schema as the
migrations build, and the migrations still work on it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, inspect

from netgain.store.engine import MIGRATIONS, _head_revision, open_store


def _migrated(path: Path, revision: str = "head") -> None:
    """A store built the slow way: every migration up to `revision` replayed by Alembic."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(_config(conn), revision)
    engine.dispose()


def _config(conn: object) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", MIGRATIONS)
    cfg.attributes["connection"] = conn
    return cfg


def _schema(path: Path) -> dict[tuple[str, str], frozenset[str]]:
    """Every object of sqlite_master: its statement as a set of lines (column and constraint
    definitions, trailing commas and blanks off). Sets because `create_all` puts a table's
    unique constraint before its foreign keys and the migrations after: the only difference."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    return {
        (kind, name): frozenset(
            line.strip().rstrip(",").strip() for line in (sql or "").split("\n")
        )
        for kind, name, sql in rows
    }


def test_a_new_store_has_the_schema_the_migrations_build(tmp_path: Path) -> None:
    _migrated(tmp_path / "migrated.db")
    open_store(f"sqlite:///{tmp_path / 'created.db'}").dispose()
    migrated, created = _schema(tmp_path / "migrated.db"), _schema(tmp_path / "created.db")
    assert len(migrated) > 40  # tables, indexes, the version table
    assert created == migrated
    for path in (tmp_path / "migrated.db", tmp_path / "created.db"):
        with sqlite3.connect(path) as conn:
            assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
                (_head_revision(),)
            ]


def test_the_created_store_migrates_down_and_up(tmp_path: Path) -> None:
    """A later migration runs on a created store as on a migrated one: down to the first
    revision and back up gives the same schema again."""
    path = tmp_path / "created.db"
    engine = open_store(f"sqlite:///{path}")
    before = _schema(path)
    with engine.begin() as conn:
        command.downgrade(_config(conn), "0001")
        assert "risk_features" not in inspect(conn).get_table_names()
        command.upgrade(_config(conn), "head")
    engine.dispose()
    assert _schema(path) == before


def test_a_file_with_tables_is_migrated_not_created(tmp_path: Path) -> None:
    """Only a file holding nothing is created from the models: a store at an older revision
    goes through the migrations (its rows stay)."""
    path = tmp_path / "old.db"
    _migrated(path, "0002")
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO repositories (root_path, created_at, shallow) "
            "VALUES ('/r', '2026-01-01 00:00:00', 0)"
        )
    engine.dispose()
    open_store(f"sqlite:///{path}").dispose()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT root_path FROM repositories").fetchall() == [("/r",)]
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (_head_revision(),)
        ]
    _migrated(tmp_path / "migrated.db")
    assert _schema(path) == _schema(tmp_path / "migrated.db")


def test_creating_a_new_store_does_not_import_alembic(tmp_path: Path) -> None:
    code = (
        "import sys; from netgain.store.engine import open_store; "
        f"open_store('sqlite:///{tmp_path / 'n.db'}').dispose(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
