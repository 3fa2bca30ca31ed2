"""Sign-in with an OpenID Connect provider: authorization code flow with PKCE (S256), `state`
and `nonce` bound to the browser's pre-session cookie, the ID token verified by `OidcClient`.

Groups (the `NETGAIN_OIDC_GROUPS_CLAIM` claim of the ID token, else of the userinfo answer) map
to organisation grants through the organisations' file (`groups.grants_from_groups`).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

import httpx
from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import RedirectResponse, Response

from netgain.service.context import ServiceContext
from netgain.service.org_config import load_org_config
from netgain.service.problems import Problem
from netgain.service.web.auth import attempts
from netgain.service.web.auth.cookies import LOGIN_COOKIE, set_login_cookie
from netgain.service.web.auth.github_user import SignInError
from netgain.service.web.auth.groups import grants_from_groups
from netgain.service.web.auth.oidc_client import OidcClient, pkce_challenge
from netgain.service.web.auth.redirects import safe_next
from netgain.service.web.auth.signin import Identity, complete
from netgain.service.web.deps import service_context

router = APIRouter(prefix="/auth/oidc", tags=["sign-in"])
Context = Annotated[ServiceContext, Depends(service_context)]
HTTP_TIMEOUT = 15.0


def client_of(request: Request, ctx: ServiceContext) -> OidcClient:
    """The app's OIDC client (one per app, so discovery and keys are cached across requests)."""
    settings = ctx.settings
    if not settings.oidc_sign_in or settings.oidc_issuer is None:
        raise Problem(404, "OpenID Connect sign-in is not configured")
    client = getattr(request.app.state, "oidc_client", None)
    if not isinstance(client, OidcClient):
        secret = settings.oidc_client_secret
        client = OidcClient(
            settings.oidc_issuer,
            settings.oidc_client_id or "",
            secret.get_secret_value() if secret is not None else None,
        )
        request.app.state.oidc_client = client
    return client


def callback_url(ctx: ServiceContext) -> str:
    return f"{ctx.settings.public_url}/auth/oidc/callback"


@router.get("/login", response_class=RedirectResponse, status_code=303)
def oidc_login(request: Request, ctx: Context, next: str | None = None) -> Response:
    """Send the browser to the identity provider's authorization endpoint."""
    client = client_of(request, ctx)
    try:
        with httpx.Client(timeout=HTTP_TIMEOUT) as http:
            provider = client.provider(http)
    except (SignInError, httpx.HTTPError) as exc:
        raise Problem(502, f"the identity provider is unavailable: {_reason(exc)}") from exc
    attempt = attempts.start(ctx.engine, "oidc", safe_next(next), oidc=True)
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client.client_id,
            "redirect_uri": callback_url(ctx),
            "scope": ctx.settings.oidc_scopes,
            "state": attempt.state,
            "nonce": attempt.nonce,
            "code_challenge": pkce_challenge(attempt.code_verifier or ""),
            "code_challenge_method": "S256",
        }
    )
    response = RedirectResponse(f"{provider.authorization_endpoint}?{query}", 303)
    set_login_cookie(response, ctx.settings, attempt.cookie)
    return response


@router.get("/callback", response_class=RedirectResponse, status_code=303)
def oidc_callback(
    request: Request,
    ctx: Context,
    code: Annotated[str | None, Query(max_length=2000)] = None,
    state: Annotated[str | None, Query(max_length=200)] = None,
    error: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """Finish the sign-in the provider sent the browser back from."""
    client = client_of(request, ctx)
    attempt = attempts.finish(ctx.engine, "oidc", request.cookies.get(LOGIN_COOKIE), state)
    if attempt is None:
        raise Problem(400, "this sign-in was not started here or has expired: sign in again")
    if error or not code or not attempt.nonce or not attempt.code_verifier:
        raise Problem(403, "the identity provider did not authorise the sign-in")
    try:
        with httpx.Client(timeout=HTTP_TIMEOUT) as http:
            tokens = client.exchange(http, code, callback_url(ctx), attempt.code_verifier)
            id_token = tokens.get("id_token")
            if not isinstance(id_token, str):
                raise SignInError("the provider sent no ID token")
            claims = client.verify(http, id_token, attempt.nonce)
            groups = _groups(claims, ctx.settings.oidc_groups_claim)
            access_token = tokens.get("access_token")
            if groups is None and isinstance(access_token, str):
                groups = _groups(
                    client.userinfo(http, access_token), ctx.settings.oidc_groups_claim
                )
    except (SignInError, httpx.HTTPError) as exc:
        raise Problem(502, f"the sign-in failed: {_reason(exc)}") from exc
    identity = Identity(
        provider="oidc",
        subject=str(claims["sub"]),
        login=_login(claims),
        name=claims.get("name") if isinstance(claims.get("name"), str) else None,
        emails=_emails(claims),
        grants=grants_from_groups(load_org_config(ctx.settings.org_config), groups or []),
    )
    return complete(ctx, identity, attempt.next_path)


def _groups(claims: dict[str, Any], claim: str) -> list[str] | None:
    value = claims.get(claim)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [g for g in value if isinstance(g, str)]
    return None


def _login(claims: dict[str, Any]) -> str:
    for key in ("preferred_username", "email", "sub"):
        value = claims.get(key)
        if isinstance(value, str) and value:
            return value[:300]
    return str(claims["sub"])[:300]


def _emails(claims: dict[str, Any]) -> frozenset[str]:
    """The email only when the provider says it verified it (an unverified address could claim
    someone else's figures)."""
    email = claims.get("email")
    if isinstance(email, str) and claims.get("email_verified") is True:
        return frozenset({email.lower()})
    return frozenset()


def _reason(exc: Exception) -> str:
    return str(exc) if isinstance(exc, SignInError) else type(exc).__name__
