"""Throughput against the repository's own pre-AI baseline: an interrupted time series.

The board asks "did AI make us faster?". A before/after mean answers a different question when
the team was already growing or shrinking, so the weekly series is fitted with a segmented
regression (Wagner et al. 2002):

    y_t = b0 + b1 (t - t0) + b2 D_t + b3 (t - t0) D_t        D_t = 1 from the adoption week t0

b0 is the pre-AI trend's level at adoption (the counterfactual), b2 the level change at adoption,
b3 the change in weekly slope; the relative level change is b2 / b0 (delta method). Weekly counts
are autocorrelated: the errors are AR(1) (Prais-Winsten) with HC3 standard errors
(netgain.metrics.regression says why not Newey-West).

The adoption week is read from the data, not asked for: the first week whose AI share of added
lines is at least `threshold` and from which the cumulative AI share never falls below it again
(a single week of experiments followed by months without AI is not an adoption). A team whose AI
use leaves no evidence in git (Copilot completions) gives the date with `--adoption-date`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from netgain.metrics.regression import Fit, prais_winsten
from netgain.metrics.stats import INSUFFICIENT, Estimate, ratio_between

MIN_WEEKS = 8  # weeks needed on each side of the adoption for a segmented regression
WINDOW_WEEKS = 52  # weeks kept on each side: a ten-year-old trend says little about last year


@dataclass(frozen=True, slots=True)
class Week:
    """One ISO week of the series; `ai_lines` / `attributed` give its AI share."""

    key: str
    start: date
    values: dict[str, float]  # outcome name -> value (items, features, lines_added, ...)
    ai_lines: int
    attributed: int

    @property
    def ai_share(self) -> float | None:
        return self.ai_lines / self.attributed if self.attributed else None


def find_adoption(weeks: Sequence[Week], threshold: float) -> int | None:
    """Index of the first week with AI share >= threshold from which the cumulative AI share
    (over that week to any later week) never falls below the threshold; None if no such week."""
    ai = np.asarray([w.ai_lines for w in weeks], dtype=np.float64)
    total = np.asarray([w.attributed for w in weeks], dtype=np.float64)
    for start, week in enumerate(weeks):
        share = week.ai_share
        if share is None or share < threshold:
            continue
        cum_ai = np.cumsum(ai[start:])
        cum_total = np.cumsum(total[start:])
        if bool(np.all(cum_ai >= threshold * cum_total)):
            return start
    return None


def _refuse(reason: str, **extra: Any) -> dict[str, Any]:
    return {"status": INSUFFICIENT, "reason": reason, **extra}


def _interval(triple: tuple[float, float, float] | None) -> dict[str, Any]:
    if triple is None:
        return {
            "value": None,
            "low": None,
            "high": None,
            "status": "the pre-AI trend is at or below zero there: no relative change",
        }
    value, low, high = triple
    return {"value": value, "low": low, "high": high}


def segmented_fit(values: Sequence[float], adoption: int) -> Fit | None:
    """The segmented regression of a weekly series with adoption at index `adoption`."""
    t = np.arange(len(values), dtype=np.float64) - adoption
    after = (t >= 0).astype(np.float64)
    x = np.column_stack([np.ones_like(t), t, after, t * after])
    y = np.asarray(values, dtype=np.float64)
    return prais_winsten(x, y, ("level", "trend", "level_change", "trend_change"))


def interrupted_series(
    weeks: Sequence[Week],
    outcome: str,
    adoption: int | None,
    *,
    min_sample: int,
    seed: int,
    iterations: int,
) -> dict[str, Any]:
    """The before/after comparison and segmented regression of one weekly outcome."""
    if adoption is None:
        return _refuse("no AI adoption week found in the data (give one with --adoption-date)")
    before = [w.values[outcome] for w in weeks[max(0, adoption - WINDOW_WEEKS) : adoption]]
    after = [w.values[outcome] for w in weeks[adoption : adoption + WINDOW_WEEKS]]
    sizes = {"weeks_before": len(before), "weeks_after": len(after)}
    if len(before) < MIN_WEEKS or len(after) < MIN_WEEKS:
        return _refuse(
            f"{len(before)} complete week(s) before the adoption and {len(after)} after; "
            f"the regression needs {MIN_WEEKS} on each side",
            **sizes,
        )
    fit = segmented_fit([*before, *after], len(before))
    if fit is None:
        return _refuse("the series is constant or degenerate: no regression to fit", **sizes)
    mean_before = float(np.mean(before))
    mean_after = float(np.mean(after))
    ratio: Estimate = ratio_between(
        [(v, 1.0) for v in after],
        [(v, 1.0) for v in before],
        min_sample=min(min_sample, MIN_WEEKS),
        seed=seed,
        iterations=iterations,
    )
    horizon = len(after) - 1
    warnings = []
    if fit.coef[0] <= 0:
        warnings.append(
            "the pre-AI linear trend predicts no throughput at all by the adoption week: a "
            "straight line does not describe this baseline (a burst, then quiet weeks?); read the "
            "before/after comparison and the weekly series rather than the level change"
        )
    return {
        "status": "ok",
        "warnings": warnings,
        **sizes,
        "mean_before": mean_before,
        "mean_after": mean_after,
        "after_over_before": ratio.to_dict(),
        "level_change": _interval(fit.interval("level_change")),
        "relative_level_change": _interval(fit.ratio((0, 0, 1, 0), (1, 0, 0, 0))),
        "trend_change_per_week": _interval(fit.interval("trend_change")),
        "baseline_level": _interval(fit.interval("level")),
        "baseline_trend_per_week": _interval(fit.interval("trend")),
        # the gap to the pre-AI trend at the last week of the window: level and slope together
        "change_at_end": _interval(fit.linear((0, 0, 1, horizon))),
        "relative_change_at_end": _interval(fit.ratio((0, 0, 1, horizon), (1, horizon, 0, 0))),
        "fitted": [float(v) for v in fit_values(fit, len(before), len(after))],
        "counterfactual": [
            float(fit.coef[0] + fit.coef[1] * (i - len(before)))
            for i in range(len(before) + len(after))
        ],
        "errors": fit.errors,
        "degrees_of_freedom": fit.dof,
    }


def fit_values(fit: Fit, before: int, after: int) -> list[float]:
    """The fitted series (both segments) for the chart."""
    out = []
    for i in range(before + after):
        t = i - before
        d = 1.0 if t >= 0 else 0.0
        out.append(float(fit.coef @ np.asarray([1.0, t, d, t * d])))
    return out
