"""Forgetting a repository the installation lost: its store history, decisions and mirror.

Removing a repository from the app (or uninstalling the app) withdraws netgain's access, so
nothing about it may stay behind to go stale in the organisation's figures: the store's
`repositories` row is deleted and every history table follows through its `ON DELETE CASCADE`
key (commits, attributions, SZZ links, risk features, pull requests, findings, ...). The
service's own rows for it go too (decision documents, remembered check-run and comment ids),
then the mirror. Other repositories' rows are untouched: every deletion is keyed by this
repository. Re-adding the repository backfills it from scratch.
"""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, delete, or_, select

from netgain.errors import NetgainError
from netgain.service.tables import commit_rollups, decisions, github_ids, rollup_state
from netgain.store.models import Repository


@dataclass(frozen=True, slots=True)
class Forgotten:
    histories: int  # rows of `repositories` (with their cascaded history)
    decisions: int
    github_ids: int


def store_keys(mirror: Path) -> set[str]:
    """The `root_path` values an ingest of this mirror stored: git's absolute git dir (what
    `open_workspace` keys on) while the mirror exists, and its resolved path in any case."""
    from netgain.git.repo import repo_root

    keys = {str(mirror.resolve())}
    if mirror.is_dir():
        with contextlib.suppress(NetgainError):  # a broken mirror: the resolved path is all
            keys.add(str(repo_root(mirror)))
    return keys


def forget_stored(engine: Engine, repository: str, keys: set[str]) -> Forgotten:
    """Delete the repository's history (store rows under `keys`) and service rows, in one
    transaction: a crash leaves either all of it or none (the job is then retried)."""
    with engine.begin() as conn:
        ids = select(Repository.id).where(Repository.root_path.in_(keys))
        conn.execute(commit_rollups.delete().where(commit_rollups.c.repository_id.in_(ids)))
        conn.execute(rollup_state.delete().where(rollup_state.c.repository_id.in_(ids)))
        histories = conn.execute(delete(Repository).where(Repository.root_path.in_(keys)))
        decided = conn.execute(decisions.delete().where(decisions.c.repository == repository))
        remembered = conn.execute(
            github_ids.delete().where(
                or_(
                    github_ids.c.key.startswith(f"{repository}@", autoescape=True),
                    github_ids.c.key.startswith(f"{repository}#", autoescape=True),
                )
            )
        )
    return Forgotten(int(histories.rowcount), int(decided.rowcount), int(remembered.rowcount))


def forget_repository(engine: Engine, mirrors: Path, repository: str) -> Forgotten:
    """Forget everything stored about `repository`, then delete its mirror."""
    from netgain.service.mirror import mirror_path

    path = mirror_path(mirrors, repository)
    forgotten = forget_stored(engine, repository, store_keys(path))
    shutil.rmtree(path, ignore_errors=True)
    return forgotten
