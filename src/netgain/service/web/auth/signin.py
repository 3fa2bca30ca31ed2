"""The end of every sign-in, whatever the provider: store who this is and what they may see now,
rotate the session, record an admin's sign-in, send the browser on to a local path."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from starlette.responses import RedirectResponse

from netgain.service import access
from netgain.service.access import Grant
from netgain.service.context import ServiceContext
from netgain.service.org_config import load_org_config
from netgain.service.web.auth.cookies import clear_login_cookie, set_session_cookie
from netgain.service.web.auth.redirects import safe_next


@dataclass(frozen=True)
class Identity:
    provider: str  # github | oidc | proxy
    subject: str
    login: str
    name: str | None
    emails: frozenset[str]
    grants: Mapping[str, Grant]
    site_admin: bool = False


def with_teams(ctx: ServiceContext, identity: Identity) -> dict[str, Grant]:
    """Each grant with the teams the organisation's configuration puts this person in."""
    config = load_org_config(ctx.settings.org_config)
    keys = {identity.login, *identity.emails}
    return {
        org: replace(grant, teams=frozenset(config.for_org(org).teams_of(keys)))
        for org, grant in identity.grants.items()
    }


def complete(ctx: ServiceContext, identity: Identity, next_path: str) -> RedirectResponse:
    """Sign the browser in: a fresh session (never the one it came with) and a 303 to `next`."""
    engine = ctx.engine
    user_id = access.upsert_user(
        engine,
        provider=identity.provider,
        subject=identity.subject,
        login=identity.login,
        name=identity.name,
        emails=identity.emails,
        site_admin=identity.site_admin,
    )
    grants = with_teams(ctx, identity)
    access.replace_grants(engine, user_id, grants)
    _audit_admin(ctx, identity, grants)
    cookie, _csrf = access.open_session(engine, user_id)
    response = RedirectResponse(safe_next(next_path), status_code=303)
    set_session_cookie(response, ctx.settings, cookie)
    clear_login_cookie(response, ctx.settings)
    return response


def _audit_admin(ctx: ServiceContext, identity: Identity, grants: Mapping[str, Grant]) -> None:
    for org in _admin_orgs(grants.items()):
        access.audit(
            ctx.engine,
            f"user:{identity.login}",
            "auth.sign_in",
            org=org,
            target=identity.login,
            detail={"provider": identity.provider, "role": "admin"},
        )


def _admin_orgs(grants: Iterable[tuple[str, Grant]]) -> list[str]:
    return sorted(org for org, grant in grants if grant.role == "admin")
