"""`netgain report`: one self-contained, offline HTML file rendered from the metrics document.

The page embeds the exact `metrics --json` document (as inert JSON) and draws every chart as
inline SVG from it: no CDN, no external font, no fetch. A tiny inline script records page errors
into the DOM (`data-errors`) so a headless-browser test can assert the page ran clean.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from netgain import __version__
from netgain.report import board_text, svg
from netgain.report.board_section import board_charts
from netgain.report.policy_section import policy_charts
from netgain.report.risk_section import risk_charts

GROUP_COLORS = {
    "0-25": "#27ae60",
    "25-50": "#7fb800",
    "50-75": "#b0649a",
    "75-100": "#8e44ad",
    "unknown": "#c8a200",
}
KIND_COLORS = {
    "ai": svg.COLORS["ai"],
    "human": svg.COLORS["human"],
    "unknown": svg.COLORS["unknown"],
}


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("netgain.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["codes"] = codes
    return env


def codes(text: str) -> Markup:
    """`text` escaped, with its `backquoted` spans (commands, options) set as code."""
    escaped = str(escape(text))
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped))  # noqa: S704 - escaped first


def _interval(label: str, est: dict[str, Any], color: str, scale: float = 1.0) -> svg.Interval:
    def s(x: float | None) -> float | None:
        return None if x is None else x * scale

    return svg.Interval(
        label,
        s(est.get("value")),
        s(est.get("low")),
        s(est.get("high")),
        int(est.get("n", 0)),
        color,
    )


def _kind_rows(family: dict[str, Any], scale: float = 1.0) -> list[svg.Interval]:
    return [_interval(kind, family[kind], KIND_COLORS[kind], scale) for kind in KIND_COLORS]


def charts(doc: dict[str, Any]) -> dict[str, Markup]:
    """Every chart of the report, keyed by id; a chart without data explains why."""
    periods = doc["periods"]
    labels = [p["period"] for p in periods]
    out: dict[str, Markup] = {}
    use_features = any(p["features"] for p in periods)
    bar_name = "features" if use_features else "changes"
    incidents_known = doc["sources"]["incidents"] is not None
    out["throughput"] = svg.bars_and_line(
        "chart-throughput",
        "Throughput against incidents",
        labels,
        [float(p[bar_name]) for p in periods],
        [float(p["incidents"]) if incidents_known else None for p in periods],
        bar_name,
        "incidents" if incidents_known else "incidents (none imported)",
    )
    out["ai_share"] = svg.stacked_bars(
        "chart-ai-share",
        "Added lines by provenance",
        labels,
        [
            ("ai", KIND_COLORS["ai"], [float(p["ai_lines"]) for p in periods]),
            ("human", KIND_COLORS["human"], [float(p["human_lines"]) for p in periods]),
            ("unknown", KIND_COLORS["unknown"], [float(p["unknown_lines"]) for p in periods]),
        ],
    )
    features_known = doc["net_productivity"]["total"]["features"] is not None
    out["net"] = (
        svg.bars_and_line(
            "chart-net",
            "Features and net features after downstream cost",
            labels,
            [float(p["features"]) for p in periods],
            [max(0.0, p["net_productivity"]["net_features"]) for p in periods],
            "features",
            "net features (floored at 0)",
            same_scale=True,
        )
        if features_known
        else svg.empty_chart(
            "chart-net", "Net productivity", "no feature data: which changes are features"
        )
    )
    if incidents_known:
        out["cfr"] = svg.intervals(
            "chart-cfr",
            "Change failure rate by AI-share bucket",
            [
                _interval(
                    group,
                    row["outcomes"]["change_failure_rate"],
                    GROUP_COLORS[group],
                    100.0,
                )
                for group, row in doc["by_bucket"].items()
            ],
            "% of shipped items linked to an incident",
        )
    else:
        out["cfr"] = svg.empty_chart("chart-cfr", "Change failure rate", "no incident data")
    quality = doc["quality"]
    for key, chart_id, title in (
        ("defect_density", "chart-defects", "Defect density"),
        ("vulnerability_density", "chart-vulns", "Vulnerability density"),
    ):
        family = quality[key]
        out[key] = (
            svg.empty_chart(chart_id, title, family["status"])
            if "status" in family
            else svg.intervals(chart_id, title, _kind_rows(family), family["unit"])
        )
    reported = quality["reported_findings"]
    out["reported_findings"] = (
        svg.empty_chart("chart-reported", "Findings reported after the merge", reported["status"])
        if "status" in reported
        else svg.intervals(
            "chart-reported",
            "Findings reported after the merge",
            _kind_rows(reported["density"]["all"]),
            reported["density"]["unit"],
        )
    )
    rework = doc["rework"]
    out["rework"] = (
        svg.empty_chart("chart-rework", "Rework", rework["status"])
        if "status" in rework
        else svg.intervals(
            "chart-rework",
            "Rework",
            _kind_rows(rework, 100.0),
            f"% of added lines changed within {rework['window_days']} days",
        )
    )
    review = doc["review"]
    if review["status"] != "ok":
        out["review"] = svg.empty_chart("chart-review", "Review time", review["status"])
    else:
        keys = sorted(review["by_period"])
        out["review"] = svg.stacked_bars(
            "chart-review",
            "Review hours by reviewer role",
            keys,
            [
                (
                    role,
                    svg.COLORS[role],
                    [float(review["by_period"][k].get(role, 0.0)) for k in keys],
                )
                for role in ("senior", "other")
            ],
        )
    out["risky"] = svg.horizontal_bars(
        "chart-risky",
        "Riskiest files",
        [(r["path"], float(r["score"])) for r in doc["risky_files"]],
        "risk score",
    )
    out.update(board_charts(doc))
    out.update(risk_charts(doc))
    out.update(policy_charts(doc))
    return out


def _embedded_json(doc: dict[str, Any]) -> Markup:
    text = json.dumps(doc, sort_keys=True, default=str)
    # Inside <script>, only "</" can end the element early; "<!--" could start a comment state.
    safe = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(safe)  # noqa: S704 - JSON with every markup character escaped above


def render_html(doc: dict[str, Any], *, generated_at: datetime | None = None) -> str:
    """The whole report as one HTML string."""
    template = _environment().get_template("report.html.j2")
    return template.render(
        doc=doc,
        charts=charts(doc),
        data_json=_embedded_json(doc),
        version=__version__,
        generated_at=(generated_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC"),
        fmt=_fmt_estimate,
        interval=board_text.interval,
        refusal=board_text.refusal,
    )


def _fmt_estimate(est: Any, percent: bool = True) -> str:
    if not isinstance(est, dict):
        return "-"
    if "value" not in est:
        return str(est.get("status", "-"))
    if est["value"] is None:
        return f"insufficient data (n={est['n']})"

    def f(x: float) -> str:
        return f"{x:.1%}" if percent else f"{x:.2f}"

    return f"{f(est['value'])} [{f(est['low'])}–{f(est['high'])}], n={est['n']}"


def write_html(doc: dict[str, Any], path: Path) -> Path:
    """Render and write the report; returns the absolute path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(doc), encoding="utf-8")
    return path.resolve()
