"""Replaying changes in worker processes (`netgain policy replay -j N`).

Each change is independent once its risk is known to be scored against the history before it,
and almost all of a change's second is git (diff, blame, the head's blobs) and parsing: work
that threads would serialise on the GIL and processes do not. Workers are *spawned*, not forked:
the parent has live threads (the progress bar, SQLAlchemy's pool) and a forked child may inherit a
held lock. Each worker receives a picklable `WorkerSpec`, opens its own connection to the store
(no migration: the parent did it) and keeps its own `HistoryScorer`. Changes are handed out in
the parent's order (oldest first commit first) in small chunks, so each worker's scorer only ever
moves forward through the history and never restarts.

The scan cache (`.netgain/cache`) is shared: its entries are written atomically and checked on
read, so two workers scanning the same blob at once both end with a valid entry. Each process keeps
it in memory between its scans (`ScanMemory`) and writes it back now and then and on exit.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.util
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from netgain import git
from netgain.analysis.options import ScanOptions
from netgain.config import RawConfig
from netgain.errors import NetgainError
from netgain.git.blame import CopySearch
from netgain.policy.window_history import WindowHistory
from netgain.replay.changes import MergedChange
from netgain.replay.facts_cache import FactsCache
from netgain.replay.outcomes import LaterOutcomes
from netgain.replay.risk import HistoryScorer
from netgain.replay.run import (
    REPLAY_COPY_SEARCH,
    WHOLE_TREE_FILES,
    NamedPolicy,
    ReplayedChange,
    ReplayInputs,
    fact_key,
    replay_change,
)

Failure = dict[str, str]
Result = ReplayedChange | Failure
FAILURES = (NetgainError, OSError, ValueError, UnicodeError)


@dataclass(frozen=True, slots=True)
class WorkerSpec:
    """Everything a worker needs to build its own ReplayInputs (all picklable)."""

    store_url: str
    repository_id: int
    root: Path
    raw: RawConfig
    scan_options: ScanOptions
    outcomes: LaterOutcomes
    scorer: HistoryScorer | None
    cache_dir: Path | None
    facts: FactsCache | None
    policies: tuple[NamedPolicy, ...]
    window: WindowHistory | None = None
    copy_search: CopySearch = REPLAY_COPY_SEARCH
    whole_tree_files: int | None = WHOLE_TREE_FILES


_STATE: tuple[list[NamedPolicy], ReplayInputs] | None = None


def _init_worker(spec: WorkerSpec) -> None:
    from netgain.history.queries import load_provenance
    from netgain.store.engine import create_store_engine

    global _STATE  # noqa: PLW0603 - one state per worker process, set once by the pool
    engine = create_store_engine(spec.store_url)
    inputs = ReplayInputs(
        root=spec.root,
        raw=spec.raw,
        provenance_for=lambda shas: load_provenance(engine, spec.repository_id, shas),
        scan_options=spec.scan_options,
        outcomes=spec.outcomes,
        scorer=spec.scorer,
        cache_dir=spec.cache_dir,
        facts=spec.facts,
        blobs=git.CatFileBatch(spec.root),
        window=spec.window,
        copy_search=spec.copy_search,
        whole_tree_files=spec.whole_tree_files,
    )
    _STATE = (list(spec.policies), inputs)
    if inputs.blobs is not None:
        multiprocessing.util.Finalize(inputs.blobs, inputs.blobs.close, exitpriority=10)
    memory = spec.scan_options.memory  # this worker's own (it arrives empty)
    if memory is not None:
        # written when the worker exits normally (the pool is closed and joined, not terminated)
        multiprocessing.util.Finalize(memory, memory.flush, exitpriority=10)


def replay_or_failure(
    change: MergedChange, policies: list[NamedPolicy], inputs: ReplayInputs
) -> Result:
    """The replayed change, or why it could not be replayed (the run goes on)."""
    try:
        return replay_change(change, policies, inputs)
    except FAILURES as exc:
        return {"id": change.id, "head": change.head, "reason": str(exc)}


def _in_worker(change: MergedChange) -> Result:
    if _STATE is None:  # pragma: no cover - the pool's initializer always ran first
        raise RuntimeError("replay worker used before its initializer")
    policies, inputs = _STATE
    return replay_or_failure(change, policies, inputs)


def chunk_size(changes: int, jobs: int) -> int:
    """Small enough to balance the load, large enough to amortise the pickling."""
    return max(1, min(8, changes // (jobs * 4)))


def _stored(change: MergedChange, keys: Sequence[str], facts: FactsCache | None) -> bool:
    return facts is not None and all(facts.has(change.base, change.head, k) for k in keys)


def gathering_count(
    changes: Sequence[MergedChange], policies: list[NamedPolicy], facts: FactsCache | None
) -> int:
    """How many changes have some fact gathering not stored (and will read git for it)."""
    keys = sorted({fact_key(p.policy) for p in policies})
    return sum(1 for c in changes if not _stored(c, keys, facts))


def replay_all(
    changes: Sequence[MergedChange],
    policies: list[NamedPolicy],
    inputs: ReplayInputs,
    *,
    jobs: int,
    spec: Callable[[], WorkerSpec],
) -> Iterator[tuple[int, Result]]:
    """(index in `changes`, result) of every change, as they finish.

    Changes whose facts are all stored take milliseconds: they are replayed here, and only the
    others go to `jobs` worker processes (when jobs > 1 and at least two need gathering), since
    starting a worker costs more than deciding a hundred stored changes.
    """
    keys = sorted({fact_key(p.policy) for p in policies})
    cold = [i for i, c in enumerate(changes) if not _stored(c, keys, inputs.facts)]
    if jobs <= 1 or len(cold) < 2:
        for index, change in enumerate(changes):
            yield index, replay_or_failure(change, policies, inputs)
        return
    warm = sorted(set(range(len(changes))) - set(cold))
    for index in warm:
        yield index, replay_or_failure(changes[index], policies, inputs)
    context = multiprocessing.get_context("spawn")
    workers = min(jobs, len(cold))
    with context.Pool(workers, initializer=_init_worker, initargs=(spec(),)) as pool:
        results = pool.imap(
            _in_worker, [changes[i] for i in cold], chunksize=chunk_size(len(cold), workers)
        )
        yield from zip(cold, results, strict=True)
        pool.close()
        pool.join()
