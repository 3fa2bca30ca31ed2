"""The session's own routes: choosing a sign-in method, who am I, and signing out."""

from __future__ import annotations

from html import escape
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from starlette.responses import HTMLResponse, RedirectResponse, Response

from netgain.service import access
from netgain.service.access import SESSION_COOKIE, Principal
from netgain.service.context import ServiceContext
from netgain.service.problems import Problem
from netgain.service.web.auth.cookies import clear_session_cookie
from netgain.service.web.auth.csrf import check_csrf
from netgain.service.web.auth.redirects import safe_next
from netgain.service.web.deps import require_principal, service_context

router = APIRouter(prefix="/auth", tags=["sign-in"], dependencies=[Depends(check_csrf)])
Context = Annotated[ServiceContext, Depends(service_context)]
SIGNED_OUT = "/auth/signed-out"


class OrgAccess(BaseModel):
    org: str
    role: str
    repositories: list[str] | None  # None: every repository of the organisation
    teams: list[str]


class Me(BaseModel):
    login: str
    kind: str
    orgs: list[OrgAccess]


@router.get("/login", response_model=None)
def login(ctx: Context, next: str | None = None) -> Response:
    """The configured sign-in method, or a page to choose when there are several."""
    settings = ctx.settings
    target = safe_next(next)
    methods = [
        (label, path)
        for enabled, label, path in (
            (settings.proxy_sign_in, "Single sign-on", "/auth/proxy/login"),
            (settings.oidc_sign_in, "Company sign-in (OpenID Connect)", "/auth/oidc/login"),
            (settings.github_sign_in, "GitHub", "/auth/github/login"),
        )
        if enabled
    ]
    if not methods:
        raise Problem(404, "no sign-in method is configured (see docs/access.md)")
    query = urlencode({"next": target})
    if len(methods) == 1:
        return RedirectResponse(f"{methods[0][1]}?{query}", status_code=303)
    links = "".join(
        f'<li><a href="{escape(path)}?{escape(query)}">{escape(label)}</a></li>'
        for label, path in methods
    )
    return HTMLResponse(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in · netgain'
        "</title></head><body><main><h1>Sign in to netgain</h1>"
        f"<ul>{links}</ul></main></body></html>"
    )


@router.get("/me", response_model=Me)
def me(who: Annotated[Principal, Depends(require_principal)]) -> Me:
    """Who the caller is and what they may see (their own grants only)."""
    return Me(
        login=who.login,
        kind=who.kind,
        orgs=[
            OrgAccess(
                org=org,
                role=grant.role,
                repositories=None if grant.repositories is None else sorted(grant.repositories),
                teams=sorted(grant.teams),
            )
            for org, grant in sorted(who.grants.items())
        ],
    )


@router.post("/logout", response_model=None, status_code=303)
def logout(request: Request, ctx: Context) -> Response:
    """End the session server-side (the cookie is worthless afterwards, even if kept)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie or request.headers.get("authorization"):
        raise Problem(401, "not signed in with a session")
    access.close_session(ctx.engine, cookie)
    response = RedirectResponse(SIGNED_OUT, status_code=303)
    clear_session_cookie(response, ctx.settings)
    return response


@router.get("/signed-out", response_model=None)
def signed_out() -> Response:
    """Where sign-out lands: a page of its own, not the sign-in flow. Sending the browser on to
    `/auth/login` would carry it to the identity provider, which signs a user who already
    granted the app straight back in (GitHub does), and a dashboard form's `form-action 'self'`
    policy would block that cross-site redirect anyway."""
    return HTMLResponse(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signed out · netgain'
        "</title></head><body><main><h1>You are signed out</h1><p data-signed-out>Your session "
        'has ended on the server.</p><p><a href="/auth/login">Sign in again</a></p></main>'
        "</body></html>",
        headers={"Cache-Control": "no-store"},
    )
