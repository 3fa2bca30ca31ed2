"""Reading per-commit provenance back out of the store for `netgain provenance`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from netgain.store.models import Attribution, Problem
from netgain.store.models import Commit as CommitRow

_CHUNK = 500


def as_utc(moment: datetime) -> datetime:
    """Dates are stored in UTC; SQLite hands them back without an offset."""
    return (
        moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    )  # stay under SQLite's bound-parameter limit


@dataclass(slots=True)
class CommitProvenance:
    sha: str
    author: str
    date: str
    subject: str
    is_merge: bool
    ai: int
    human: int
    unknown: int
    level: str
    tools: list[str]
    models: list[str]
    evidence: list[dict[str, Any]]
    line_map: dict[str, list[list[Any]]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sha": self.sha,
            "author": self.author,
            "date": self.date,
            "subject": self.subject,
            "merge": self.is_merge,
            "added": {"ai": self.ai, "human": self.human, "unknown": self.unknown},
            "level": self.level,
            "tools": self.tools,
            "models": self.models,
            "evidence": self.evidence,
        }


def load_provenance(
    engine: Engine, repository_id: int, shas: Sequence[str]
) -> dict[str, CommitProvenance]:
    """Provenance of the given commits, keyed by sha (commits not in the store are absent)."""
    found: dict[str, CommitProvenance] = {}
    with Session(engine) as session:
        for start in range(0, len(shas), _CHUNK):
            chunk = list(shas[start : start + _CHUNK])
            rows = session.execute(
                select(CommitRow, Attribution)
                .join(Attribution, Attribution.commit_id == CommitRow.id)
                .where(CommitRow.repository_id == repository_id, CommitRow.sha.in_(chunk))
            )
            for commit, attribution in rows:
                found[commit.sha] = CommitProvenance(
                    sha=commit.sha,
                    author=f"{commit.author_name} <{commit.author_email}>",
                    date=as_utc(commit.author_date).isoformat(),
                    subject=commit.subject,
                    is_merge=commit.is_merge,
                    ai=attribution.ai_lines,
                    human=attribution.human_lines,
                    unknown=attribution.unknown_lines,
                    level=attribution.level,
                    tools=list(attribution.tools),
                    models=list(attribution.models),
                    evidence=list(attribution.evidence),
                    line_map=dict(attribution.line_map),
                )
    return found


def summarize(rows: Sequence[CommitProvenance]) -> dict[str, Any]:
    """Totals over commits: ai / human / unknown lines, share of known lines, tools, evidence kinds."""
    ai = sum(r.ai for r in rows)
    human = sum(r.human for r in rows)
    unknown = sum(r.unknown for r in rows)
    total = ai + human + unknown
    tools: Counter[str] = Counter()
    evidence: Counter[str] = Counter()
    for r in rows:
        tools.update(r.tools)
        evidence.update({e.get("kind", "?") for e in r.evidence})
    return {
        "commits": len(rows),
        "ai_commits": sum(1 for r in rows if r.ai > 0),
        "added": {"ai": ai, "human": human, "unknown": unknown, "total": total},
        "ai_share": (ai / total) if total else None,
        "tools": dict(sorted(tools.items())),
        "evidence_kinds": dict(sorted(evidence.items())),
    }


def load_problems(engine: Engine, repository_id: int) -> list[dict[str, Any]]:
    return load_problems_of(engine, [repository_id]).get(repository_id, [])


def load_problems_of(
    engine: Engine, repository_ids: Sequence[int]
) -> dict[int, list[dict[str, Any]]]:
    """The stored problems of several repositories in one query, per repository, in the order
    they were stored (a service document covers up to hundreds of repositories)."""
    found: dict[int, list[dict[str, Any]]] = {}
    if not repository_ids:
        return found
    with Session(engine) as session:
        problems = session.scalars(
            select(Problem)
            .where(Problem.repository_id.in_(list(repository_ids)))
            .order_by(Problem.id)
        ).all()
        for p in problems:
            found.setdefault(p.repository_id, []).append(
                {"kind": p.kind, "message": p.message, "sha": p.sha, "path": p.path}
            )
    return found
