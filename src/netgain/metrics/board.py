"""The board answer: did AI make this repository faster once the downstream cost is paid?

One page, four figures, each with its sample size or "insufficient data" and the reason:

1. throughput against the repository's own pre-AI baseline (`netgain.metrics.its`: weekly
   series, AI adoption week found in the data, segmented regression with AR(1)-robust intervals);
2. net gain after downstream cost: net features per week after the adoption minus before, with
   a bootstrap interval over weeks (seeded: the same data gives the same interval);
3. the weights behind it, measured where the records have them (`netgain.metrics.weights`);
4. AI against human quality adjusted for size, experience, age and zone
   (`netgain.metrics.adjusted`).

The first and the last week of the history are left out: they are partial, and a half-week would
read as a drop in throughput.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from netgain.metrics.adjusted import adjusted_quality
from netgain.metrics.config import MetricsConfig
from netgain.metrics.inputs import Dataset, period_key, period_range, period_start
from netgain.metrics.items import WorkItem
from netgain.metrics.its import MIN_WEEKS, WINDOW_WEEKS, Week, find_adoption, interrupted_series
from netgain.metrics.stats import INSUFFICIENT, difference_of_means, mean
from netgain.metrics.weights import Weights, board_weights

SCHEMA = "netgain.board/1"
DORMANT_WEEKS = 52  # a gap this long without any change restarts the series after it


def _weekly_costs(
    data: Dataset, weights: Weights
) -> tuple[dict[str, float], dict[str, float], dict[str, float], list[str]]:
    """Incidents, reworked lines and review hours per week, and the costs without data."""
    incidents: dict[str, float] = defaultdict(float)
    rework: dict[str, float] = defaultdict(float)
    review: dict[str, float] = defaultdict(float)
    missing: list[str] = []
    if data.incidents is None:
        missing.append("incidents")
    for incident in data.incidents or []:
        if incident.started_at is not None:
            incidents[period_key(incident.started_at, "week")] += 1
    if data.rework is None:
        missing.append("rework")
    for fate in data.rework or []:
        rework[period_key(fate.date, "week")] += sum(fate.reworked.values())
    if not data.reviews_present:
        missing.append("review")
    for pr in data.pull_requests or [] if data.reviews_present else []:
        for r in pr.reviews:
            when = r.submitted_at or pr.merged_at
            if when is not None:
                hours = r.hours if r.hours is not None else weights.review_hours_per_review
                review[period_key(when, "week")] += hours
    return incidents, rework, review, missing


def weekly_series(
    data: Dataset, items: Sequence[WorkItem], weights: Weights
) -> tuple[list[Week], list[str]]:
    """Complete weeks (the partial first and last left out) with every board outcome; and the
    net-gain costs without data."""
    moments = [c.date for c in data.changes] + [i.date for i in items]
    if not moments:
        return [], []
    keys = period_range(min(moments), max(moments), "week")[1:-1]
    per: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    ai: dict[str, int] = defaultdict(int)
    attributed: dict[str, int] = defaultdict(int)
    for c in data.changes:
        key = period_key(c.date, "week")
        per[key]["changes"] += 1
        per[key]["lines_added"] += c.lines_added
        ai[key] += c.ai_lines
        attributed[key] += c.attributed
    for item in items:
        key = period_key(item.date, "week")
        per[key]["items"] += 1
        per[key]["features"] += 1 if item.is_feature else 0
    incidents, rework, review, missing = _weekly_costs(data, weights)
    weeks = []
    for key in keys:
        row = per[key]
        cost = (
            weights.incident_hours * incidents.get(key, 0.0)
            + weights.rework_hours_per_kloc * rework.get(key, 0.0) / 1000
            + weights.review_weight * review.get(key, 0.0)
        )
        values = {
            "items": row["items"],
            "changes": row["changes"],
            "lines_added": row["lines_added"],
            "features": row["features"],
            "cost_hours": cost,
            "net_features": row["features"] - cost / weights.hours_per_feature,
        }
        weeks.append(Week(key, period_start(key), values, ai[key], attributed[key]))
    return weeks[_after_dormancy(weeks) :], missing


def _after_dormancy(weeks: Sequence[Week]) -> int:
    """Index of the first week after the last run of DORMANT_WEEKS weeks without any change.

    A project asleep for a year (or one commit with a wrong clock, such as a 2001 author date in
    a 2022 repository) is not a baseline: the regression would fit decades of empty weeks.
    """
    start = 0
    run = 0
    for index, week in enumerate(weeks):
        if week.values["changes"] or week.values["items"]:
            if run >= DORMANT_WEEKS:
                start = index
            run = 0
        else:
            run += 1
    return start


def _adoption(
    weeks: Sequence[Week], config: MetricsConfig, given: datetime | None
) -> tuple[int | None, dict[str, Any]]:
    threshold = config.ai_adoption_share
    if given is not None:
        key = period_key(given, "week")
        index = next((i for i, w in enumerate(weeks) if w.key == key), None)
        info: dict[str, Any] = {
            "method": f"given (--adoption-date {given.date().isoformat()})",
            "threshold": None,
        }
        if index is None:
            info["status"] = INSUFFICIENT
            info["reason"] = f"the given adoption week {key} is outside the complete weeks"
    else:
        index = find_adoption(weeks, threshold)
        info = {
            "method": f"from the data: the first week with at least {threshold:.0%} of added "
            "lines AI-attributed from which the cumulative AI share never falls below "
            f"{threshold:.0%} again ([metrics] ai_adoption_share)",
            "threshold": threshold,
        }
        if index is None:
            info["status"] = INSUFFICIENT
            info["reason"] = (
                f"no week from which the AI share stays at or above {threshold:.0%}; "
                "give the date with --adoption-date if AI use leaves no evidence in git"
            )
    if index is None:
        info.update(week=None, date=None)
        return None, info

    def share(part: Sequence[Week]) -> float | None:
        total = sum(w.attributed for w in part)
        return sum(w.ai_lines for w in part) / total if total else None

    info.update(
        status="ok",
        week=weeks[index].key,
        date=weeks[index].start.isoformat(),
        ai_share_before=share(weeks[max(0, index - WINDOW_WEEKS) : index]),
        ai_share_after=share(weeks[index : index + WINDOW_WEEKS]),
    )
    return index, info


def _net_gain(
    weeks: Sequence[Week],
    adoption: int | None,
    missing: list[str],
    features_known: bool,
    config: MetricsConfig,
) -> dict[str, Any]:
    kw = {"seed": config.bootstrap_seed, "iterations": config.bootstrap_iterations}
    formula = (
        "net features per week = features - (incident_hours*incidents + "
        "rework_hours_per_kloc*reworked_lines/1000 + review_weight*review_hours) / "
        "hours_per_feature"
    )
    base: dict[str, Any] = {
        "formula": formula,
        "resampled": "weeks",
        "missing_costs": missing,
        "upper_bound": bool(missing),
    }
    if not features_known:
        return {
            **base,
            "status": INSUFFICIENT,
            "reason": "no feature signal: no conventional-commit type, PR label or issue type "
            "marks any change as a feature (netgain prs import prs.json)",
        }
    nets = [w.values["net_features"] for w in weeks]
    overall = mean(nets, min_sample=MIN_WEEKS, **kw)
    base["per_week"] = overall.to_dict()
    if adoption is None:
        return {
            **base,
            "status": INSUFFICIENT,
            "reason": "no AI adoption week: no before/after comparison",
        }
    before = nets[max(0, adoption - WINDOW_WEEKS) : adoption]
    after = nets[adoption : adoption + WINDOW_WEEKS]
    diff = difference_of_means(before, after, min_sample=MIN_WEEKS, **kw)
    result = {
        **base,
        "before": mean(before, min_sample=MIN_WEEKS, **kw).to_dict(),
        "after": mean(after, min_sample=MIN_WEEKS, **kw).to_dict(),
        "after_minus_before": diff.to_dict(),
        "weeks_before": len(before),
        "weeks_after": len(after),
    }
    if not diff.ok:
        result["status"] = INSUFFICIENT
        result["reason"] = (
            f"{len(before)} week(s) before and {len(after)} after the adoption; "
            f"{MIN_WEEKS} needed on each side"
        )
    else:
        result["status"] = "ok"
    return result


def board(
    data: Dataset,
    items: Sequence[WorkItem],
    config: MetricsConfig,
    *,
    adoption_date: datetime | None = None,
) -> dict[str, Any]:
    """The board document (schema `netgain.board/1`)."""
    weights = board_weights(data, config)
    weeks, missing = weekly_series(data, items, weights)
    index, adoption = _adoption(weeks, config, adoption_date)
    kw = {
        "min_sample": config.min_sample,
        "seed": config.bootstrap_seed,
        "iterations": config.bootstrap_iterations,
    }
    unit = (
        "merged pull requests and changes outside a PR"
        if data.pull_requests
        else "changes (non-merge commits)"
    )
    outcomes: dict[str, Any] = {
        "items": {"unit": f"shipped items per week: {unit}"}
        | interrupted_series(weeks, "items", index, **kw),
        "lines_added": {"unit": "added lines per week"}
        | interrupted_series(weeks, "lines_added", index, **kw),
    }
    outcomes["features"] = (
        {"unit": "features per week"} | interrupted_series(weeks, "features", index, **kw)
        if data.features_known
        else {
            "unit": "features per week",
            "status": INSUFFICIENT,
            "reason": "no feature signal (netgain prs import prs.json)",
        }
    )
    return {
        "schema": SCHEMA,
        "generated_from": "netgain metrics",
        "weeks": {
            "first": weeks[0].key if weeks else None,
            "last": weeks[-1].key if weeks else None,
            "count": len(weeks),
            "left_out": "the first and the last week of the history (partial), and every week "
            f"before the last gap of {DORMANT_WEEKS} or more weeks without a change",
            "window_weeks": WINDOW_WEEKS,
            "min_weeks": MIN_WEEKS,
        },
        "adoption": adoption,
        "throughput": outcomes,
        "net_gain": _net_gain(weeks, index, missing, data.features_known, config),
        "weights": weights.basis,
        "quality": adjusted_quality(data, config),
        "series": [
            {
                "week": w.key,
                "start": w.start.isoformat(),
                "ai_share": w.ai_share,
                **w.values,
            }
            for w in weeks
        ],
    }
