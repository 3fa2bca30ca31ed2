"""Reviewer routing: for each missing approval, whom to ask and why.

Candidates are the people eligible for the requirement (never the author, never someone who
already approved). They are ranked by familiarity with the touched code — commits to the changed
files (history) and lines of the rewritten code they last touched (blame at base) — minus their
current review load. Ties are broken by a hash of the change and the login, so equal candidates
take turns across changes instead of the alphabetically first one getting every request.

Senior reviewers are kept off low-risk changes: members of `[routing].reserved_roles` are only
suggested for requirements that name one of their roles (or when nobody else is eligible).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from netgain.policy.evaluate import Decision, Requirement
from netgain.policy.facts import ChangeContext
from netgain.policy.people import Directory, norm
from netgain.policy.schema import Policy


@dataclass(frozen=True, slots=True)
class Candidate:
    login: str
    score: float
    commits: int
    blamed_lines: int
    load: int
    roles: tuple[str, ...]
    tiebreak: str

    def reason(self) -> str:
        parts = []
        if self.commits or self.blamed_lines:
            parts.append(
                f"{self.commits} earlier commit(s) to the changed files, "
                f"last touched {self.blamed_lines} of the rewritten lines"
            )
        else:
            parts.append("no history with these files")
        parts.append(f"{self.load} open review(s)")
        if self.roles:
            parts.append("role " + ", ".join(self.roles))
        return "; ".join(parts)

    def to_dict(self) -> dict[str, object]:
        return {
            "login": self.login,
            "score": round(self.score, 3),
            "commits": self.commits,
            "blamed_lines": self.blamed_lines,
            "open_reviews": self.load,
            "roles": list(self.roles),
            "why": self.reason(),
        }


def _familiarity(ctx: ChangeContext, emails: set[str]) -> tuple[int, int]:
    commits = sum(c.get(e, 0) for c in ctx.history.commits.values() for e in emails)
    blamed = sum(c.get(e, 0) for c in ctx.history.blamed.values() for e in emails)
    return commits, blamed


def rank(
    logins: set[str], ctx: ChangeContext, people: Directory, policy: Policy, load: Mapping[str, int]
) -> list[Candidate]:
    known_emails = set(ctx.history.names)
    for counter in ctx.history.blamed.values():
        known_emails |= set(counter)
    out = []
    for login in logins:
        # a git identity (email) stands for itself when the policy names nobody
        emails = {login} if "@" in login else people.emails_of(login, known_emails)
        commits, blamed = _familiarity(ctx, emails)
        open_reviews = int(load.get(login, 0))
        score = commits + blamed / 5.0 - policy.routing.load_weight * open_reviews
        tie = hashlib.sha256(f"{ctx.head}:{login}".encode()).hexdigest()
        out.append(
            Candidate(
                login, score, commits, blamed, open_reviews, tuple(people.roles_of(login)), tie
            )
        )
    out.sort(key=lambda c: (-c.score, c.tiebreak))
    return out


def route(
    decision: Decision, ctx: ChangeContext, policy: Policy, load: Mapping[str, int] | None = None
) -> None:
    """Fill `suggestions` of every unsatisfied approval requirement of the applicable rules."""
    people = Directory(policy, ctx.codeowners)
    load = {norm(k): v for k, v in (load or {}).items()}
    author = norm(ctx.author_login) if ctx.author_login else None
    reserved: set[str] = set()
    for role in policy.routing.reserved_roles:
        reserved |= people.role(role)
    for result in decision.rules:
        if result.status in ("skipped", "error"):
            continue
        for req in result.requirements:
            if req.kind != "approvals" or req.satisfied:
                continue
            _suggest(req, ctx, people, policy, load, author, reserved)


def _suggest(
    req: Requirement,
    ctx: ChangeContext,
    people: Directory,
    policy: Policy,
    load: Mapping[str, int],
    author: str | None,
    reserved: set[str],
) -> None:
    restricted = bool(req.eligible) or req.eligible_from != ["anyone but the author"]
    pool = set(req.eligible) if restricted else people.everyone()
    pool -= set(req.approved_by)
    if author:
        pool.discard(author)
    note = ""
    if not restricted:
        unreserved = pool - reserved
        if unreserved:
            pool = unreserved
            if reserved:
                note = " (reserved roles kept off this open request)"
    if not pool and not restricted:
        # no people in the policy or CODEOWNERS: suggest the git identities that know this code
        author_emails = {e.lower() for e in ctx.author_emails}
        pool = {
            email
            for counter in (*ctx.history.commits.values(), *ctx.history.blamed.values())
            for email in counter
            if email and email not in author_emails and "[bot]" not in email
        }
        if pool:
            note = " (git identity: no reviewers are named in [people] or CODEOWNERS)"
    need = max(1, req.count - len(req.approved_by))
    limit = max(need, policy.routing.max_suggestions)
    for candidate in rank(pool, ctx, people, policy, load)[:limit]:
        entry = candidate.to_dict()
        entry["why"] = str(entry["why"]) + note
        req.suggestions.append(entry)
