"""Where the bottleneck is: cycle time split into stages, and the time spent waiting on seniors.

Stages of a merged pull request (hours):

* coding: first commit (earliest author date) -> pull request opened;
* pickup: opened (or marked ready for review, for a draft) -> first review by someone else;
* review: first review -> first approval;
* merge: first approval -> merged;
* deploy: merged -> the first production deployment that contains the merge commit.

A stage whose end comes before its start (a commit authored after the pull request was opened)
counts as zero; a stage with a missing end (no review, no deployment recorded) is left out of
that stage only. Each group reports n, the median with its bootstrap interval (the CLI's rule:
below `min_sample` the value is withheld), and the 90th percentile.

Waiting on seniors: from each review request to a senior (or owner) until that person's next
review of the pull request (or the merge), summed over pull requests, as a share of the total
cycle time (first commit -> merge). Seniority comes from the organisation's configuration
(`[orgs.<org>.seniority]`), not from a repository's policy file: the organisation decides who
its seniors are, and a pull request cannot change it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from netgain.metrics.inputs import GROUPS, share_bucket
from netgain.metrics.people import SUPPRESSED, team_index
from netgain.metrics.stats import INSUFFICIENT, median

STAGES = ("coding", "pickup", "review", "merge", "deploy")
SENIOR_TIERS = ("senior", "owner")


@dataclass(frozen=True, slots=True)
class ReviewEvent:
    reviewer: str
    at: datetime
    state: str  # approved | changes_requested | commented | dismissed


@dataclass(frozen=True, slots=True)
class RequestEvent:
    reviewer: str
    at: datetime


@dataclass(frozen=True, slots=True)
class PrTimeline:
    """One pull request's timeline, as the feeds recorded it (webhooks and backfill)."""

    repository: str
    number: int
    author: str | None
    opened: datetime
    first_commit: datetime | None = None
    ready: datetime | None = None
    merged: datetime | None = None
    deployed: datetime | None = None
    reviews: tuple[ReviewEvent, ...] = ()
    requests: tuple[RequestEvent, ...] = ()
    ai_lines: int = 0
    human_lines: int = 0
    unknown_lines: int = 0
    additions: int | None = None
    deletions: int | None = None

    @property
    def group(self) -> str:
        return share_bucket(self.ai_lines, self.human_lines, self.unknown_lines)

    def others_reviews(self) -> list[ReviewEvent]:
        """Reviews by someone other than the author, oldest first."""
        author = (self.author or "").lower()
        return sorted((r for r in self.reviews if r.reviewer.lower() != author), key=_at)

    def stages(self) -> dict[str, float | None]:
        reviews = self.others_reviews()
        first_review = reviews[0].at if reviews else None
        approvals = [r.at for r in reviews if r.state == "approved"]
        approval = approvals[0] if approvals else None
        start = max(self.opened, self.ready) if self.ready else self.opened
        return {
            "coding": _hours(self.first_commit, self.opened),
            "pickup": _hours(start, first_review),
            "review": _hours(first_review, approval),
            "merge": _hours(approval, self.merged),
            "deploy": _hours(self.merged, self.deployed),
        }

    def cycle_hours(self) -> float | None:
        """First commit (or opened) -> merged."""
        return _hours(self.first_commit or self.opened, self.merged)


def _at(event: ReviewEvent | RequestEvent) -> datetime:
    return event.at


def _hours(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds() / 3600)


@dataclass(frozen=True, slots=True)
class StageSummary:
    n: int
    median: float | None
    low: float | None
    high: float | None
    p90: float | None
    status: str = "ok"

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "median_hours": self.median,
            "low": self.low,
            "high": self.high,
            "p90_hours": self.p90,
            "status": self.status,
        }


def summarise(values: Sequence[float], min_sample: int, seed: int) -> StageSummary:
    est = median(values, min_sample=min_sample, seed=seed)
    if not est.ok:
        return StageSummary(len(values), None, None, None, None, INSUFFICIENT)
    p90 = float(np.percentile(np.asarray(values, dtype=np.float64), 90))
    return StageSummary(len(values), est.value, est.low, est.high, p90)


@dataclass(slots=True)
class SeniorWait:
    waiting_hours: float = 0.0
    cycle_hours: float = 0.0
    pull_requests: int = 0  # merged pull requests that waited on a senior at least once
    requests: int = 0

    @property
    def share(self) -> float | None:
        return self.waiting_hours / self.cycle_hours if self.cycle_hours else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "share": self.share,
            "waiting_hours": self.waiting_hours,
            "cycle_hours": self.cycle_hours,
            "pull_requests": self.pull_requests,
            "requests": self.requests,
        }


@dataclass(slots=True)
class FlowResult:
    """Stage summaries for all merged pull requests, per AI-share bucket and per team."""

    merged: int = 0
    overall: dict[str, StageSummary] = field(default_factory=dict)
    cycle: StageSummary | None = None
    by_bucket: dict[str, dict[str, StageSummary]] = field(default_factory=dict)
    by_team: dict[str, dict[str, StageSummary] | str] = field(default_factory=dict)
    senior_wait: SeniorWait = field(default_factory=SeniorWait)
    seniority_source: str = "organisation config"
    bottleneck: str | None = None  # the stage with the largest median

    def to_dict(self) -> dict[str, Any]:
        def stages(found: Mapping[str, StageSummary]) -> dict[str, Any]:
            return {k: v.to_dict() for k, v in found.items()}

        return {
            "merged_pull_requests": self.merged,
            "stages": stages(self.overall),
            "cycle": self.cycle.to_dict() if self.cycle else None,
            "by_ai_share": {k: stages(v) for k, v in self.by_bucket.items()},
            "by_team": {
                k: (v if isinstance(v, str) else stages(v)) for k, v in self.by_team.items()
            },
            "senior_wait": self.senior_wait.to_dict(),
            "seniority_source": self.seniority_source,
            "bottleneck": self.bottleneck,
        }


def _stage_values(prs: Sequence[PrTimeline]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {s: [] for s in STAGES}
    for pr in prs:
        for stage, hours in pr.stages().items():
            if hours is not None:
                out[stage].append(hours)
    return out


def _summaries(prs: Sequence[PrTimeline], min_sample: int, seed: int) -> dict[str, StageSummary]:
    return {s: summarise(v, min_sample, seed) for s, v in _stage_values(prs).items()}


def senior_wait(prs: Sequence[PrTimeline], seniors: frozenset[str]) -> SeniorWait:
    """Time from each review request to a senior until that senior's next review (or merge)."""
    out = SeniorWait()
    for pr in prs:
        cycle = pr.cycle_hours()
        if cycle is None or pr.merged is None:
            continue
        out.cycle_hours += cycle
        waited = 0.0
        asked = [q for q in pr.requests if q.reviewer.lower() in seniors]
        for request in asked:
            answers = [
                r.at
                for r in pr.reviews
                if r.reviewer.lower() == request.reviewer.lower() and r.at >= request.at
            ]
            end = min([*answers, pr.merged])
            waited += _hours(request.at, end) or 0.0
        if asked:
            out.pull_requests += 1
            out.requests += len(asked)
            out.waiting_hours += min(waited, cycle)  # overlapping requests never exceed the cycle
    return out


def compute_flow(
    prs: Sequence[PrTimeline],
    *,
    teams: Mapping[str, Sequence[str]],
    seniors: frozenset[str],
    min_sample: int = 20,
    min_group: int = 5,
    seed: int = 20240101,
) -> FlowResult:
    """Stage medians and p90 overall, per AI-share bucket and per team (teams with fewer than
    `min_group` authors in the data are reported as suppressed, never as numbers)."""
    merged = [pr for pr in prs if pr.merged is not None]
    result = FlowResult(merged=len(merged))
    result.overall = _summaries(merged, min_sample, seed)
    cycles = [c for c in (pr.cycle_hours() for pr in merged) if c is not None]
    result.cycle = summarise(cycles, min_sample, seed)
    buckets: dict[str, list[PrTimeline]] = defaultdict(list)
    for pr in merged:
        buckets[pr.group].append(pr)
    result.by_bucket = {g: _summaries(buckets[g], min_sample, seed) for g in GROUPS}
    index = team_index(teams)
    by_team: dict[str, list[PrTimeline]] = defaultdict(list)
    for pr in merged:
        for team in index.get((pr.author or "").lower(), []):
            by_team[team].append(pr)
    for team in sorted(teams):
        members = by_team.get(team, [])
        authors = {(pr.author or "").lower() for pr in members}
        result.by_team[team] = (
            _summaries(members, min_sample, seed) if len(authors) >= min_group else SUPPRESSED
        )
    result.senior_wait = senior_wait(merged, frozenset(s.lower() for s in seniors))
    medians = {s: v.median for s, v in result.overall.items() if v.median is not None}
    result.bottleneck = max(medians, key=lambda s: medians[s]) if medians else None
    return result
