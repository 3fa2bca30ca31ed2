"""Rework: the share of added lines changed or deleted within the window (21 days by default).

Per provenance kind, units are changes: (lines of that kind reworked, lines of that kind added).
The AI / human ratio compares the two rework shares with a bootstrap interval.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from netgain.metrics.config import MetricsConfig
from netgain.metrics.inputs import PROVENANCE_KINDS, LineFate, period_key
from netgain.metrics.stats import ratio_between, ratio_of_sums


def _pairs(fates: Sequence[LineFate]) -> dict[str, list[tuple[float, float]]]:
    pairs: dict[str, list[tuple[float, float]]] = {k: [] for k in PROVENANCE_KINDS}
    for fate in fates:
        for kind in PROVENANCE_KINDS:
            added = fate.added.get(kind, 0)
            if added > 0:
                reworked = min(max(fate.reworked.get(kind, 0), 0), added)
                pairs[kind].append((float(reworked), float(added)))
    return pairs


def rework(fates: Sequence[LineFate], by: str, config: MetricsConfig) -> dict[str, Any]:
    """Overall and per-kind rework shares, AI / human ratio, and the per-period overall share."""
    kw = {"seed": config.bootstrap_seed, "iterations": config.bootstrap_iterations}
    pairs = _pairs(fates)
    out: dict[str, Any] = {
        kind: ratio_of_sums(values, min_sample=config.min_sample, **kw).to_dict()
        for kind, values in pairs.items()
    }
    everything = [
        (float(sum(f.reworked.get(k, 0) for k in PROVENANCE_KINDS)), float(sum(f.added.values())))
        for f in fates
        if sum(f.added.values()) > 0
    ]
    out["all"] = ratio_of_sums(everything, min_sample=config.min_sample, **kw).to_dict()
    out["ratio_ai_human"] = ratio_between(
        pairs["ai"], pairs["human"], min_sample=config.min_sample, **kw
    ).to_dict()
    per: dict[str, list[LineFate]] = defaultdict(list)
    for fate in fates:
        per[period_key(fate.date, by)].append(fate)
    out["by_period"] = {
        key: {
            "added": sum(sum(f.added.values()) for f in group),
            "reworked": sum(sum(f.reworked.values()) for f in group),
        }
        for key, group in sorted(per.items())
    }
    out["window_days"] = config.rework_days
    return out


def reworked_lines_by(fates: Sequence[LineFate], key: str, by: str) -> dict[str, int]:
    """Reworked lines per period (key="period") for the net-productivity cost."""
    out: dict[str, int] = defaultdict(int)
    for fate in fates:
        out[period_key(fate.date, by) if key == "period" else fate.sha] += sum(
            fate.reworked.values()
        )
    return dict(out)
