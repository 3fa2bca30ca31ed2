"""The organisation overview's headline figures, aggregated by the database.

The full metrics document loads every change into Python (right for one repository, far too slow
for a million commits). The overview answers "how much of our code is AI-written, and how is that
moving" for every readable repository at once from sums: lines by provenance and changes per
AI-share bucket (the bucket rule of `netgain.metrics.inputs.share_bucket`, written in integer
SQL) per month, read from the monthly rollups (`netgain.service.views.rollup`) for whole months
and from the commits for the partial months at the ends of the time range; plus the gate's
latest decision per pull request and the incidents. A team's figures come from the per-author
monthly rollup that ingest keeps (`netgain.store.author_months`), summed over the team's members
at query time, so a change of membership needs no rebuild.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, and_, case, func, literal, select
from sqlalchemy.dialects.postgresql import distinct_on

from netgain.metrics.inputs import GROUPS
from netgain.service.access import Principal
from netgain.service.tables import decisions as decisions_table
from netgain.service.views.context import ViewContext
from netgain.service.views.models import Overview, OverviewBucket, OverviewPeriod
from netgain.service.views.rollup import refresh, rolled_up
from netgain.service.views.scope import Window, chosen, org_entries, team_of
from netgain.store.author_months import line_sums, period, share_bucket, team_months
from netgain.store.models import Attribution, Commit
from netgain.store.outcome_models import Incident, IncidentLink

Sums = list[int]  # changes, lines added, ai, human, unknown


def bucket_expression() -> ColumnElement[Any]:
    """share_bucket(ai, human, unknown) in SQL: the store's rule, which its per-author rollup
    is computed with too."""
    return share_bucket()


def period_expression(engine: Engine, column: Any, grain: str = "M") -> ColumnElement[Any]:
    """YYYY-MM (grain M) or YYYY-MM-DD (grain D) of a stored time, in UTC."""
    return period(engine.dialect.name, column, grain)


def window_bounds(column: Any, since: datetime | None, until: datetime | None) -> list[Any]:
    """[since, until) as SQL conditions on a stored time, so the database reads only the rows
    inside (through the column's index); a row without a time is outside any bounded window."""
    from netgain.service.views.changes import stored_bound

    out: list[Any] = []
    if since is not None:
        out.append(column >= stored_bound(since))
    if until is not None:
        out.append(column < stored_bound(until))
    return out


def commit_aggregate(
    engine: Engine,
    ids: Sequence[int],
    bounds: list[Any],
    *,
    per_repository: bool = False,
    grain: str = "M",
) -> Any:
    """(repository, grain,) period, bucket -> changes, lines added, ai, human, unknown lines;
    the period is the month (grain M) or the day (grain D)."""
    period = period_expression(engine, Commit.author_date, grain).label("period")
    bucket = bucket_expression().label("bucket")
    keys: list[Any] = (
        [Commit.repository_id, literal(grain), period, bucket]
        if per_repository
        else [period, bucket]
    )
    return (
        select(*keys, *line_sums())
        .select_from(Commit)
        .outerjoin(Attribution, Attribution.commit_id == Commit.id)
        .where(Commit.repository_id.in_(ids), Commit.is_merge.is_(False), *bounds)
        .group_by(*keys)
    )


def overview_sql(engine: Engine, ids: Sequence[int], window: Window) -> Any:
    """The aggregate straight over the commits (no rollup): what the rollup saves."""
    return commit_aggregate(
        engine, ids, window_bounds(Commit.author_date, window.since, window.until)
    )


def _month_start(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    return datetime(moment.year, moment.month, 1, tzinfo=UTC)


def _next_month(start: datetime) -> datetime:
    return datetime(start.year + start.month // 12, start.month % 12 + 1, 1, tzinfo=UTC)


def _day_start(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)


@dataclass(frozen=True)
class Plan:
    """Where each part of a time range is read from: month rows, day rows, or the commits."""

    months: tuple[str | None, str | None] | None  # first (incl.), end (excl.), None: open
    days: list[tuple[str, str]] = field(default_factory=list)
    commits: list[Window] = field(default_factory=list)


def _ceil(
    moment: datetime,
    start: Callable[[datetime], datetime],
    step: Callable[[datetime], datetime],
) -> datetime:
    floor = start(moment)
    return floor if floor == moment else step(floor)


def _split_days(since: datetime, until: datetime, plan: Plan) -> None:
    """[since, until) within partial months: whole days from day rows, the rest from commits."""
    first, end = _ceil(since, _day_start, lambda d: d + timedelta(days=1)), _day_start(until)
    if first >= end:
        plan.commits.append(Window(since, until))
        return
    plan.days.append((first.strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d")))
    if since < first:
        plan.commits.append(Window(since, first))
    if end < until:
        plan.commits.append(Window(end, until))


def plan(window: Window) -> Plan:
    """Whole months from the month rows; the partial months at the ends from day rows, and the
    partial days at the ends from the commits."""
    since, until = window.since, window.until
    first = None if since is None else _ceil(since, _month_start, _next_month)
    end = None if until is None else _month_start(until)
    if (
        since is not None
        and until is not None
        and first is not None
        and end is not None
        and first >= end
    ):
        out = Plan(None)  # no whole month inside
        _split_days(since, until, out)
        return out
    out = Plan(
        (
            None if first is None else first.strftime("%Y-%m"),
            None if end is None else end.strftime("%Y-%m"),
        )
    )
    if since is not None and first is not None and since < first:
        _split_days(since, first, out)
    if until is not None and end is not None and end < until:
        _split_days(end, until, out)
    return out


def monthly_sums(engine: Engine, ids: Sequence[int], window: Window) -> dict[tuple[str, str], Sums]:
    """(month, bucket) -> sums over the window, exact, from the rollups and the edge commits."""
    refresh(engine, ids)
    parts = plan(window)
    queries = [overview_sql(engine, ids, edge) for edge in parts.commits]
    queries += [rolled_up(ids, "D", first, end) for first, end in parts.days]
    if parts.months is not None:
        queries.append(rolled_up(ids, "M", *parts.months))
    return _summed(engine, queries)


def _summed(engine: Engine, queries: list[Any]) -> dict[tuple[str, str], Sums]:
    """(month, bucket) -> the sums of every (month, bucket, *sums) row the queries return."""
    out: dict[tuple[str, str], Sums] = {}
    with engine.connect() as conn:
        for query in queries:
            for month, bucket, *values in conn.execute(query):
                sums = out.setdefault((str(month), str(bucket)), [0, 0, 0, 0, 0])
                for i, value in enumerate(values):
                    sums[i] += int(value or 0)
    return out


def overview(
    views: ViewContext,
    principal: Principal,
    org: str,
    window: Window,
    *,
    repositories: list[str] | None = None,
    team: str | None = None,
) -> Overview:
    """The headline figures of the readable repositories (or those named). For a team: the
    commits its members authored (summed from the per-author rollup, the team being its members
    now) and the incidents traced to them; withheld below the privacy minimum."""
    entries = chosen(org_entries(views.engine, views.mirrors, principal, org), repositories)
    ids = [e.repository_id for e in entries]
    group = None if team is None else team_of(views.orgs.for_org(org), team)
    out = Overview(
        org=org.lower(),
        team=None if group is None else group.name,
        since=window.since,
        until=window.until,
        repositories=len(entries),
        withheld=None if group is None else group.withheld,
    )
    if not ids or out.withheld is not None:
        return out
    if group is None:
        sums = monthly_sums(views.engine, ids, window)
        incidents = _incidents(views.engine, ids, window)
        verdicts = _verdicts(views, [e.full_name for e in entries], window)
        notes: list[str] = []
    else:
        authors = sorted(group.identities)
        sums = _author_sums(views.engine, ids, window, authors)
        incidents = _incidents(views.engine, ids, window, authors)
        verdicts = {}
        notes = ["gate decisions are not split by team (the overview of the organisation has them)"]
    return _filled(out, sums, incidents, verdicts, notes)


def _author_sums(
    engine: Engine, ids: Sequence[int], window: Window, authors: list[str]
) -> dict[tuple[str, str], Sums]:
    """(month, bucket) -> sums of the commits `authors` wrote in the window, exact: whole months
    from the per-author rollup (netgain.store.author_months), the partial months at the ends
    from the commits (through the index on repository and author date)."""
    parts = plan(window)
    edges = [*parts.commits, *(Window(_day(first), _day(end)) for first, end in parts.days)]
    queries = [
        commit_aggregate(
            engine,
            ids,
            [
                *window_bounds(Commit.author_date, edge.since, edge.until),
                func.lower(Commit.author_email).in_(authors),
            ],
        )
        for edge in edges
    ]
    if parts.months is not None:
        queries.append(team_months(ids, authors, *parts.months))
    return _summed(engine, queries)


def _day(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)


def _incidents(
    engine: Engine, ids: Sequence[int], window: Window, authors: list[str] | None = None
) -> int:
    """Incidents in the window; with `authors`, those traced to a commit one of them wrote."""
    where = [
        Incident.repository_id.in_(ids),
        *window_bounds(Incident.started_at, window.since, window.until),
    ]
    if authors is not None:
        caused = (
            select(IncidentLink.incident_id)
            .join(
                Commit,
                and_(
                    Commit.repository_id == IncidentLink.repository_id,
                    Commit.sha == IncidentLink.commit_sha,
                ),
            )
            .where(IncidentLink.role == "cause", func.lower(Commit.author_email).in_(authors))
        )
        where.append(Incident.id.in_(caused))
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).where(*where)).scalar_one())


def _filled(
    out: Overview,
    sums: dict[tuple[str, str], Sums],
    incidents: int,
    verdicts: dict[str, int],
    notes: list[str],
) -> Overview:
    buckets = {g: [0, 0] for g in GROUPS}
    months: dict[str, Sums] = {}
    totals: Sums = [0, 0, 0, 0, 0]
    for (month, bucket), values in sums.items():
        buckets[bucket][0] += values[0]
        buckets[bucket][1] += values[1]
        per = months.setdefault(month, [0, 0, 0, 0, 0])
        for i, value in enumerate(values):
            per[i] += value
            totals[i] += value
    return out.model_copy(
        update={
            "changes": totals[0],
            "lines_added": totals[1],
            "ai_lines": totals[2],
            "human_lines": totals[3],
            "unknown_lines": totals[4],
            "ai_share": _share(totals[2], totals),
            "unknown_share": _share(totals[4], totals),
            "by_bucket": {
                g: OverviewBucket(changes=v[0], lines_added=v[1]) for g, v in buckets.items()
            },
            "periods": [
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
            "decisions": verdicts,
            "incidents": incidents,
            "notes": notes,
        }
    )


def _share(part: int, sums: Sums) -> float | None:
    attributed = sums[2] + sums[3] + sums[4]
    return part / attributed if attributed else None


def _verdicts(views: ViewContext, names: list[str], window: Window) -> dict[str, int]:
    """Verdicts of the latest decision per pull request (per head when it has no number).

    Names are matched exactly (the index on `repository`), as the service stores them and
    names the mirrors: both come from the same GitHub payload. PostgreSQL picks the latest with
    DISTINCT ON (one sort; the max(id) self-join took four times as long at 15,000 decisions).
    """
    table = decisions_table
    number = func.coalesce(table.c.number, -1)
    per_head = case((table.c.number.is_(None), table.c.head_sha), else_=literal(""))
    keys = [table.c.repository, number, per_head]
    where = [
        table.c.repository.in_(names),
        *window_bounds(table.c.created_at, window.since, window.until),
    ]
    if views.engine.dialect.name == "postgresql":
        latest = (
            select(table.c.verdict)
            .where(*where)
            .ext(distinct_on(*keys))
            .order_by(*keys, table.c.id.desc())
            .subquery()
        )
        query = select(latest.c.verdict, func.count()).group_by(latest.c.verdict)
    else:
        ids = select(func.max(table.c.id).label("id")).where(*where).group_by(*keys).subquery()
        query = (
            select(table.c.verdict, func.count())
            .join(ids, ids.c.id == table.c.id)
            .group_by(table.c.verdict)
        )
    with views.engine.connect() as conn:
        rows = conn.execute(query).all()
    return {str(v): int(n) for v, n in sorted(rows)}
