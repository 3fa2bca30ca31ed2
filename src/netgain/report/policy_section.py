"""The report's policy outcomes: what the review gate decided, over time and by rule.

All three charts come from `doc["policy"]` (netgain.metrics.policy_outcomes, built from the
decisions `netgain check` records). Without recorded decisions no chart is drawn and the template
prints why: a gate that never ran must not look like a gate that passed everything.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from netgain.report import svg

VERDICT_COLORS = {"approved": "#27ae60", "pending": "#c8a200", "blocked": "#c0392b"}
REQUIRED_LABELS = {
    "senior_review": ("senior review", "#2c3e50"),
    "design_doc": ("design document", "#8e44ad"),
    "owner_approval": ("owner approval", "#d35400"),
}


def policy_charts(doc: dict[str, Any]) -> dict[str, Markup]:
    """Decisions per period by verdict, required-review shares with intervals, failures by rule;
    empty when the gate recorded nothing."""
    policy = doc.get("policy") or {}
    if policy.get("status") != "ok":
        return {}
    periods = sorted(policy["by_period"])
    out: dict[str, Markup] = {}
    out["policy_decisions"] = svg.stacked_bars(
        "chart-policy-decisions",
        "Review-gate decisions by verdict",
        periods,
        [
            (verdict, color, [float(policy["by_period"][k][verdict]) for k in periods])
            for verdict, color in VERDICT_COLORS.items()
        ],
    )
    rows = [
        svg.Interval(
            label,
            _pct(policy["required"][key].get("value")),
            _pct(policy["required"][key].get("low")),
            _pct(policy["required"][key].get("high")),
            int(policy["required"][key].get("n", 0)),
            color,
        )
        for key, (label, color) in REQUIRED_LABELS.items()
    ]
    passed = policy["passed"]
    rows.append(
        svg.Interval(
            "passed the gate",
            _pct(passed.get("value")),
            _pct(passed.get("low")),
            _pct(passed.get("high")),
            int(passed.get("n", 0)),
            VERDICT_COLORS["approved"],
        )
    )
    out["policy_required"] = svg.intervals(
        "chart-policy-required", "What the gate required", rows, "% of gated changes"
    )
    out["policy_rules"] = svg.horizontal_bars(
        "chart-policy-rules",
        "Failures by rule (blocked, disapproved, error or pending)",
        [(r["rule"], float(r["failed"])) for r in policy["failures_by_rule"]],
        "decisions",
    )
    return out


def _pct(value: Any) -> float | None:
    return float(value) * 100.0 if isinstance(value, int | float) else None
