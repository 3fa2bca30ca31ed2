"""What git answers without an import, brought up to date before the metrics read the store.

A repository with nothing imported still says a lot: merge commits and `(#N)` subjects name its
pull requests, conventional-commit types name its features, and fix commits run through SZZ name
the changes that introduced bugs. `netgain incidents import` derived the first two only as a side
effect of linking incidents, so a report on a fresh clone showed none of it; `metrics` and
`report` now derive them themselves:

- pull requests and features are rebuilt when their inputs changed (the ingested tip, the number
  of commits, the feature settings, imported issue types), recorded in `derived_state`;
- SZZ runs on the fix commits no earlier run analysed, newest first, in chunks until the time
  budget (`[metrics] szz_seconds`) is spent; what it stores is reused by every later run
  (`netgain risk train`, `netgain szz` and incident linking share the same tables), so the next
  report continues where this one stopped.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.orm import Session

from netgain import __version__
from netgain.incidents.features import classify_features
from netgain.incidents.issuetypes import stored_issue_types
from netgain.incidents.prstore import mark_commit_issue_types
from netgain.incidents.pulls import recover_pull_requests
from netgain.incidents.settings import IncidentSettings
from netgain.risk.data import fix_shas, load_messages, pending_fixes
from netgain.store.metrics_models import DerivedState
from netgain.store.models import Commit
from netgain.store.outcome_models import Incident, PullRequest

SZZ_VARIANT = "netgain"
# Part of the derivation key: bump it when the recovery rules change, so stores derived by an
# earlier build are derived again (a release bumps netgain's version, a development build not).
RECOVERY_RULES = 3
SZZ_CHUNK = 1000  # fixes per SZZ run: each run reads the fixes' files' history once


def _state_key(engine: Engine, repository_id: int, head: str, settings: IncidentSettings) -> str:
    """Everything the git-derived PR and feature rows depend on."""
    with engine.connect() as conn:
        commits = conn.execute(
            select(func.count(), func.max(Commit.id)).where(Commit.repository_id == repository_id)
        ).one()
        exported = conn.execute(
            select(func.count(), func.max(PullRequest.id)).where(
                PullRequest.repository_id == repository_id, PullRequest.source == "export"
            )
        ).one()
        incidents = conn.execute(
            select(func.count(), func.max(Incident.updated_at)).where(
                Incident.repository_id == repository_id
            )
        ).one()
    parts: list[Any] = [
        __version__,
        RECOVERY_RULES,
        head,
        list(commits),
        list(exported),
        [incidents[0], str(incidents[1])],
        list(settings.feature_types),
        list(settings.feature_issue_types),
    ]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def recover_from_git(
    engine: Engine, repository_id: int, head: str, settings: IncidentSettings
) -> bool:
    """Rebuild the git-recovered pull requests and the typed features when their inputs changed
    since the last rebuild; returns whether it ran. Exported PRs and label rows are kept."""
    key = _state_key(engine, repository_id, head, settings)
    with Session(engine) as session, session.begin():
        row = session.get(DerivedState, (repository_id, "git-recovery"))
        if row is not None and row.key == key:
            return False
        recover_pull_requests(session, repository_id, head)
        classify_features(session, repository_id, feature_types=settings.feature_types)
        mark_commit_issue_types(
            session,
            repository_id,
            stored_issue_types(session, repository_id),
            feature_issue_types=settings.feature_issue_types,
        )
        session.execute(
            delete(DerivedState).where(
                DerivedState.repository_id == repository_id, DerivedState.name == "git-recovery"
            )
        )
        session.execute(
            insert(DerivedState).values(
                repository_id=repository_id,
                name="git-recovery",
                key=key,
                updated_at=datetime.now(UTC),
            )
        )
    return True


@dataclass(slots=True)
class SzzProgress:
    """How far SZZ has got through the repository's fix commits."""

    fixes: int = 0  # fix commits (by message, or named as fixes by imported incidents)
    analysed: int = 0  # of them, analysed by any run so far (this one included)
    analysed_now: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    skipped: str = ""  # why SZZ did not run (--no-szz)

    @property
    def pending(self) -> int:
        return self.fixes - self.analysed

    def to_dict(self) -> dict[str, Any]:
        return {
            "fix_commits": self.fixes,
            "analysed": self.analysed,
            "analysed_now": self.analysed_now,
            "pending": self.pending,
            "seconds": round(self.seconds, 2),
            "skipped": self.skipped,
        }


def szz_on_fixes(
    engine: Engine,
    repository_id: int,
    root: Path,
    dates: dict[str, datetime],
    *,
    budget_seconds: float,
    run: bool = True,
) -> SzzProgress:
    """Run SZZ on the fix commits no run analysed yet, newest first, until `budget_seconds`
    would be exceeded by another chunk (a chunk always runs once: a zero budget still makes
    progress, bounded by SZZ_CHUNK fixes)."""
    from netgain.szz import find_inducing
    from netgain.szz.persist import store_results

    fixes = fix_shas(load_messages(engine, repository_id), engine, repository_id)
    todo = pending_fixes(engine, repository_id, fixes, SZZ_VARIANT)
    progress = SzzProgress(fixes=len(fixes), analysed=len(fixes) - len(todo))
    if not run:
        progress.skipped = "not run (--no-szz)"
        return progress
    epoch = datetime.min.replace(tzinfo=UTC)
    todo.sort(key=lambda sha: (dates.get(sha, epoch), sha), reverse=True)
    start = time.monotonic()
    last = 0.0
    while todo:
        if progress.analysed_now and time.monotonic() - start + last > budget_seconds:
            break
        chunk, todo = todo[:SZZ_CHUNK], todo[SZZ_CHUNK:]
        began = time.monotonic()
        results = find_inducing(root, chunk, SZZ_VARIANT)
        with Session(engine) as session, session.begin():
            store_results(session, repository_id, results)
        last = time.monotonic() - began
        done = sum(1 for r in results if not any(p.kind == "unknown-commit" for p in r.problems))
        progress.analysed += done
        progress.analysed_now += done
        progress.problems += [f"{r.fix[:12]}: {p.message}" for r in results for p in r.problems]
    progress.seconds = time.monotonic() - start
    return progress
