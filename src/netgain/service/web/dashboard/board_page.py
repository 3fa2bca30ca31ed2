"""The board page: the answer of `netgain metrics --board` for what the viewer covers, and for
each of its repositories, on one printable page.

The figures are `netgain.metrics.board`'s, computed by `netgain.service.views.board_views`; the
chart is the report's (`netgain.report.board_section`), with its figures in words beside it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from netgain.report.board_section import board_charts
from netgain.report.board_text import interval, refusal, throughput_lines
from netgain.service.context import ServiceContext
from netgain.service.views.board_views import Boards, org_boards
from netgain.service.views.context import ViewContext
from netgain.service.web.dashboard.cache import DOCUMENTS, data_version
from netgain.service.web.dashboard.render import Chart, chart
from netgain.service.web.dashboard.scope import OrgScope

QUESTION = "Did AI make us faster than our own pre-AI baseline, net of its downstream cost?"


def _throughput_chart(doc: dict[str, Any]) -> Chart | None:
    """The report's interrupted-time-series chart; its text equivalent opens with the fitted
    figures (the same lines as `netgain metrics --board`), then each week's count."""
    markup = board_charts({"board": doc}).get("board_throughput")
    if markup is None:
        return None
    drawn = chart(markup)
    if drawn.empty:
        return drawn
    fitted = [line.strip() for line in throughput_lines("items", doc["throughput"]["items"])]
    return replace(drawn, lines=[*fitted, *drawn.lines])


def _boards(ctx: ServiceContext, scope: OrgScope) -> Boards:
    views = ViewContext.of(ctx)
    _, until = scope.filters.window()
    repositories = [scope.filters.repository] if scope.filters.repository else None
    key = (
        str(views.engine.url),
        ("board", scope.filters.team),
        scope.org,
        tuple(sorted(scope.selected)),
        until,
        scope.settings.model_dump_json(),
        data_version(views.engine),
    )
    return DOCUMENTS.get(
        key,
        lambda: org_boards(
            views,
            scope.principal,
            scope.org,
            until,
            repositories=repositories,
            team=scope.filters.team,
        ),
    )


def board_page(ctx: ServiceContext, scope: OrgScope) -> dict[str, Any]:
    """The page's context: the combined board, its chart, and one row per repository."""
    boards = _boards(ctx, scope)
    doc = boards.combined
    _, until = scope.filters.window()
    return {
        "boards": boards,
        "board": doc,
        "throughput_chart": _throughput_chart(doc) if doc else None,
        "until_text": (until - timedelta(days=1)).date().isoformat(),  # the window's last day
        "interval": interval,
        "refusal": refusal,
    }
