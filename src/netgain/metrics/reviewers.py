"""Review load per reviewer, per seniority tier and per team, and who is overloaded.

Hours: GitHub records when a review was submitted, not how long it took, so each review counts
`hours_per_review` (the CLI's `[metrics] review_hours_per_review`, 0.5 h by default) scaled by
the pull request's size: `sqrt(changed lines / 200)`, clamped to [0.5, 4] (reading time grows
slower than the diff). Every figure says `estimated`.

Overloaded: a reviewer whose hours exceed `overload_factor` (2) times the median of their team's
reviewers (reviewers in no team: the median of all reviewers). Teams and tiers are reported as
totals and counts; a person's own row (and the overloaded flag with a name) only to that person
and to admins (`people.Audience`), never as a ranking.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from netgain.metrics.people import SUPPRESSED, Audience, team_index


@dataclass(frozen=True, slots=True)
class ReviewDone:
    reviewer: str
    at: datetime
    state: str
    repository: str
    number: int
    changed_lines: int | None = None  # additions + deletions of the pull request


def review_hours(review: ReviewDone, hours_per_review: float) -> float:
    if review.changed_lines is None:
        return hours_per_review
    scale = min(4.0, max(0.5, math.sqrt(review.changed_lines / 200)))
    return hours_per_review * scale


@dataclass(frozen=True, slots=True)
class PersonLoad:
    reviewer: str
    tier: str
    teams: tuple[str, ...]
    reviews: int
    hours: float
    reference_median: float  # the median the overload test compared with
    overloaded: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "reviewer": self.reviewer,
            "tier": self.tier,
            "teams": list(self.teams),
            "reviews": self.reviews,
            "hours": round(self.hours, 2),
            "reference_median_hours": round(self.reference_median, 2),
            "overloaded": self.overloaded,
        }


@dataclass(slots=True)
class GroupLoad:
    reviewers: int = 0
    reviews: int = 0
    hours: float = 0.0
    median_hours: float | None = None
    overloaded: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "reviewers": self.reviewers,
            "reviews": self.reviews,
            "hours": round(self.hours, 2),
            "median_hours_per_reviewer": (
                None if self.median_hours is None else round(self.median_hours, 2)
            ),
            "overloaded": self.overloaded,
        }


@dataclass(slots=True)
class ReviewLoad:
    by_tier: dict[str, GroupLoad | str] = field(default_factory=dict)
    by_team: dict[str, GroupLoad | str] = field(default_factory=dict)
    people: list[PersonLoad] = field(default_factory=list)  # only those the audience may see
    reviews: int = 0
    hours: float = 0.0
    estimated: bool = True
    overload_factor: float = 2.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "reviews": self.reviews,
            "hours": round(self.hours, 2),
            "estimated": self.estimated,
            "overload_factor": self.overload_factor,
            "by_tier": {
                k: (v if isinstance(v, str) else v.to_dict()) for k, v in self.by_tier.items()
            },
            "by_team": {
                k: (v if isinstance(v, str) else v.to_dict()) for k, v in self.by_team.items()
            },
            "people": [p.to_dict() for p in self.people],
        }


def _group(loads: Sequence[PersonLoad]) -> GroupLoad:
    hours = [p.hours for p in loads]
    return GroupLoad(
        reviewers=len(loads),
        reviews=sum(p.reviews for p in loads),
        hours=sum(hours),
        median_hours=statistics.median(hours) if hours else None,
        overloaded=sum(p.overloaded for p in loads),
    )


def compute_review_load(
    reviews: Sequence[ReviewDone],
    *,
    tiers: Mapping[str, str],
    teams: Mapping[str, Sequence[str]],
    audience: Audience,
    hours_per_review: float = 0.5,
    overload_factor: float = 2.0,
) -> ReviewLoad:
    """`tiers`: identity (lower case) -> "owner" / "senior"; everyone else is "other"."""
    index = team_index(teams)
    hours: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for review in reviews:
        who = review.reviewer.lower()
        hours[who] += review_hours(review, hours_per_review)
        counts[who] += 1
    everyone_median = statistics.median(hours.values()) if hours else 0.0
    team_medians = {
        team: statistics.median([hours[m.lower()] for m in members if m.lower() in hours])
        for team, members in teams.items()
        if any(m.lower() in hours for m in members)
    }
    loads: list[PersonLoad] = []
    for who in sorted(hours):
        mine = tuple(index.get(who, []))
        reference = max((team_medians[t] for t in mine), default=everyone_median)
        loads.append(
            PersonLoad(
                who,
                tiers.get(who, "other"),
                mine,
                counts[who],
                hours[who],
                reference,
                hours[who] > overload_factor * reference,
            )
        )
    out = ReviewLoad(
        reviews=len(reviews),
        hours=sum(hours.values()),
        overload_factor=overload_factor,
    )
    for tier in ("owner", "senior", "other"):
        members = [p for p in loads if p.tier == tier]
        out.by_tier[tier] = (
            _group(members) if len(members) >= audience.min_group or not members else SUPPRESSED
        )
    for team in sorted(teams):
        members = [p for p in loads if team in p.teams]
        out.by_team[team] = _group(members) if len(members) >= audience.min_group else SUPPRESSED
    out.people = [p for p in loads if audience.may_see(p.reviewer)]
    return out
