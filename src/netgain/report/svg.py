"""Inline SVG charts for the offline HTML report, generated in Python.

No chart library and no network: each chart is a small SVG string whose marks (bars, points,
interval whiskers) carry `data-mark` attributes, so a browser test can check that every chart drew
something, and a `<title>` per mark gives the exact number on hover. Text is always escaped:
period labels and file paths come from the repository, which is hostile input.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 720
HEIGHT = 240
PAD_LEFT = 56
PAD_RIGHT = 56
PAD_TOP = 20
PAD_BOTTOM = 48
COLORS = {
    "ai": "#8e44ad",
    "human": "#27ae60",
    "unknown": "#c8a200",
    "bar": "#3b7dd8",
    "line": "#d35400",
    "net": "#16a085",
    "senior": "#2c3e50",
    "other": "#95a5a6",
}


@dataclass(frozen=True, slots=True)
class Interval:
    """One row of an interval chart: a point with its 95% interval, or no value."""

    label: str
    value: float | None
    low: float | None
    high: float | None
    n: int
    color: str = "#3b7dd8"


def _fmt(value: float) -> str:
    if abs(value) >= 100 or value == int(value):
        return f"{value:.0f}"
    return f"{value:.2f}"


def _svg(chart_id: str, title: str, body: list[str], height: int = HEIGHT) -> Markup:
    # Every interpolated text above went through escape(); the numbers are formatted floats.
    return Markup(  # noqa: S704
        f'<svg class="chart" id="{escape(chart_id)}" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMidYMid meet" '
        f'xmlns="http://www.w3.org/2000/svg">' + "".join(body) + "</svg>"
    )


def empty_chart(chart_id: str, title: str, message: str) -> Markup:
    """A chart that states why it has nothing to draw (missing source, insufficient data)."""
    body = [
        f'<text data-empty="1" x="{WIDTH / 2}" y="{HEIGHT / 4}" text-anchor="middle" '
        f'class="empty">{escape(message)}</text>'
    ]
    return _svg(chart_id, title, body, HEIGHT // 2)


def _y_axis(top: float, x: float, color: str, anchor: str) -> list[str]:
    out = []
    for i in range(5):
        value = top * i / 4
        y = HEIGHT - PAD_BOTTOM - (HEIGHT - PAD_TOP - PAD_BOTTOM) * i / 4
        out.append(
            f'<text x="{x}" y="{y + 4:.1f}" text-anchor="{anchor}" class="tick" '
            f'fill="{color}">{_fmt(value)}</text>'
        )
        out.append(
            f'<line x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
        )
    return out


def _x_labels(labels: Sequence[str], step_x: float, every: int | None = None) -> list[str]:
    every = every or max(1, len(labels) // 12)
    out = []
    for i, label in enumerate(labels):
        if i % every:
            continue
        x = PAD_LEFT + step_x * (i + 0.5)
        out.append(
            f'<text x="{x:.1f}" y="{HEIGHT - PAD_BOTTOM + 16}" text-anchor="middle" '
            f'class="tick">{escape(label)}</text>'
        )
    return out


def bars_and_line(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    bars: Sequence[float],
    line: Sequence[float | None],
    bar_name: str,
    line_name: str,
    *,
    same_scale: bool = False,
) -> Markup:
    """Bars on the left axis, a line with points on the right axis (e.g. features vs incidents);
    `same_scale` puts both on one axis (features and net features are the same unit)."""
    if not labels:
        return empty_chart(chart_id, title, "no periods to show")
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    step = (WIDTH - PAD_LEFT - PAD_RIGHT) / len(labels)
    bar_top = max([*bars, 1.0])
    line_values = [v for v in line if v is not None]
    line_top = max([*line_values, 1.0])
    if same_scale:
        bar_top = line_top = max(bar_top, line_top)
    body = _y_axis(bar_top, PAD_LEFT - 6, COLORS["bar"], "end")
    body += [
        f'<text x="{WIDTH - PAD_RIGHT + 6}" y="{PAD_TOP + plot_h * (1 - i / 4) + 4:.1f}" '
        f'class="tick" fill="{COLORS["line"]}">{_fmt(line_top * i / 4)}</text>'
        for i in range(5)
    ]
    for i, value in enumerate(bars):
        h = plot_h * value / bar_top
        x = PAD_LEFT + step * i + step * 0.15
        body.append(
            f'<rect data-mark="bar" x="{x:.1f}" y="{HEIGHT - PAD_BOTTOM - h:.1f}" '
            f'width="{step * 0.7:.1f}" height="{h:.1f}" fill="{COLORS["bar"]}">'
            f"<title>{escape(labels[i])}: {escape(bar_name)} {_fmt(value)}</title></rect>"
        )
    points = []
    for i, point in enumerate(line):
        if point is None:
            continue
        x = PAD_LEFT + step * (i + 0.5)
        y = HEIGHT - PAD_BOTTOM - plot_h * point / line_top
        points.append(f"{x:.1f},{y:.1f}")
        body.append(
            f'<circle data-mark="point" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{COLORS["line"]}">'
            f"<title>{escape(labels[i])}: {escape(line_name)} {_fmt(point)}</title></circle>"
        )
    if len(points) > 1:
        body.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{COLORS["line"]}" '
            f'stroke-width="2"/>'
        )
    body += _x_labels(labels, step)
    body.append(_legend([(bar_name, COLORS["bar"]), (line_name, COLORS["line"])]))
    return _svg(chart_id, title, body)


def stacked_bars(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float]]],
) -> Markup:
    """Stacked bars per label: series are (name, color, values)."""
    if not labels:
        return empty_chart(chart_id, title, "no periods to show")
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    step = (WIDTH - PAD_LEFT - PAD_RIGHT) / len(labels)
    totals = [sum(s[2][i] for s in series) for i in range(len(labels))]
    top = max([*totals, 1.0])
    body = _y_axis(top, PAD_LEFT - 6, "#555", "end")
    for i, label in enumerate(labels):
        base = float(HEIGHT - PAD_BOTTOM)
        x = PAD_LEFT + step * i + step * 0.15
        for name, color, values in series:
            h = plot_h * values[i] / top
            if h <= 0:
                continue
            base -= h
            body.append(
                f'<rect data-mark="bar" x="{x:.1f}" y="{base:.1f}" width="{step * 0.7:.1f}" '
                f'height="{h:.1f}" fill="{color}"><title>{escape(label)}: {escape(name)} '
                f"{_fmt(values[i])}</title></rect>"
            )
    body += _x_labels(labels, step)
    body.append(_legend([(name, color) for name, color, _ in series]))
    return _svg(chart_id, title, body)


def intervals(chart_id: str, title: str, rows: Sequence[Interval], unit: str) -> Markup:
    """Points with 95% whiskers, one row per group; insufficient rows say so in words."""
    if not rows:
        return empty_chart(chart_id, title, "no data")
    row_h = 30
    height = PAD_TOP + row_h * len(rows) + 36
    left = 190
    right = WIDTH - 80
    top = max([r.high or r.value or 0.0 for r in rows] + [1e-9])
    scale = (right - left) / top
    body = []
    for i, row in enumerate(rows):
        y = PAD_TOP + row_h * i + row_h / 2
        body.append(
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" class="label">'
            f"{escape(row.label)} (n={row.n})</text>"
        )
        if row.value is None or row.low is None or row.high is None:
            body.append(
                f'<text data-mark="insufficient" x="{left}" y="{y + 4:.1f}" class="insufficient">'
                "insufficient data</text>"
            )
            continue
        x_low, x_high, x = left + row.low * scale, left + row.high * scale, left + row.value * scale
        body.append(
            f'<line data-mark="interval" x1="{x_low:.1f}" x2="{x_high:.1f}" y1="{y:.1f}" '
            f'y2="{y:.1f}" stroke="{row.color}" stroke-width="2"/>'
        )
        body.append(
            f'<circle data-mark="point" cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{row.color}">'
            f"<title>{escape(row.label)}: {_fmt(row.value)} [{_fmt(row.low)}, {_fmt(row.high)}] "
            f"{escape(unit)}, n={row.n}</title></circle>"
        )
        body.append(f'<text x="{right + 6}" y="{y + 4:.1f}" class="tick">{_fmt(row.value)}</text>')
    axis_y = PAD_TOP + row_h * len(rows) + 4
    body.append(f'<line x1="{left}" x2="{right}" y1="{axis_y}" y2="{axis_y}" class="axis"/>')
    for i in range(5):
        x = left + (right - left) * i / 4
        body.append(
            f'<text x="{x:.1f}" y="{axis_y + 16}" text-anchor="middle" class="tick">'
            f"{_fmt(top * i / 4)}</text>"
        )
    body.append(
        f'<text x="{right}" y="{axis_y + 30}" text-anchor="end" class="tick">{escape(unit)}</text>'
    )
    return _svg(chart_id, title, body, int(height))


def horizontal_bars(
    chart_id: str, title: str, rows: Sequence[tuple[str, float]], unit: str
) -> Markup:
    """Ranked horizontal bars (riskiest files)."""
    if not rows:
        return empty_chart(chart_id, title, "nothing to rank")
    row_h = 22
    left = 300
    right = WIDTH - 60
    top = max([v for _, v in rows] + [1.0])
    body = []
    for i, (label, value) in enumerate(rows):
        y = PAD_TOP + row_h * i
        w = (right - left) * value / top
        short = label if len(label) <= 44 else "…" + label[-43:]
        body.append(
            f'<text x="{left - 8}" y="{y + 14}" text-anchor="end" class="label">{escape(short)}</text>'
        )
        body.append(
            f'<rect data-mark="bar" x="{left}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
            f'fill="{COLORS["line"]}"><title>{escape(label)}: {_fmt(value)} {escape(unit)}</title></rect>'
        )
        body.append(f'<text x="{left + w + 4:.1f}" y="{y + 14}" class="tick">{_fmt(value)}</text>')
    return _svg(chart_id, title, body, PAD_TOP + row_h * len(rows) + 10)


def _legend(items: Sequence[tuple[str, str]]) -> str:
    out = []
    x = PAD_LEFT
    for name, color in items:
        out.append(
            f'<rect x="{x}" y="{HEIGHT - 18}" width="10" height="10" fill="{color}"/>'
            f'<text x="{x + 14}" y="{HEIGHT - 9}" class="tick">{escape(name)}</text>'
        )
        x += 24 + 7 * len(name)
    return "".join(out)


def series_with_fit(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    bars: Sequence[float],
    fitted: Sequence[float],
    counterfactual: Sequence[float],
    split: int,
    unit: str,
) -> Markup:
    """An interrupted time series: weekly bars, the fitted segments (solid), the pre-period trend
    carried past the split (dashed: what would have happened without the change) and a vertical
    line at the split."""
    if not labels:
        return empty_chart(chart_id, title, "no weeks to show")
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    step = (WIDTH - PAD_LEFT - PAD_RIGHT) / len(labels)
    top = max([*bars, *fitted, *counterfactual, 1.0])

    def y(value: float) -> float:
        return HEIGHT - PAD_BOTTOM - plot_h * max(0.0, value) / top

    body = _y_axis(top, PAD_LEFT - 6, COLORS["bar"], "end")
    for i, value in enumerate(bars):
        x = PAD_LEFT + step * i + step * 0.15
        body.append(
            f'<rect data-mark="bar" x="{x:.1f}" y="{y(value):.1f}" width="{step * 0.7:.1f}" '
            f'height="{HEIGHT - PAD_BOTTOM - y(value):.1f}" fill="{COLORS["bar"]}" opacity="0.55">'
            f"<title>{escape(labels[i])}: {_fmt(value)} {escape(unit)}</title></rect>"
        )

    def line(values: Sequence[float], start: int, stop: int, extra: str) -> str:
        points = " ".join(
            f"{PAD_LEFT + step * (i + 0.5):.1f},{y(values[i]):.1f}" for i in range(start, stop)
        )
        return f'<polyline data-mark="line" points="{points}" fill="none" {extra}/>'

    solid = f'stroke="{COLORS["line"]}" stroke-width="2.5"'
    body.append(line(fitted, 0, split, solid))
    body.append(line(fitted, split, len(labels), solid))
    body.append(
        line(
            counterfactual,
            max(0, split - 1),
            len(labels),
            f'stroke="{COLORS["senior"]}" stroke-width="2" stroke-dasharray="6 4"',
        )
    )
    x_split = PAD_LEFT + step * split
    body.append(
        f'<line data-mark="split" x1="{x_split:.1f}" x2="{x_split:.1f}" y1="{PAD_TOP}" '
        f'y2="{HEIGHT - PAD_BOTTOM}" stroke="{COLORS["ai"]}" stroke-width="1.5"/>'
    )
    # week keys are long ("2024-W07"): at most eight labels, so they never overlap
    body += _x_labels(labels, step, max(1, math.ceil(len(labels) / 8)))
    body.append(
        _legend(
            [
                (unit, COLORS["bar"]),
                ("fitted", COLORS["line"]),
                ("pre-AI trend", COLORS["senior"]),
                ("AI adoption", COLORS["ai"]),
            ]
        )
    )
    return _svg(chart_id, title, body)
