"""The board's statistics against known answers: OLS errors, the segmented regression on planted
weekly series, the adoption week, and the adjusted AI-vs-human difference."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from netgain.metrics import Change, Dataset, MetricsConfig
from netgain.metrics.adjusted import adjusted_difference
from netgain.metrics.board import board
from netgain.metrics.items import build_items
from netgain.metrics.its import Week, find_adoption, interrupted_series, segmented_fit
from netgain.metrics.regression import newey_west_lag, ols, t_quantile
from netgain.metrics.stats import difference_of_means

KW = {"min_sample": 20, "seed": 7, "iterations": 500}


def test_ols_recovers_an_exact_line_and_hc1_of_a_mean_is_the_standard_error() -> None:
    x = np.column_stack([np.ones(10), np.arange(10.0)])
    fit = ols(x, 2 + 3 * np.arange(10.0), ("a", "b"))
    assert fit is not None
    assert fit.coef == pytest.approx([2.0, 3.0])
    values = np.asarray([3.0, 5.0, 4.0, 8.0, 6.0, 7.0, 2.0, 9.0])
    mean_fit = ols(np.ones((8, 1)), values, ("mean",))
    assert mean_fit is not None
    # HC1 of an intercept-only model: sum(e^2)/(n(n-1)) = s^2/n, the textbook standard error
    assert mean_fit.se("mean") == pytest.approx(values.std(ddof=1) / math.sqrt(8))
    value, low, high = mean_fit.interval("mean")
    half = t_quantile(0.95, 7) * values.std(ddof=1) / math.sqrt(8)
    assert (value, low, high) == pytest.approx(
        (values.mean(), values.mean() - half, values.mean() + half)
    )


def test_newey_west_of_a_mean_matches_the_hand_formula() -> None:
    rng = np.random.default_rng(3)
    values = rng.normal(size=50).cumsum() * 0.1 + rng.normal(size=50)
    lag = newey_west_lag(50)
    assert lag == 3
    fit = ols(np.ones((50, 1)), values, ("mean",), errors="newey-west")
    assert fit is not None
    e = values - values.mean()
    s = float(e @ e) + 2 * sum(
        (1 - k / (lag + 1)) * float(e[k:] @ e[:-k]) for k in range(1, lag + 1)
    )
    assert fit.se("mean") == pytest.approx(math.sqrt(s / 50**2 * 50 / 49))
    assert fit.errors == "Newey-West (lag 3)"


def test_a_rank_deficient_design_gives_no_fit() -> None:
    x = np.column_stack([np.ones(6), np.ones(6)])
    assert ols(x, np.arange(6.0), ("a", "b")) is None


def _weeks(values: list[float], ai_from: int | None = None) -> list[Week]:
    start = date(2023, 1, 2)
    out = []
    for i, v in enumerate(values):
        ai = 50 if ai_from is not None and i >= ai_from else 0
        out.append(Week(f"w{i}", start + timedelta(weeks=i), {"items": v}, ai, 100))
    return out


def _series(seed: int, jump: float, weeks: int = 60, at: int = 30) -> list[float]:
    rng = np.random.default_rng(seed)
    rate = [20.0 + 0.05 * t + (jump if t >= at else 0.0) for t in range(weeks)]
    return [float(v) for v in rng.poisson(rate)]


def test_a_planted_level_change_is_found_with_an_interval_covering_it() -> None:
    result = interrupted_series(_weeks(_series(11, 8.0)), "items", 30, **KW)
    assert result["status"] == "ok"
    change = result["level_change"]
    assert change["low"] <= 8.0 <= change["high"]
    assert change["low"] > 0  # the right sign, and clearly so
    rel = result["relative_level_change"]
    truth = 8.0 / (20.0 + 0.05 * 30)
    assert rel["low"] <= truth <= rel["high"]
    assert result["weeks_before"] == 30 and result["weeks_after"] == 30


def test_a_flat_series_gives_an_interval_covering_zero() -> None:
    result = interrupted_series(_weeks(_series(12, 0.0)), "items", 30, **KW)
    assert result["status"] == "ok"
    assert result["level_change"]["low"] <= 0 <= result["level_change"]["high"]
    assert result["trend_change_per_week"]["low"] <= 0 <= result["trend_change_per_week"]["high"]


def test_the_level_change_interval_is_calibrated_over_many_planted_histories() -> None:
    """95% intervals should cover the planted jump about 95% of the time: not 60%, not 100%."""
    covered = 0
    runs = 300
    for seed in range(runs):
        fit = segmented_fit(_series(1000 + seed, 5.0), 30)
        assert fit is not None
        _, low, high = fit.interval("level_change")
        covered += low <= 5.0 <= high
    assert 0.90 <= covered / runs <= 0.99


def test_too_few_weeks_say_insufficient_data_with_the_reason() -> None:
    result = interrupted_series(_weeks([10.0] * 12), "items", 6, **KW)
    assert result["status"] == "insufficient data"
    assert "6 complete week(s) before" in result["reason"]
    assert "value" not in result.get("level_change", {})
    none = interrupted_series(_weeks([10.0] * 40), "items", None, **KW)
    assert none["status"] == "insufficient data"
    assert "no AI adoption week" in none["reason"]


def test_adoption_is_the_first_week_from_which_the_ai_share_holds() -> None:
    weeks = _weeks([10.0] * 20, ai_from=12)
    assert find_adoption(weeks, 0.1) == 12
    # one experimental week long before the adoption is not the adoption
    trial = list(weeks)
    trial[3] = Week("w3", trial[3].start, {"items": 10.0}, 40, 100)
    assert find_adoption(trial, 0.1) == 12
    # a quiet week (no lines) does not break the adoption; a human-only month after it does
    quiet = list(weeks)
    quiet[14] = Week("w14", quiet[14].start, {"items": 0.0}, 0, 0)
    assert find_adoption(quiet, 0.1) == 12
    assert find_adoption(_weeks([10.0] * 20), 0.1) is None


def test_difference_of_means_covers_the_planted_difference() -> None:
    rng = np.random.default_rng(5)
    before = list(rng.normal(2.0, 1.0, 40))
    after = list(rng.normal(3.0, 1.0, 40))
    est = difference_of_means(before, after, min_sample=8, seed=1, iterations=1000)
    assert est.ok and est.low is not None and est.high is not None
    assert est.low <= 1.0 <= est.high
    assert est.low > 0
    again = difference_of_means(before, after, min_sample=8, seed=1, iterations=1000)
    assert (again.low, again.high) == (est.low, est.high)  # seeded
    assert not difference_of_means(before[:3], after, min_sample=8).ok


T0 = datetime(2023, 1, 2, 10, tzinfo=UTC)


def _change(i: int, *, ai: bool, day: int, author: str, lines: int, zone: str) -> Change:
    return Change(
        sha=f"{i:040x}",
        author=author,
        date=T0 + timedelta(days=day, minutes=i),
        lines_added=lines,
        ai_lines=lines if ai else 0,
        human_lines=0 if ai else lines,
        unknown_lines=0,
        files=(f"{zone}/m{i % 5}.py",),
    )


def test_the_adjusted_difference_removes_a_size_confounder() -> None:
    """Defects depend on size only (linearly in log lines, the model's own scale); AI changes
    are larger. Raw rates differ, the adjusted difference covers 0."""
    rng = np.random.default_rng(9)
    changes = []
    defect: set[str] = set()
    for i in range(600):
        ai = i % 2 == 0
        lines = int(rng.integers(200, 400)) if ai else int(rng.integers(5, 200))
        c = _change(
            i, ai=ai, day=i // 3, author=f"dev{i % 7}", lines=lines, zone=("a", "b")[i % 3 == 0]
        )
        changes.append(c)
        if rng.random() < 0.12 * math.log1p(lines) - 0.2:
            defect.add(c.sha)
    result = adjusted_difference(changes, lambda c: c.sha in defect, MetricsConfig())
    assert result["status"] == "ok"
    raw_ai, raw_human = result["raw"]["ai"]["value"], result["raw"]["human"]["value"]
    assert raw_ai - raw_human > 0.12  # raw rates say AI is much worse
    diff = result["ai_minus_human"]
    assert diff["low"] <= 0 <= diff["high"]  # adjusted for size, it is not
    assert result["n_ai"] == 300 and result["n_human"] == 300


def test_the_adjusted_difference_finds_a_planted_ai_effect_and_refuses_small_samples() -> None:
    rng = np.random.default_rng(10)
    changes = []
    defect: set[str] = set()
    for i in range(800):
        ai = i % 2 == 0
        c = _change(i, ai=ai, day=i // 4, author=f"dev{i % 9}", lines=50, zone="src")
        changes.append(c)
        if rng.random() < (0.35 if ai else 0.15):
            defect.add(c.sha)
    result = adjusted_difference(changes, lambda c: c.sha in defect, MetricsConfig())
    diff = result["ai_minus_human"]
    assert diff["low"] <= 0.20 <= diff["high"] and diff["low"] > 0
    small = adjusted_difference(changes[:30], lambda c: c.sha in defect, MetricsConfig())
    assert small["status"] == "insufficient data"
    assert "15 AI and 15 human" in small["reason"]


def test_the_board_on_a_short_history_says_insufficient_data_everywhere() -> None:
    changes = [_change(i, ai=i > 20, day=i, author="dev", lines=10, zone="src") for i in range(30)]
    data = Dataset(changes=changes, inducing={})
    doc = board(data, build_items(data), MetricsConfig())
    assert doc["weeks"]["count"] == 3  # 30 days: five ISO weeks, the partial first and last out
    for outcome in ("items", "lines_added", "features"):
        assert doc["throughput"][outcome]["status"] == "insufficient data"
        assert doc["throughput"][outcome]["reason"]
    assert doc["net_gain"]["status"] == "insufficient data"
    assert doc["quality"]["defects"]["status"] == "insufficient data"
    assert doc["quality"]["incidents"]["status"].startswith("no incident data")
    assert doc["weights"]["incident_hours"]["basis"] == "guessed"


def test_weights_are_measured_where_the_records_have_them_and_flagged_elsewhere() -> None:
    from netgain.metrics import Incident, PullRequest, Review
    from netgain.metrics.weights import board_weights

    incidents = [
        Incident(f"I{k}", T0 + timedelta(days=k), T0 + timedelta(days=k, hours=2 + k % 3))
        for k in range(9)
    ]
    reviews = (Review("sam", T0, "senior", 1.5), Review("ola", T0, "other", None))
    data = Dataset(
        changes=[],
        incidents=incidents,
        pull_requests=[PullRequest(1, T0, reviews=reviews)],
        reviews_present=True,
    )
    w = board_weights(data, MetricsConfig(hours_per_feature=20.0))
    assert w.incident_hours == pytest.approx(3.0)  # durations 2, 3, 4 hours, three times each
    assert w.basis["incident_hours"]["basis"] == "measured"
    assert w.basis["incident_hours"]["n"] == 9
    assert w.review_hours_per_review == 1.5  # the one review with a recorded duration
    assert w.basis["review_hours_per_review"]["n"] == 1
    assert w.basis["hours_per_feature"]["basis"] == "configured"
    assert w.basis["rework_hours_per_kloc"]["basis"] == "guessed"
    assert w.basis["rework_hours_per_kloc"]["quantity"] == "rework not measured"


def test_weeks_before_a_year_without_changes_are_not_the_baseline() -> None:
    """One commit with a wrong clock (2001 in a 2023 history) must not add 1,000 empty weeks."""
    changes = [_change(i, ai=False, day=i, author="dev", lines=10, zone="src") for i in range(60)]
    stray = Change(
        sha="f" * 40,
        author="dev",
        date=datetime(2001, 2, 1, tzinfo=UTC),
        lines_added=5,
        ai_lines=0,
        human_lines=5,
        unknown_lines=0,
    )
    data = Dataset(changes=[stray, *changes])
    doc = board(data, build_items(data), MetricsConfig())
    assert doc["weeks"]["first"] == "2023-W01"  # T0 is Monday 2023-01-02
    assert doc["weeks"]["count"] == 8


def test_the_interval_stays_calibrated_with_autocorrelated_weeks() -> None:
    """Busy weeks follow busy weeks: AR(1) errors with rho 0.3 around a planted jump of 5."""
    rng = np.random.default_rng(77)
    covered = 0
    runs = 300
    for _ in range(runs):
        noise = np.zeros(60)
        shocks = rng.normal(0, 4.5, 60)
        for t in range(60):
            noise[t] = (0.3 * noise[t - 1] if t else 0.0) + shocks[t]
        values = [20 + 0.05 * t + (5.0 if t >= 30 else 0.0) + noise[t] for t in range(60)]
        fit = segmented_fit(values, 30)
        assert fit is not None and fit.errors.startswith("Prais-Winsten")
        _, low, high = fit.interval("level_change")
        covered += low <= 5.0 <= high
    assert 0.88 <= covered / runs <= 0.99


def test_a_baseline_the_line_cannot_describe_is_flagged() -> None:
    """A burst, then a quiet year (simonw/llm's shape): the pre-AI line falls below zero by the
    adoption, so the level change is measured against a negative counterfactual: said so."""
    values = [50.0] * 6 + [1.0, 0.0] * 17 + [12.0, 20.0, 5.0, 13.0, 9.0, 3.0, 5.0, 21.0]
    result = interrupted_series(_weeks(values), "items", 40, **KW)
    assert result["status"] == "ok"
    assert result["baseline_level"]["value"] < 0
    assert result["relative_level_change"]["value"] is None
    assert "does not describe this baseline" in result["warnings"][0]
    flat = interrupted_series(_weeks(_series(12, 0.0)), "items", 30, **KW)
    assert flat["warnings"] == []


def test_t_quantile_matches_the_printed_student_t_table() -> None:
    """Two-sided 95% critical values from any statistics table (computed without scipy.stats,
    whose import cost every report half a second)."""
    for dof, expected in ((1, 12.706), (2, 4.303), (10, 2.228), (30, 2.042), (1000, 1.962)):
        assert round(t_quantile(0.95, dof), 3) == expected
    assert round(t_quantile(0.90, 5), 3) == 2.015
    assert t_quantile(0.95, 0) == t_quantile(0.95, 1)  # no degrees of freedom: the widest
