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
        return {str(source): int(count) for source, count in rows}


def feature_origins(engine: Engine, repository_id: int) -> dict[str, dict[str, int]]:
    """Per feature source (conventional-commit, label, issue-type): typed commits and PRs, and
    how many of each are features (a squash commit and its PR both carry the subject's type)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Feature.source, Feature.subject_kind, Feature.is_feature, func.count())
            .where(Feature.repository_id == repository_id)
            .group_by(Feature.source, Feature.subject_kind, Feature.is_feature)
        )
        out: dict[str, dict[str, int]] = {}
        for source, kind, is_feature, count in rows:
            entry = out.setdefault(
                str(source), {"commits": 0, "prs": 0, "commit_features": 0, "pr_features": 0}
            )
            plural = "commits" if kind == "commit" else "prs"
            entry[plural] += int(count)
            if is_feature:
                entry[f"{plural[:-1]}_features"] += int(count)
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
