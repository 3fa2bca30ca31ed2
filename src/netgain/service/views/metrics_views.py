"""The metrics document per repository, organisation, team and person (their own), computed by
`netgain.metrics.compute_metrics` over the store's records.

Organisation and team figures come from the combined records of their repositories
(`netgain.service.views.combine`). Figures about people follow the organisation's privacy
setting: a team only when it has at least `privacy.min_group` members, a person's own figures
only for that person and the organisation's admins, and never a list of people.
"""

from __future__ import annotations

from typing import Any

from netgain.metrics.compute import compute_metrics
from netgain.metrics.inputs import Dataset
from netgain.metrics.provenance_coverage import team_members
from netgain.service.access import Principal
from netgain.service.catalog import CatalogEntry
from netgain.service.org_config import OrgSettings
from netgain.service.problems import Problem
from netgain.service.views.combine import combine
from netgain.service.views.context import ViewContext
from netgain.service.views.dataset import load_dataset, of_people, within
from netgain.service.views.models import Metrics
from netgain.service.views.scope import Window, org_entries, repository_entry

PERIODS = ("week", "month")


def _document(
    views: ViewContext, data: Dataset, window: Window, by: str, name: str, settings: OrgSettings
) -> dict[str, Any]:
    data = within(data, window)
    data.teams = _visible_teams(settings) or None
    return compute_metrics(
        data, views.metrics, by=by, since=window.since, until=window.until, repository=name
    )


def _visible_teams(settings: OrgSettings) -> dict[str, set[str]]:
    """Teams large enough to be shown (privacy.min_group), as git identities."""
    members = team_members(settings.teams, {})
    return {t: ids for t, ids in members.items() if len(ids) >= settings.privacy.min_group}


def _datasets(views: ViewContext, entries: list[CatalogEntry]) -> list[tuple[str, Dataset]]:
    return [
        (e.full_name, load_dataset(views.engine, e.repository_id, e.full_name, views.metrics))
        for e in entries
    ]


def repository_metrics(
    views: ViewContext, principal: Principal, full_name: str, window: Window, by: str = "week"
) -> Metrics:
    entry = repository_entry(views.engine, views.mirrors, principal, full_name)
    data = load_dataset(views.engine, entry.repository_id, entry.full_name, views.metrics)
    doc = _document(views, data, window, by, entry.full_name, views.orgs.for_org(entry.org))
    return _metrics("repository", entry.full_name, [entry.full_name], window, doc)


def org_metrics(
    views: ViewContext,
    principal: Principal,
    org: str,
    window: Window,
    by: str = "week",
    repositories: list[str] | None = None,
) -> Metrics:
    """The organisation's document over the combined records of its readable repositories
    (optionally only those named in `repositories`)."""
    entries = _chosen(org_entries(views.engine, views.mirrors, principal, org), repositories)
    data = combine(_datasets(views, entries))
    doc = _document(views, data, window, by, org.lower(), views.orgs.for_org(org))
    return _metrics("organisation", org.lower(), [e.full_name for e in entries], window, doc)


def team_metrics(
    views: ViewContext,
    principal: Principal,
    org: str,
    team: str,
    window: Window,
    by: str = "week",
    repositories: list[str] | None = None,
) -> Metrics:
    """A team's document: the changes its members authored across the readable repositories.
    Withheld (with the reason) for a team smaller than the privacy setting's minimum group."""
    entries = _chosen(org_entries(views.engine, views.mirrors, principal, org), repositories)
    settings = views.orgs.for_org(org)
    names = {t.lower(): t for t in settings.teams}
    if team.lower() not in names:
        raise Problem(404, "no such team")
    name = names[team.lower()]
    identities = team_members({name: settings.teams[name]}, {})[name]
    scope = [e.full_name for e in entries]
    minimum = settings.privacy.min_group
    if len(identities) < minimum:
        reason = f"team-level figures are shown for groups of at least {minimum} people"
        return Metrics(
            scope="team",
            name=name,
            repositories=scope,
            since=window.since,
            until=window.until,
            withheld=reason,
            document=None,
        )
    data = of_people(combine(_datasets(views, entries)), identities)
    doc = _document(views, data, window, by, f"{org.lower()}/team:{name}", settings)
    return _metrics("team", name, scope, window, doc)


def own_metrics(
    views: ViewContext, principal: Principal, org: str, window: Window, by: str = "week"
) -> Metrics:
    """The caller's own figures (their changes, by their login and verified emails): a person
    sees their own, unless the organisation turned that off (privacy.people = "none")."""
    entries = org_entries(views.engine, views.mirrors, principal, org)
    settings = views.orgs.for_org(org)
    scope = [e.full_name for e in entries]
    if settings.privacy.people != "self":
        return Metrics(
            scope="self",
            name=principal.login,
            repositories=scope,
            since=window.since,
            until=window.until,
            withheld="the organisation shows no per-person figures (privacy.people = none)",
            document=None,
        )
    identities = {principal.login, *principal.emails}
    data = of_people(combine(_datasets(views, entries)), identities)
    data_doc = _document(views, data, window, by, f"{org.lower()}/self", settings)
    data_doc["provenance"].pop("by_team", None)  # the person's own figures, not their teams'
    return _metrics("self", principal.login, scope, window, data_doc)


def _chosen(entries: list[CatalogEntry], names: list[str] | None) -> list[CatalogEntry]:
    """Narrow to the named repositories; a name the caller may not read is a 404."""
    if not names:
        return entries
    by_name = {e.full_name.lower(): e for e in entries}
    chosen = []
    for name in names:
        entry = by_name.get(name.lower())
        if entry is None:
            raise Problem(404, "no such repository")
        if entry not in chosen:
            chosen.append(entry)
    return chosen


def _metrics(
    scope: str, name: str, repositories: list[str], window: Window, doc: dict[str, Any]
) -> Metrics:
    return Metrics(
        scope=scope,
        name=name,
        repositories=repositories,
        since=window.since,
        until=window.until,
        document=doc,
    )
