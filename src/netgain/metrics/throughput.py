"""Throughput and AI adoption per period: merged PRs, features, lines added, AI share, adoption.

Adoption is about people, not lines: the share of active engineers (non-bot authors with at least
one change in the period) with any AI-attributed line, and the share whose added lines are at least
half AI. Both are proportions of engineers with a Wilson interval.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from netgain.metrics.config import MetricsConfig
from netgain.metrics.inputs import Change, PullRequest, period_key
from netgain.metrics.items import WorkItem
from netgain.metrics.stats import proportion


def adoption(changes: Sequence[Change], config: MetricsConfig) -> dict[str, Any]:
    """Among active human engineers: who used AI at all, and whose work was at least half AI."""
    ai: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for c in changes:
        if c.is_bot:
            continue
        ai[c.author] += c.ai_lines
        total[c.author] += c.attributed
    engineers = sorted(total)
    with_ai = sum(1 for e in engineers if ai[e] > 0)
    half_ai = sum(1 for e in engineers if total[e] and ai[e] * 2 >= total[e])
    n = len(engineers)
    return {
        "active_engineers": n,
        "engineers_with_ai": with_ai,
        "engineers_half_ai": half_ai,
        "with_ai_share": proportion(with_ai, n, min_sample=config.min_sample).to_dict(),
        "half_ai_share": proportion(half_ai, n, min_sample=config.min_sample).to_dict(),
    }


def line_totals(changes: Sequence[Change]) -> dict[str, Any]:
    ai = sum(c.ai_lines for c in changes)
    human = sum(c.human_lines for c in changes)
    unknown = sum(c.unknown_lines for c in changes)
    total = ai + human + unknown
    return {
        "lines_added": sum(c.lines_added for c in changes),
        "ai_lines": ai,
        "human_lines": human,
        "unknown_lines": unknown,
        "ai_share": ai / total if total else None,
        "unknown_share": unknown / total if total else None,
    }


def throughput_by_period(
    changes: Sequence[Change],
    items: Sequence[WorkItem],
    pull_requests: Sequence[PullRequest] | None,
    by: str,
    config: MetricsConfig,
) -> dict[str, dict[str, Any]]:
    """Per period key: changes, merged PRs (None without PR data), features, lines, AI share,
    adoption."""
    changes_by: dict[str, list[Change]] = defaultdict(list)
    for c in changes:
        changes_by[period_key(c.date, by)].append(c)
    features: dict[str, int] = defaultdict(int)
    for item in items:
        if item.is_feature:
            features[period_key(item.date, by)] += 1
    merged: dict[str, int] = defaultdict(int)
    for pr in pull_requests or []:
        if pr.merged_at is not None:
            merged[period_key(pr.merged_at, by)] += 1
    keys = set(changes_by) | set(features) | set(merged)
    out: dict[str, dict[str, Any]] = {}
    for key in keys:
        period_changes = changes_by.get(key, [])
        out[key] = {
            "changes": len(period_changes),
            "merged_prs": merged.get(key, 0) if pull_requests is not None else None,
            "features": features.get(key, 0),
            **line_totals(period_changes),
            "adoption": adoption(period_changes, config),
        }
    return out
