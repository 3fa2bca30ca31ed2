"""Validation credit: the review work that lines-of-code counts do not reward.

Per person (visible to that person and to admins) and per team (groups of at least
`min_group`):

* reviews: reviews submitted on other people's pull requests;
* blocked caught: pull requests where the person requested changes, or reviewed while the
  gate's latest decision was "blocked" (they engaged with a change the gate had stopped);
* findings caught: findings present in a gate decision before the person's review and absent
  from the pull request's last decision (fixed before the end, after review), counted once per
  reviewer who reviewed in that window;
* design documents: accepted design documents (the gate's `design_documents`, accepted, not
  AI-written) of the person's own pull requests, each link once per pull request.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from netgain.metrics.people import SUPPRESSED, Audience, team_index
from netgain.metrics.reviewers import ReviewDone


@dataclass(frozen=True, slots=True)
class GateDecision:
    repository: str
    number: int
    at: datetime
    verdict: str  # approved | pending | blocked
    author: str | None
    findings: frozenset[str]  # fingerprints (rule, path, message)
    design_documents: frozenset[str]  # accepted links


@dataclass(slots=True)
class Credit:
    reviews: int = 0
    blocked_caught: int = 0
    findings_caught: int = 0
    design_documents: int = 0

    def add(self, other: Credit) -> None:
        self.reviews += other.reviews
        self.blocked_caught += other.blocked_caught
        self.findings_caught += other.findings_caught
        self.design_documents += other.design_documents

    def to_dict(self) -> dict[str, int]:
        return {
            "reviews": self.reviews,
            "blocked_caught": self.blocked_caught,
            "findings_caught": self.findings_caught,
            "design_documents": self.design_documents,
        }


@dataclass(slots=True)
class ValidationCredit:
    totals: Credit = field(default_factory=Credit)
    by_team: dict[str, dict[str, Any] | str] = field(default_factory=dict)
    people: dict[str, Credit] = field(default_factory=dict)  # only those the audience may see

    def to_dict(self) -> dict[str, Any]:
        return {
            "totals": self.totals.to_dict(),
            "by_team": self.by_team,
            "people": {k: v.to_dict() for k, v in sorted(self.people.items())},
        }


def _pr_key(repository: str, number: int) -> tuple[str, int]:
    return repository.lower(), number


def compute_validation_credit(
    reviews: Sequence[ReviewDone],
    decisions: Sequence[GateDecision],
    *,
    authors: Mapping[tuple[str, int], str],
    teams: Mapping[str, Sequence[str]],
    audience: Audience,
) -> ValidationCredit:
    """`authors`: (repository lower case, number) -> the pull request's author."""
    by_pr: dict[tuple[str, int], list[GateDecision]] = defaultdict(list)
    for decision in decisions:
        by_pr[_pr_key(decision.repository, decision.number)].append(decision)
    for history in by_pr.values():
        history.sort(key=lambda d: d.at)
    credit: dict[str, Credit] = defaultdict(Credit)
    blocked: dict[str, set[tuple[str, int]]] = defaultdict(set)
    caught: dict[str, set[tuple[str, int, str]]] = defaultdict(set)
    for review in reviews:
        key = _pr_key(review.repository, review.number)
        who = review.reviewer.lower()
        if (authors.get(key) or "").lower() == who:
            continue  # a comment on one's own pull request is not validation of others' work
        credit[who].reviews += 1
        history = by_pr.get(key, [])
        before = [d for d in history if d.at <= review.at]
        if review.state == "changes_requested" or (before and before[-1].verdict == "blocked"):
            blocked[who].add(key)
        if before and history:
            final = history[-1].findings
            for finding in before[-1].findings - final:
                caught[who].add((*key, finding))
    for who, keys in blocked.items():
        credit[who].blocked_caught = len(keys)
    for who, fixed in caught.items():
        credit[who].findings_caught = len(fixed)
    for key, history in by_pr.items():
        author = (authors.get(key) or history[-1].author or "").lower()
        docs = frozenset().union(*(d.design_documents for d in history))
        if author and docs:
            credit[author].design_documents += len(docs)
    out = ValidationCredit()
    for person in credit.values():
        out.totals.add(person)
    index = team_index(teams)
    for team in sorted(teams):
        members = [who for who in credit if team in index.get(who, [])]
        if len({m.lower() for m in teams[team]}) < audience.min_group:
            out.by_team[team] = SUPPRESSED
            continue
        total = Credit()
        for who in members:
            total.add(credit[who])
        out.by_team[team] = {"members": len(teams[team]), **total.to_dict()}
    out.people = {who: c for who, c in credit.items() if audience.may_see(who)}
    return out
