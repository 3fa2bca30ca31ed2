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
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from netgain.git import GitProblemError, run_git
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
# at most this many changes blamed per incident (newest first): a route whose first deployment
# is the first one recorded would otherwise name the path's whole history
MAX_PATH_LINKS = 200


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
    mirrors: Path | None = None,
) -> list[Stored]:
    """Upsert the incident into each target repository (one transaction) and link by path.

    Two events of one new incident can arrive at once (PagerDuty sends `triggered` and
    `acknowledged` within a second): the insert runs in a savepoint, and the loser of the race
    reads the winner's row locked (`FOR UPDATE` on PostgreSQL) and applies its event as an
    update, so the newest event still wins and nothing answers 500."""
    out: list[Stored] = []
    now = datetime.now(UTC)
    key = storable(record.external_id)
    when = (occurred_at or now).astimezone(UTC)
    with Session(engine) as session, session.begin():
        for target in targets:
            where = (
                Incident.repository_id == target.repository_id,
                Incident.source == source,
                Incident.external_id == key,
            )
            values = {name: clean_value(getattr(record, name)) for name in _FIELDS}
            feed = {"occurred_at": when.isoformat(), "path": target.path}
            raw = clean_value(record.raw) | {"netgain_feed": feed}
            locked = select(Incident).where(*where).with_for_update()
            row = session.scalars(locked).one_or_none()
            inserted = False
            if row is None:
                try:
                    with session.begin_nested():
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
                        session.flush()
                    inserted = True
                except IntegrityError:  # another delivery inserted it meanwhile
                    row = session.scalars(locked).one()
            outcome, moved = "inserted", True
            if not inserted:
                last = _last_event(row.raw)
                if last is not None and last > when:
                    out.append(Stored(target.repository, row.id, "stale"))
                    continue
                outcome, moved = _update(row, values, record, raw, now)
            session.flush()
            links = 0
            # the links depend on the start only: an update that keeps it keeps them
            if target.path is not None and moved:
                mirror = _mirror(mirrors, target.repository)
                links = link_by_path(
                    session, row, target, deployments.get(target.repository_id, []), mirror
                )
            out.append(Stored(target.repository, row.id, outcome, links))
    return out


def _update(
    row: Incident, values: dict[str, Any], record: IncidentRecord, raw: Any, now: datetime
) -> tuple[str, bool]:
    """Apply a newer event to a stored incident: (outcome, whether its start moved)."""
    if values["started_at"] is None:  # an event that does not say: keep the start
        values["started_at"] = _aware(row.started_at)
    kept = _aware(row.resolved_at)
    if kept is not None and values["resolved_at"] is not None:
        values["resolved_at"] = min(kept, values["resolved_at"])
    if record.body:
        values["body"] = clean_value(record.body)
    moved = not same_value(row.started_at, values["started_at"])
    changed = not all(same_value(getattr(row, k), v) for k, v in values.items())
    for k, v in values.items():
        setattr(row, k, v)
    row.raw = raw
    if changed:
        row.updated_at = now
    return ("updated" if changed else "unchanged"), moved


def _last_event(raw: Any) -> datetime | None:
    feed = raw.get("netgain_feed") if isinstance(raw, dict) else None
    text = feed.get("occurred_at") if isinstance(feed, dict) else None
    if not isinstance(text, str):
        return None
    try:
        return _aware(datetime.fromisoformat(text))
    except ValueError:
        return None


def _mirror(mirrors: Path | None, repository: str) -> Path | None:
    if mirrors is None:
        return None
    owner, _, name = repository.partition("/")
    path = mirrors / owner / f"{name}.git"
    return path if path.is_dir() else None


def link_by_path(
    session: Session,
    incident: Incident,
    target: Target,
    deployments: Sequence[Deployment],
    mirror: Path | None = None,
) -> int:
    """Cause links to the commits under `target.path` that the last deployment before the
    incident shipped; replaces this module's earlier links of the incident. Returns how many.

    With the repository's mirror, git answers (`rev-list LAST ^PREVIOUS -- PATH`: a walk of the
    window only); without one, or when git does not know a deployed commit, the store's commit
    graph does (a walk of the whole history)."""
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
    previous = before[-2] if len(before) > 1 else None
    touched = _window_git(mirror, last, previous, target.path) if mirror else None
    if touched is None:
        touched = _window_store(session, target, before, last)
    now = datetime.now(UTC)
    detail = f"{ROUTE_DETAIL}{target.path}: {last.label} at {last.deployed_at.isoformat()}"
    rows = [
        {
            "incident_id": incident.id,
            "repository_id": target.repository_id,
            "commit_sha": sha,
            "role": "cause",
            "evidence": "deployment",
            "rank": RANKS["deployment"],
            "detail": detail,
            "resolved": True,
            "created_at": now,
        }
        for sha in touched[:MAX_PATH_LINKS]
    ]
    if rows:  # one executemany, not an ORM object per link
        session.execute(insert(IncidentLink), rows)
    return min(len(touched), MAX_PATH_LINKS)


def _window_git(
    mirror: Path, last: Deployment, previous: Deployment | None, path: str
) -> list[str] | None:
    """Non-merge commits under `path` in LAST but not PREVIOUS, newest first; None when git
    cannot answer (a deployed commit the mirror does not have)."""
    args = ["rev-list", "--no-merges", f"--max-count={MAX_PATH_LINKS}", last.sha]
    args += [f"^{previous.sha}"] if previous is not None else []
    try:
        out = run_git(mirror, *args, "--", path)
    except GitProblemError:
        return None
    return out.decode("ascii", "replace").split()


def _window_store(
    session: Session, target: Target, before: list[Deployment], last: Deployment
) -> list[str]:
    """The same window from the store's commit graph (every commit of the repository is read)."""
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
    if not window or target.path is None:
        return []
    found: set[str] = set()
    for start in range(0, len(window), 500):
        found.update(
            session.scalars(
                select(Commit.sha)
                .join(FileChange, FileChange.commit_id == Commit.id)
                .where(
                    Commit.repository_id == target.repository_id,
                    Commit.sha.in_(window[start : start + 500]),
                    Commit.is_merge.is_(False),
                    FileChange.path.startswith(target.path, autoescape=True),
                )
            )
        )
    by_date = {sha: graph[sha][1] for sha in found}
    return sorted(found, key=lambda sha: (_aware(by_date[sha]), sha), reverse=True)
