"""The organisation overview's headline figures, aggregated by the database.

The full metrics document loads every change into Python (right for one repository, far too slow
for a million commits). The overview answers "how much of our code is AI-written, and how is that
moving" for every readable repository at once from sums: lines by provenance and changes per
AI-share bucket (the bucket rule of `netgain.metrics.inputs.share_bucket`, written in integer
SQL) per month, read from the monthly rollups (`netgain.service.views.rollup`) for whole months
and from the commits for the partial months at the ends of the time range; plus the gate's
latest decision per pull request and the incidents.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Engine, case, func, literal, select

from netgain.metrics.inputs import GROUPS, UNKNOWN
from netgain.service.access import Principal
from netgain.service.tables import decisions as decisions_table
from netgain.service.views.context import ViewContext
from netgain.service.views.models import Overview, OverviewBucket, OverviewPeriod
from netgain.service.views.rollup import refresh, rolled_up
from netgain.service.views.scope import Window, org_entries
from netgain.store.models import Attribution, Commit
from netgain.store.outcome_models import Incident

Sums = list[int]  # changes, lines added, ai, human, unknown


def _unknown() -> ColumnElement[Any]:
    """A commit without attribution row has all its added lines unknown (as the metrics read)."""
    return case(
        (Attribution.commit_id.is_(None), Commit.lines_added),
        else_=Attribution.unknown_lines,
    )


def bucket_expression() -> ColumnElement[Any]:
    """share_bucket(ai, human, unknown) in SQL, in integers (no float rounding at the edges)."""
    ai = func.coalesce(Attribution.ai_lines, 0)
    human = func.coalesce(Attribution.human_lines, 0)
    unknown = _unknown()
    total = ai + human + unknown
    return case(
        (total == 0, literal(UNKNOWN)),
        (unknown * 2 > total, literal(UNKNOWN)),
        (ai * 4 >= total * 3, literal("75-100")),
        (ai * 4 >= total * 2, literal("50-75")),
        (ai * 4 >= total, literal("25-50")),
        else_=literal("0-25"),
    )


def month_expression(engine: Engine, column: Any) -> ColumnElement[Any]:
    if engine.dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.strftime("%Y-%m", column)


def _within(column: Any, since: datetime | None, until: datetime | None) -> list[Any]:
    from netgain.service.views.changes import stored_bound

    out: list[Any] = []
    if since is not None:
        out.append(column >= stored_bound(since))
    if until is not None:
        out.append(column < stored_bound(until))
    return out


def commit_aggregate(
    engine: Engine, ids: Sequence[int], bounds: list[Any], *, per_repository: bool = False
) -> Any:
    """(repository,) month, bucket -> changes, lines added, ai, human, unknown lines."""
    month = month_expression(engine, Commit.author_date).label("month")
    bucket = bucket_expression().label("bucket")
    keys: list[Any] = [Commit.repository_id, month, bucket] if per_repository else [month, bucket]
    return (
        select(
            *keys,
            func.count().label("changes"),
            func.sum(Commit.lines_added).label("lines_added"),
            func.sum(func.coalesce(Attribution.ai_lines, 0)).label("ai"),
            func.sum(func.coalesce(Attribution.human_lines, 0)).label("human"),
            func.sum(_unknown()).label("unknown"),
        )
        .select_from(Commit)
        .outerjoin(Attribution, Attribution.commit_id == Commit.id)
        .where(Commit.repository_id.in_(ids), Commit.is_merge.is_(False), *bounds)
        .group_by(*keys)
    )


def overview_sql(engine: Engine, ids: Sequence[int], window: Window) -> Any:
    """The aggregate straight over the commits (no rollup): what the rollup saves."""
    return commit_aggregate(engine, ids, _within(Commit.author_date, window.since, window.until))


def _month_start(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    return datetime(moment.year, moment.month, 1, tzinfo=UTC)


def _next_month(start: datetime) -> datetime:
    return datetime(start.year + start.month // 12, start.month % 12 + 1, 1, tzinfo=UTC)


def plan(window: Window) -> tuple[tuple[str | None, str | None] | None, list[Window]]:
    """Whole months to read from the rollup (first inclusive, end exclusive, YYYY-MM; None when
    open), and the windows to read from the commits (the partial months at the ends)."""
    first = None
    if window.since is not None:
        start = _month_start(window.since)
        first = start if start == window.since else _next_month(start)
    end = None if window.until is None else _month_start(window.until)
    if first is not None and end is not None and first >= end:
        return None, [window]  # no whole month inside: the commits only
    edges = []
    if window.since is not None and first is not None and window.since < first:
        edges.append(Window(window.since, first))
    if window.until is not None and end is not None and end < window.until:
        edges.append(Window(end, window.until))
    months = (
        None if first is None else first.strftime("%Y-%m"),
        None if end is None else end.strftime("%Y-%m"),
    )
    return months, edges


def monthly_sums(engine: Engine, ids: Sequence[int], window: Window) -> dict[tuple[str, str], Sums]:
    """(month, bucket) -> sums over the window, exact, from the rollups and the edge commits."""
    refresh(engine, ids)
    months, edges = plan(window)
    queries = [overview_sql(engine, ids, edge) for edge in edges]
    if months is not None:
        queries.append(rolled_up(ids, *months))
    out: dict[tuple[str, str], Sums] = {}
    with engine.connect() as conn:
        for query in queries:
            for month, bucket, *values in conn.execute(query):
                sums = out.setdefault((str(month), str(bucket)), [0, 0, 0, 0, 0])
                for i, value in enumerate(values):
                    sums[i] += int(value or 0)
    return out


def overview(views: ViewContext, principal: Principal, org: str, window: Window) -> Overview:
    entries = org_entries(views.engine, views.mirrors, principal, org)
    ids = [e.repository_id for e in entries]
    names = [e.full_name.lower() for e in entries]
    buckets = {g: [0, 0] for g in GROUPS}
    months: dict[str, Sums] = {}
    totals: Sums = [0, 0, 0, 0, 0]
    verdicts: dict[str, int] = {}
    incidents = 0
    if ids:
        for (month, bucket), sums in monthly_sums(views.engine, ids, window).items():
            buckets[bucket][0] += sums[0]
            buckets[bucket][1] += sums[1]
            per = months.setdefault(month, [0, 0, 0, 0, 0])
            for i, value in enumerate(sums):
                per[i] += value
                totals[i] += value
        with views.engine.connect() as conn:
            incidents = int(
                conn.execute(
                    select(func.count()).where(
                        Incident.repository_id.in_(ids),
                        *_within(Incident.started_at, window.since, window.until),
                    )
                ).scalar_one()
            )
        verdicts = _verdicts(views, names, window)  # its own connection: not nested (SQLite)
    return Overview(
        org=org.lower(),
        since=window.since,
        until=window.until,
        repositories=len(entries),
        changes=totals[0],
        lines_added=totals[1],
        ai_lines=totals[2],
        human_lines=totals[3],
        unknown_lines=totals[4],
        ai_share=_share(totals[2], totals),
        unknown_share=_share(totals[4], totals),
        by_bucket={g: OverviewBucket(changes=v[0], lines_added=v[1]) for g, v in buckets.items()},
        periods=[
            OverviewPeriod(
                period=m,
                changes=v[0],
                ai_lines=v[2],
                human_lines=v[3],
                unknown_lines=v[4],
                ai_share=_share(v[2], v),
            )
            for m, v in sorted(months.items())
        ],
        decisions=verdicts,
        incidents=incidents,
    )


def _share(part: int, sums: Sums) -> float | None:
    attributed = sums[2] + sums[3] + sums[4]
    return part / attributed if attributed else None


def _verdicts(views: ViewContext, names: list[str], window: Window) -> dict[str, int]:
    """Verdicts of the latest decision per pull request (per head when it has no number)."""
    table = decisions_table
    repo = func.lower(table.c.repository)
    per_head = case((table.c.number.is_(None), table.c.head_sha), else_=literal(""))
    latest = (
        select(func.max(table.c.id).label("id"))
        .where(repo.in_(names), *_within(table.c.created_at, window.since, window.until))
        .group_by(repo, func.coalesce(table.c.number, -1), per_head)
        .subquery()
    )
    with views.engine.connect() as conn:
        rows = conn.execute(
            select(table.c.verdict, func.count())
            .join(latest, latest.c.id == table.c.id)
            .group_by(table.c.verdict)
        ).all()
    return {str(v): int(n) for v, n in sorted(rows)}
