"""Defect and vulnerability density of AI vs human (vs unknown) code, with their ratio.

Defect density: bug-introducing changes (SZZ from fix commits) per 1,000 added lines, changes
grouped by provenance (ai when at least half their lines are AI). Units for the bootstrap are
changes. Vulnerability density: scan findings per 1,000 surviving lines, each finding attributed
through blame of its line, so a finding in an AI-written line of a mostly-human file counts as AI.
Units for the bootstrap are files.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from netgain.metrics.config import MetricsConfig
from netgain.metrics.inputs import PROVENANCE_KINDS, Change, SurvivingLines
from netgain.metrics.stats import ratio_between, ratio_of_sums


def per_provenance(
    pairs: dict[str, list[tuple[float, float]]], config: MetricsConfig
) -> dict[str, Any]:
    """Each provenance kind's events per 1,000 lines (ratio of sums over `(events, lines)` units)
    and the AI / human ratio: the figures every density family reports, computed one way."""
    kw = {"seed": config.bootstrap_seed, "iterations": config.bootstrap_iterations}
    out: dict[str, Any] = {
        kind: ratio_of_sums(values, min_sample=config.min_sample, scale=1000.0, **kw).to_dict()
        for kind, values in pairs.items()
    }
    out["ratio_ai_human"] = ratio_between(
        pairs["ai"], pairs["human"], min_sample=config.min_sample, **kw
    ).to_dict()
    return out


def defect_density(
    changes: Sequence[Change], inducing: dict[str, int], config: MetricsConfig
) -> dict[str, Any]:
    """Bug-introducing changes per 1,000 added lines, per provenance kind, and AI / human."""
    pairs: dict[str, list[tuple[float, float]]] = {k: [] for k in PROVENANCE_KINDS}
    for c in changes:
        if c.lines_added <= 0:
            continue
        pairs[c.provenance].append((1.0 if inducing.get(c.sha) else 0.0, float(c.lines_added)))
    out = per_provenance(pairs, config)
    out["unit"] = "bug-introducing changes per 1,000 added lines"
    return out


def vulnerability_density(surviving: SurvivingLines, config: MetricsConfig) -> dict[str, Any]:
    """Findings per 1,000 surviving lines per provenance kind (files as bootstrap units)."""
    pairs: dict[str, list[tuple[float, float]]] = {k: [] for k in PROVENANCE_KINDS}
    for counts in surviving.files.values():
        for kind in PROVENANCE_KINDS:
            lines = counts.get(f"{kind}_lines", 0)
            if lines > 0:
                pairs[kind].append((float(counts.get(f"{kind}_findings", 0)), float(lines)))
    out = per_provenance(pairs, config)
    out["lines"] = dict(surviving.lines)
    out["findings"] = dict(surviving.findings)
    out["scanned_files"] = surviving.scanned_files
    out["not_analysed_files"] = dict(surviving.not_analysed)
    out["problems"] = list(surviving.problems)
    out["unit"] = "findings per 1,000 surviving lines"
    return out
