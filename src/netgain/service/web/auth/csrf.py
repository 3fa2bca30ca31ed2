"""CSRF protection for cookie-authenticated state changes.

A browser sends the session cookie with any request another site makes it send; only a page the
service rendered knows the CSRF token, derived from the session's own secret (so it rotates with
the session at every sign-in). Forms carry it as the `csrf_token` field, scripts in pages as the
`X-CSRF-Token` header. Requests with `Authorization: Bearer` are not exposed (a browser never
adds that header by itself) and are not checked; their missing cookie makes them anonymous to the
session path anyway (`web.deps.optional_principal`).
"""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from netgain.service.access import SESSION_COOKIE, Principal
from netgain.service.problems import Problem

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def csrf_token(principal: Principal | None) -> str:
    """The token a page puts in its forms for this session ("" for callers without a session:
    API tokens, anonymous visitors — their forms are refused anyway)."""
    if principal is None or principal.csrf_secret is None:
        return ""
    return hmac.new(principal.csrf_secret.encode(), b"netgain-csrf", hashlib.sha256).hexdigest()


def csrf_valid(principal: Principal | None, value: str | None) -> bool:
    expected = csrf_token(principal)
    return bool(expected and value) and hmac.compare_digest(expected, value or "")


async def submitted_token(request: Request) -> str | None:
    """The token of the request: the header, else the form field (the body is cached by
    Starlette, so the route still reads its form afterwards)."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in _FORMS:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def cookie_authenticated(request: Request) -> bool:
    """A browser-style request: a session cookie and no Authorization header."""
    return not request.headers.get("authorization") and bool(request.cookies.get(SESSION_COOKIE))


async def check_csrf(request: Request) -> None:
    """Dependency for every router with state-changing routes: a cookie-authenticated POST, PUT,
    PATCH or DELETE without the session's CSRF token is refused with 403 before the route runs.

    It also refuses a cross-site Origin (defence in depth for browsers that send it)."""
    if request.method in SAFE_METHODS or not cookie_authenticated(request):
        return
    from netgain.service.access import principal_from_session
    from netgain.service.web.deps import service_context

    ctx = service_context(request)
    origin = request.headers.get("origin")
    if origin and origin.rstrip("/") != ctx.settings.public_url:
        raise Problem(403, "cross-site request refused")
    principal = await run_in_threadpool(
        principal_from_session, ctx.engine, request.cookies[SESSION_COOKIE]
    )
    if principal is None:
        return  # an expired or unknown cookie is an anonymous caller: the route answers 401
    if not csrf_valid(principal, await submitted_token(request)):
        raise Problem(403, "missing or invalid CSRF token")
