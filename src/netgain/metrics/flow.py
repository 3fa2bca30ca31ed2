"""Where the bottleneck is: cycle time split into stages, and the time spent waiting on seniors.

Stages of a merged pull request (hours):

* coding: first commit (earliest author date) -> pull request opened;
* pickup: opened (or marked ready for review, for a draft) -> first review by someone else;
* review: first review -> first approval;
* merge: first approval -> merged;
* deploy: merged -> the first production deployment that contains the merge commit.

A stage whose end comes before its start (a commit authored after the pull request was opened)
counts as zero; a stage with a missing end (no review, no deployment recorded) is left out of
that stage only. Each group reports n, the median with its 95% interval (order statistics; below
`min_sample` the value is withheld, the CLI's rule), and the 90th percentile.

Waiting on seniors: from each review request to a senior (or owner) until that person's next
review of the pull request (or the merge), summed over pull requests, as a share of the total
cycle time (first commit -> merge). Seniority comes from the organisation's configuration
(`[orgs.<org>.seniority]`), not from a repository's policy file: the organisation decides who
its seniors are, and a pull request cannot change it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from netgain.metrics.inputs import GROUPS, share_bucket
from netgain.metrics.people import SUPPRESSED, team_index
from netgain.metrics.stats import INSUFFICIENT, Z95

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


def summarise(values: Sequence[float], min_sample: int, seed: int = 0) -> StageSummary:
    """n, median with its 95% interval, p90; below `min_sample` no value (the CLI's rule).

    The interval is the distribution-free one of order statistics (the ranks
    n/2 -+ 1.96 sqrt(n)/2 of the sorted values): exact for any continuous distribution and one
    sort, where a bootstrap of every stage, bucket and team cost 30 times the computation
    itself (benchmarks/feeds.py). `seed` is accepted for the families' common signature.
    """
    del seed
    n = len(values)
    if n < max(1, min_sample):
        return StageSummary(n, None, None, None, None, INSUFFICIENT)
    data = np.sort(np.asarray(values, dtype=np.float64))
    half = Z95 * math.sqrt(n) / 2
    low = data[max(0, math.floor(n / 2 - half) - 1)]
    high = data[min(n - 1, math.ceil(n / 2 + half) - 1)]
    return StageSummary(
        n, float(np.median(data)), float(low), float(high), float(np.percentile(data, 90))
    )


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


Staged = tuple[PrTimeline, dict[str, float | None]]  # a pull request and its stages


def _summaries(staged: Sequence[Staged], min_sample: int) -> dict[str, StageSummary]:
    values: dict[str, list[float]] = {s: [] for s in STAGES}
    for _pr, stages in staged:
        for stage, hours in stages.items():
            if hours is not None:
                values[stage].append(hours)
    return {s: summarise(v, min_sample) for s, v in values.items()}


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
    staged = [(pr, pr.stages()) for pr in merged]  # once: every grouping reads these
    result = FlowResult(merged=len(merged))
    result.overall = _summaries(staged, min_sample)
    cycles = [c for c in (pr.cycle_hours() for pr in merged) if c is not None]
    result.cycle = summarise(cycles, min_sample)
    buckets: dict[str, list[Staged]] = defaultdict(list)
    for item in staged:
        buckets[item[0].group].append(item)
    result.by_bucket = {g: _summaries(buckets[g], min_sample) for g in GROUPS}
    index = team_index(teams)
    by_team: dict[str, list[Staged]] = defaultdict(list)
    for item in staged:
        for team in index.get((item[0].author or "").lower(), []):
            by_team[team].append(item)
    for team in sorted(teams):
        members = by_team.get(team, [])
        authors = {(pr.author or "").lower() for pr, _ in members}
        result.by_team[team] = (
            _summaries(members, min_sample) if len(authors) >= min_group else SUPPRESSED
        )
    result.senior_wait = senior_wait(merged, frozenset(s.lower() for s in seniors))
    medians = {s: v.median for s, v in result.overall.items() if v.median is not None}
    result.bottleneck = max(medians, key=lambda s: medians[s]) if medians else None
    return result
