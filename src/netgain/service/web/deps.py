"""FastAPI dependencies shared by the API and the dashboard: the service context and the caller."""

from __future__ import annotations

from fastapi import Request

from netgain.service.access import (
    SESSION_COOKIE,
    Principal,
    principal_from_session,
    principal_from_token,
)
from netgain.service.context import ServiceContext
from netgain.service.problems import Problem


def service_context(request: Request) -> ServiceContext:
    ctx = request.app.state.ctx
    if not isinstance(ctx, ServiceContext):
        raise RuntimeError("the app was not created by netgain.service.app.create_app")
    return ctx


def optional_principal(request: Request) -> Principal | None:
    """The caller from `Authorization: Bearer` (scripts) or the session cookie (browsers).
    A bearer header that does not resolve is an anonymous caller, never a fallback to the cookie."""
    engine = service_context(request).engine
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            return None
        return principal_from_token(engine, value.strip())
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return principal_from_session(engine, cookie)
    return None


def require_principal(request: Request) -> Principal:
    """401 for anonymous callers (the API); the dashboard redirects to sign-in instead."""
    principal = optional_principal(request)
    if principal is None:
        raise Problem(401, "sign in or send an API token")
    return principal


def require_org(org: str, principal: Principal) -> str:
    """The organisation, or 404 if the caller may not see it (its existence is not confirmed)."""
    if not principal.can_see_org(org):
        raise Problem(404, "no such organisation")
    return org.lower()


def require_repository(full_name: str, principal: Principal) -> str:
    if not principal.can_read(full_name):
        raise Problem(404, "no such repository")
    return full_name.lower()
