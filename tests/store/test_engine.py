"""The store opens, migrates idempotently, and its models match the latest migration."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from netgain.store.engine import open_store
from netgain.store.models import Base


def test_open_store_creates_every_table(store_url: str) -> None:
    engine = open_store(store_url)
    tables = set(inspect(engine).get_table_names())
    assert {"repositories", "commits", "file_changes", "attributions", "problems"} <= tables
    engine.dispose()


def test_upgrade_is_idempotent_and_models_match_migrations(store_url: str) -> None:
    open_store(store_url).dispose()
    engine = open_store(store_url)  # second open must be a no-op, not an error
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    engine.dispose()


def test_fast_head_lookup_agrees_with_alembic() -> None:
    """open_store() skips importing Alembic when current; that shortcut must see the real head."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from netgain.store.engine import MIGRATIONS, _head_revision

    cfg = Config()
    cfg.set_main_option("script_location", MIGRATIONS)
    assert _head_revision() == ScriptDirectory.from_config(cfg).get_current_head()
