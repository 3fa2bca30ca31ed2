"""`netgain org sync`: queue a backfill (ingest, SZZ, risk training) of every installed repository.

The same jobs as an `installation` event queues, so a service that missed events (installed
before netgain ran, or down for a while) catches up; queueing locks keep one waiting backfill
per repository however often sync runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netgain.service.events import ingest_job
from netgain.service.runtime import Runtime


@dataclass
class SyncReport:
    installations: list[int] = field(default_factory=list)
    repositories: int = 0
    queued: int = 0
    already_waiting: int = 0


def sync(runtime: Runtime, installation: int | None = None) -> SyncReport:
    gh = runtime.ctx.github
    report = SyncReport(installations=[installation] if installation else gh.installations())
    for installation_id in report.installations:
        names = gh.repositories(installation_id)
        report.repositories += len(names)
        for name in names:
            with runtime.ctx.engine.begin() as conn:
                queued = runtime.queue.defer(ingest_job(installation_id, name, backfill=True), conn)
            if queued is None:
                report.already_waiting += 1
            else:
                report.queued += 1
    return report
