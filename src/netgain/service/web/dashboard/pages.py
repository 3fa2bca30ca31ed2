"""What each dashboard page shows, gathered for its template.

The figures come from the shared query layer (`netgain.service.views`) and the organisation
computations (`netgain.metrics`); this module only picks, orders and labels them for a page, and
applies the display rules (charts with text equivalents, people only as teams of at least
`privacy.min_group`, a person's own row for that person and admins).
"""

from __future__ import annotations

from typing import Any

from netgain.report.html import charts
from netgain.service.context import ServiceContext
from netgain.service.views.context import ViewContext
from netgain.service.views.metrics_views import org_metrics, repository_metrics, team_metrics
from netgain.service.views.models import Metrics
from netgain.service.views.overview import overview as overview_figures
from netgain.service.views.scope import Window
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


def _metrics(views: ViewContext, scope: OrgScope, window: Window) -> Metrics:
    """The organisation's document, or the team's when the filter names one (withheld for a
    team below the privacy minimum)."""
    principal = scope.principal
    repositories = [scope.filters.repository] if scope.filters.repository else None
    if scope.filters.team:
        return team_metrics(
            views, principal, scope.org, scope.filters.team, window, repositories=repositories
        )
    return org_metrics(views, principal, scope.org, window, repositories=repositories)


def _sections(doc: dict[str, Any] | None) -> dict[str, list[Chart]]:
    every = _charts(doc)
    return {
        "flow_charts": _pick(every, FLOW_CHARTS),
        "outcome_charts": _pick(every, OUTCOME_CHARTS),
        "quality_charts": _pick(every, QUALITY_CHARTS),
        "policy_charts": _pick(every, POLICY_CHARTS),
        "risk_charts": _pick(every, RISK_CHARTS),
    }


def overview(ctx: ServiceContext, scope: OrgScope) -> dict[str, Any]:
    views = ViewContext.of(ctx)
    window = window_of(scope)
    figures = overview_figures(views, scope.principal, scope.org, window)
    metrics = _metrics(views, scope, window)
    doc = metrics.document
    return {
        "figures": figures,
        "metrics": metrics,
        "doc": doc,
        "teams_shown": _team_rows(doc) if doc else [],
        "pulls": _pulls(ctx, scope, scope.selected, 20),
        **_sections(doc),
    }


def repository(ctx: ServiceContext, scope: OrgScope, full_name: str) -> dict[str, Any]:
    views = ViewContext.of(ctx)
    window = window_of(scope)
    metrics = repository_metrics(views, scope.principal, full_name, window)
    doc = metrics.document
    return {
        "repository": full_name,
        "metrics": metrics,
        "doc": doc,
        "pulls": _pulls(ctx, scope, [full_name], 50),
        **_sections(doc),
    }


def review_load(ctx: ServiceContext, scope: OrgScope) -> dict[str, Any]:
    return {}


def bottleneck(ctx: ServiceContext, scope: OrgScope) -> dict[str, Any]:
    return {}


def validation_credit(ctx: ServiceContext, scope: OrgScope) -> dict[str, Any]:
    return {}
