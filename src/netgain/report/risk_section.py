"""The report's change-risk charts: a calibration plot and predicted vs observed risk by AI share.

Both come from `doc["risk"]` (netgain.risk.summary, the test fold of `netgain risk evaluate`). When
that says why there is nothing to show, no chart is drawn at all and the template prints the
reason: a missing model must never look like a measured zero.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from netgain.report import svg

PREDICTED = "#3b7dd8"
OBSERVED = "#d35400"


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def calibration_chart(rows: list[dict[str, Any]]) -> Markup:
    """Mean predicted probability (x) against observed defect rate (y) per bin, with y = x."""
    chart_id, title = "chart-risk-calibration", "Risk calibration (test fold)"
    points = [
        (p, o, int(r.get("commits", 0)))
        for r in rows
        if (p := _num(r.get("predicted"))) is not None
        and (o := _num(r.get("observed"))) is not None
    ]
    if not points:
        return svg.empty_chart(chart_id, title, "no calibration bins")
    top = max(max(max(p, o) for p, o, _ in points) * 1.1, 1e-6)
    left, right = svg.PAD_LEFT, svg.WIDTH - svg.PAD_RIGHT
    bottom, up = svg.HEIGHT - svg.PAD_BOTTOM, svg.PAD_TOP

    def x(v: float) -> float:
        return left + (right - left) * v / top

    def y(v: float) -> float:
        return bottom - (bottom - up) * v / top

    body = [
        f'<line x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}" class="axis"/>',
        f'<line x1="{left}" x2="{left}" y1="{up}" y2="{bottom}" class="axis"/>',
        f'<line data-role="diagonal" x1="{x(0):.1f}" y1="{y(0):.1f}" x2="{x(top):.1f}" '
        f'y2="{y(top):.1f}" stroke="#999" stroke-dasharray="4 4"/>',
    ]
    for i in range(5):
        v = top * i / 4
        body.append(
            f'<text x="{x(v):.1f}" y="{bottom + 16}" text-anchor="middle" class="tick">'
            f"{v:.2f}</text>"
        )
        body.append(
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" class="tick">{v:.2f}</text>'
        )
    body.append(
        f'<text x="{right}" y="{bottom + 34}" text-anchor="end" class="tick">'
        "mean predicted probability per bin (dashed: perfect calibration)</text>"
    )
    body.append(f'<text x="{left + 4}" y="{up + 10}" class="tick">observed defect rate</text>')
    for p, o, n in points:
        body.append(
            f'<circle data-mark="point" cx="{x(p):.1f}" cy="{y(o):.1f}" r="5" fill="{OBSERVED}">'
            f"<title>predicted {p:.3f}, observed {o:.3f}, {n} commits</title></circle>"
        )
    return svg._svg(chart_id, title, body)


def ai_share_chart(rows: list[dict[str, Any]]) -> Markup:
    """Predicted and observed defect rate side by side for each AI-share bucket."""
    chart_id, title = "chart-risk-ai-share", "Change risk by AI-share bucket (test fold)"
    if not rows:
        return svg.empty_chart(chart_id, title, "no AI-share buckets")
    values = [v for r in rows for k in ("predicted", "observed") if (v := _num(r.get(k)))]
    top = max([*values, 1e-6]) * 1.1
    left, right = svg.PAD_LEFT, svg.WIDTH - svg.PAD_RIGHT
    bottom, up = svg.HEIGHT - svg.PAD_BOTTOM, svg.PAD_TOP
    slot = (right - left) / len(rows)
    bar_w = slot * 0.3
    body = [f'<line x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}" class="axis"/>']
    for i, r in enumerate(rows):
        x0 = left + slot * i + slot * 0.2
        label = f"{r.get('bucket', '?')} (n={int(r.get('commits', 0))})"
        body.append(
            f'<text x="{x0 + bar_w:.1f}" y="{bottom + 16}" text-anchor="middle" class="label">'
            f"{escape(label)}</text>"
        )
        if _num(r.get("predicted")) is None or _num(r.get("observed")) is None:
            body.append(
                f'<text x="{x0 + bar_w:.1f}" y="{bottom - 6}" text-anchor="middle" '
                'class="insufficient">no commits</text>'
            )
            continue
        for j, (key, color) in enumerate((("predicted", PREDICTED), ("observed", OBSERVED))):
            v = _num(r.get(key)) or 0.0
            xb = x0 + j * bar_w
            h = (bottom - up) * v / top
            body.append(
                f'<text x="{xb + bar_w / 2:.1f}" y="{bottom - h - 4:.1f}" text-anchor="middle" '
                f'class="tick">{v:.3f}</text>'
            )
            body.append(
                f'<rect data-mark="bar" x="{xb:.1f}" y="{bottom - h:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" fill="{color}"><title>{escape(str(r.get("bucket")))}: '
                f"{key} {v:.3f}</title></rect>"
            )
    body.append(
        f'<text x="{right}" y="{bottom + 34}" text-anchor="end" class="tick">defect rate '
        f'(<tspan fill="{PREDICTED}">predicted</tspan>, '
        f'<tspan fill="{OBSERVED}">observed</tspan>)</text>'
    )
    return svg._svg(chart_id, title, body)


def risk_charts(doc: dict[str, Any]) -> dict[str, Markup]:
    """The two risk charts when the document holds an evaluation; none otherwise."""
    risk = doc.get("risk")
    if not isinstance(risk, dict) or risk.get("status") != "ok":
        return {}
    return {
        "risk_calibration": calibration_chart(list(risk.get("calibration") or [])),
        "risk_ai_share": ai_share_chart(list(risk.get("by_ai_share") or [])),
    }
