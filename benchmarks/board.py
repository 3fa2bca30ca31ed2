"""The board's statistics against what a user would otherwise use, in one process.

    python benchmarks/board.py [--series N] [--seed S]

1. **Reference check** (statsmodels 0.15, the `bench` extra): netgain's hand-written least squares
   with HC1 and Newey-West errors against statsmodels' OLS with `cov_type="HC1"` / `"HAC"` on the
   same planted series (HAC with `use_correction=True`: the n/(n-k) factor netgain applies):
   coefficients and standard errors must agree to 1e-8 (relative).
2. **Accuracy** on planted weekly histories of a growing team (a pre-existing upward trend) with
   a known level jump at the adoption week (0 or 5 per week): the spreadsheet answer (mean after
   minus mean before, Welch interval) against netgain's interrupted time series (Prais-Winsten
   AR(1), HC3), with independent and with AR(1) weekly noise: bias, RMSE and 95% coverage.
3. **Speed**: one segmented fit, netgain against statsmodels OLS+HAC and GLSAR, as a ratio.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable

import numpy as np
import statsmodels.api as sm  # type: ignore[import-untyped]

from netgain.metrics.its import segmented_fit
from netgain.metrics.regression import newey_west_lag, ols, t_quantile

WEEKS, ADOPT = 60, 30


def design(n: int, at: int) -> np.ndarray:
    t = np.arange(n, dtype=float) - at
    d = (t >= 0).astype(float)
    return np.column_stack([np.ones(n), t, d, t * d])


def planted(rng: np.random.Generator, jump: float, rho: float) -> np.ndarray:
    """A growing team: 15 items a week rising by 0.15 a week, plus `jump` from the adoption."""
    t = np.arange(WEEKS)
    mean = 15 + 0.15 * t + jump * (t >= ADOPT)
    if rho == 0:
        return rng.poisson(mean).astype(float)
    noise = np.zeros(WEEKS)
    shocks = rng.normal(0, math.sqrt(20), WEEKS)
    for i in range(WEEKS):
        noise[i] = (rho * noise[i - 1] if i else 0.0) + shocks[i]
    return mean + noise


def reference_check(rng: np.random.Generator, count: int) -> None:
    worst = {"coef": 0.0, "HC1": 0.0, "HAC": 0.0}
    x = design(WEEKS, ADOPT)
    names = ("a", "b", "c", "d")
    for _ in range(count):
        y = planted(rng, 5.0, 0.3)
        lag = newey_west_lag(WEEKS)
        for kind, ours_errors, theirs in (
            ("HC1", "HC1", sm.OLS(y, x).fit(cov_type="HC1")),
            (
                "HAC",
                "newey-west",
                sm.OLS(y, x).fit(cov_type="HAC", cov_kwds={"maxlags": lag, "use_correction": True}),
            ),
        ):
            ours = ols(x, y, names, errors=ours_errors)
            assert ours is not None
            worst["coef"] = max(worst["coef"], float(np.max(np.abs(ours.coef - theirs.params))))
            se = np.sqrt(np.diag(ours.cov))
            worst[kind] = max(worst[kind], float(np.max(np.abs(se / theirs.bse - 1))))
    print(f"1. reference check over {count} series against statsmodels {sm.__version__}:")
    print(
        f"   max |coef diff| {worst['coef']:.2e}; max relative SE diff: HC1 {worst['HC1']:.2e}, "
        f"Newey-West {worst['HAC']:.2e}"
    )
    ok = worst["coef"] < 1e-8 and worst["HC1"] < 1e-8 and worst["HAC"] < 1e-8
    print("   agree" if ok else "   DISAGREE")


def naive(y: np.ndarray) -> tuple[float, float, float]:
    """Mean after minus mean before with a Welch 95% interval: the spreadsheet answer."""
    before, after = y[:ADOPT], y[ADOPT:]
    diff = float(after.mean() - before.mean())
    va, vb = after.var(ddof=1) / len(after), before.var(ddof=1) / len(before)
    se = math.sqrt(va + vb)
    dof = (va + vb) ** 2 / (va**2 / (len(after) - 1) + vb**2 / (len(before) - 1))
    half = t_quantile(0.95, int(dof)) * se
    return diff, diff - half, diff + half


def accuracy(rng: np.random.Generator, count: int) -> None:
    print(f"2. accuracy over {count} planted 60-week histories of a growing team per row:")
    print(f"   {'noise':<16} {'jump':>4} {'method':<28} {'bias':>6} {'RMSE':>6} {'coverage':>8}")
    for rho in (0.0, 0.3):
        for jump in (0.0, 5.0):
            rows: dict[str, list[tuple[float, float, float]]] = {
                "before/after means": [],
                "ITS": [],
            }
            for _ in range(count):
                y = planted(rng, jump, rho)
                rows["before/after means"].append(naive(y))
                fit = segmented_fit(list(y), ADOPT)
                assert fit is not None
                rows["ITS"].append(fit.interval("level_change"))
            for method, results in rows.items():
                est = np.asarray([r[0] for r in results])
                cover = np.mean([r[1] <= jump <= r[2] for r in results])
                label = "independent" if rho == 0 else f"AR(1) rho={rho}"
                name = "ITS (Prais-Winsten, HC3)" if method == "ITS" else method
                print(
                    f"   {label:<16} {jump:>4.0f} {name:<28} {est.mean() - jump:>6.2f} "
                    f"{math.sqrt(np.mean((est - jump) ** 2)):>6.2f} {cover:>8.1%}"
                )


def timed(fn: Callable[[], object], repeat: int) -> float:
    began = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - began) / repeat


def speed(rng: np.random.Generator, repeat: int) -> None:
    y = planted(rng, 5.0, 0.3)
    x = design(WEEKS, ADOPT)
    lag = newey_west_lag(WEEKS)
    ours_pw = timed(lambda: segmented_fit(list(y), ADOPT), repeat)
    ours_nw = timed(lambda: ols(x, y, ("a", "b", "c", "d"), errors="newey-west"), repeat)
    theirs_nw = timed(
        lambda: sm.OLS(y, x).fit(cov_type="HAC", cov_kwds={"maxlags": lag, "use_correction": True}),
        repeat,
    )
    theirs_glsar = timed(lambda: sm.GLSAR(y, x, rho=1).iterative_fit(maxiter=5), repeat)
    print(f"3. speed, one 60-week fit (mean of {repeat}):")
    print(
        f"   netgain Prais-Winsten {ours_pw * 1e6:.0f} us, statsmodels GLSAR {theirs_glsar * 1e6:.0f} us "
        f"(ratio {theirs_glsar / ours_pw:.1f}x); netgain OLS+Newey-West {ours_nw * 1e6:.0f} us, "
        f"statsmodels OLS+HAC {theirs_nw * 1e6:.0f} us (ratio {theirs_nw / ours_nw:.1f}x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--series", type=int, default=400)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    reference_check(rng, 50)
    accuracy(rng, args.series)
    speed(rng, 200)


if __name__ == "__main__":
    main()
