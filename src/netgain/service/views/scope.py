"""Which repositories a question is about: the caller's readable part of an organisation,
narrowed by the filters (repository, time window, team)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from netgain.service.access import Principal
from netgain.service.catalog import CatalogEntry, catalog
from netgain.service.org_config import OrgSettings
from netgain.service.problems import Problem


@dataclass(frozen=True)
class Window:
    """A time range: `since` inclusive, `until` exclusive; None is open-ended."""

    since: datetime | None = None
    until: datetime | None = None

    def __post_init__(self) -> None:
        for moment in (self.since, self.until):
            if moment is not None and moment.tzinfo is None:
                raise ValueError("time range bounds must carry a time zone")
        if self.since and self.until and self.since >= self.until:
            raise Problem(400, "`since` must be before `until`")

    def holds(self, moment: datetime | None) -> bool:
        if moment is None:
            return self.since is None and self.until is None
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        if self.since is not None and moment < self.since:
            return False
        return self.until is None or moment < self.until


def visible_orgs(engine: Engine, mirrors: Path, principal: Principal) -> dict[str, list[str]]:
    """Organisation -> readable repository names, for every organisation the caller belongs to
    (an organisation the service holds nothing of yet is listed with no repositories)."""
    out: dict[str, list[str]] = {org: [] for org in principal.orgs()}
    for entry in catalog(engine, mirrors):
        org = entry.org.lower()
        if org in out and principal.can_read(entry.full_name):
            out[org].append(entry.full_name)
    return out


def org_entries(
    engine: Engine, mirrors: Path, principal: Principal, org: str
) -> list[CatalogEntry]:
    """The organisation's repositories the caller may read; 404 for an organisation it may not
    see (whether or not the service holds it)."""
    if not principal.can_see_org(org):
        raise Problem(404, "no such organisation")
    return [
        e
        for e in catalog(engine, mirrors)
        if e.org.lower() == org.lower() and principal.can_read(e.full_name)
    ]


def repository_entry(
    engine: Engine, mirrors: Path, principal: Principal, full_name: str
) -> CatalogEntry:
    """One readable repository; 404 both when it does not exist and when the caller may not read
    it (the access check comes first, so the store is not even asked)."""
    if not principal.can_read(full_name):
        raise Problem(404, "no such repository")
    for entry in catalog(engine, mirrors):
        if entry.full_name.lower() == full_name.lower():
            return entry
    raise Problem(404, "no such repository")


def chosen(entries: list[CatalogEntry], names: list[str] | None) -> list[CatalogEntry]:
    """Narrow to the named repositories; a name the caller may not read is a 404."""
    if not names:
        return entries
    by_name = {e.full_name.lower(): e for e in entries}
    out: list[CatalogEntry] = []
    for name in names:
        entry = by_name.get(name.lower())
        if entry is None:
            raise Problem(404, "no such repository")
        if entry not in out:
            out.append(entry)
    return out


@dataclass(frozen=True)
class Team:
    name: str
    identities: frozenset[str]  # lower-cased logins and commit emails
    withheld: str | None  # why its figures are not shown (privacy.min_group), or None


def team_of(settings: OrgSettings, team: str) -> Team:
    """The organisation's team by name (any case); 404 for a team its file does not name."""
    from netgain.metrics.provenance_coverage import team_members

    names = {t.lower(): t for t in settings.teams}
    if team.lower() not in names:
        raise Problem(404, "no such team")
    name = names[team.lower()]
    identities = team_members({name: settings.teams[name]}, {})[name]
    minimum = settings.privacy.min_group
    withheld = (
        f"team-level figures are shown for groups of at least {minimum} people"
        if len(identities) < minimum
        else None
    )
    return Team(name, frozenset(identities), withheld)
