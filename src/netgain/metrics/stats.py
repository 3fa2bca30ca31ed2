"""Honest numbers: estimates that carry their sample size, a 95% interval, or "insufficient data".

Proportions (change failure rate, adoption, rework share) use the Wilson score interval, which
stays inside [0, 1] and behaves at small counts where the normal approximation does not. Ratios
and means of skewed per-unit values (defects per 1,000 lines, incidents per feature, AI-vs-human
density ratios) use a percentile bootstrap with a fixed seed, so the same data always prints the
same interval. Below the minimum sample an estimate has no value at all: a number computed from
three changes would be read as a fact.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

Z95 = 1.959963984540054  # two-sided 95% normal quantile
INSUFFICIENT = "insufficient data"
DEFAULT_SEED = 20240101
DEFAULT_ITERATIONS = 1000
# Above this many units a group is bootstrapped over random blocks of units (sums), which keeps
# the variance of the total and bounds the cost: see `_blocks`.
MAX_BOOTSTRAP_UNITS = 1000
# Index cells drawn at once when resampling (bounds memory: 4M int64 = 32 MB).
_BATCH_CELLS = 4_000_000


@dataclass(frozen=True, slots=True)
class Estimate:
    """A point estimate with its 95% interval and sample size; `value` is None when insufficient.

    `n` is the number of independent units behind the estimate (changes, engineers, incidents,
    reviews); `numerator` and `denominator` are the raw totals, shown so a reader can check.
    """

    value: float | None
    low: float | None
    high: float | None
    n: int
    method: str
    numerator: float | None = None
    denominator: float | None = None
    status: str = "ok"

    @property
    def ok(self) -> bool:
        return self.status == "ok" and self.value is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "n": self.n,
            "method": self.method,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "status": self.status,
        }


def insufficient(
    n: int, method: str, numerator: float | None = None, denominator: float | None = None
) -> Estimate:
    """An estimate that refuses to give a number (too few units, or nothing to divide by)."""
    return Estimate(None, None, None, n, method, numerator, denominator, INSUFFICIENT)


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (n > 0)."""
    if n <= 0:
        raise ValueError("wilson_interval needs n > 0")
    if not 0 <= successes <= n:
        raise ValueError(f"successes {successes} outside 0..{n}")
    p = successes / n
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def proportion(successes: int, n: int, *, min_sample: int) -> Estimate:
    """successes / n with its Wilson interval; insufficient below `min_sample` units."""
    if n < max(1, min_sample):
        return insufficient(n, "wilson", successes, n)
    low, high = wilson_interval(successes, n)
    return Estimate(successes / n, low, high, n, "wilson", successes, n)


def _rng(seed: int) -> np.random.Generator:
    """The resampling generator: the same seed always draws the same resamples."""
    return np.random.default_rng(seed)


def _blocks(
    pairs: Sequence[tuple[float, float]], rng: np.random.Generator
) -> npt.NDArray[np.float64]:
    """The units as an (n, 2) array, summed into at most MAX_BOOTSTRAP_UNITS random blocks of
    (almost) equal size.

    Resampling B block sums with replacement gives the total a variance of B * Var(block) =
    n * Var(unit), the same as resampling the n units, at a cost independent of n.
    """
    units = np.asarray(pairs, dtype=np.float64).reshape(len(pairs), 2)
    if len(units) <= MAX_BOOTSTRAP_UNITS:
        return units
    order = rng.permutation(len(units))
    blocks = np.zeros((MAX_BOOTSTRAP_UNITS, 2))
    np.add.at(blocks, np.arange(len(units)) % MAX_BOOTSTRAP_UNITS, units[order])
    return blocks


def _resampled_totals(
    units: npt.NDArray[np.float64], rng: np.random.Generator, iterations: int
) -> npt.NDArray[np.float64]:
    """(iterations, 2) totals of numerators and denominators over resamples of the units.

    Vectorised (one index matrix per batch of resamples): a report over thousands of changes
    computes a dozen intervals, and a Python loop per resample took half a second each.
    """
    n = len(units)
    out = np.empty((iterations, 2))
    step = max(1, _BATCH_CELLS // max(1, n))
    for start in range(0, iterations, step):
        stop = min(iterations, start + step)
        picks = rng.integers(0, n, size=(stop - start, n))
        out[start:stop] = units[picks].sum(axis=1)
    return out


def _percentiles(values: npt.NDArray[np.float64] | list[float]) -> tuple[float, float]:
    ordered = np.sort(np.asarray(values, dtype=np.float64))
    last = len(ordered) - 1
    return float(ordered[round(0.025 * last)]), float(ordered[round(0.975 * last)])


def ratio_of_sums(
    pairs: Sequence[tuple[float, float]],
    *,
    min_sample: int,
    scale: float = 1.0,
    seed: int = DEFAULT_SEED,
    iterations: int = DEFAULT_ITERATIONS,
) -> Estimate:
    """scale * sum(numerators) / sum(denominators) over units, with a bootstrap 95% interval.

    Each pair is one unit (a change: its defects and its added lines; a feature: its incidents
    and 1). Units are resampled with replacement; replicates with a zero denominator are dropped.
    """
    n = len(pairs)
    num = float(sum(p[0] for p in pairs))
    den = float(sum(p[1] for p in pairs))
    if n < max(1, min_sample) or den <= 0:
        return insufficient(n, "bootstrap", num, den)
    rng = _rng(seed)
    totals = _resampled_totals(_blocks(pairs, rng), rng, iterations)
    kept = totals[totals[:, 1] > 0]
    if not len(kept):
        return insufficient(n, "bootstrap", num, den)
    low, high = _percentiles(scale * kept[:, 0] / kept[:, 1])
    return Estimate(scale * num / den, low, high, n, "bootstrap", num, den)


def mean(
    values: Sequence[float],
    *,
    min_sample: int,
    seed: int = DEFAULT_SEED,
    iterations: int = DEFAULT_ITERATIONS,
) -> Estimate:
    """The mean of per-unit values with a bootstrap 95% interval."""
    return ratio_of_sums(
        [(float(v), 1.0) for v in values], min_sample=min_sample, seed=seed, iterations=iterations
    )


def median(
    values: Sequence[float],
    *,
    min_sample: int,
    seed: int = DEFAULT_SEED,
    iterations: int = DEFAULT_ITERATIONS,
) -> Estimate:
    """The median (lead time, recovery time: skewed durations) with a bootstrap 95% interval."""
    n = len(values)
    if n < max(1, min_sample):
        return insufficient(n, "bootstrap")
    data = np.asarray(values, dtype=np.float64)
    rng = _rng(seed)
    replicates = np.empty(iterations)
    step = max(1, _BATCH_CELLS // n)
    for start in range(0, iterations, step):
        stop = min(iterations, start + step)
        replicates[start:stop] = np.median(data[rng.integers(0, n, size=(stop - start, n))], axis=1)
    low, high = _percentiles(replicates)
    return Estimate(float(np.median(data)), low, high, n, "bootstrap")


def ratio_between(
    first: Sequence[tuple[float, float]],
    second: Sequence[tuple[float, float]],
    *,
    min_sample: int,
    seed: int = DEFAULT_SEED,
    iterations: int = DEFAULT_ITERATIONS,
) -> Estimate:
    """(sum num / sum den of `first`) / (same of `second`): e.g. AI over human defect density.

    Both groups are resampled independently; the interval is the percentile bootstrap of the
    ratio, replicates whose second rate is zero being dropped. `n` is the smaller group size.
    """
    n = min(len(first), len(second))
    a_num, a_den = sum(p[0] for p in first), sum(p[1] for p in first)
    b_num, b_den = sum(p[0] for p in second), sum(p[1] for p in second)
    if n < max(1, min_sample) or a_den <= 0 or b_den <= 0 or b_num <= 0:
        return insufficient(n, "bootstrap")
    rng = _rng(seed)
    a = _resampled_totals(_blocks(first, rng), rng, iterations)
    b = _resampled_totals(_blocks(second, rng), rng, iterations)
    ok = (a[:, 1] > 0) & (b[:, 1] > 0) & (b[:, 0] > 0)
    replicates = (a[ok, 0] / a[ok, 1]) / (b[ok, 0] / b[ok, 1])
    if len(replicates) < iterations // 2:
        return insufficient(n, "bootstrap")
    low, high = _percentiles(replicates)
    return Estimate((a_num / a_den) / (b_num / b_den), low, high, n, "bootstrap")


def difference_of_means(
    before: Sequence[float],
    after: Sequence[float],
    *,
    min_sample: int,
    seed: int = DEFAULT_SEED,
    iterations: int = DEFAULT_ITERATIONS,
) -> Estimate:
    """mean(after) - mean(before), each group resampled independently (percentile bootstrap).

    For quantities that can be negative (net features after downstream cost), where a ratio
    means nothing. `n` is the smaller group size.
    """
    n = min(len(before), len(after))
    if n < max(1, min_sample):
        return insufficient(n, "bootstrap")
    rng = _rng(seed)
    a = _resampled_totals(_blocks([(float(v), 1.0) for v in before], rng), rng, iterations)
    b = _resampled_totals(_blocks([(float(v), 1.0) for v in after], rng), rng, iterations)
    replicates = b[:, 0] / b[:, 1] - a[:, 0] / a[:, 1]
    low, high = _percentiles(replicates)
    value = float(np.mean(after)) - float(np.mean(before))
    return Estimate(value, low, high, n, "bootstrap", float(sum(after)), float(sum(before)))
