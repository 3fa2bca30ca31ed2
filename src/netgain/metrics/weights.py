"""The net-productivity weights, measured where the data has them and flagged where it does not.

A board will not accept "8 h an incident" as a fact. Each weight says where it came from:

* `measured`: from the team's own records: incident hours are the mean started-to-resolved
  duration of the imported incidents (PagerDuty, Jira, ...), review hours the mean recorded
  duration of reviews whose export carries one;
* `configured`: set in `[metrics]` of netgain.toml (the team's own accounting, not a measurement);
* `guessed`: netgain's round default, to be replaced.

Rework is measured from the history (the reworked lines), but its hourly rate is a weight like the
others and is flagged the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from netgain.metrics.config import MetricsConfig
from netgain.metrics.inputs import Dataset
from netgain.metrics.stats import mean

DEFAULTS = MetricsConfig()


@dataclass(frozen=True, slots=True)
class Weights:
    """The weights the board's net gain uses, and a description of each."""

    hours_per_feature: float
    incident_hours: float
    rework_hours_per_kloc: float
    review_hours_per_review: float
    review_weight: float
    basis: dict[str, dict[str, Any]]


def _flag(config: MetricsConfig, key: str) -> dict[str, Any]:
    value = getattr(config, key)
    if value != getattr(DEFAULTS, key):
        return {"value": value, "basis": "configured", "source": "[metrics] in netgain.toml"}
    return {
        "value": value,
        "basis": "guessed",
        "source": f"netgain's default (set [metrics] {key} from your own accounting)",
    }


def _measured(config: MetricsConfig, key: str, values: list[float], source: str) -> dict[str, Any]:
    """The mean of `values` as the weight `key`, with its interval; the configured or guessed
    weight (n=0) when there are none."""
    if not values:
        return {**_flag(config, key), "n": 0}
    est = mean(
        values,
        min_sample=config.min_sample,
        seed=config.bootstrap_seed,
        iterations=config.bootstrap_iterations,
    )
    return {
        "value": sum(values) / len(values),
        "basis": "measured",
        "source": source,
        "n": len(values),
        "interval": est.to_dict(),
    }


def board_weights(data: Dataset, config: MetricsConfig) -> Weights:
    """Measured incident and review hours where the records have them; the rest from config."""
    durations = [
        hours for i in data.incidents or [] if (hours := i.recovery_hours) is not None and hours > 0
    ]
    recorded = [
        r.hours
        for pr in (data.pull_requests or [])
        if data.reviews_present
        for r in pr.reviews
        if r.hours is not None and r.hours > 0
    ]
    basis: dict[str, dict[str, Any]] = {
        "hours_per_feature": _flag(config, "hours_per_feature"),
        "incident_hours": _measured(
            config,
            "incident_hours",
            durations,
            "mean started-to-resolved duration of the imported incidents",
        ),
        "review_hours_per_review": _measured(
            config,
            "review_hours_per_review",
            recorded,
            "mean recorded duration of the exported reviews",
        ),
        "rework_hours_per_kloc": _flag(config, "rework_hours_per_kloc"),
        "review_weight": _flag(config, "review_weight"),
    }
    basis["rework_hours_per_kloc"]["quantity"] = (
        "reworked lines measured from the history"
        if data.rework is not None
        else "rework not measured"
    )
    return Weights(
        config.hours_per_feature,
        basis["incident_hours"]["value"],
        config.rework_hours_per_kloc,
        basis["review_hours_per_review"]["value"],
        config.review_weight,
        basis,
    )
