"""Review load: reviews and review hours by reviewer role, and where senior review time goes.

Review hours come from the PR export when it records them; otherwise each review counts as
`review_hours_per_review` (reported as `estimated`). A reviewer is senior when the export says so
or when `[metrics] senior_reviewers` lists them. A PR is AI-heavy when at least `ai_heavy_share`
of its commits' added lines are AI; a PR whose lines are mostly unknown is its own group.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from netgain.metrics.config import MetricsConfig
from netgain.metrics.inputs import Change, PullRequest, Review, period_key, share_bucket
from netgain.metrics.stats import ratio_of_sums

NO_REVIEW_DATA = "no review data"


def pr_class(pr: PullRequest, by_sha: dict[str, Change], config: MetricsConfig) -> str:
    """ai-heavy / other / unknown for one PR, from its commits' line provenance."""
    ai = sum(by_sha[s].ai_lines for s in pr.commits if s in by_sha)
    human = sum(by_sha[s].human_lines for s in pr.commits if s in by_sha)
    unknown = sum(by_sha[s].unknown_lines for s in pr.commits if s in by_sha)
    if share_bucket(ai, human, unknown) == "unknown":
        return "unknown"
    return "ai-heavy" if ai >= config.ai_heavy_share * (ai + human + unknown) else "other"


def role_of(review: Review, config: MetricsConfig) -> str:
    if review.role == "senior" or review.reviewer in config.senior_reviewers:
        return "senior"
    return "other"


def review_hours(review: Review, config: MetricsConfig) -> float:
    return review.hours if review.hours is not None else config.review_hours_per_review


def review_load(
    pull_requests: Sequence[PullRequest] | None,
    changes: Sequence[Change],
    by: str,
    config: MetricsConfig,
) -> dict[str, Any]:
    """Reviews and hours per role and per PR class; senior share of time on AI-heavy PRs."""
    reviewed = [pr for pr in pull_requests or [] if pr.reviews]
    if not reviewed:
        return {"status": NO_REVIEW_DATA}
    by_sha = {c.sha: c for c in changes}
    kw = {"seed": config.bootstrap_seed, "iterations": config.bootstrap_iterations}
    roles: dict[str, dict[str, float]] = defaultdict(lambda: {"reviews": 0, "hours": 0.0})
    classes: dict[str, dict[str, dict[str, float]]] = defaultdict(
        lambda: defaultdict(lambda: {"reviews": 0, "hours": 0.0})
    )
    periods: dict[str, dict[str, float]] = defaultdict(lambda: {"senior": 0.0, "other": 0.0})
    senior_units: list[tuple[float, float]] = []
    estimated = 0
    for pr in reviewed:
        kind = pr_class(pr, by_sha, config)
        for review in pr.reviews:
            role = role_of(review, config)
            hours = review_hours(review, config)
            estimated += review.hours is None
            roles[role]["reviews"] += 1
            roles[role]["hours"] += hours
            classes[role][kind]["reviews"] += 1
            classes[role][kind]["hours"] += hours
            when = review.submitted_at or pr.merged_at
            if when is not None:
                periods[period_key(when, by)][role] += hours
            if role == "senior" and kind != "unknown":
                senior_units.append((hours if kind == "ai-heavy" else 0.0, hours))
    total_reviews = sum(int(r["reviews"]) for r in roles.values())
    return {
        "status": "ok",
        "pull_requests": len(reviewed),
        "reviews": total_reviews,
        "estimated_hours_reviews": estimated,
        "by_role": {k: dict(v) for k, v in sorted(roles.items())},
        "by_role_and_class": {
            role: {k: dict(v) for k, v in sorted(kinds.items())}
            for role, kinds in sorted(classes.items())
        },
        "senior_share_on_ai_heavy": ratio_of_sums(
            senior_units, min_sample=config.min_sample, **kw
        ).to_dict(),
        "by_period": {k: dict(v) for k, v in sorted(periods.items())},
    }


def review_hours_by_period(
    pull_requests: Sequence[PullRequest] | None, by: str, config: MetricsConfig
) -> dict[str, float]:
    """Total review hours per period (for the net-productivity cost)."""
    out: dict[str, float] = defaultdict(float)
    for pr in pull_requests or []:
        for review in pr.reviews:
            when = review.submitted_at or pr.merged_at
            if when is not None:
                out[period_key(when, by)] += review_hours(review, config)
    return dict(out)
