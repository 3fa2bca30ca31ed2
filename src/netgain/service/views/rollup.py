"""Rollups of the commits per repository, month or day, and AI-share bucket, kept fresh by
ingest runs.

The overview of 200 repositories and a million commits cannot scan a million rows per request
within a second on a modest server; the monthly sums per (repository, month, bucket) are a few
thousand rows, and the daily ones serve the partial months at the ends of a time range. History is append-only (an ingest inserts commits with their attribution and never
rewrites them), so a repository's rollup stays exact until its next ingest run: the rollup records
the run it was computed after, and is recomputed when a newer run exists or that run had not
finished. A request never trusts a stale rollup: it refreshes what is stale first.

A time range reads the month rows for the whole months inside it, the day rows for the whole
days of the partial months at its ends, and the commits themselves only for the partial days
(through the index on repository and author date), so every window is exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Engine, and_, func, insert, literal, select
from sqlalchemy.exc import IntegrityError

from netgain.service.tables import commit_rollups, rollup_state
from netgain.store.models import IngestRun

COLUMNS = [
    "repository_id",
    "grain",
    "period",
    "bucket",
    "changes",
    "lines_added",
    "ai_lines",
    "human_lines",
    "unknown_lines",
]


def _runs(engine: Engine, ids: Sequence[int]) -> dict[int, tuple[int, bool]]:
    """Repository -> (its latest ingest run, whether that run finished)."""
    latest = (
        select(IngestRun.repository_id, func.max(IngestRun.id).label("run_id"))
        .where(IngestRun.repository_id.in_(ids))
        .group_by(IngestRun.repository_id)
        .subquery()
    )
    with engine.connect() as conn:
        rows = conn.execute(
            select(latest.c.repository_id, latest.c.run_id, IngestRun.finished_at).join(
                IngestRun, IngestRun.id == latest.c.run_id
            )
        ).all()
    return {int(r): (int(run), finished is not None) for r, run, finished in rows}


def stale(engine: Engine, ids: Sequence[int]) -> dict[int, tuple[int | None, bool]]:
    """The repositories whose rollup is missing or older than their latest ingest run, with the
    state a refresh now would record."""
    runs = _runs(engine, ids)
    with engine.connect() as conn:
        known = {
            int(r): (run, bool(complete))
            for r, run, complete in conn.execute(
                select(
                    rollup_state.c.repository_id, rollup_state.c.run_id, rollup_state.c.complete
                ).where(rollup_state.c.repository_id.in_(ids))
            )
        }
    out: dict[int, tuple[int | None, bool]] = {}
    for rid in ids:
        now = runs.get(rid, (None, True))  # never ingested through a run: nothing will change
        if known.get(rid) != now or not now[1]:
            out[rid] = now
    return out


def refresh(engine: Engine, ids: Sequence[int]) -> int:
    """Recompute the rollups of the stale ones among `ids`; returns how many were refreshed.
    Concurrent refreshes of one repository are harmless: the loser's insert conflicts and rolls
    back, and the winner's rows are the same sums."""
    from netgain.service.views.overview import commit_aggregate

    todo = stale(engine, ids)
    if not todo:
        return 0
    repos = sorted(todo)
    days = commit_aggregate(engine, repos, [], per_repository=True, grain="D")
    c = commit_rollups.c
    month = func.substr(c.period, 1, 7)
    sums = [c.changes, c.lines_added, c.ai_lines, c.human_lines, c.unknown_lines]
    months = (
        select(c.repository_id, literal("M"), month, c.bucket, *[func.sum(x) for x in sums])
        .where(c.repository_id.in_(repos), c.grain == "D")
        .group_by(c.repository_id, month, c.bucket)
    )
    at = datetime.now(UTC)
    try:
        with engine.begin() as conn:
            conn.execute(commit_rollups.delete().where(commit_rollups.c.repository_id.in_(repos)))
            conn.execute(rollup_state.delete().where(rollup_state.c.repository_id.in_(repos)))
            for query in (days, months):  # the months are summed from the days
                conn.execute(insert(commit_rollups).from_select(COLUMNS, query))
            conn.execute(
                insert(rollup_state),
                [
                    {
                        "repository_id": rid,
                        "run_id": todo[rid][0],
                        "complete": int(todo[rid][1]),
                        "refreshed_at": at,
                    }
                    for rid in repos
                ],
            )
    except IntegrityError:
        return 0
    return len(repos)


def rolled_up(ids: Sequence[int], grain: str, first: str | None, end: str | None) -> Any:
    """(month, bucket) sums of the `grain` rows (M or D) from period `first` (inclusive) to `end`
    (exclusive), None for open-ended."""
    c = commit_rollups.c
    bounds: list[ColumnElement[bool]] = [c.repository_id.in_(ids), c.grain == grain]
    if first is not None:
        bounds.append(c.period >= first)
    if end is not None:
        bounds.append(c.period < end)
    month = func.substr(c.period, 1, 7)
    return (
        select(
            month,
            c.bucket,
            func.sum(c.changes),
            func.sum(c.lines_added),
            func.sum(c.ai_lines),
            func.sum(c.human_lines),
            func.sum(c.unknown_lines),
        )
        .where(and_(*bounds))
        .group_by(month, c.bucket)
    )
