"""Statistics: Wilson intervals against hand-computed values, bootstrap reproducibility and
coverage, and the minimum-sample rule."""

from __future__ import annotations

import random

import pytest

from netgain.metrics.stats import (
    INSUFFICIENT,
    mean,
    median,
    proportion,
    ratio_between,
    ratio_of_sums,
    wilson_interval,
)


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (8, 20, 0.2188, 0.6134),  # by hand: centre 0.41611, half-width 0.19731
        (0, 20, 0.0, 0.1611),  # z^2/(n+z^2) = 3.8416/23.8416
        (20, 20, 0.8389, 1.0),
        (50, 100, 0.4038, 0.5962),
    ],
)
def test_wilson_matches_hand_computed_bounds(
    successes: int, n: int, low: float, high: float
) -> None:
    got_low, got_high = wilson_interval(successes, n)
    assert got_low == pytest.approx(low, abs=1e-4)
    assert got_high == pytest.approx(high, abs=1e-4)


def test_wilson_rejects_impossible_counts() -> None:
    with pytest.raises(ValueError, match="n > 0"):
        wilson_interval(0, 0)
    with pytest.raises(ValueError, match="outside"):
        wilson_interval(5, 4)


def test_proportion_below_minimum_sample_is_insufficient_not_zero() -> None:
    small = proportion(0, 19, min_sample=20)
    assert small.value is None and small.low is None
    assert small.status == INSUFFICIENT and small.n == 19
    assert small.to_dict()["numerator"] == 0
    enough = proportion(0, 20, min_sample=20)
    assert enough.value == 0.0 and enough.ok


def test_ratio_of_sums_value_and_reproducible_interval() -> None:
    # 30 changes: every third introduced a bug; 100 lines each: 10 bugs / 3,000 lines
    pairs = [(1.0 if i % 3 == 0 else 0.0, 100.0) for i in range(30)]
    first = ratio_of_sums(pairs, min_sample=20, scale=1000.0)
    again = ratio_of_sums(pairs, min_sample=20, scale=1000.0)
    assert first.value == pytest.approx(1000 * 10 / 3000)
    assert first.numerator == 10 and first.denominator == 3000 and first.n == 30
    assert first == again  # fixed seed
    assert first.low is not None and first.high is not None
    assert first.low < first.value < first.high


def test_bootstrap_interval_covers_the_truth_most_of_the_time() -> None:
    """Coverage check: a 95% interval for a known mean should miss it rarely (not never)."""
    rng = random.Random(1)
    misses = 0
    trials = 60
    for trial in range(trials):
        values = [rng.expovariate(1.0) for _ in range(60)]
        est = mean(values, min_sample=20, seed=trial, iterations=400)
        assert est.low is not None and est.high is not None
        misses += not (est.low <= 1.0 <= est.high)
    assert misses <= 10


def test_large_groups_are_bootstrapped_over_blocks_with_the_right_width() -> None:
    """Above 1,000 units the grouped bootstrap must still give the width of the plain one."""
    rng = random.Random(3)
    values = [float(rng.random() < 0.1) for _ in range(20_000)]
    est = mean(values, min_sample=20, iterations=300)
    assert est.low is not None and est.high is not None
    # Binomial standard error sqrt(.09/20000) = 0.00212 -> 95% half-width about 0.0042.
    assert (est.high - est.low) / 2 == pytest.approx(0.0042, rel=0.25)


def test_median_and_ratio_between() -> None:
    est = median([float(v) for v in range(1, 22)], min_sample=20)
    assert est.value == 11.0 and est.n == 21
    assert median([1.0, 2.0], min_sample=20).status == INSUFFICIENT
    ai = [(1.0, 100.0)] * 10 + [(0.0, 100.0)] * 15  # 10 per 2,500 lines
    human = [(1.0, 100.0)] * 5 + [(0.0, 100.0)] * 20  # 5 per 2,500 lines
    ratio = ratio_between(ai, human, min_sample=20)
    assert ratio.value == pytest.approx(2.0)
    assert ratio.low is not None and ratio.high is not None
    assert ratio.low < 2.0 < ratio.high
    assert ratio_between(ai, human[:19], min_sample=20).status == INSUFFICIENT
    no_human_defects = [(0.0, 100.0)] * 25
    assert ratio_between(ai, no_human_defects, min_sample=20).status == INSUFFICIENT
