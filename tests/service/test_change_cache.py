"""The documents job's commit cache, on SQLite and the real PostgreSQL: each load equals
`load_changes` read afresh, and reads from the store only the commits ingested since the last
load, unless something other than new commits changed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, insert, select

from netgain.history.ingest import ingest_repository
from netgain.metrics.collect import load_changes
from netgain.metrics.config import MetricsConfig
from netgain.service.views.change_cache import ChangeCache
from netgain.store.engine import open_store
from netgain.store.models import Commit, Repository
from netgain.store.outcome_models import Feature
from tests.gitrepo import GitRepo

CLAUDE = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"


def test_a_load_reads_only_new_commits_and_equals_a_fresh_read(
    store_url: str, tmp_path: Path
) -> None:
    repo = GitRepo(tmp_path / "r")
    for n in range(4):
        repo.commit({f"f{n}.py": f"X = {n}\n"}, f"feat: {n}" + (CLAUDE if n % 2 else ""))
    engine = open_store(store_url)
    rid = ingest_repository(repo.path, engine).repository_id
    config = MetricsConfig()
    cache = ChangeCache()

    def check(read: int) -> None:
        before = cache.rows_read
        assert cache.load(engine, rid, config) == load_changes(engine, rid, config)
        assert cache.rows_read - before == read

    check(4)
    check(0)  # nothing new: nothing read
    repo.commit({"g.py": "G = 1\n" * 3}, "feat: g" + CLAUDE, author=("Bo", "bo@x.example"))
    repo.commit({"h.py": "H = 1\n"}, "fix: h")
    ingest_repository(repo.path, engine)
    check(2)  # only the two ingested since
    # a feature flag arrives without a commit: applied on the next load, nothing re-read
    with engine.begin() as conn:
        sha = conn.execute(select(Commit.sha).order_by(Commit.id).limit(1)).scalar_one()
        conn.execute(
            insert(Feature).values(
                repository_id=rid,
                subject_kind="commit",
                subject_id=sha,
                is_feature=True,
                source="label",
                detail="",
            )
        )
    loaded = cache.load(engine, rid, config)
    assert loaded == load_changes(engine, rid, config)
    assert [c.is_feature for c in loaded].count(True) == 1
    # a commit gone (anything but appended commits): the count disagrees, all read again
    with engine.begin() as conn:
        conn.execute(delete(Commit).where(Commit.sha == sha))
    check(5)
    # the repository forgotten and ingested again: a new row, read whole
    with engine.begin() as conn:
        conn.execute(delete(Repository))
    rid = ingest_repository(repo.path, engine).repository_id
    check(6)
    engine.dispose()


def test_a_bounded_cache_keeps_nothing_too_large_and_stays_exact(
    store_url: str, tmp_path: Path
) -> None:
    repo = GitRepo(tmp_path / "r")
    for n in range(3):
        repo.commit({f"f{n}.py": "X = 1\n"}, f"feat: {n}", date=1_704_067_200 + n * 86_400)
    engine = open_store(store_url)
    rid = ingest_repository(repo.path, engine).repository_id
    cache = ChangeCache(limit=2)
    config = MetricsConfig()
    for _ in range(2):
        assert cache.load(engine, rid, config) == load_changes(engine, rid, config)
    assert cache.rows_read == 6  # three rows over the bound: read whole each time
    assert load_changes(engine, rid, config)[0].date == datetime(2024, 1, 1, tzinfo=UTC)
    engine.dispose()
