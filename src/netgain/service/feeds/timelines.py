"""Build the flow computations' inputs from the store and the feeds' tables.

One pass per table for all the requested repositories: pull request events (grouped by pull
request), the store's recovered pull requests and their commits (first commit, AI share), the
commit graph (which production deployment first shipped each merge), and the gate decisions
(validation credit).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from netgain.incidents.deployments import first_deployments
from netgain.metrics.flow import PrTimeline, RequestEvent, ReviewEvent
from netgain.metrics.reviewers import ReviewDone
from netgain.metrics.validation import GateDecision
from netgain.service.catalog import CatalogEntry
from netgain.service.feeds.load import aware, stored_deployments
from netgain.service.feeds.tables import pr_events
from netgain.service.tables import decisions
from netgain.store.models import Attribution, Commit
from netgain.store.outcome_models import PullRequest

_CHUNK = 500


@dataclass(slots=True)
class _Pull:
    opened: datetime | None = None
    author: str | None = None
    ready: datetime | None = None
    merged: datetime | None = None
    merge_sha: str | None = None
    additions: int | None = None
    deletions: int | None = None
    reviews: list[ReviewEvent] = field(default_factory=list)
    requests: list[RequestEvent] = field(default_factory=list)
    commits: dict[str, datetime] = field(default_factory=dict)  # sha -> author date (backfill)


@dataclass(slots=True)
class FlowInputs:
    timelines: list[PrTimeline] = field(default_factory=list)
    reviews: list[ReviewDone] = field(default_factory=list)
    decisions: list[GateDecision] = field(default_factory=list)
    authors: dict[tuple[str, int], str] = field(default_factory=dict)


def _apply(pull: _Pull, kind: str, actor: str | None, at: datetime, detail: Any) -> None:
    detail = detail if isinstance(detail, dict) else {}
    if kind == "opened":
        pull.opened, pull.author = at, actor
        pull.additions, pull.deletions = detail.get("additions"), detail.get("deletions")
    elif kind == "ready_for_review":
        pull.ready = max(pull.ready, at) if pull.ready else at
    elif kind == "review" and actor:
        pull.reviews.append(ReviewEvent(actor, at, str(detail.get("state", ""))))
    elif kind == "review_requested" and actor:
        pull.requests.append(RequestEvent(actor, at))
    elif kind == "merged":
        pull.merged, pull.merge_sha = at, detail.get("merge_sha")
    elif kind == "commit" and isinstance(detail.get("sha"), str):
        pull.commits[detail["sha"]] = at


def _pulls(conn: Connection, names: list[str]) -> dict[tuple[str, int], _Pull]:
    pulls: dict[tuple[str, int], _Pull] = defaultdict(_Pull)
    rows = conn.execute(
        select(
            pr_events.c.repository,
            pr_events.c.number,
            pr_events.c.kind,
            pr_events.c.actor,
            pr_events.c.at,
            pr_events.c.detail,
        ).where(pr_events.c.repository.in_(names))
    )
    for repository, number, kind, actor, at, detail in rows:
        _apply(pulls[(repository, number)], kind, actor, aware(at), detail)
    return pulls


def _chunks(items: Sequence[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield list(items[start : start + _CHUNK])


def _store_commits(
    conn: Connection, repository_id: int, numbers: list[int]
) -> dict[int, list[str]]:
    """PR number -> its commits, from the store's recovered pull requests."""
    out: dict[int, list[str]] = {}
    for chunk in _chunks([str(n) for n in numbers]):
        rows = conn.execute(
            select(PullRequest.number, PullRequest.commit_shas).where(
                PullRequest.repository_id == repository_id,
                PullRequest.number.in_([int(n) for n in chunk]),
            )
        )
        out.update({int(n): list(shas or []) for n, shas in rows})
    return out


def _commit_facts(
    conn: Connection, repository_id: int, shas: list[str]
) -> dict[str, tuple[datetime, int, int, int]]:
    """sha -> (author date, AI, human, unknown lines) for stored commits."""
    out: dict[str, tuple[datetime, int, int, int]] = {}
    for chunk in _chunks(sorted(set(shas))):
        rows = conn.execute(
            select(
                Commit.sha,
                Commit.author_date,
                Attribution.ai_lines,
                Attribution.human_lines,
                Attribution.unknown_lines,
            )
            .outerjoin(Attribution, Attribution.commit_id == Commit.id)
            .where(Commit.repository_id == repository_id, Commit.sha.in_(chunk))
        )
        for sha, when, ai, human, unknown in rows:
            out[sha] = (aware(when), ai or 0, human or 0, unknown or 0)
    return out


def _deployed(conn: Connection, entry: CatalogEntry) -> dict[str, datetime]:
    found = stored_deployments(conn, [entry.full_name])[entry.full_name.lower()]
    if not found:
        return {}
    graph = {
        sha: (parents.split(), aware(date))
        for sha, parents, date in conn.execute(
            select(Commit.sha, Commit.parents, Commit.committer_date).where(
                Commit.repository_id == entry.repository_id
            )
        )
    }
    return first_deployments(graph, found)


def _in_window(when: datetime | None, since: datetime | None, until: datetime | None) -> bool:
    if when is None:
        return False
    return (since is None or when >= since) and (until is None or when < until)


def load_inputs(
    conn: Connection,
    entries: Sequence[CatalogEntry],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> FlowInputs:
    """Timelines of the pull requests merged (or, unmerged, opened) in [since, until), the
    reviews submitted in it, and the gate decisions of those pull requests."""
    out = FlowInputs()
    by_name = {e.full_name.lower(): e for e in entries}
    grouped: dict[str, dict[int, _Pull]] = defaultdict(dict)
    for (repository, number), pull in _pulls(conn, list(by_name)).items():
        if pull.opened is not None:
            grouped[repository][number] = pull
    for name, entry in by_name.items():
        mine = grouped.get(name, {})
        if not mine:
            continue
        stored = _store_commits(conn, entry.repository_id, list(mine))
        wanted = [s for n, p in mine.items() for s in (list(p.commits) or stored.get(n, []))]
        facts = _commit_facts(conn, entry.repository_id, wanted)
        deployed = _deployed(conn, entry)
        for number, pull in sorted(mine.items()):
            if pull.opened is None:  # filtered above; narrows the type
                continue
            shas = list(pull.commits) or stored.get(number, [])
            known = [facts[s] for s in shas if s in facts]
            dates = list(pull.commits.values()) + [k[0] for k in known]
            out.authors[(name, number)] = pull.author or ""
            for review in pull.reviews:
                if _in_window(review.at, since, until):
                    out.reviews.append(
                        ReviewDone(
                            review.reviewer,
                            review.at,
                            review.state,
                            name,
                            number,
                            _size(pull),
                        )
                    )
            if not _in_window(pull.merged or pull.opened, since, until):
                continue
            out.timelines.append(
                PrTimeline(
                    repository=entry.full_name,
                    number=number,
                    author=pull.author,
                    opened=pull.opened,
                    first_commit=min(dates) if dates else None,
                    ready=pull.ready,
                    merged=pull.merged,
                    deployed=deployed.get(pull.merge_sha or ""),
                    reviews=tuple(sorted(pull.reviews, key=lambda r: r.at)),
                    requests=tuple(sorted(pull.requests, key=lambda r: r.at)),
                    ai_lines=sum(k[1] for k in known),
                    human_lines=sum(k[2] for k in known),
                    unknown_lines=sum(k[3] for k in known),
                    additions=pull.additions,
                    deletions=pull.deletions,
                )
            )
    out.decisions = _decisions(conn, list(by_name))
    return out


def _size(pull: _Pull) -> int | None:
    if pull.additions is None and pull.deletions is None:
        return None
    return int(pull.additions or 0) + int(pull.deletions or 0)


def _decisions(conn: Connection, names: list[str]) -> list[GateDecision]:
    out: list[GateDecision] = []
    rows = conn.execute(
        select(
            decisions.c.repository,
            decisions.c.number,
            decisions.c.verdict,
            decisions.c.document,
            decisions.c.created_at,
        ).where(func.lower(decisions.c.repository).in_(names), decisions.c.number.is_not(None))
    )
    for repository, number, verdict, document, created in rows:
        doc = document if isinstance(document, dict) else {}
        findings = frozenset(
            f"{f.get('rule_id')}|{f.get('path')}|{f.get('message')}"
            for f in doc.get("findings") or []
            if isinstance(f, dict)
        )
        docs = frozenset(
            str(d.get("link"))
            for d in doc.get("design_documents") or []
            if isinstance(d, dict) and d.get("accepted") is True
        )
        author = doc.get("author")
        out.append(
            GateDecision(
                repository.lower(),
                int(number),
                aware(created),
                verdict,
                author if isinstance(author, str) else None,
                findings,
                docs,
            )
        )
    return out
