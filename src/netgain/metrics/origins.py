"""Counts of where the store's pull requests and features came from, for the provenance labels.

"12 features" means little until the reader knows whether they were read from conventional-commit
subjects, PR labels of an export or tracker issue types; the report says which, per section.
"""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from netgain.store.models import Commit
from netgain.store.outcome_models import Feature, PullRequest


def pull_request_origins(engine: Engine, repository_id: int) -> dict[str, int]:
    """Stored pull requests per source: merge-commit, squash-subject, export."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(PullRequest.source, func.count())
            .where(PullRequest.repository_id == repository_id)
            .group_by(PullRequest.source)
        )
        return {str(source): int(count) for source, count in rows.tuples()}


def feature_origins(engine: Engine, repository_id: int) -> dict[str, dict[str, int]]:
    """Per feature source (conventional-commit, label, issue-type): rows and features."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Feature.source, Feature.is_feature, func.count())
            .where(Feature.repository_id == repository_id)
            .group_by(Feature.source, Feature.is_feature)
        )
        out: dict[str, dict[str, int]] = {}
        for source, is_feature, count in rows:
            entry = out.setdefault(source, {"typed": 0, "features": 0})
            entry["typed"] += count
            entry["features"] += count if is_feature else 0
        return out


def merge_commits(engine: Engine, repository_id: int) -> int:
    """Stored merge commits (the non-merge ones are the metrics' changes)."""
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).where(
                    Commit.repository_id == repository_id, Commit.is_merge.is_(True)
                )
            ).scalar_one()
        )
