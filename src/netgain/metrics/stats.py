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
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Z95 = 1.959963984540054  # two-sided 95% normal quantile
INSUFFICIENT = "insufficient data"
DEFAULT_SEED = 20240101
DEFAULT_ITERATIONS = 1000
# Above this many units a group is bootstrapped over random blocks of units (sums), which keeps
# the variance of the total and bounds the cost: see `_blocks`.
MAX_BOOTSTRAP_UNITS = 1000


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


def _blocks(pairs: Sequence[tuple[float, float]], rng: random.Random) -> list[tuple[float, float]]:
    """Sum units into at most MAX_BOOTSTRAP_UNITS random blocks of (almost) equal size.

    Resampling B block sums with replacement gives the total a variance of B * Var(block) =
    n * Var(unit), the same as resampling the n units, at a cost independent of n.
    """
    if len(pairs) <= MAX_BOOTSTRAP_UNITS:
        return list(pairs)
    order = list(range(len(pairs)))
    rng.shuffle(order)
    blocks = [[0.0, 0.0] for _ in range(MAX_BOOTSTRAP_UNITS)]
    for position, index in enumerate(order):
        block = blocks[position % MAX_BOOTSTRAP_UNITS]
        block[0] += pairs[index][0]
        block[1] += pairs[index][1]
    return [(a, b) for a, b in blocks]


def _resampled_totals(
    pairs: list[tuple[float, float]], rng: random.Random, iterations: int
) -> list[tuple[float, float]]:
    n = len(pairs)
    nums = [p[0] for p in pairs]
    dens = [p[1] for p in pairs]
    out: list[tuple[float, float]] = []
    for _ in range(iterations):
        picks = [int(rng.random() * n) for _ in range(n)]
        out.append((sum(nums[i] for i in picks), sum(dens[i] for i in picks)))
    return out


def _percentiles(values: list[float]) -> tuple[float, float]:
    values.sort()
    last = len(values) - 1
    return values[round(0.025 * last)], values[round(0.975 * last)]


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
    rng = random.Random(seed)  # noqa: S311 - a reproducible statistical resample, not a secret
    blocks = _blocks(pairs, rng)
    replicates = [scale * a / b for a, b in _resampled_totals(blocks, rng, iterations) if b > 0]
    low, high = _percentiles(replicates)
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
    data = sorted(float(v) for v in values)
    rng = random.Random(seed)  # noqa: S311 - a reproducible statistical resample, not a secret
    replicates = []
    for _ in range(iterations):
        sample = sorted(data[int(rng.random() * n)] for _ in range(n))
        replicates.append(_median_sorted(sample))
    low, high = _percentiles(replicates)
    return Estimate(_median_sorted(data), low, high, n, "bootstrap")


def _median_sorted(data: list[float]) -> float:
    mid = len(data) // 2
    return data[mid] if len(data) % 2 else (data[mid - 1] + data[mid]) / 2


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
    rng = random.Random(seed)  # noqa: S311 - a reproducible statistical resample, not a secret
    a_totals = _resampled_totals(_blocks(first, rng), rng, iterations)
    b_totals = _resampled_totals(_blocks(second, rng), rng, iterations)
    replicates = [
        (an / ad) / (bn / bd)
        for (an, ad), (bn, bd) in zip(a_totals, b_totals, strict=True)
        if ad > 0 and bd > 0 and bn > 0
    ]
    if len(replicates) < iterations // 2:
        return insufficient(n, "bootstrap")
    low, high = _percentiles(replicates)
    return Estimate((a_num / a_den) / (b_num / b_den), low, high, n, "bootstrap")
