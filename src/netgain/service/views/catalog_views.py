"""Organisations and repositories, as far as the caller may see them."""

from __future__ import annotations

from sqlalchemy import func, select

from netgain.service.access import Principal
from netgain.service.catalog import CatalogEntry
from netgain.service.views.context import ViewContext
from netgain.service.views.models import Organisation, Page, Repository
from netgain.service.views.pagination import cut, decode_cursor, key_part
from netgain.service.views.scope import org_entries, repository_entry, visible_orgs
from netgain.service.views.times import utc
from netgain.store.models import Commit, IngestRun


def organisations(views: ViewContext, principal: Principal) -> list[Organisation]:
    return [
        _organisation(views, principal, org, len(names))
        for org, names in sorted(visible_orgs(views.engine, views.mirrors, principal).items())
    ]


def organisation(views: ViewContext, principal: Principal, org: str) -> Organisation:
    entries = org_entries(views.engine, views.mirrors, principal, org)
    return _organisation(views, principal, org.lower(), len(entries))


def _organisation(views: ViewContext, principal: Principal, org: str, n: int) -> Organisation:
    teams = sorted(views.orgs.for_org(org).teams)
    return Organisation(org=org, repositories=n, teams=teams, admin=principal.is_admin(org))


def repositories(
    views: ViewContext, principal: Principal, org: str, *, cursor: str | None, limit: int
) -> Page[Repository]:
    """The organisation's readable repositories by name, a page at a time."""
    page = decode_cursor("repositories", cursor, limit)
    entries = org_entries(views.engine, views.mirrors, principal, org)
    if page.after is not None:
        after = key_part(page.after, 0, str)
        entries = [e for e in entries if e.full_name.lower() > after]
    chosen, next_cursor = cut("repositories", entries, page, lambda e: [e.full_name.lower()])
    return Page[Repository](items=_describe(views, chosen), next_cursor=next_cursor)


def repository(views: ViewContext, principal: Principal, full_name: str) -> Repository:
    entry = repository_entry(views.engine, views.mirrors, principal, full_name)
    return _describe(views, [entry])[0]


def _describe(views: ViewContext, entries: list[CatalogEntry]) -> list[Repository]:
    ids = [e.repository_id for e in entries]
    if not ids:
        return []
    with views.engine.connect() as conn:
        stats = {
            row[0]: row[1:]
            for row in conn.execute(
                select(
                    Commit.repository_id,
                    func.count(),
                    func.min(Commit.author_date),
                    func.max(Commit.author_date),
                )
                .where(Commit.repository_id.in_(ids), Commit.is_merge.is_(False))
                .group_by(Commit.repository_id)
            )
        }
        ingested = dict(
            conn.execute(
                select(IngestRun.repository_id, func.max(IngestRun.finished_at))
                .where(IngestRun.repository_id.in_(ids))
                .group_by(IngestRun.repository_id)
            ).all()
        )
    out = []
    for entry in entries:
        count, first, last = stats.get(entry.repository_id, (0, None, None))
        owner, _, name = entry.full_name.partition("/")
        out.append(
            Repository(
                full_name=entry.full_name,
                org=owner,
                name=name,
                commits=int(count),
                first_commit_at=utc(first),
                last_commit_at=utc(last),
                ingested_at=utc(ingested.get(entry.repository_id)),
            )
        )
    return out
