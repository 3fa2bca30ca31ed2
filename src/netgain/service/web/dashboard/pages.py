"""What each dashboard page shows, gathered for its template.

The figures come from the shared query layer (`netgain.service.views`) and the organisation
computations (`netgain.metrics`); this module only picks, orders and labels them for a page, and
applies the display rules (charts with text equivalents, people only as teams of at least
`privacy.min_group`, a person's own row for that person and admins).
"""

from __future__ import annotations

from typing import Any

from netgain.service.context import ServiceContext
from netgain.service.web.dashboard.pull_request import recent_pull_requests
from netgain.service.web.dashboard.scope import OrgScope


def overview(ctx: ServiceContext, scope: OrgScope) -> dict[str, Any]:
    start, end = scope.filters.window()
    return {
        "pulls": recent_pull_requests(ctx.engine, scope.selected, start, end, limit=20),
    }


def repository(ctx: ServiceContext, scope: OrgScope, full_name: str) -> dict[str, Any]:
    start, end = scope.filters.window()
    return {
        "repository": full_name,
        "pulls": recent_pull_requests(ctx.engine, [full_name], start, end),
    }


def review_load(ctx: ServiceContext, scope: OrgScope) -> dict[str, Any]:
    return {}


def bottleneck(ctx: ServiceContext, scope: OrgScope) -> dict[str, Any]:
    return {}


def validation_credit(ctx: ServiceContext, scope: OrgScope) -> dict[str, Any]:
    return {}
