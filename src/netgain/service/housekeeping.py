"""What the hourly housekeeping removes from the service's own tables, and why it is safe.

* Delivery ids older than GitHub's redelivery window (a month, for a wide margin): deduplication
  only needs the ids GitHub could still send again.
* Decision documents older than the retention setting (`NETGAIN_KEEP_DECISIONS_DAYS`, 90 by
  default, 0 keeps them forever). They are the service's report log, not the store's history:
  ingested commits, attributions and SZZ labels are untouched. A pull request re-checked after
  its last decision expired notifies its channels once more, which is a reminder, not a loss.

* Feed events (PagerDuty, Jira) older than the same month, except those kept `unrouted` for a
  later replay: their ids only deduplicate redeliveries, which come within hours.

Finished queue jobs are pruned by the queue itself (`netgain.service.queue`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from netgain.service.intake import prune_deliveries
from netgain.service.settings import ServiceSettings
from netgain.service.tables import decisions


@dataclass(frozen=True, slots=True)
class Pruned:
    deliveries: int
    decisions: int
    feed_events: int = 0


def prune_decisions(engine: Engine, keep_days: int, now: datetime | None = None) -> int:
    """Remove decision documents older than `keep_days` (0: keep all); returns how many."""
    if keep_days <= 0:
        return 0
    cutoff = (now or datetime.now(UTC)) - timedelta(days=keep_days)
    with engine.begin() as conn:
        return int(conn.execute(decisions.delete().where(decisions.c.created_at < cutoff)).rowcount)


def prune_service_tables(
    engine: Engine, settings: ServiceSettings, now: datetime | None = None
) -> Pruned:
    """One housekeeping round over the service tables (safe to run from several processes)."""
    from netgain.service.feeds.router import prune_feed_events

    return Pruned(
        deliveries=prune_deliveries(engine, now),
        decisions=prune_decisions(engine, settings.keep_decisions_days, now),
        feed_events=prune_feed_events(engine, now),
    )
