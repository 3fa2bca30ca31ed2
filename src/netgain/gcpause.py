"""Fewer garbage collections while a long history streams through one process.

Why: an ingest allocates millions of short-lived tuples, dicts and dataclasses (parsed commits,
rows, feature records), freed by reference counting, none of them in cycles. CPython still runs a
generation-0 collection every 2,000 container allocations and, every so often, a full one that
walks every live object, including the hundreds of thousands that imports and the store's
metadata created before the first commit. On pypa/pip that was about 0.5 s of the ingest's
2.7 s of Python CPU after start-up (benchmarks/ingest_phases.py, with and without).
`gc.freeze()` moves what is alive now out of the collector's sight, and a larger generation-0
threshold collects far less often; both are undone on exit, so a long-running process
(`netgain serve`) is left as it was. A process that froze objects itself keeps its own freeze:
then only the threshold changes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_GEN0 = 50_000  # container allocations between young collections (CPython's default: 2,000)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Freeze the objects alive now and collect the young generation 25x less often."""
    threshold = gc.get_threshold()
    froze = gc.get_freeze_count() == 0  # a caller's own freeze is left to the caller
    if froze:
        gc.freeze()
    gc.set_threshold(_GEN0, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if froze:
            gc.unfreeze()
