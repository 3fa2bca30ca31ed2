"""Store incidents from webhooks: upsert by (repository, source, number/key), newest event wins.

Events can arrive out of order (a retry of `triggered` after `resolved`): each stored incident
remembers the `occurred_at` of the event it reflects (`raw.netgain_feed.occurred_at`) and an
older event leaves it alone. The first resolution time is kept when later events (a priority
change after the resolution) also say "resolved".

With a monorepo route (a path prefix), the incident is linked to the changes that touched that
path in the last production deployment before it started (evidence `deployment`, rank 6, as the
CLI's deployment links): incidents-per-feature and change failure rate then blame the changes
of that part of the monorepo, not every change the deployment shipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from netgain.incidents.deployments import Deployment, first_deployments
from netgain.incidents.importer import clean_value, same_value
from netgain.incidents.link import RANKS
from netgain.incidents.records import IncidentRecord
from netgain.service.feeds.load import aware
from netgain.service.feeds.routing import Target
from netgain.store.models import Commit, FileChange
from netgain.store.outcome_models import Incident, IncidentLink
from netgain.text import storable

_FIELDS = ("title", "severity", "service", "status", "started_at", "resolved_at", "url", "labels")
ROUTE_DETAIL = "route "  # detail prefix of the path links this module owns


@dataclass(frozen=True, slots=True)
class Stored:
    repository: str
    incident_id: int
    outcome: str  # inserted | updated | unchanged | stale
    links: int = 0


def _aware(value: datetime | None) -> datetime | None:
    return None if value is None else aware(value)


def store_incident(
    engine: Engine,
    source: str,
    record: IncidentRecord,
    occurred_at: datetime | None,
    targets: Sequence[Target],
    deployments: dict[int, list[Deployment]],
) -> list[Stored]:
    """Upsert the incident into each target repository (one transaction) and link by path."""
    out: list[Stored] = []
    now = datetime.now(UTC)
    key = storable(record.external_id)
    when = (occurred_at or now).astimezone(UTC)
    with Session(engine) as session, session.begin():
        for target in targets:
            row = session.scalars(
                select(Incident).where(
                    Incident.repository_id == target.repository_id,
                    Incident.source == source,
                    Incident.external_id == key,
                )
            ).one_or_none()
            values = {name: clean_value(getattr(record, name)) for name in _FIELDS}
            feed = {"occurred_at": when.isoformat(), "path": target.path}
            raw = clean_value(record.raw) | {"netgain_feed": feed}
            if row is None:
                row = Incident(
                    repository_id=target.repository_id,
                    source=source,
                    external_id=key,
                    imported_at=now,
                    updated_at=now,
                    body=clean_value(record.body),
                    raw=raw,
                    caused_by=[],
                    fixed_by=[],
                    **values,
                )
                session.add(row)
                outcome = "inserted"
            else:
                last = _last_event(row.raw)
                if last is not None and last > when:
                    out.append(Stored(target.repository, row.id, "stale"))
                    continue
                kept = _aware(row.resolved_at)
                if kept is not None and values["resolved_at"] is not None:
                    values["resolved_at"] = min(kept, values["resolved_at"])
                if record.body:
                    values["body"] = clean_value(record.body)
                changed = not all(same_value(getattr(row, k), v) for k, v in values.items())
                for k, v in values.items():
                    setattr(row, k, v)
                row.raw = raw
                if changed:
                    row.updated_at = now
                outcome = "updated" if changed else "unchanged"
            session.flush()
            links = 0
            if target.path is not None:
                links = link_by_path(
                    session, row, target, deployments.get(target.repository_id, [])
                )
            out.append(Stored(target.repository, row.id, outcome, links))
    return out


def _last_event(raw: Any) -> datetime | None:
    feed = raw.get("netgain_feed") if isinstance(raw, dict) else None
    text = feed.get("occurred_at") if isinstance(feed, dict) else None
    if not isinstance(text, str):
        return None
    try:
        return _aware(datetime.fromisoformat(text))
    except ValueError:
        return None


def link_by_path(
    session: Session, incident: Incident, target: Target, deployments: Sequence[Deployment]
) -> int:
    """Cause links to the commits under `target.path` that the last deployment before the
    incident shipped; replaces this module's earlier links of the incident. Returns how many."""
    session.execute(
        delete(IncidentLink).where(
            IncidentLink.incident_id == incident.id,
            IncidentLink.evidence == "deployment",
            IncidentLink.detail.startswith(ROUTE_DETAIL),
        )
    )
    start = _aware(incident.started_at)
    before = sorted(d for d in deployments if start is None or d.deployed_at <= start)
    if start is None or not before or target.path is None:
        return 0
    last = before[-1]
    graph: dict[str, tuple[list[str], datetime]] = {
        sha: (parents.split(), date)
        for sha, parents, date in session.execute(
            select(Commit.sha, Commit.parents, Commit.committer_date).where(
                Commit.repository_id == target.repository_id
            )
        )
    }
    shipped = first_deployments(graph, before)
    window = [sha for sha, when in shipped.items() if _aware(when) == last.deployed_at]
    if not window:
        return 0
    touched = sorted(
        set(
            session.scalars(
                select(Commit.sha)
                .join(FileChange, FileChange.commit_id == Commit.id)
                .where(
                    Commit.repository_id == target.repository_id,
                    Commit.sha.in_(window),
                    FileChange.path.startswith(target.path, autoescape=True),
                )
            )
        )
    )
    now = datetime.now(UTC)
    for sha in touched:
        session.add(
            IncidentLink(
                incident_id=incident.id,
                repository_id=target.repository_id,
                commit_sha=sha,
                role="cause",
                evidence="deployment",
                rank=RANKS["deployment"],
                detail=f"{ROUTE_DETAIL}{target.path}: {last.label} at "
                f"{last.deployed_at.isoformat()}",
                resolved=True,
                created_at=now,
            )
        )
    session.flush()
    return len(touched)
