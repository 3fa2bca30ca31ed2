"""Accepting one verified delivery: record its id and queue its jobs in one transaction.

The delivery row's primary key is the deduplication: a redelivery (same `X-GitHub-Delivery`)
fails the insert and queues nothing. Two copies arriving at once serialise on that key: the second
waits for the first's transaction and then sees the duplicate. If queueing fails, the transaction
rolls back, so the delivery is not remembered and GitHub's redelivery can queue it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from netgain.service.events import JobRequest
from netgain.service.queue import JobQueue
from netgain.service.tables import deliveries


@dataclass(frozen=True, slots=True)
class Accepted:
    duplicate: bool
    queued: int  # jobs queued now
    coalesced: int  # jobs already waiting under the same queueing lock (a newer head supersedes)


def accept(
    engine: Engine, queue: JobQueue, delivery_id: str, event: str, jobs: list[JobRequest]
) -> Accepted:
    queued = coalesced = 0
    try:
        with engine.begin() as conn:
            conn.execute(
                deliveries.insert().values(delivery_id=delivery_id, event=event, jobs=len(jobs))
            )
            for job in jobs:
                if queue.defer(job, conn) is None:
                    coalesced += 1
                else:
                    queued += 1
    except IntegrityError:
        return Accepted(duplicate=True, queued=0, coalesced=0)
    return Accepted(duplicate=False, queued=queued, coalesced=coalesced)


# GitHub redelivers a delivery for 3 days at most; a month keeps a wide margin
KEEP_DELIVERIES = timedelta(days=30)


def prune_deliveries(engine: Engine, now: datetime | None = None) -> int:
    """Forget delivery ids too old to be redelivered; returns how many were removed."""
    cutoff = (now or datetime.now(UTC)) - KEEP_DELIVERIES
    with engine.begin() as conn:
        return int(
            conn.execute(deliveries.delete().where(deliveries.c.received_at < cutoff)).rowcount
        )
