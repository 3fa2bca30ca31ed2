"""Net productivity: features shipped, less what they cost downstream, in feature-equivalents.

    cost_hours   = incident_hours * incidents
                 + rework_hours_per_kloc * reworked_lines / 1000
                 + review_weight * review_hours
    net_features = features - cost_hours / hours_per_feature

Weights live in `[metrics]` of netgain.toml (docs/metrics.md). A cost whose data is missing is
left out and named in `missing`, so a reader knows the net figure is an upper bound. Without any
feature signal (no conventional-commit type, PR label or issue type anywhere) the feature count is
unknown, not zero: `features` and `net_features` are then None and `missing` starts with it.
"""

from __future__ import annotations

from typing import Any

from netgain.metrics.config import MetricsConfig


def net_productivity(
    features: int | None,
    incidents: int | None,
    reworked_lines: int | None,
    review_hours: float | None,
    config: MetricsConfig,
) -> dict[str, Any]:
    """Net features for one period or group; None inputs are missing data, not zero."""
    missing: list[str] = [] if features is not None else ["features"]
    incident_cost = 0.0
    if incidents is None:
        missing.append("incidents")
    else:
        incident_cost = config.incident_hours * incidents
    rework_cost = 0.0
    if reworked_lines is None:
        missing.append("rework")
    else:
        rework_cost = config.rework_hours_per_kloc * reworked_lines / 1000
    review_cost = 0.0
    if review_hours is None:
        missing.append("review")
    else:
        review_cost = config.review_weight * review_hours
    cost = incident_cost + rework_cost + review_cost
    return {
        "features": features,
        "cost_hours": {
            "incidents": incident_cost,
            "rework": rework_cost,
            "review": review_cost,
            "total": cost,
        },
        "net_features": None if features is None else features - cost / config.hours_per_feature,
        "missing": missing,
    }
