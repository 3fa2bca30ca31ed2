"""Ordinary least squares with standard errors that survive real engineering data.

Weekly throughput is autocorrelated (a slow week is often followed by another) and its variance
changes with the level, so the textbook OLS errors are too narrow. Two sandwich estimators cover
the board's regressions, written out here because they are a few lines of linear algebra and
statsmodels is a heavy dependency for them:

* **HC1** (White, with the n/(n-k) small-sample factor) for independent units of unequal variance
  (changes in the quality regression);
* **Newey-West** (Bartlett kernel, lag `floor(4 (n/100)^(2/9))`) for a time series: it also
  allows the errors of nearby weeks to be correlated;
* **Prais-Winsten** (AR(1) feasible GLS, iterated) with HC3 errors on the transformed regression,
  which the interrupted time series uses. Newey-West is biased low at a year of weeks for a
  coefficient with high leverage, such as the level change at a segment boundary: on 400 planted
  60-week series its 95% interval covered the truth 87-88% of the time, with independent errors
  as with AR(1) errors. Prais-Winsten models the autocorrelation instead of averaging it out, and
  HC3 (residuals divided by 1 - leverage) corrects the high-leverage bias; the same simulations
  covered 94% (independent Poisson counts), 93% (AR(1) 0.3 on Poisson) and 91.5% (AR(1) 0.5).

Intervals use Student's t with the residual degrees of freedom, which matters for a 20-week
baseline.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

Array = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Fit:
    """Coefficients, their covariance, and what a reader needs to judge them."""

    names: tuple[str, ...]
    coef: Array
    cov: Array
    n: int
    dof: int
    errors: str  # "HC1" or "Newey-West (lag L)"
    residual_sd: float

    def index(self, name: str) -> int:
        return self.names.index(name)

    def se(self, name: str) -> float:
        i = self.index(name)
        return math.sqrt(max(0.0, float(self.cov[i, i])))

    def interval(self, name: str, level: float = 0.95) -> tuple[float, float, float]:
        """(estimate, low, high) of one coefficient."""
        value = float(self.coef[self.index(name)])
        half = t_quantile(level, self.dof) * self.se(name)
        return value, value - half, value + half

    def linear(self, weights: Sequence[float], level: float = 0.95) -> tuple[float, float, float]:
        """(estimate, low, high) of a linear combination of the coefficients (a prediction)."""
        w = np.asarray(weights, dtype=np.float64)
        value = float(w @ self.coef)
        half = t_quantile(level, self.dof) * math.sqrt(max(0.0, float(w @ self.cov @ w)))
        return value, value - half, value + half

    def ratio(
        self, top: Sequence[float], bottom: Sequence[float], level: float = 0.95
    ) -> tuple[float, float, float] | None:
        """(estimate, low, high) of (top·coef) / (bottom·coef) by the delta method; None when
        the denominator is not clearly positive (a relative change against a level near zero
        means nothing)."""
        a = np.asarray(top, dtype=np.float64)
        b = np.asarray(bottom, dtype=np.float64)
        num, den = float(a @ self.coef), float(b @ self.coef)
        if den <= 0:
            return None
        grad = a / den - (num / den**2) * b
        se = math.sqrt(max(0.0, float(grad @ self.cov @ grad)))
        value = num / den
        half = t_quantile(level, self.dof) * se
        return value, value - half, value + half


def t_quantile(level: float, dof: int) -> float:
    """Two-sided Student-t critical value (normal beyond 1,000 degrees of freedom).

    `special.stdtrit` is the same inverse CDF as `scipy.stats.t.ppf`, without importing
    scipy.stats: that import alone took half a second of every `metrics` and `report` run."""
    return float(special.stdtrit(max(1, dof), 0.5 + level / 2))


def newey_west_lag(n: int) -> int:
    """The usual automatic bandwidth, floor(4 (n/100)^(2/9)) (Newey and West 1994)."""
    return max(0, int(4 * (n / 100) ** (2 / 9)))  # truncation is floor for positives


def ols(
    x: Array,
    y: Array,
    names: Sequence[str],
    *,
    errors: str = "HC1",
    lag: int | None = None,
) -> Fit | None:
    """Fit y = X b by least squares; None when X is rank-deficient or has no spare rows.

    `errors`: "HC1" (independent units) or "newey-west" (a time series in order; `lag` defaults
    to `newey_west_lag(n)`).
    """
    n, k = x.shape
    if n <= k or np.linalg.matrix_rank(x) < k:
        return None
    xtx_inv = np.linalg.inv(x.T @ x)
    coef = xtx_inv @ x.T @ y
    resid = y - x @ coef
    scores = x * resid[:, None]
    meat = scores.T @ scores
    label = "HC1"
    if errors == "newey-west":
        lag = newey_west_lag(n) if lag is None else lag
        for step in range(1, lag + 1):
            weight = 1 - step / (lag + 1)
            cross = scores[step:].T @ scores[:-step]
            meat += weight * (cross + cross.T)
        label = f"Newey-West (lag {lag})"
    elif errors != "HC1":
        raise ValueError(f"unknown standard errors {errors!r}")
    cov = xtx_inv @ meat @ xtx_inv * (n / (n - k))
    sd = float(np.sqrt(resid @ resid / (n - k)))
    return Fit(tuple(names), coef, cov, n, n - k, label, sd)


def prais_winsten(x: Array, y: Array, names: Sequence[str], *, iterations: int = 5) -> Fit | None:
    """Least squares with AR(1) errors (Prais-Winsten, rho from the residuals, iterated) and
    HC3 standard errors on the transformed regression; None when the design is degenerate."""
    n, k = x.shape
    if n <= k + 1 or np.linalg.matrix_rank(x) < k:
        return None
    coef = np.linalg.lstsq(x, y, rcond=None)[0]
    rho = 0.0
    xs, ys = x, y
    for _ in range(iterations):
        resid = y - x @ coef
        denom = float(resid @ resid)
        rho = float(np.clip(resid[1:] @ resid[:-1] / denom, -0.95, 0.95)) if denom > 0 else 0.0
        scale = math.sqrt(1 - rho * rho)
        ys = np.concatenate([[scale * y[0]], y[1:] - rho * y[:-1]])
        xs = np.vstack([scale * x[0], x[1:] - rho * x[:-1]])
        coef = np.linalg.lstsq(xs, ys, rcond=None)[0]
    if np.linalg.matrix_rank(xs) < k:
        return None
    xtx_inv = np.linalg.inv(xs.T @ xs)
    resid = ys - xs @ coef
    leverage = np.einsum("ij,jk,ik->i", xs, xtx_inv, xs)
    adjusted = resid / np.clip(1 - leverage, 1e-6, None)
    scores = xs * adjusted[:, None]
    cov = xtx_inv @ (scores.T @ scores) @ xtx_inv
    dof = n - k - 1
    sd = float(np.sqrt(resid @ resid / dof))
    return Fit(tuple(names), coef, cov, n, dof, f"Prais-Winsten AR(1) rho={rho:.2f}, HC3", sd)
