"""Sign-in with GitHub: the GitHub App's OAuth web flow (user-to-server tokens).

`/auth/github/login` starts an attempt (random `state` bound to a pre-session cookie) and sends
the browser to GitHub; `/auth/github/callback` checks the state against that cookie, exchanges the
code, reads what the user may see (`github_user.read_identity`) and opens a session. The user's
GitHub token is used for those reads only and never stored.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

import httpx
from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import RedirectResponse, Response

from netgain.service.context import ServiceContext
from netgain.service.problems import Problem
from netgain.service.web.auth import attempts
from netgain.service.web.auth.cookies import LOGIN_COOKIE, set_login_cookie
from netgain.service.web.auth.github_user import SignInError, exchange_code, read_identity
from netgain.service.web.auth.redirects import safe_next
from netgain.service.web.auth.signin import Identity, complete
from netgain.service.web.deps import service_context

router = APIRouter(prefix="/auth/github", tags=["sign-in"])
Context = Annotated[ServiceContext, Depends(service_context)]
HTTP_TIMEOUT = 15.0


def callback_url(ctx: ServiceContext) -> str:
    return f"{ctx.settings.public_url}/auth/github/callback"


@router.get("/login", response_class=RedirectResponse, status_code=303)
def github_login(ctx: Context, next: str | None = None) -> Response:
    """Send the browser to GitHub's authorize page (or to the chooser if GitHub is not set up)."""
    settings = ctx.settings
    if not settings.github_sign_in:
        if settings.oidc_sign_in or settings.proxy_sign_in:
            return RedirectResponse(
                f"/auth/login?{urlencode({'next': safe_next(next)})}", status_code=303
            )
        raise Problem(404, "GitHub sign-in is not configured")
    attempt = attempts.start(ctx.engine, "github", safe_next(next))
    query = urlencode(
        {
            "client_id": settings.github_client_id,
            "redirect_uri": callback_url(ctx),
            "state": attempt.state,
            "allow_signup": "false",
        }
    )
    response = RedirectResponse(f"{settings.web_url}/login/oauth/authorize?{query}", 303)
    set_login_cookie(response, settings, attempt.cookie)
    return response


@router.get("/callback", response_class=RedirectResponse, status_code=303)
def github_callback(
    request: Request,
    ctx: Context,
    code: Annotated[str | None, Query(max_length=200)] = None,
    state: Annotated[str | None, Query(max_length=200)] = None,
    error: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """Finish the sign-in GitHub sent the browser back from."""
    settings = ctx.settings
    if not settings.github_sign_in or settings.github_client_secret is None:
        raise Problem(404, "GitHub sign-in is not configured")
    attempt = attempts.finish(ctx.engine, "github", request.cookies.get(LOGIN_COOKIE), state)
    if attempt is None:
        raise Problem(400, "this sign-in was not started here or has expired: sign in again")
    if error or not code:
        raise Problem(403, "GitHub did not authorise the sign-in")
    try:
        with httpx.Client(timeout=HTTP_TIMEOUT) as http:
            token = exchange_code(
                http,
                settings.web_url,
                client_id=settings.github_client_id or "",
                client_secret=settings.github_client_secret.get_secret_value(),
                code=code,
                redirect_uri=callback_url(ctx),
            )
            found = read_identity(http, settings.api_url, token)
    except SignInError as exc:
        raise Problem(502, str(exc)) from exc
    except httpx.HTTPError as exc:
        raise Problem(502, f"GitHub could not be reached: {type(exc).__name__}") from exc
    identity = Identity(
        provider="github",
        subject=str(found.user_id),
        login=found.login,
        name=found.name,
        emails=found.emails,
        grants=found.grants,
        site_admin=found.site_admin,
    )
    return complete(ctx, identity, attempt.next_path)
