"""Feature vectors stored per commit: computed once during ingest, read by every risk command.

The per-file and per-author running state (line counts, developers, last change, experience by
year and subsystem, API families) is a pure function of rows the store already holds, so it can
always be rebuilt by replaying `FeatureExtractor.record` over them (no features, no git). That
replay is the rule that covers every case: find the oldest commit (in feature order) without a
stored vector, replay the state up to it, and (re)compute the vectors from there on, in one
transaction. It is what makes an ingest that brings commits *older* than featured ones correct
(a merged branch keeps its authors' dates: every later commit's features change), and it heals a
store left by a SIGKILL or created before the table existed.

The common case, an ingest whose new commits are all newer than the featured ones, does not need
the replay: the state after the newest featured commit is saved with the vectors (a compressed
JSON snapshot in `risk_feature_snapshots`, same transaction) and the update continues from it,
reading only the new commits' rows. A snapshot that is missing, stale (another key) or unreadable
just means a replay, which writes a fresh one. Nothing new: two count queries.

The same rule backfills a store created before the table existed, and a changed feature set or
zone configuration (the state's `key`) recomputes everything. `generation` increases on every
write so cached evaluations can tell that the data changed.

Concurrent updates (two ingests on one store) are optimistic: an update reads the state's
`generation` first and its write only goes ahead if the generation is still the same, bumping it
in the same transaction. The loser of a race computed from rows that changed under it; it starts
over from the fresh state (usually finding everything up to date) instead of inserting vectors
twice or saving a snapshot older than the vectors.

Vectors are float64 little-endian bytes in `FEATURES` order: 100,000 commits load with one
`numpy.frombuffer`, where JSON lists would be decoded row by row.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Engine, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.sql.expression import ReturnsRows

from netgain.errors import StoreError
from netgain.risk.data import change_rows_from, load_change_rows
from netgain.risk.features import FEATURES, ChangeRecord, FeatureExtractor
from netgain.store import bulk
from netgain.store.insert import insert_new
from netgain.store.models import Commit
from netgain.store.risk_models import RiskFeatures, RiskFeatureSnapshot, RiskFeatureState
from netgain.store.written import WrittenCommit

if TYPE_CHECKING:
    from netgain.config import RawConfig
    from netgain.risk.feature_stream import FeatureStream, StreamedFeatures
    from netgain.risk.train import Dataset

FEATURE_TABLE = cast(Table, RiskFeatures.__table__)
_CHUNK = 500  # ids per IN (...) list


@dataclass(slots=True)
class FeatureUpdate:
    """What `update_features` did: vectors computed, commits only replayed, and why."""

    computed: int
    replayed: int
    reason: str  # up to date | new commits | older commits arrived | recomputed (...)
    resumed: bool = False  # continued from the saved state: nothing replayed, nothing re-read


def pack(row: Sequence[float]) -> bytes:
    """A feature row as float64 little-endian bytes."""
    return struct.pack(f"<{len(row)}d", *row)


def unpack(blob: bytes) -> list[float]:
    """The inverse of `pack`."""
    return list(struct.unpack(f"<{len(blob) // 8}d", blob))


def state_key(names: Sequence[str], extra: Any = None) -> str:
    """Hash of what the vectors depend on besides the store's rows (feature names, zone globs)."""
    text = json.dumps({"features": list(names), "extra": extra}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _StaleError(Exception):
    """Another process wrote the vectors since this update read the state: compute again."""


@dataclass(frozen=True, slots=True)
class _State:
    """What an update saw before computing: the state's key and generation (None: no state)."""

    key: str | None
    generation: int | None


def _counts(engine: Engine, repository_id: int) -> tuple[_State, int, int]:
    """The state (key None: never computed), non-merge commits and stored vectors."""
    with engine.connect() as conn:
        found = conn.execute(
            select(RiskFeatureState.key, RiskFeatureState.generation).where(
                RiskFeatureState.repository_id == repository_id
            )
        ).first()
        state = _State(found[0], found[1]) if found else _State(None, None)
        commits = conn.execute(
            select(func.count())
            .select_from(Commit)
            .where(Commit.repository_id == repository_id, Commit.is_merge.is_(False))
        ).scalar_one()
        rows = conn.execute(
            select(func.count())
            .select_from(RiskFeatures)
            .where(RiskFeatures.repository_id == repository_id)
        ).scalar_one()
    return state, int(commits), int(rows)


def zone_globs(root: Path, config: RawConfig | None = None) -> dict[str, list[str]]:
    """`[zones.NAME] paths` of the repository's configuration ({} when none are configured).

    `config` is the configuration to use instead of the working tree's (the review gate passes
    the base revision's, so a change cannot redraw the zones it is judged by).
    """
    from netgain.config import load_config
    from netgain.errors import ConfigError

    config = config or load_config(root)
    out: dict[str, list[str]] = {}
    for name, zone in config.section("zones").items():
        paths = zone.get("paths", []) if isinstance(zone, dict) else None
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            raise ConfigError(f"{config.source}: zones.{name}.paths must be a list of strings")
        if paths:
            out[str(name)] = list(paths)
    return out


def api_families_enabled(root: Path, config: RawConfig | None = None) -> bool:
    """`[risk] api_families` (default false): whether ingest diffs Python changes for imports.

    Off by default because that second diff pass costs about as much as the ingest's own `git log`
    (docs/BENCHMARKS.md `## risk`): the first ingest of a history would take about twice as long,
    and storing features would fall under the issue's 5,000 commits/s.
    """
    from netgain.config import load_config
    from netgain.errors import ConfigError

    config = config or load_config(root)
    value = config.section("risk").get("api_families", False)
    if not isinstance(value, bool):
        raise ConfigError(f"{config.source}: [risk] api_families must be true or false")
    return value


_RACES = 20  # updates lost to concurrent writers before giving up (each race means progress)


def update_features(
    engine: Engine,
    repository_id: int,
    root: Path,
    config: RawConfig | None = None,
    written: Sequence[WrittenCommit] | None = None,
    stream: FeatureStream | None = None,
) -> FeatureUpdate:
    """Bring the stored vectors of `repository_id` up to date with its stored commits.

    `root` is the repository: its configuration gives the zones, and git the API families of
    commits not read before. Idempotent and safe to interrupt: a run killed before its
    transaction commits leaves the old vectors, and the next run finds the same commits without.
    Safe to run beside another update: the one that loses the race computes again.
    `written` are the commits the calling ingest just stored: when the repository has no vector
    yet and they are all its commits (same count), they are used instead of reading them back.
    `stream` is the `FeatureStream` that received them, when the ingest computed their vectors
    while it read git: its vectors are used under the same condition (and the same zones, no API
    families), saving the computation too.
    """
    zones = zone_globs(root, config)
    read_apis = api_families_enabled(root, config)
    key = state_key(FEATURES, {"zones": zones, "api_families": read_apis})
    for _ in range(_RACES):
        try:
            return _update(engine, repository_id, root, key, zones, read_apis, written, stream)
        except _StaleError:
            continue
    raise StoreError(
        f"the risk features of repository {repository_id} were rewritten by other processes "
        f"{_RACES} times while this one computed them; run the command again"
    )


def _update(
    engine: Engine,
    repository_id: int,
    root: Path,
    key: str,
    zones: dict[str, list[str]],
    read_apis: bool,
    written: Sequence[WrittenCommit] | None = None,
    stream: FeatureStream | None = None,
) -> FeatureUpdate:
    state, commits, stored = _counts(engine, repository_id)
    if state.key == key and stored == commits:
        return FeatureUpdate(0, 0, "up to date")
    if state.key == key:
        resumed = _resume(engine, repository_id, root, state, zones, read_apis, commits - stored)
        if resumed is not None:
            return resumed
    first = stored == 0 and written is not None and len(written) == commits
    if first and stream is not None and not read_apis and stream.zones == zones:
        streamed = stream.finish()
        if streamed is not None and len(streamed.rows) == commits:
            return _write_streamed(engine, repository_id, state, key, streamed)
    featured: dict[int, str | None]
    if first and written is not None:
        # A first ingest: the commits it wrote are a subset of the stored ones, as many, so all
        rows, featured = change_rows_from(written), {}
    else:
        rows = load_change_rows(engine, repository_id)
        featured = _stored_apis(engine, repository_id)
    _fill_apis(root, rows, featured if read_apis else {}, read_apis)
    valid = featured.keys() if state.key == key else set()
    start = next((i for i, (cid, _c) in enumerate(rows) if cid not in valid), len(rows))
    if valid and any(cid in valid for cid, _c in rows[start:]):
        reason = "older commits arrived"
    elif valid or not featured:
        reason = "new commits"
    else:
        reason = "recomputed (feature set or zones changed)"
    extractor = FeatureExtractor(zones)
    for _cid, change in rows[:start]:
        extractor.record(change)
    fresh: list[dict[str, Any]] = []
    redo: list[dict[str, Any]] = []
    for cid, change in rows[start:]:
        blob = pack(extractor.push(change))
        apis = None if change.apis is None else " ".join(change.apis)
        if cid in featured:
            redo.append({"cid": cid, "vector": blob, "apis": apis})
        else:
            fresh.append(
                {"commit_id": cid, "repository_id": repository_id, "vector": blob, "apis": apis}
            )
    snapshot = (rows[-1][0], extractor.dump()) if rows else None
    _write(engine, repository_id, state, key, len(rows), fresh, redo, snapshot)
    return FeatureUpdate(len(fresh) + len(redo), start, reason)


def _write_streamed(
    engine: Engine, repository_id: int, state: _State, key: str, streamed: StreamedFeatures
) -> FeatureUpdate:
    """Store the vectors a first ingest computed while it streamed (what `_update` would)."""
    fresh = [
        {"commit_id": cid, "repository_id": repository_id, "vector": blob, "apis": None}
        for (cid, _change), blob in zip(streamed.rows, streamed.vectors, strict=True)
    ]
    rows = streamed.rows
    snapshot = (rows[-1][0], streamed.extractor.dump()) if rows else None
    _write(engine, repository_id, state, key, len(rows), fresh, [], snapshot)
    return FeatureUpdate(len(fresh), 0, "new commits")


def _resume(
    engine: Engine,
    repository_id: int,
    root: Path,
    state: _State,
    zones: dict[str, list[str]],
    read_apis: bool,
    missing: int,
) -> FeatureUpdate | None:
    """Continue from the saved state when every commit without a vector is newer than it.

    None when that does not hold (an older commit arrived, no or a stale snapshot): the caller
    then replays the history. Costs the new commits' rows and one snapshot read and write.
    """
    with engine.connect() as conn:
        snap = conn.execute(
            select(
                RiskFeatureSnapshot.key, RiskFeatureSnapshot.commit_id, RiskFeatureSnapshot.state
            ).where(RiskFeatureSnapshot.repository_id == repository_id)
        ).first()
        if snap is None or snap.key != state.key:
            return None
        at = conn.execute(
            select(Commit.author_date).where(Commit.id == snap.commit_id)
        ).scalar_one_or_none()
    if at is None:
        return None
    rows = load_change_rows(engine, repository_id, without_vector=True)
    position = (at.timestamp(), snap.commit_id)
    if len(rows) != missing or any((c.time, cid) <= position for cid, c in rows):
        return None
    try:
        extractor = FeatureExtractor.load(snap.state, zones)
    except ValueError:
        return None  # unreadable snapshot: the replay rebuilds it
    _fill_apis(root, rows, {}, read_apis)
    fresh = [
        {
            "commit_id": cid,
            "repository_id": repository_id,
            "vector": pack(extractor.push(change)),
            "apis": None if change.apis is None else " ".join(change.apis),
        }
        for cid, change in rows
    ]
    total = extractor.count
    snapshot = (rows[-1][0], extractor.dump())
    _write(engine, repository_id, state, str(state.key), total, fresh, [], snapshot)
    return FeatureUpdate(len(fresh), 0, "new commits", resumed=True)


def _stored_apis(engine: Engine, repository_id: int) -> dict[int, str | None]:
    """commit id -> the API families stored with its vector, for every stored vector."""
    with engine.connect() as conn:
        return dict(
            conn.execute(
                select(RiskFeatures.commit_id, RiskFeatures.apis).where(
                    RiskFeatures.repository_id == repository_id
                )
            ).all()
        )


def scoring_changes(
    engine: Engine, repository_id: int, root: Path, config: RawConfig | None = None
) -> tuple[list[ChangeRecord], dict[str, list[str]]]:
    """Every stored change with its API families, and the zones: what scoring a range replays."""
    rows = load_change_rows(engine, repository_id)
    stored = _stored_apis(engine, repository_id)
    _fill_apis(root, rows, stored, api_families_enabled(root, config))
    return [c for _cid, c in rows], zone_globs(root, config)


def _fill_apis(
    root: Path,
    rows: list[tuple[int, ChangeRecord]],
    stored: dict[int, str | None],
    read: bool = True,
) -> None:
    """Set each change's API families: stored ones, else read from git (once per commit).

    Only commits that add lines to a Python file are diffed; the others have none by definition.
    With `read` False (`[risk] api_families` not true) every change's families are unknown.
    """
    from netgain.risk.apis import commit_families

    todo: list[ChangeRecord] = []
    for cid, change in rows:
        text = stored.get(cid)
        if not read:
            change.apis = None
        elif text is not None:
            change.apis = tuple(text.split())
        elif any(f.added and f.path.endswith(".py") for f in change.files):
            todo.append(change)
        else:
            change.apis = ()
    if todo:
        found = commit_families(root, [c.sha for c in todo])
        for change in todo:
            change.apis = found.get(change.sha)


def _write(
    engine: Engine,
    repository_id: int,
    state: _State,
    key: str,
    commits: int,
    fresh: list[dict[str, Any]],
    redo: list[dict[str, Any]],
    snapshot: tuple[int, bytes] | None,
) -> None:
    """Vectors, state and snapshot in one transaction: all of an update or none of it.

    The state row is claimed first (its generation must still be the one read): on PostgreSQL
    that row lock also makes a concurrent update wait and then find itself stale.

    Raises:
        _StaleError: another update wrote since `state` was read; nothing was written.
    """
    now = datetime.now(UTC)
    values = {"key": key, "names": list(FEATURES), "commits": commits, "updated_at": now}
    with engine.begin() as conn:
        claim: ReturnsRows
        if state.generation is None:
            claim = (
                insert_new(conn.dialect.name, RiskFeatureState)
                .values(repository_id=repository_id, generation=1, **values)
                .returning(RiskFeatureState.generation)
            )
        else:
            claim = (
                update(RiskFeatureState)
                .where(
                    RiskFeatureState.repository_id == repository_id,
                    RiskFeatureState.generation == state.generation,
                )
                .values(generation=RiskFeatureState.generation + 1, **values)
                .returning(RiskFeatureState.generation)
            )
        if conn.execute(claim).first() is None:  # RETURNING: rowcount is not portable for INSERT
            raise _StaleError
        conn.execute(
            delete(RiskFeatureSnapshot).where(RiskFeatureSnapshot.repository_id == repository_id)
        )
        if snapshot is not None:
            conn.execute(
                insert(RiskFeatureSnapshot).values(
                    repository_id=repository_id,
                    key=key,
                    commit_id=snapshot[0],
                    state=snapshot[1],
                    created_at=now,
                )
            )
        if redo:
            conn.execute(
                update(FEATURE_TABLE)
                .where(FEATURE_TABLE.c.commit_id == bindparam("cid"))
                .values(vector=bindparam("vector"), apis=bindparam("apis")),
                redo,
            )
        if fresh and conn.dialect.name == "sqlite":
            bulk.insert_rows(conn, FEATURE_TABLE, fresh)  # no per-row parameter processing
        elif fresh:
            conn.execute(insert(FEATURE_TABLE), fresh)


def delete_features(engine: Engine, repository_id: int) -> None:
    """Drop a repository's vectors and state (the next update recomputes everything)."""
    with engine.begin() as conn:
        conn.execute(delete(RiskFeatures).where(RiskFeatures.repository_id == repository_id))
        conn.execute(
            delete(RiskFeatureState).where(RiskFeatureState.repository_id == repository_id)
        )
        conn.execute(
            delete(RiskFeatureSnapshot).where(RiskFeatureSnapshot.repository_id == repository_id)
        )


def generation(engine: Engine, repository_id: int) -> int:
    """How many times the repository's vectors were written (0: never)."""
    with engine.connect() as conn:
        value = conn.execute(
            select(RiskFeatureState.generation).where(
                RiskFeatureState.repository_id == repository_id
            )
        ).scalar_one_or_none()
    return int(value or 0)


@dataclass(slots=True)
class StoredFeatures:
    """Stored vectors in feature order with each commit's sha, author time and fix flag input."""

    shas: list[str]
    times: list[float]
    rows: list[bytes]


def load_features(engine: Engine, repository_id: int) -> StoredFeatures:
    """Every stored vector of the repository, oldest first (the order they were computed in)."""
    with engine.connect() as conn:
        result = conn.execute(
            select(Commit.sha, Commit.author_date, RiskFeatures.vector)
            .join(RiskFeatures, RiskFeatures.commit_id == Commit.id)
            .where(Commit.repository_id == repository_id, Commit.is_merge.is_(False))
            .order_by(Commit.author_date, Commit.id)
        ).all()
    return StoredFeatures(
        [r[0] for r in result], [r[1].timestamp() for r in result], [r[2] for r in result]
    )


def stored_dataset(engine: Engine, repository_id: int, inducing: set[str], root: Path) -> Dataset:
    """The training matrix from stored vectors (brought up to date first) and SZZ labels."""
    import numpy as np

    from netgain.risk.train import Dataset

    update_features(engine, repository_id, root)
    stored = load_features(engine, repository_id)
    n = len(FEATURES)
    x = np.frombuffer(b"".join(stored.rows), dtype="<f8").astype(np.float64).reshape(-1, n)
    return Dataset(
        x,
        np.asarray([1 if s in inducing else 0 for s in stored.shas], dtype=np.int64),
        np.asarray(stored.times, dtype=np.float64),
        stored.shas,
    )


def stored_row(engine: Engine, repository_id: int, sha: str) -> list[float] | None:
    """The stored vector of one commit, or None when it has none (merge, not ingested)."""
    with engine.connect() as conn:
        blob = conn.execute(
            select(RiskFeatures.vector)
            .join(Commit, Commit.id == RiskFeatures.commit_id)
            .where(Commit.repository_id == repository_id, Commit.sha == sha)
        ).scalar_one_or_none()
    return unpack(blob) if blob is not None else None
