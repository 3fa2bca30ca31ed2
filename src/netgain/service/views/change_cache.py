"""The stored commits of each repository, kept between runs of the documents job so that a run
reads only the commits ingested since the previous one.

Why: the job (`netgain.service.stored_documents`) runs after every ingest of any repository of
the organisation and used to read every commit of every repository again: minutes at a million
commits, though one repository had gained a few. Commits, their attribution and their files are
written together by ingest and never rewritten (`netgain.history.ingest`), so the rows read
before stay true; only rows with a higher store id can be new.

Entries are per store (its URL) and repository. The cache is checked before it is trusted: the
repository row must be the same one (a forgotten
and re-added repository is a new row with a new creation time, even where SQLite reuses its id),
and the number of stored non-merge commits must equal the rows kept plus those just read. A
commit that committed with a lower id after the last read (two ingests of one repository at once
on PostgreSQL) or any deletion breaks that count, and the repository is read again whole.
Feature flags and the bot rule are applied anew on every load, since they can change without a
commit. What it holds is bounded (`limit` rows): least recently used repositories go first.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from netgain.metrics.collect import ChangeRow, build_changes, change_rows, feature_commits
from netgain.metrics.config import MetricsConfig
from netgain.metrics.inputs import Change
from netgain.store.models import Commit, Repository

# Rows kept in all: a row is one commit, about 700 bytes in memory with three paths (its sha,
# identity, date and paths), so the default holds about 700 MB at most; 0 keeps nothing.
LIMIT = int(os.environ.get("NETGAIN_DOCUMENTS_CACHE_ROWS", "1000000"))


@dataclass
class _Kept:
    created_at: datetime
    rows: list[ChangeRow] = field(default_factory=list)
    last_id: int = 0


class ChangeCache:
    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self._kept: OrderedDict[tuple[str, int], _Kept] = OrderedDict()
        self._lock = threading.Lock()
        self.rows_read = 0  # rows read from the store, for the benchmark and the tests

    def load(self, engine: Engine, repository_id: int, config: MetricsConfig) -> list[Change]:
        """`netgain.metrics.collect.load_changes`, reading only what is new since last time."""
        key = (engine.url.render_as_string(hide_password=True), repository_id)
        with Session(engine) as session:
            created = session.scalar(
                select(Repository.created_at).where(Repository.id == repository_id)
            )
            with self._lock:
                kept = self._kept.pop(key, None)
            if kept is None or created is None or kept.created_at != created:
                kept = _Kept(created) if created is not None else None
            if kept is not None:
                new = change_rows(session, repository_id, kept.last_id)
                stored = session.scalar(
                    select(func.count()).where(
                        Commit.repository_id == repository_id, Commit.is_merge.is_(False)
                    )
                )
                if stored != len(kept.rows) + len(new):  # something else changed: read all
                    kept = _Kept(kept.created_at)
                    new = change_rows(session, repository_id)
                self.rows_read += len(new)
                kept.rows.extend(new)
                kept.last_id = max((r[0] for r in kept.rows), default=0)
                rows = list(kept.rows)
            else:  # a repository row that is gone: nothing to keep
                rows = change_rows(session, repository_id)
            features = feature_commits(session, repository_id)
        if kept is not None:
            self._keep(key, kept)
        return build_changes(rows, features, config)

    def _keep(self, key: tuple[str, int], kept: _Kept) -> None:
        with self._lock:
            self._kept[key] = kept
            total = sum(len(k.rows) for k in self._kept.values())
            while total > self.limit and len(self._kept) > 1:
                _, dropped = self._kept.popitem(last=False)
                total -= len(dropped.rows)
            if total > self.limit:  # one repository larger than the bound: not kept
                self._kept.clear()


# The job's cache: one per process (a worker runs the job for every organisation it serves).
CHANGES = ChangeCache()
