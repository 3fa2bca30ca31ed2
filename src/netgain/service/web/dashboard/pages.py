"""What each dashboard page shows, gathered for its template.

The figures come from the shared query layer (`netgain.service.views`) and the organisation
computations (`netgain.metrics`); this module only picks, orders and labels them for a page, and
applies the display rules (charts with text equivalents, people only as teams of at least
`privacy.min_group`, a person's own row for that person and admins).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from netgain.report import svg
from netgain.report.html import KIND_COLORS, charts
from netgain.service.context import ServiceContext
from netgain.service.feeds.figures import OrgFlow, org_flow
from netgain.service.stored_documents import ORG_VIEW, Stored, load, team_view
from netgain.service.stored_documents import RANGES as STORED_RANGES
from netgain.service.views.context import ViewContext
from netgain.service.views.metrics_views import org_metrics, repository_metrics, team_metrics
from netgain.service.views.models import Metrics, Overview
from netgain.service.views.overview import overview as overview_figures
from netgain.service.views.scope import Window
from netgain.service.views.times import utc_now
from netgain.service.web.dashboard.cache import DOCUMENTS, data_version
from netgain.service.web.dashboard.pull_request import recent_pull_requests
from netgain.service.web.dashboard.render import Chart, chart
from netgain.service.web.dashboard.scope import OrgScope

# which charts of the metrics document each part of a page shows, in order
OUTCOME_CHARTS = ("cfr", "defect_density", "vulnerability_density", "reported_findings")
FLOW_CHARTS = ("throughput", "net", "ai_share")
QUALITY_CHARTS = ("rework", "review")
POLICY_CHARTS = ("policy_decisions", "policy_required", "policy_rules")
RISK_CHARTS = ("risky", "risk_calibration", "risk_ai_share")


def window_of(scope: OrgScope) -> Window:
    start, end = scope.filters.window()
    return Window(since=start, until=end)


def _pulls(ctx: ServiceContext, scope: OrgScope, repositories: list[str], limit: int) -> Any:
    start, end = scope.filters.window()
    return recent_pull_requests(ctx.engine, repositories, start, end, limit=limit)


def _charts(doc: dict[str, Any] | None) -> dict[str, Chart]:
    if doc is None:
        return {}
    return {key: chart(markup) for key, markup in charts(doc).items()}


def _pick(all_charts: dict[str, Chart], keys: tuple[str, ...]) -> list[Chart]:
    return [all_charts[k] for k in keys if k in all_charts]


def _team_rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """AI share and provenance coverage per team; the query layer only puts teams of at least
    `privacy.min_group` people in the document."""
    by_team = (doc.get("provenance") or {}).get("by_team")
    if not isinstance(by_team, dict) or "status" in by_team:
        return []
    return [
        {"team": team, **figures}
        for team, figures in sorted(by_team.items())
        if isinstance(figures, dict)
    ]


def _adoption(doc: dict[str, Any] | None, min_group: int) -> dict[str, Any] | None:
    """The latest period's AI adoption of a team document (who used AI at all, whose work was at
    least half AI), only when that period had at least `min_group` active engineers."""
    for period in reversed((doc or {}).get("periods") or []):
        adoption = period.get("adoption") if isinstance(period, dict) else None
        if isinstance(adoption, dict) and adoption.get("active_engineers"):
            if int(adoption["active_engineers"]) < min_group:
                return None
            return {"period": period.get("period"), **adoption}
    return None


# The most changes a page computes a full metrics document for on demand (about a second per
# 1,500 on a modest server): beyond it a view shows the document the job stored after ingest
# (`netgain.service.stored_documents`), or says that it has none.
LIVE_LIMIT = 10_000


@dataclass(frozen=True)
class Sourced:
    """A metrics document and where it came from: stored by the job (with its age), computed
    for this view, or neither (why not)."""

    metrics: Metrics | None
    stored: Stored | None = None
    missing: str | None = None


def _sourced(
    views: ViewContext,
    scope: OrgScope,
    window: Window,
    view: str,
    changes: int,
    compute: Callable[[], Metrics],
) -> Sourced:
    """The stored document when it covers exactly what this viewer reads, else the one
    computed now when the view is small enough, else none with the reason."""
    filters = scope.filters
    if filters.repository is None and filters.range in STORED_RANGES:
        found = load(
            views.engine, scope.org, view, filters.range, scope.repositories, scope.settings
        )
        if found is not None:
            return Sourced(found.metrics, stored=found)
    if changes <= LIVE_LIMIT:
        kind = ("org",) if view == ORG_VIEW else ("team", view.removeprefix("team:"))
        return Sourced(_cached(views, scope, window, kind, compute))
    if filters.repository is None and filters.range in STORED_RANGES:
        why = (
            "they are computed in the background after each ingest and are not ready yet"
            if _reads_whole_org(views, scope)
            else "the stored ones cover repositories you cannot read"
        )
    else:
        why = (
            "the organisation's are computed in the background for the "
            + " and ".join(_RANGE_WORDS[r] for r in STORED_RANGES)
            + ", without a repository filter"
        )
    return Sourced(
        None,
        missing=(
            f"The full figures over {changes:,} changes are too many to compute for this view"
            f" on demand (at most {LIVE_LIMIT:,}): {why}. Run netgain metrics for this scope."
        ),
    )


_RANGE_WORDS = {"90d": "last 90 days", "all": "whole history"}


def _reads_whole_org(views: ViewContext, scope: OrgScope) -> bool:
    from netgain.service.catalog import catalog

    every = {e.full_name.lower() for e in catalog(views.engine, views.mirrors)}
    return {n for n in every if n.startswith(f"{scope.org.lower()}/")} == {
        r.lower() for r in scope.repositories
    }


def _with_adoption(
    views: ViewContext, scope: OrgScope, window: Window, rows: list[dict[str, Any]], changes: int
) -> list[dict[str, Any]]:
    """Each team row with its adoption, from the team's document (stored, or computed when
    the view is small)."""
    repositories = [scope.filters.repository] if scope.filters.repository else None

    def of_team(team: str) -> Callable[[], Metrics]:
        return lambda: team_metrics(
            views,
            scope.principal,
            scope.org,
            team,
            window,
            by=scope.filters.period,
            repositories=repositories,
        )

    out = []
    minimum = scope.settings.privacy.min_group
    for row in rows:
        team = str(row["team"])
        found = _sourced(views, scope, window, team_view(team), changes, of_team(team))
        document = found.metrics.document if found.metrics else None
        out.append(
            {**row, "adoption": _adoption(document, minimum), "computed": found.metrics is not None}
        )
    return out


def _metrics(views: ViewContext, scope: OrgScope, window: Window, changes: int) -> Sourced:
    """The organisation's document, or the team's when the filter names one (withheld for a
    team below the privacy minimum): stored by the job, or computed and reused while its
    inputs are unchanged (`cache`) when the view has at most LIVE_LIMIT changes."""
    principal = scope.principal
    repositories = [scope.filters.repository] if scope.filters.repository else None
    team = scope.filters.team
    by = scope.filters.period

    def compute() -> Metrics:
        if team:
            return team_metrics(
                views, principal, scope.org, team, window, by=by, repositories=repositories
            )
        return org_metrics(views, principal, scope.org, window, by=by, repositories=repositories)

    view = team_view(team) if team else ORG_VIEW
    return _sourced(views, scope, window, view, changes, compute)


def _cached(
    views: ViewContext,
    scope: OrgScope,
    window: Window,
    kind: tuple[str | None, ...],
    compute: Callable[[], Metrics],
) -> Metrics:
    key = (
        str(views.engine.url),
        kind,
        scope.org,
        tuple(sorted(scope.selected)),
        window.since,
        window.until,
        scope.filters.period,
        scope.settings.model_dump_json(),
        data_version(views.engine),
    )
    return DOCUMENTS.get(key, compute)


def _sections(doc: dict[str, Any] | None) -> dict[str, list[Chart]]:
    every = _charts(doc)
    return {
        "flow_charts": _pick(every, FLOW_CHARTS),
        "outcome_charts": _pick(every, OUTCOME_CHARTS),
        "quality_charts": _pick(every, QUALITY_CHARTS),
        "policy_charts": _pick(every, POLICY_CHARTS),
        "risk_charts": _pick(every, RISK_CHARTS),
    }


def _headline_chart(figures: Overview) -> Chart:
    """Added lines by provenance per month, from the rollups (every view, however large)."""
    return chart(
        svg.stacked_bars(
            "chart-headline-lines",
            "Added lines by provenance per month",
            [p.period for p in figures.periods],
            [
                ("ai", KIND_COLORS["ai"], [float(p.ai_lines) for p in figures.periods]),
                ("human", KIND_COLORS["human"], [float(p.human_lines) for p in figures.periods]),
                (
                    "unknown",
                    KIND_COLORS["unknown"],
                    [float(p.unknown_lines) for p in figures.periods],
                ),
            ],
        )
    )


def age_words(seconds: float) -> str:
    """How old a stored document is, in the largest whole unit ("3 minutes")."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return "less than a minute"


def _freshness(stored: Stored | None) -> dict[str, Any] | None:
    if stored is None:
        return None
    age = (utc_now() - stored.computed_at).total_seconds()
    return {
        "computed_at": stored.computed_at.strftime("%Y-%m-%d %H:%M UTC"),
        "age": age_words(max(age, 0.0)),
        "current": stored.current,
    }


def overview(ctx: ServiceContext, scope: OrgScope) -> dict[str, Any]:
    """The headline from the database's sums (rollups) for exactly the filtered view; the full
    document stored by the job, or computed when the view is small (`_sourced`)."""
    views = ViewContext.of(ctx)
    window = window_of(scope)
    repositories = [scope.filters.repository] if scope.filters.repository else None
    figures = overview_figures(
        views,
        scope.principal,
        scope.org,
        window,
        repositories=repositories,
        team=scope.filters.team,
    )
    found = _metrics(views, scope, window, figures.changes)
    doc = found.metrics.document if found.metrics else None
    return {
        "figures": figures,
        "headline_chart": _headline_chart(figures),
        "metrics": found.metrics,
        "stored": _freshness(found.stored),
        "missing": found.missing,
        "doc": doc,
        # the team table is not shown on a team's own view: no team documents for it
        "teams_shown": _with_adoption(
            views,
            scope,
            window,
            _team_rows(doc) if doc and not scope.filters.team else [],
            figures.changes,
        ),
        "pulls": _pulls(ctx, scope, scope.selected, 20),
        **_sections(doc),
    }


def repository(ctx: ServiceContext, scope: OrgScope, full_name: str) -> dict[str, Any]:
    views = ViewContext.of(ctx)
    window = window_of(scope)
    metrics = _cached(
        views,
        scope,
        window,
        ("repository", full_name),
        lambda: repository_metrics(
            views, scope.principal, full_name, window, by=scope.filters.period
        ),
    )
    doc = metrics.document
    return {
        "repository": full_name,
        "metrics": metrics,
        "doc": doc,
        "pulls": _pulls(ctx, scope, [full_name], 50),
        **_sections(doc),
    }


def _withheld_team(scope: OrgScope) -> str | None:
    """Why a team filter shows nothing: a team smaller than `privacy.min_group` would show
    the figures of a handful of named people (the API withholds its metrics the same way)."""
    team = scope.filters.team
    if team is None:
        return None
    minimum = scope.settings.privacy.min_group
    if len({m.lower() for m in scope.settings.teams.get(team, [])}) < minimum:
        return f"team-level figures are shown for groups of at least {minimum} people"
    return None


def _flow(ctx: ServiceContext, scope: OrgScope) -> OrgFlow:
    start, end = scope.filters.window()
    return org_flow(
        ctx,
        scope.principal,
        scope.org,
        repositories=scope.selected,
        team=scope.filters.team,
        since=start,
        until=end,
    )


def _groups(found: dict[str, Any]) -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
    """(shown groups, withheld group names) of a `by_team` / `by_tier` mapping whose withheld
    entries are the reason string."""
    shown = [(k, v) for k, v in sorted(found.items()) if isinstance(v, dict)]
    withheld = sorted(k for k, v in found.items() if not isinstance(v, dict))
    return shown, withheld


def _own_or_all(scope: OrgScope, people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The person rows the computation let through (the viewer's own, or all for an admin),
    sorted by name: never ranked."""
    return sorted(people, key=lambda p: str(p.get("reviewer") or p.get("person") or ""))


def review_load(ctx: ServiceContext, scope: OrgScope) -> dict[str, Any]:
    withheld = _withheld_team(scope)
    if withheld:
        return {"withheld": withheld}
    load = _flow(ctx, scope).review_load.to_dict()
    tiers, tiers_withheld = _groups(load["by_tier"])
    teams, teams_withheld = _groups(load["by_team"])
    charts_ = [
        chart(
            svg.horizontal_bars(
                "chart-review-tiers",
                "Review hours by seniority tier",
                [(tier, float(v["hours"])) for tier, v in tiers],
                "hours",
            )
        ),
        chart(
            svg.horizontal_bars(
                "chart-review-teams",
                "Review hours by team",
                [(team, float(v["hours"])) for team, v in teams],
                "hours",
            )
        ),
    ]
    return {
        "load": load,
        "tiers": tiers,
        "tiers_withheld": tiers_withheld,
        "teams": teams,
        "teams_withheld": teams_withheld,
        "people": _own_or_all(scope, load["people"]),
        "charts": charts_,
    }


STAGE_LABELS = {
    "coding": "first commit → pull request opened",
    "pickup": "opened → first review",
    "review": "first review → approval",
    "merge": "approval → merge",
    "deploy": "merge → deployment",
}


def _stage_rows(stages: dict[str, Any]) -> list[svg.Interval]:
    return [
        svg.Interval(
            stage,
            figures.get("median_hours"),
            figures.get("low"),
            figures.get("high"),
            int(figures.get("n") or 0),
        )
        for stage, figures in stages.items()
        if isinstance(figures, dict)
    ]


def bottleneck(ctx: ServiceContext, scope: OrgScope) -> dict[str, Any]:
    withheld = _withheld_team(scope)
    if withheld:
        return {"withheld": withheld}
    flow = _flow(ctx, scope).flow.to_dict()
    teams, teams_withheld = _groups(flow["by_team"])
    return {
        "flow": flow,
        "stage_labels": STAGE_LABELS,
        "teams": teams,
        "teams_withheld": teams_withheld,
        "charts": [
            chart(
                svg.intervals(
                    "chart-stages",
                    "Median hours per stage, with 95% intervals",
                    _stage_rows(flow["stages"]),
                    "hours (median)",
                )
            )
        ],
    }


CREDIT_KINDS = (
    ("reviews", "reviews done", "#3b7dd8"),
    ("blocked_caught", "blocked changes caught", "#a40e26"),
    ("findings_caught", "findings caught in review", "#8a4600"),
    ("design_documents", "design documents written", "#116329"),
)


def validation_credit(ctx: ServiceContext, scope: OrgScope) -> dict[str, Any]:
    withheld = _withheld_team(scope)
    if withheld:
        return {"withheld": withheld}
    credit = _flow(ctx, scope).validation.to_dict()
    teams, teams_withheld = _groups(credit["by_team"])
    people = [{"person": who, **figures} for who, figures in sorted(credit["people"].items())]
    return {
        "credit": credit,
        "kinds": CREDIT_KINDS,
        "teams": teams,
        "teams_withheld": teams_withheld,
        "people": people,
        "charts": [
            chart(
                svg.stacked_bars(
                    "chart-credit-teams",
                    "Validation work by team",
                    [team for team, _ in teams],
                    [
                        (label, color, [float(v[key]) for _, v in teams])
                        for key, label, color in CREDIT_KINDS
                    ],
                )
            )
        ],
    }
