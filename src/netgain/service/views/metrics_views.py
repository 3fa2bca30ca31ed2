"""The metrics document per repository, organisation, team and person (their own), computed by
`netgain.metrics.compute_metrics` over the store's records.

Organisation and team figures come from the combined records of their repositories
(`netgain.service.views.combine`). Figures about people follow the organisation's privacy
setting: a team only when it has at least `privacy.min_group` members, a person's own figures
only for that person and the organisation's admins, and never a list of people.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import func, select

from netgain.history.queries import load_problems_of
from netgain.metrics.compute import compute_metrics
from netgain.metrics.inputs import Dataset
from netgain.metrics.provenance_coverage import team_members
from netgain.metrics.sections import comprehension_entry
from netgain.service.access import Principal, audit
from netgain.service.access_tables import users
from netgain.service.catalog import CatalogEntry
from netgain.service.org_config import OrgSettings
from netgain.service.problems import Problem
from netgain.service.views.change_cache import ChangeCache
from netgain.service.views.combine import combine
from netgain.service.views.context import ViewContext
from netgain.service.views.dataset import load_dataset, of_people, within
from netgain.service.views.models import Metrics
from netgain.service.views.scope import Window, chosen, org_entries, repository_entry, team_of

PERIODS = ("week", "month")
NOT_IMPORTED = "not imported (the service reads no tool telemetry yet)"
NOT_COMPUTED_COMPREHENSION = "not computed by the service (it blames files: run netgain report)"
NOT_IMPORTED_REVIEWS = "not imported (the service reads no review-comment exports yet)"


def _document(
    views: ViewContext,
    data: Dataset,
    window: Window,
    by: str,
    name: str,
    settings: OrgSettings,
    entries: list[CatalogEntry],
) -> dict[str, Any]:
    data = within(data, window)
    data.teams = _visible_teams(settings) or None
    doc = compute_metrics(
        data, views.metrics, by=by, since=window.since, until=window.until, repository=name
    )
    # the CLI's tool-telemetry imports (Cursor, Copilot) are files given to `netgain metrics`
    doc["provenance"].setdefault("cursor", {"status": NOT_IMPORTED})
    doc["provenance"].setdefault("estimated", {"status": NOT_IMPORTED})
    # likewise the review-comment exports of `netgain metrics --ai-review`
    doc.setdefault("ai_review", {"status": NOT_IMPORTED_REVIEWS})
    doc["sections"].setdefault(
        "ai_review",
        {
            "title": "Is AI review worth it?",
            "status": "empty",
            "source": None,
            "fill": NOT_IMPORTED_REVIEWS,
        },
    )
    # and the comprehension-risk section, which blames the zone files at HEAD: git work that a
    # request does not do (the CLI's `netgain metrics` and `netgain report` compute it)
    if "comprehension" not in doc:
        doc["comprehension"] = {"status": NOT_COMPUTED_COMPREHENSION}
        doc["sections"]["comprehension"] = comprehension_entry(doc["comprehension"])
    # what the ingests could not read (absent blobs, unreadable notes): the CLI's document lists
    # them too, so no figure rests on history that was skipped without a word
    doc["problems"] = _stored_problems(views, entries)
    return doc


def _stored_problems(views: ViewContext, entries: list[CatalogEntry]) -> list[dict[str, Any]]:
    """The stored ingest problems of the document's repositories, each naming its repository
    when the document covers more than one."""
    stored = load_problems_of(views.engine, [e.repository_id for e in entries])
    if len(entries) == 1:
        return stored.get(entries[0].repository_id, [])
    return [
        {"repository": e.full_name, **problem}
        for e in entries
        for problem in stored.get(e.repository_id, [])
    ]


def _visible_teams(settings: OrgSettings) -> dict[str, set[str]]:
    """Teams large enough to be shown (privacy.min_group), as git identities."""
    members = team_members(settings.teams, {})
    return {t: ids for t, ids in members.items() if len(ids) >= settings.privacy.min_group}


def _load(
    views: ViewContext, entry: CatalogEntry, by: str, cache: ChangeCache | None = None
) -> Dataset:
    owner, _, name = entry.full_name.partition("/")
    mirror = views.mirrors / owner / f"{name}.git"
    return load_dataset(
        views.engine, entry.repository_id, entry.full_name, views.metrics, mirror, by, cache
    )


def _datasets(
    views: ViewContext, entries: list[CatalogEntry], by: str, cache: ChangeCache | None = None
) -> list[tuple[str, Dataset]]:
    return [(e.full_name, _load(views, e, by, cache)) for e in entries]


def repository_metrics(
    views: ViewContext, principal: Principal, full_name: str, window: Window, by: str = "week"
) -> Metrics:
    entry = repository_entry(views.engine, views.mirrors, principal, full_name)
    data = _load(views, entry, by)
    doc = _document(
        views, data, window, by, entry.full_name, views.orgs.for_org(entry.org), [entry]
    )
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
    entries = chosen(org_entries(views.engine, views.mirrors, principal, org), repositories)
    data = combine(_datasets(views, entries, by))
    doc = _document(views, data, window, by, org.lower(), views.orgs.for_org(org), entries)
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
    entries = chosen(org_entries(views.engine, views.mirrors, principal, org), repositories)
    settings = views.orgs.for_org(org)
    group = team_of(settings, team)
    name, identities = group.name, set(group.identities)
    scope = [e.full_name for e in entries]
    if group.withheld is not None:
        return Metrics(
            scope="team",
            name=name,
            repositories=scope,
            since=window.since,
            until=window.until,
            withheld=group.withheld,
            document=None,
        )
    data = of_people(combine(_datasets(views, entries, by)), identities)
    doc = _document(views, data, window, by, f"{org.lower()}/team:{name}", settings, entries)
    return _metrics("team", name, scope, window, doc)


def org_records(
    views: ViewContext,
    principal: Principal,
    org: str,
    by: str = "week",
    cache: ChangeCache | None = None,
) -> tuple[list[CatalogEntry], Dataset]:
    """The readable repositories of the organisation and their combined records: the part of
    a document that costs (every change loaded into Python), reusable for every window and
    team whose records are the same (`records_period`). With `cache`, only the commits stored
    since an earlier load are read."""
    entries = org_entries(views.engine, views.mirrors, principal, org)
    return entries, combine(_datasets(views, entries, by, cache))


def records_period(views: ViewContext, by: str) -> str:
    """What loaded records depend on of the chart period: nothing, unless rework is limited to
    the last N periods (`rework_periods`), which picks the changes whose rework is read."""
    return by if views.metrics.rework_periods else "any"


def org_and_team_documents(
    views: ViewContext,
    org: str,
    teams: list[str],
    records: tuple[list[CatalogEntry], Dataset],
    window: Window,
    by: str = "week",
) -> tuple[Metrics, dict[str, Metrics]]:
    """The organisation's document and each named team's over `records` (`org_records`): a
    team's document reads the same combined records narrowed to its members (as
    `team_metrics` does). A team below the privacy minimum is withheld as in `team_metrics`."""
    entries, loaded = records
    combined = replace(loaded, notes=list(loaded.notes))  # documents never share their notes
    settings = views.orgs.for_org(org)
    scope = [e.full_name for e in entries]
    doc = _document(views, combined, window, by, org.lower(), settings, entries)
    out = {}
    for team in teams:
        group = team_of(settings, team)
        if group.withheld is not None:
            out[group.name] = Metrics(
                scope="team",
                name=group.name,
                repositories=scope,
                since=window.since,
                until=window.until,
                withheld=group.withheld,
                document=None,
            )
            continue
        data = of_people(combined, set(group.identities))
        team_doc = _document(
            views, data, window, by, f"{org.lower()}/team:{group.name}", settings, entries
        )
        out[group.name] = _metrics("team", group.name, scope, window, team_doc)
    return _metrics("organisation", org.lower(), scope, window, doc), out


def org_and_team_metrics(
    views: ViewContext,
    principal: Principal,
    org: str,
    teams: list[str],
    window: Window,
    by: str = "week",
) -> tuple[Metrics, dict[str, Metrics]]:
    """The organisation's document and each named team's from one load of the records: loading
    is most of the cost, so the job that stores them loads once, not once per team."""
    records = org_records(views, principal, org, by)
    return org_and_team_documents(views, org, teams, records, window, by)


def own_metrics(
    views: ViewContext, principal: Principal, org: str, window: Window, by: str = "week"
) -> Metrics:
    """The caller's own figures (their changes, by their login and verified emails): a person
    sees their own, unless the organisation turned that off (privacy.people = "none")."""
    identities = {principal.login, *principal.emails}
    return _person(views, principal, org, principal.login, identities, window, by)


def person_metrics(
    views: ViewContext,
    principal: Principal,
    org: str,
    person: str,
    window: Window,
    by: str = "week",
) -> Metrics:
    """One person's figures, by login or commit email: for that person and the organisation's
    admins only (anyone else gets the 404 of a person that does not exist). An admin looking at
    someone else's figures is recorded in the audit log."""
    org_entries(views.engine, views.mirrors, principal, org)  # 404 for an invisible org first
    if not principal.is_self(person) and not principal.is_admin(org):
        raise Problem(404, "no such person")
    identities = {person.lower(), *known_identities(views, person)}
    if not principal.is_self(person):
        audit(views.engine, principal.actor, "person.metrics.read", org=org, target=person)
    return _person(views, principal, org, person, identities, window, by)


def known_identities(views: ViewContext, person: str) -> set[str]:
    """The login and emails of the signed-in user with this login, if there is one."""
    with views.engine.connect() as conn:
        row = conn.execute(
            select(users.c.login, users.c.emails).where(func.lower(users.c.login) == person.lower())
        ).first()
    if row is None:
        return set()
    return {str(row.login).lower(), *(str(e).lower() for e in row.emails or ())}


def _person(
    views: ViewContext,
    principal: Principal,
    org: str,
    name: str,
    identities: set[str],
    window: Window,
    by: str,
) -> Metrics:
    entries = org_entries(views.engine, views.mirrors, principal, org)
    settings = views.orgs.for_org(org)
    scope = [e.full_name for e in entries]
    if settings.privacy.people != "self":
        return Metrics(
            scope="person",
            name=name,
            repositories=scope,
            since=window.since,
            until=window.until,
            withheld="the organisation shows no per-person figures (privacy.people = none)",
            document=None,
        )
    data = of_people(combine(_datasets(views, entries, by)), identities)
    doc = _document(views, data, window, by, f"{org.lower()}/person:{name}", settings, entries)
    doc["provenance"].pop("by_team", None)  # the person's own figures, not their teams'
    return _metrics("person", name, scope, window, doc)


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
