"""AI against human quality, adjusted for what else differs between the two kinds of change.

Raw ratios mislead: AI-written changes are often larger, written by newer engineers, in other parts
of the code, and younger (a recent change has had less time to be found faulty). So the board fits
a linear probability model over changes of known provenance:

    outcome = b0 + b_ai * ai + b1 log(1 + lines added) + b2 log(1 + author's earlier changes)
              + b3 age in years + zone dummies

where `outcome` is 1 when SZZ linked the change to a later fix (defects) or an incident was linked
to it as a cause (incidents), and `ai` is 1 for a change at least half AI-written. b_ai is the
difference in the probability of that outcome between an AI and a human change of the same size,
author experience, age and zone, in percentage points, with HC1 (heteroskedasticity-robust)
errors: a linear probability model's errors are heteroskedastic by construction. It is chosen over
a logistic model because its coefficient reads directly and it has no separation failures on
small zones. Zones are the top-level directories holding at least 5% of the changes; the others
are pooled into the baseline.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from netgain.metrics.config import MetricsConfig
from netgain.metrics.inputs import Change, Dataset
from netgain.metrics.regression import ols
from netgain.metrics.stats import INSUFFICIENT, proportion

ZONE_SHARE = 0.05
MAX_ZONES = 8
SECONDS_PER_YEAR = 365.25 * 86400


def zone_of(change: Change) -> str:
    """The top-level directory most of the change's files are in ("." for the root)."""
    tops = Counter(path.split("/", 1)[0] if "/" in path else "." for path in change.files)
    return tops.most_common(1)[0][0] if tops else "."


def _experience(changes: Sequence[Change]) -> dict[str, int]:
    """Each change's author's count of earlier changes in the repository."""
    seen: Counter[str] = Counter()
    out: dict[str, int] = {}
    for change in sorted(changes, key=lambda c: (c.date, c.sha)):
        out[change.sha] = seen[change.author]
        seen[change.author] += 1
    return out


def _zones(changes: Sequence[Change]) -> list[str]:
    counts = Counter(zone_of(c) for c in changes)
    floor = max(1, math.ceil(ZONE_SHARE * len(changes)))
    frequent = [z for z, n in counts.most_common() if n >= floor]
    # the most common zone is the baseline: its dummy would be collinear with the intercept
    return frequent[1 : MAX_ZONES + 1]


def adjusted_difference(
    changes: Sequence[Change],
    outcome: Callable[[Change], bool],
    config: MetricsConfig,
) -> dict[str, Any]:
    """The adjusted AI-minus-human difference in the probability of `outcome`, with raw rates."""
    known = [c for c in changes if c.provenance in ("ai", "human") and c.lines_added > 0]
    ai = [c for c in known if c.provenance == "ai"]
    human = [c for c in known if c.provenance == "human"]
    raw = {
        "ai": proportion(
            sum(1 for c in ai if outcome(c)), len(ai), min_sample=config.min_sample
        ).to_dict(),
        "human": proportion(
            sum(1 for c in human if outcome(c)), len(human), min_sample=config.min_sample
        ).to_dict(),
    }
    unknown = sum(1 for c in changes if c.provenance == "unknown")
    sizes = {"n": len(known), "n_ai": len(ai), "n_human": len(human), "n_unknown": unknown}
    if len(ai) < config.min_sample or len(human) < config.min_sample:
        hint = (
            f"; {unknown} change(s) have no provenance evidence and are not counted as human "
            "(git-ai notes or an `AI-Assisted: none` trailer give human evidence)"
            if unknown and len(human) < config.min_sample
            else ""
        )
        return {
            "status": INSUFFICIENT,
            "reason": f"{len(ai)} AI and {len(human)} human changes of known provenance; "
            f"the regression needs {config.min_sample} of each ([metrics] min_sample){hint}",
            **sizes,
            "raw": raw,
        }
    experience = _experience(changes)
    newest = max(c.date for c in changes)
    zones = _zones(known)
    rows = []
    ys = []
    for c in known:
        zone = zone_of(c)
        rows.append(
            [
                1.0,
                1.0 if c.provenance == "ai" else 0.0,
                math.log1p(c.lines_added),
                math.log1p(experience.get(c.sha, 0)),
                (newest - c.date).total_seconds() / SECONDS_PER_YEAR,
                *(1.0 if zone == z else 0.0 for z in zones),
            ]
        )
        ys.append(1.0 if outcome(c) else 0.0)
    names: tuple[str, ...] = ("intercept", "ai", "log_lines", "log_experience", "age_years")
    names += tuple(f"zone:{z}" for z in zones)
    y = np.asarray(ys)
    if float(y.sum()) == 0:
        return {
            "status": INSUFFICIENT,
            "reason": "no change of known provenance had the outcome",
            **sizes,
            "raw": raw,
        }
    x = np.asarray(rows)
    # a covariate that never varies (one zone, equal sizes) adjusts for nothing and would make
    # the design singular: it is dropped and named
    keep = [i for i in range(x.shape[1]) if i < 2 or float(np.ptp(x[:, i])) > 0]
    constant = [names[i] for i in range(x.shape[1]) if i not in keep]
    names = tuple(names[i] for i in keep)
    fit = ols(x[:, keep], y, names, errors="HC1")
    if fit is None:
        return {
            "status": INSUFFICIENT,
            "reason": "the covariates are collinear (e.g. every AI change in one zone)",
            **sizes,
            "raw": raw,
        }
    value, low, high = fit.interval("ai")
    return {
        "status": "ok",
        **sizes,
        "ai_minus_human": {"value": value, "low": low, "high": high, "unit": "probability"},
        "adjusted_for": [n for n in names if n not in ("intercept", "ai")],
        "constant_in_data": constant,
        "zones": zones,
        "coefficients": {
            name: {"value": v, "low": lo, "high": hi}
            for name in names
            for v, lo, hi in [fit.interval(name)]
        },
        "errors": fit.errors,
        "raw": raw,
    }


def adjusted_quality(data: Dataset, config: MetricsConfig) -> dict[str, Any]:
    """Defects (SZZ) and incidents, AI against human, each adjusted; a missing source says so."""
    out: dict[str, Any] = {"model": "linear probability, HC1 errors"}
    if data.inducing is None:
        out["defects"] = {"status": "no SZZ data (run `netgain szz` or `netgain metrics`)"}
    else:
        inducing = data.inducing
        out["defects"] = adjusted_difference(
            data.changes, lambda c: inducing.get(c.sha, 0) > 0, config
        )
    if data.incidents is None:
        out["incidents"] = {"status": "no incident data (netgain incidents import FILE)"}
    else:
        caused = {sha for i in data.incidents for sha in i.causes}
        out["incidents"] = adjusted_difference(data.changes, lambda c: c.sha in caused, config)
    return out
