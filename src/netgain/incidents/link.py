"""Link incidents to the commits that fixed and caused them, strongest evidence first.

Evidence kinds, in rank order (1 is strongest):

1. explicit-caused-by / explicit-fixed-by: the incident file names the commit or PR.
2. root-cause-in-body: the incident text says "root cause: <sha>".
3. fix-references-incident: a commit message references the incident (Fixes #12, INC-42,
   incident 1234, configured patterns).
4. revert: a fix reverts a commit ("This reverts commit X"): X caused the incident.
5. szz: netgain's SZZ from each fix, dropping candidates written after the incident started;
   only when ranks 1-4 found no cause.
6. deployment: the last deployment (a tag matching a pattern, or a row of a deployments file)
   before the incident started; only when nothing else found a cause.

Every link keeps its evidence kind and rank; references that resolve to no commit are reported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from netgain import git
from netgain.incidents.deployments import Deployment, tag_deployments
from netgain.incidents.references import (
    Token,
    custom_matches,
    incident_tokens,
    message_tokens,
    reverted,
    root_causes,
)
from netgain.store.models import Commit
from netgain.store.outcome_models import Incident, IncidentLink, PullRequest
from netgain.szz import find_inducing
from netgain.szz.persist import store_results

RANKS = {
    "explicit-caused-by": 1,
    "explicit-fixed-by": 1,
    "root-cause-in-body": 2,
    "fix-references-incident": 3,
    "revert": 4,
    "szz": 5,
    "deployment": 6,
}


@dataclass(frozen=True, slots=True)
class LinkProblem:
    incident: str
    message: str


@dataclass(slots=True)
class LinkReport:
    incidents: int = 0
    links: dict[str, int] = field(default_factory=dict)  # evidence -> count
    without_fix: int = 0
    without_cause: int = 0
    problems: list[LinkProblem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "incidents": self.incidents,
            "links": dict(sorted(self.links.items())),
            "without_fix": self.without_fix,
            "without_cause": self.without_cause,
            "problems": [{"incident": p.incident, "message": p.message} for p in self.problems],
        }


@dataclass(frozen=True, slots=True)
class _Link:
    sha: str
    role: str
    evidence: str
    detail: str


class CommitResolver:
    """Commit references (full or short ids, `#N` pull requests) to full commit ids."""

    def __init__(self, root: Path, session: Session, repository_id: int) -> None:
        self.root = root
        rows = session.execute(
            select(PullRequest.number, PullRequest.merge_sha).where(
                PullRequest.repository_id == repository_id
            )
        )
        self.prs: dict[int, str] = dict(rows.all())

    def resolve(self, ref: str) -> tuple[str | None, str]:
        ref = ref.strip()
        if ref.startswith("#") and ref[1:].isdigit():
            sha = self.prs.get(int(ref[1:])) or None  # an export may lack the merge commit
            return sha, f"PR {ref}"
        if (
            len(ref) < 7
            or ref.startswith("-")
            or not all(c in "0123456789abcdefABCDEF" for c in ref)
        ):
            return None, ref
        return git.rev_parse(self.root, f"{ref.lower()}^{{commit}}"), ref


def link_incidents(
    root: Path,
    session: Session,
    repository_id: int,
    *,
    incident_ids: Sequence[int] | None = None,
    patterns: Sequence[str] = (),
    run_szz: bool = True,
    deploy_tags: str | None = None,
    deployments: Sequence[Deployment] = (),
    jobs: int | None = None,
) -> LinkReport:
    """Recompute the links of the repository's incidents (or only `incident_ids`).

    Args:
        root: The repository's work tree.
        session: An open session; the caller commits.
        repository_id: The repository row; its commits must be ingested for message references.
        incident_ids: Limit to these incidents (default: all of the repository).
        patterns: Extra reference patterns with an `{id}` placeholder, e.g. "OUTAGE-{id}".
        run_szz: Run SZZ from fixes when nothing stronger names a cause.
        deploy_tags: A glob of tag names that mark deployments (e.g. "deploy-*"); off when None.
        deployments: More deployments (e.g. from `file_deployments`).
        jobs: Parallel blames for SZZ.
    """
    query = select(Incident).where(Incident.repository_id == repository_id)
    if incident_ids is not None:
        query = query.where(Incident.id.in_(list(incident_ids)))
    incidents = list(session.scalars(query.order_by(Incident.id)))
    report = LinkReport(incidents=len(incidents))
    if not incidents:
        return report
    resolver = CommitResolver(root, session, repository_id)
    by_token: dict[Token, list[str]] = defaultdict(list)
    messages: dict[str, str] = {}
    for sha, message in session.execute(
        select(Commit.sha, Commit.message).where(Commit.repository_id == repository_id)
    ):
        messages[sha] = message
        for token in message_tokens(message):
            by_token[token].append(sha)
    found: dict[int, list[_Link]] = {}
    for inc in incidents:
        found[inc.id] = _direct_links(inc, resolver, by_token, messages, patterns, report)
    if run_szz:
        _szz_links(root, session, repository_id, incidents, found, jobs)
    every = list(deployments) + (tag_deployments(root, deploy_tags) if deploy_tags else [])
    if every:
        _deployment_links(incidents, found, every)
    ids = [inc.id for inc in incidents]
    session.execute(delete(IncidentLink).where(IncidentLink.incident_id.in_(ids)))
    now = datetime.now(UTC)
    for inc in incidents:
        links = found[inc.id]
        seen: set[tuple[str, str, str]] = set()
        for link in links:
            key = (link.sha, link.role, link.evidence)
            if key in seen:
                continue
            seen.add(key)
            session.add(
                IncidentLink(
                    incident_id=inc.id,
                    repository_id=repository_id,
                    commit_sha=link.sha,
                    role=link.role,
                    evidence=link.evidence,
                    rank=RANKS[link.evidence],
                    detail=link.detail,
                    resolved=True,
                    created_at=now,
                )
            )
            report.links[link.evidence] = report.links.get(link.evidence, 0) + 1
        report.without_fix += not any(x.role == "fix" for x in links)
        report.without_cause += not any(x.role == "cause" for x in links)
    session.flush()
    return report


def _direct_links(
    inc: Incident,
    resolver: CommitResolver,
    by_token: dict[Token, list[str]],
    messages: dict[str, str],
    patterns: Sequence[str],
    report: LinkReport,
) -> list[_Link]:
    """Ranks 1 to 4: what the incident file and the commit messages say outright."""
    who = f"{inc.source}:{inc.external_id}"
    links: list[_Link] = []
    for refs, role, evidence in (
        (inc.caused_by, "cause", "explicit-caused-by"),
        (inc.fixed_by, "fix", "explicit-fixed-by"),
        (root_causes(f"{inc.title}\n{inc.body}"), "cause", "root-cause-in-body"),
    ):
        for ref in refs:
            sha, label = resolver.resolve(ref)
            if sha is None:
                report.problems.append(
                    LinkProblem(who, f"{evidence}: {label!r} does not name a commit here")
                )
                continue
            links.append(_Link(sha, role, evidence, label))
    fixes: set[str] = set()
    for token in incident_tokens(inc.source, inc.external_id):
        fixes.update(by_token.get(token, []))
    if patterns:
        fixes.update(
            sha for sha, msg in messages.items() if custom_matches(patterns, inc.external_id, msg)
        )
    for sha in sorted(fixes):
        subject = messages[sha].split("\n", 1)[0]
        links.append(_Link(sha, "fix", "fix-references-incident", subject[:200]))
    for fix in {x.sha for x in links if x.role == "fix"}:
        for ref in reverted(messages.get(fix, "")):
            sha, _ = resolver.resolve(ref)
            if sha is None:
                report.problems.append(LinkProblem(who, f"revert: {ref!r} does not name a commit"))
                continue
            links.append(_Link(sha, "cause", "revert", f"reverted by {fix[:12]}"))
    return links


def _szz_links(
    root: Path,
    session: Session,
    repository_id: int,
    incidents: list[Incident],
    found: dict[int, list[_Link]],
    jobs: int | None,
) -> None:
    """Rank 5: SZZ from the fixes of incidents that have no stronger cause."""
    wanted: dict[int, list[str]] = {}
    for inc in incidents:
        links = found[inc.id]
        if any(x.role == "cause" for x in links):
            continue
        reverts = {x.detail.removeprefix("reverted by ") for x in links if x.evidence == "revert"}
        fixes = sorted({x.sha for x in links if x.role == "fix"} - reverts)
        if fixes:
            wanted[inc.id] = fixes
    all_fixes = sorted({sha for shas in wanted.values() for sha in shas})
    if not all_fixes:
        return
    # One SZZ run for all fixes (what szz_links stores: fix -> inducing, whatever the incident);
    # the date filter is applied per incident, since one fix may close incidents of several dates.
    results = {r.fix: r for r in find_inducing(root, all_fixes, jobs=jobs)}
    store_results(session, repository_id, results.values())
    for inc in incidents:
        start = _aware(inc.started_at)
        for fix in wanted.get(inc.id, []):
            for cand in results[fix].candidates:
                if start is not None and cand.author_date is not None and cand.author_date > start:
                    continue  # written after the incident started: cannot have caused it
                where = ", ".join(f"{e.path}:{','.join(map(str, e.lines))}" for e in cand.evidence)
                found[inc.id].append(
                    _Link(cand.sha, "cause", "szz", f"from fix {fix[:12]}: {where}")
                )


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _deployment_links(
    incidents: list[Incident], found: dict[int, list[_Link]], deployments: Sequence[Deployment]
) -> None:
    """Rank 6: the last deployment before the incident, for incidents with no cause yet."""
    ordered = sorted(deployments)
    for inc in incidents:
        start = _aware(inc.started_at)
        if start is None or any(x.role == "cause" for x in found[inc.id]):
            continue
        before = [d for d in ordered if d.deployed_at <= start]
        if before:
            last = before[-1]
            found[inc.id].append(
                _Link(
                    last.sha,
                    "cause",
                    "deployment",
                    f"{last.label} at {last.deployed_at.isoformat()}",
                )
            )
