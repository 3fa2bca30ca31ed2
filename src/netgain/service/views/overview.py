"""The organisation overview's headline figures, aggregated by the database.

The full metrics document loads every change into Python (right for one repository, a few
seconds for a million commits). The overview answers "how much of our code is AI-written, and how
is that moving" for every readable repository at once, so it asks the database for sums only:
lines by provenance, changes per AI-share bucket (the bucket rule of
`netgain.metrics.inputs.share_bucket`, written in integer SQL), per month, plus the gate's latest
decision per pull request and the incidents. One pass over the commits, whatever their number.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Engine, and_, case, func, literal, select

from netgain.metrics.inputs import GROUPS, UNKNOWN
from netgain.service.access import Principal
from netgain.service.tables import decisions as decisions_table
from netgain.service.views.context import ViewContext
from netgain.service.views.models import Overview, OverviewBucket, OverviewPeriod
from netgain.service.views.scope import Window, org_entries
from netgain.store.models import Attribution, Commit
from netgain.store.outcome_models import Incident


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


def _window(column: Any, window: Window) -> list[ColumnElement[bool]]:
    from netgain.service.views.changes import stored_bound

    out: list[ColumnElement[bool]] = []
    if window.since is not None:
        out.append(column >= stored_bound(window.since))
    if window.until is not None:
        out.append(column < stored_bound(window.until))
    return out


def overview_sql(engine: Engine, repository_ids: list[int], window: Window) -> Any:
    """The one aggregate over commits: (month, bucket) -> changes, lines and provenance sums."""
    month = month_expression(engine, Commit.author_date).label("month")
    bucket = bucket_expression().label("bucket")
    return (
        select(
            month,
            bucket,
            func.count().label("changes"),
            func.sum(Commit.lines_added).label("lines_added"),
            func.sum(func.coalesce(Attribution.ai_lines, 0)).label("ai"),
            func.sum(func.coalesce(Attribution.human_lines, 0)).label("human"),
            func.sum(_unknown()).label("unknown"),
        )
        .select_from(Commit)
        .outerjoin(Attribution, Attribution.commit_id == Commit.id)
        .where(
            Commit.repository_id.in_(repository_ids),
            Commit.is_merge.is_(False),
            *_window(Commit.author_date, window),
        )
        .group_by(month, bucket)
    )


def overview(views: ViewContext, principal: Principal, org: str, window: Window) -> Overview:
    entries = org_entries(views.engine, views.mirrors, principal, org)
    ids = [e.repository_id for e in entries]
    names = [e.full_name.lower() for e in entries]
    buckets = {g: [0, 0] for g in GROUPS}
    months: dict[str, list[int]] = {}
    totals = [0, 0, 0, 0, 0]  # changes, lines, ai, human, unknown
    verdicts: dict[str, int] = {}
    incidents = 0
    if ids:
        with views.engine.connect() as conn:
            for month, bucket, changes, lines, ai, human, unknown in conn.execute(
                overview_sql(views.engine, ids, window)
            ):
                row = [int(changes), int(lines or 0), int(ai or 0), int(human or 0)]
                row.append(int(unknown or 0))
                buckets[str(bucket)][0] += row[0]
                buckets[str(bucket)][1] += row[1]
                per = months.setdefault(str(month), [0, 0, 0, 0, 0])
                for i, value in enumerate(row):
                    per[i] += value
                    totals[i] += value
            incidents = int(
                conn.execute(
                    select(func.count()).where(
                        Incident.repository_id.in_(ids), *_window(Incident.started_at, window)
                    )
                ).scalar_one()
            )
        verdicts = _verdicts(views, names, window)  # its own connection: not nested (SQLite)
    attributed = totals[2] + totals[3] + totals[4]
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
        ai_share=totals[2] / attributed if attributed else None,
        unknown_share=totals[4] / attributed if attributed else None,
        by_bucket={g: OverviewBucket(changes=v[0], lines_added=v[1]) for g, v in buckets.items()},
        periods=[
            OverviewPeriod(
                period=m,
                changes=v[0],
                ai_lines=v[2],
                human_lines=v[3],
                unknown_lines=v[4],
                ai_share=v[2] / (v[2] + v[3] + v[4]) if v[2] + v[3] + v[4] else None,
            )
            for m, v in sorted(months.items())
        ],
        decisions=verdicts,
        incidents=incidents,
    )


def _verdicts(views: ViewContext, names: list[str], window: Window) -> dict[str, int]:
    """Verdicts of the latest decision per pull request (per head when it has no number)."""
    table = decisions_table
    repo = func.lower(table.c.repository)
    latest = (
        select(func.max(table.c.id).label("id"))
        .where(repo.in_(names), *_window(table.c.created_at, window))
        .group_by(
            repo,
            func.coalesce(table.c.number, -1),
            case((table.c.number.is_(None), table.c.head_sha), else_=literal("")),
        )
        .subquery()
    )
    with views.engine.connect() as conn:
        rows = conn.execute(
            select(table.c.verdict, func.count())
            .join(latest, and_(latest.c.id == table.c.id))
            .group_by(table.c.verdict)
        ).all()
    return {str(v): int(n) for v, n in sorted(rows)}
