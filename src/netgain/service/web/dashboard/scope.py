"""Who is looking and at what: the signed-in principal, the organisation, and the filters
narrowed to what that principal may see.

Every dashboard route starts here. An anonymous browser is sent to sign-in with the page it
asked for as `next` (a path on this site only, never an absolute URL: no open redirect). An
organisation, repository or team the principal may not see is 404, with no name confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse

from netgain.service.access import Principal
from netgain.service.catalog import catalog
from netgain.service.org_config import OrgSettings, load_org_config
from netgain.service.problems import Problem
from netgain.service.web.dashboard.filters import Filters, parse_filters
from netgain.service.web.deps import optional_principal, require_org, service_context

SIGN_IN = "/auth/github/login"
BASE = "/dashboard"


def sign_in_redirect(request: Request) -> RedirectResponse:
    """303 to sign-in, coming back to this page (path and query of this site only).

    Only a browser is redirected: a script (one that sent an `Authorization` header, say a
    revoked token, or that does not ask for HTML) gets the API's 401 problem instead."""
    if request.headers.get("authorization") or "text/html" not in request.headers.get("accept", ""):
        raise Problem(401, "sign in or send an API token")
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    if not target.startswith("/") or target.startswith("//"):
        target = BASE
    return RedirectResponse(f"{SIGN_IN}?{urlencode({'next': target})}", status_code=303)


@dataclass(frozen=True)
class OrgScope:
    """One organisation as the principal sees it: its readable repositories and teams."""

    principal: Principal
    org: str
    repositories: list[str]  # readable "owner/name", sorted
    repository_ids: dict[str, int]
    settings: OrgSettings
    filters: Filters

    @property
    def teams(self) -> list[str]:
        return sorted(self.settings.teams)

    @property
    def is_admin(self) -> bool:
        return self.principal.is_admin(self.org)

    @property
    def selected(self) -> list[str]:
        """The repositories the view covers: the filter's one, else every readable one."""
        return [self.filters.repository] if self.filters.repository else self.repositories

    def link(self, path: str = "") -> str:
        """A dashboard URL in this organisation keeping the current filters."""
        return f"{BASE}/{quote(self.org)}{path}{self.filters.query()}"

    def team_link(self, team: str) -> str:
        """The overview narrowed to one team (the other filters kept)."""
        return f"{BASE}/{quote(self.org)}{self.filters.query(team=team)}"

    def repo_link(self, full_name: str, suffix: str = "") -> str:
        """A repository's page (or a page under it): the repository is in the path, so the
        repository filter is dropped from the query."""
        name = full_name.split("/", 1)[1]
        query = self.filters.query(repository=None)
        return f"{BASE}/{quote(self.org)}/repos/{quote(name)}{suffix}{query}"


def org_scope(request: Request, principal: Principal, org: str) -> OrgScope:
    """The organisation's scope for this request, with the URL's filters checked against it."""
    key = require_org(org, principal)
    ctx = service_context(request)
    entries = [e for e in catalog(ctx.engine, ctx.settings.mirrors) if e.org.lower() == key]
    readable = {e.full_name.lower(): e for e in entries if principal.can_read(e.full_name)}
    filters = parse_filters(request.query_params)
    settings = load_org_config(ctx.settings.org_config).for_org(key)
    if filters.repository is not None:
        wanted = filters.repository.lower()
        if wanted not in readable:
            raise Problem(404, "no such repository")
        filters = Filters(
            filters.range, filters.since, filters.until, filters.team, readable[wanted].full_name
        )
    if filters.team is not None and filters.team not in settings.teams:
        raise Problem(404, "no such team")
    names = sorted((e.full_name for e in readable.values()), key=str.lower)
    return OrgScope(
        principal=principal,
        org=key,
        repositories=names,
        repository_ids={e.full_name: e.repository_id for e in readable.values()},
        settings=settings,
        filters=filters,
    )


def repository_in(scope: OrgScope, name: str) -> str:
    """ "owner/name" of a repository of the scope's organisation, or 404."""
    for full_name in scope.repositories:
        if full_name.split("/", 1)[1].lower() == name.lower():
            return full_name
    raise Problem(404, "no such repository")


def current(request: Request) -> Principal | None:
    return optional_principal(request)
