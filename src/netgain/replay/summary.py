"""The per-policy trade-off: tiers, review hours, and later outcomes caught against missed.

A change is *caught* by a policy when the policy sends it to a senior or an owner, or stops it
with a failing check (a finding, a missing design document); *missed* when it lets it through with
at most a peer review. Outcomes count changes: a change that caused two incidents is one caught
(or missed) incident-causing change. Catch rates carry Wilson intervals (`netgain.metrics.stats`).

Review hours: a change a policy sends to a senior costs that tier's approvals times the hours of
one review of that change: the mean of the pull request's own reviews with recorded hours when a
review export has them, else the mean over every exported review with hours, else the
`[metrics] review_hours_per_review` weight. Which of these each figure rests on is reported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from netgain.metrics.config import MetricsConfig
from netgain.metrics.inputs import PullRequest
from netgain.metrics.stats import proportion
from netgain.replay.run import DESIGN_DOC, OWNER, SENIOR, NamedPolicy, ReplayedChange

OUTCOMES = ("incidents", "defects", "vulnerabilities")
MAIN_TIERS = (SENIOR, OWNER, DESIGN_DOC)
PEER_ONLY = "peer_only"


@dataclass(frozen=True, slots=True)
class ReviewHours:
    """Hours of one review of a change, and what the figure rests on."""

    by_pr: dict[int, float]  # mean recorded hours of the PR's own reviews
    mean: float | None  # mean over every review with recorded hours
    weight: float  # [metrics] review_hours_per_review

    @classmethod
    def from_exports(cls, pulls: Sequence[PullRequest], weight: float) -> ReviewHours:
        by_pr: dict[int, float] = {}
        every: list[float] = []
        for pr in pulls:
            hours = [r.hours for r in pr.reviews if r.hours is not None]
            if hours:
                by_pr[pr.number] = sum(hours) / len(hours)
                every += hours
        return cls(by_pr, sum(every) / len(every) if every else None, weight)

    def of(self, change: ReplayedChange) -> tuple[float, str]:
        number = change.change.pull_request
        if number is not None and number in self.by_pr:
            return self.by_pr[number], "pull request's review timeline"
        if self.mean is not None:
            return self.mean, "mean of the exported review timelines"
        return self.weight, "[metrics] review_hours_per_review weight (not measured)"


def _outcome_counts(change: ReplayedChange) -> dict[str, int]:
    return {
        "incidents": change.incidents,
        "defects": change.defects,
        "vulnerabilities": change.vulnerabilities,
    }


def summarise_policy(
    named: NamedPolicy,
    changes: Sequence[ReplayedChange],
    hours: ReviewHours,
    config: MetricsConfig,
) -> dict[str, Any]:
    """One policy's row of the trade-off table (schema: replay.schema.json)."""
    tiers: Counter[str] = Counter()
    verdicts: Counter[str] = Counter()
    caught: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    basis: Counter[str] = Counter()
    senior_hours = owner_hours = 0.0
    errors = 0
    for change in changes:
        verdict = change.verdicts[named.name]
        verdicts[verdict.verdict] += 1
        errors += bool(verdict.errors)
        for tier in verdict.tiers:
            tiers[tier] += 1
        if not verdict.tiers & set(MAIN_TIERS):
            tiers[PEER_ONLY] += 1
        per_review, source = hours.of(change)
        for tier in (SENIOR, OWNER):
            if tier in verdict.tiers:
                cost = max(1, verdict.approvals.get(tier, 1)) * per_review
                basis[source] += 1
                if tier == SENIOR:
                    senior_hours += cost
                else:
                    owner_hours += cost
        bucket = caught if verdict.escalated else missed
        for name, count in _outcome_counts(change).items():
            if count:
                bucket[name] += 1
    n = len(changes)
    escalated = sum(1 for c in changes if c.verdicts[named.name].escalated)
    return {
        "name": named.name,
        "source": named.source,
        "changes": n,
        "tiers": {t: tiers.get(t, 0) for t in (*MAIN_TIERS, PEER_ONLY)}
        | {t: c for t, c in sorted(tiers.items()) if t not in (*MAIN_TIERS, PEER_ONLY)},
        "senior_share": proportion(tiers[SENIOR], n, min_sample=config.min_sample).to_dict(),
        "escalated_share": proportion(escalated, n, min_sample=config.min_sample).to_dict(),
        "senior_hours": round(senior_hours, 2),
        "owner_hours": round(owner_hours, 2),
        "hours_basis": dict(sorted(basis.items())),
        "verdicts": dict(sorted(verdicts.items())),
        "changes_with_rule_errors": errors,
        "caught": {k: caught.get(k, 0) for k in OUTCOMES},
        "missed": {k: missed.get(k, 0) for k in OUTCOMES},
        "catch_rate": {
            k: proportion(
                caught.get(k, 0), caught.get(k, 0) + missed.get(k, 0), min_sample=config.min_sample
            ).to_dict()
            for k in OUTCOMES
        },
    }


def compare_to_first(rows: list[dict[str, Any]]) -> None:
    """Each policy against the first one given (the current policy): senior reviews cut, and
    how many more (or fewer) outcome-causing changes it lets through."""
    if not rows:
        return
    first = rows[0]
    for row in rows:
        base = first["tiers"][SENIOR]
        row["against_first"] = {
            "policy": first["name"],
            "senior_reviews_cut": None
            if base == 0
            else round((base - row["tiers"][SENIOR]) / base, 4),
            "senior_hours_saved": round(first["senior_hours"] - row["senior_hours"], 2),
            "more_missed": {k: row["missed"][k] - first["missed"][k] for k in OUTCOMES},
        }
