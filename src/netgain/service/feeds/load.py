"""Read the feeds' tables back: deployments per repository, pull request timelines.

Kept apart from the writers so the computations' loaders and the incident linker share one
reading of each table (SQLite returns naive datetimes for timezone-aware columns: made UTC here).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, select

from netgain.incidents.deployments import Deployment
from netgain.service.feeds.tables import deployments


def aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def stored_deployments(conn: Connection, repositories: list[str]) -> dict[str, list[Deployment]]:
    """Production deployments with a known commit, by repository (lower-case owner/name)."""
    wanted = [r.lower() for r in repositories]
    out: dict[str, list[Deployment]] = {r: [] for r in wanted}
    rows = conn.execute(
        select(
            deployments.c.repository,
            deployments.c.sha,
            deployments.c.deployed_at,
            deployments.c.source,
            deployments.c.ref,
            deployments.c.environment,
        ).where(deployments.c.repository.in_(wanted), deployments.c.sha.is_not(None))
    )
    for repository, sha, when, source, ref, environment in rows:
        label = f"release {ref}" if source == "release" else f"deployment to {environment}"
        out[repository].append(Deployment(aware(when), sha, label))
    for found in out.values():
        found.sort()
    return out
