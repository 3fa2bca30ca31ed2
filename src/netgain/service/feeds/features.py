"""Features from Jira's webhooks: a commit naming a Story / Feature issue is a feature.

The key and type are remembered (`service_issue_types`), the commits already stored that name the
key get an `issue-type` feature row now, and `reapply_issue_types` runs after each ingest so the
commits that arrive later are marked too (the same rows `netgain prs import --issues` writes).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from netgain.incidents.issuetypes import DEFAULT_FEATURE_ISSUE_TYPES
from netgain.incidents.prstore import mark_commit_issue_types
from netgain.service.catalog import catalog
from netgain.service.context import ServiceContext
from netgain.service.feeds.tables import issue_types
from netgain.service.feeds.write import insert_new
from netgain.store.models import Commit


def remember_issue_type(
    ctx: ServiceContext,
    key: str,
    issue_type: str,
    components: Iterable[str] = (),
    project: str | None = None,
) -> int:
    """Remember `key`'s type and mark the stored commits naming it; returns commits marked."""
    del components, project  # keys are unique per Jira site: any repository may name one
    with ctx.engine.begin() as conn:
        row = {"key": key[:100], "issue_type": issue_type[:200], "updated_at": datetime.now(UTC)}
        if not insert_new(conn, issue_types, [row]):
            conn.execute(
                update(issue_types)
                .where(issue_types.c.key == row["key"])
                .values(issue_type=row["issue_type"], updated_at=row["updated_at"])
            )
    marked = 0
    with Session(ctx.engine) as session, session.begin():
        for entry in catalog(ctx.engine, ctx.settings.mirrors):
            naming = session.scalar(
                select(Commit.id)
                .where(Commit.repository_id == entry.repository_id, Commit.message.contains(key))
                .limit(1)
            )
            if naming is not None:
                marked += mark_commit_issue_types(
                    session,
                    entry.repository_id,
                    {key: issue_type},
                    feature_issue_types=DEFAULT_FEATURE_ISSUE_TYPES,
                )
    return marked


def reapply_issue_types(engine: Engine, repository_id: int) -> int:
    """Mark the repository's commits naming any remembered feature issue (after an ingest)."""
    with engine.connect() as conn:
        known = dict(conn.execute(select(issue_types.c.key, issue_types.c.issue_type)).all())
    if not known:
        return 0
    with Session(engine) as session, session.begin():
        return mark_commit_issue_types(
            session, repository_id, known, feature_issue_types=DEFAULT_FEATURE_ISSUE_TYPES
        )
