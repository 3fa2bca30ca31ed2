"""Run a whole transaction again when it failed for a reason that trying again cures.

Two CI jobs sharing one store is normal, and a team's PostgreSQL may restart under a running
ingest. Those failures are not the transaction's fault: SQLite still busy after its busy timeout,
a PostgreSQL deadlock or serialization failure, a connection the server dropped. Retrying one
statement is not enough (the transaction it belonged to was rolled back), so the unit of retry is
a function that opens, fills and commits its own transaction, and must therefore be idempotent:
every caller's work either inserts with ON CONFLICT DO NOTHING or replaces what it writes.

A unique violation means another process inserted the same key first. Only callers whose
transaction re-reads what it replaces (`conflicts=True`) retry it; elsewhere it is a bug.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable

from netgain.store.failures import Failure, classify

# How long to keep trying: a PostgreSQL restart takes seconds; SQLite waits its busy timeout
# (30 s) inside each attempt already.
RETRY_SECONDS = float(os.environ.get("NETGAIN_STORE_RETRY_SECONDS", "120"))
_CONFLICT_ATTEMPTS = 8  # a key race resolves at the next attempt; more means a bug
_RETRIED = (Failure.BUSY, Failure.DISCONNECTED)


def retrying[T](work: Callable[[], T], *, conflicts: bool = False) -> T:
    """`work()`, run again with backoff while it fails with a transient store failure.

    Args:
        work: Opens, fills and commits one transaction; safe to run again after a rollback.
        conflicts: Also retry unique violations (for work that replaces rows it re-reads).

    Raises:
        The last failure once the time budget (NETGAIN_STORE_RETRY_SECONDS) or, for
        conflicts, the attempts are used up; any other exception at once.
    """
    deadline = time.monotonic() + RETRY_SECONDS
    delay = 0.05
    conflicted = 0
    while True:
        try:
            return work()
        except Exception as exc:
            kind = classify(exc)
            if kind is Failure.CONFLICT and conflicts:
                conflicted += 1
                if conflicted >= _CONFLICT_ATTEMPTS:
                    raise
            elif kind not in _RETRIED or time.monotonic() >= deadline:
                raise
        time.sleep(delay * (0.5 + random.random()))  # noqa: S311 - jitter, not a secret
        delay = min(delay * 2, 2.0)
