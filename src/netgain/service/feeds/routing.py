"""Which repository (and monorepo path) an incident belongs to: the org config's incident routes.

A route names a PagerDuty service or a Jira component (or a Jira project key in `service`), the
repository, and optionally a path prefix. An incident can match several routes (a shared service
deployed from two repositories) and is then stored once per repository. A route whose repository
the service has not ingested yet is reported, and the event kept for a later replay.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from netgain.service.catalog import CatalogEntry
from netgain.service.org_config import IncidentRoute, OrgConfig


@dataclass(frozen=True, slots=True)
class Target:
    repository: str  # owner/name as the catalog spells it
    repository_id: int
    path: str | None  # monorepo path prefix, None for the whole repository


@dataclass(slots=True)
class Routing:
    targets: list[Target] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # routed repositories not ingested yet

    @property
    def reason(self) -> str:
        if self.missing:
            return "repository not ingested yet: " + ", ".join(sorted(self.missing))
        return "no incident route matches"


def _matches(
    route: IncidentRoute, service: str | None, components: Iterable[str], project: str | None
) -> bool:
    names = {c.lower() for c in components}
    if route.component is not None and route.component.lower() in names:
        return True
    if route.service is None:
        return False
    wanted = route.service.lower()
    return wanted == (service or "").lower() or wanted == (project or "").lower()


def route_incident(
    config: OrgConfig,
    catalog: Iterable[CatalogEntry],
    *,
    service: str | None = None,
    components: Iterable[str] = (),
    project: str | None = None,
) -> Routing:
    """The targets of an incident of this service / these components / this project."""
    by_name = {entry.full_name.lower(): entry for entry in catalog}
    components = tuple(components)
    out = Routing()
    seen: set[tuple[int, str | None]] = set()
    for org, settings in config.orgs.items():
        for route in settings.incident_routes:
            if not _matches(route, service, components, project):
                continue
            entry = by_name.get(route.repository.lower())
            # a route may only send incidents into a repository of its own organisation
            if entry is None or entry.org.lower() != org.lower():
                out.missing.append(route.repository)
                continue
            path = _prefix(route.path)
            if (entry.repository_id, path) not in seen:
                seen.add((entry.repository_id, path))
                out.targets.append(Target(entry.full_name, entry.repository_id, path))
    return out


def _prefix(path: str | None) -> str | None:
    """`services/payments` and `/services/payments/` both mean the folder `services/payments/`."""
    if not path or not path.strip("/"):
        return None
    return path.strip("/") + "/"
