"""The board section of the HTML report: the interrupted time series chart.

Drawn from `doc["board"]` (netgain.metrics.board). Only the regression window is shown (up to a
year each side of the adoption): the weeks the figures were computed on, nothing else.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from netgain.report import svg


def board_charts(doc: dict[str, Any]) -> dict[str, Markup]:
    """`board_throughput`: shipped items per week with the fitted segments and the pre-AI trend,
    or a chart that says why there is none."""
    board = doc.get("board")
    if not board:
        return {}
    its = board["throughput"]["items"]
    title = "Shipped items per week against the pre-AI trend"
    if its.get("status") != "ok":
        message = f"insufficient data: {its.get('reason', '')}"
        return {"board_throughput": svg.empty_chart("chart-board-throughput", title, message)}
    adoption = board["adoption"]["week"]
    keys = [row["week"] for row in board["series"]]
    at = keys.index(adoption)
    first = at - its["weeks_before"]
    rows = board["series"][first : at + its["weeks_after"]]
    return {
        "board_throughput": svg.series_with_fit(
            "chart-board-throughput",
            title,
            [row["week"] for row in rows],
            [float(row["items"]) for row in rows],
            its["fitted"],
            its["counterfactual"],
            its["weeks_before"],
            "items",
        )
    }
