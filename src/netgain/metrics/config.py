"""The `[metrics]` section of netgain.toml: sample thresholds, windows and net-productivity weights.

Every weight is in engineer-hours so a team can set them from its own accounting; the defaults are
deliberately round numbers, documented in docs/metrics.md, not research findings.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from netgain.errors import ConfigError


@dataclass(frozen=True, slots=True)
class MetricsConfig:
    """Settings for `netgain metrics` and `netgain report`."""

    min_sample: int = 20  # units below which an estimate says "insufficient data"
    bootstrap_iterations: int = 1000
    bootstrap_seed: int = 20240101
    rework_days: int = 21
    rework_periods: int = 0  # 0: rework of every change whose window closed; N: last N periods
    szz_seconds: int = 60  # time budget per run for SZZ on fix commits not analysed yet
    hours_per_feature: float = 16.0  # what one shipped feature is worth, in engineer-hours
    incident_hours: float = 8.0  # cost of one incident (response, fix, follow-up)
    rework_hours_per_kloc: float = 10.0  # cost of rewriting 1,000 lines within the window
    review_hours_per_review: float = 0.5  # used when the PR export has no review durations
    review_weight: float = 1.0  # multiplier on review hours in the net-productivity cost
    ai_heavy_share: float = 0.5  # a PR is AI-heavy from this AI share up
    # the board's AI adoption week: the AI share of added lines stays at or above this from then
    ai_adoption_share: float = 0.1
    senior_reviewers: tuple[str, ...] = ()  # logins or emails counted as senior reviewers
    bot_authors: tuple[str, ...] = ("[bot]",)  # author substrings excluded from adoption
    extra: dict[str, Any] = field(default_factory=dict)

    def weights(self) -> dict[str, float]:
        return {
            "hours_per_feature": self.hours_per_feature,
            "incident_hours": self.incident_hours,
            "rework_hours_per_kloc": self.rework_hours_per_kloc,
            "review_hours_per_review": self.review_hours_per_review,
            "review_weight": self.review_weight,
        }

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("extra")
        data["senior_reviewers"] = list(self.senior_reviewers)
        data["bot_authors"] = list(self.bot_authors)
        return data


_INTS = {
    "min_sample",
    "bootstrap_iterations",
    "bootstrap_seed",
    "rework_days",
    "rework_periods",
    "szz_seconds",
}
_LISTS = {"senior_reviewers", "bot_authors"}


def metrics_config(section: dict[str, Any], source: Path | None = None) -> MetricsConfig:
    """Validate `[metrics]`; an unknown key or a wrong type is a ConfigError naming the file."""
    where = f"{source or 'configuration'}: [metrics]"
    known = {f.name for f in fields(MetricsConfig)} - {"extra"}
    values: dict[str, Any] = {}
    for key, value in section.items():
        if key not in known:
            raise ConfigError(f"{where} unknown key {key!r} (known: {', '.join(sorted(known))})")
        if key in _LISTS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where} {key} must be a list of strings")
            values[key] = tuple(value)
        elif key in _INTS:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ConfigError(f"{where} {key} must be a non-negative integer, not {value!r}")
            values[key] = value
        else:
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ConfigError(f"{where} {key} must be a non-negative number, not {value!r}")
            values[key] = float(value)
    if values.get("hours_per_feature", 1.0) == 0:
        raise ConfigError(f"{where} hours_per_feature must be greater than 0")
    if not 0 < values.get("ai_heavy_share", 0.5) <= 1:
        raise ConfigError(f"{where} ai_heavy_share must be in (0, 1]")
    if not 0 < values.get("ai_adoption_share", 0.1) <= 1:
        raise ConfigError(f"{where} ai_adoption_share must be in (0, 1]")
    return MetricsConfig(**values)
