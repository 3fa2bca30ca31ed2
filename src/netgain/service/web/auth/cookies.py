"""The two cookies of sign-in: the session, and the short-lived pre-session of a login under way.

Both are `HttpOnly` (no script reads them), `SameSite=Lax` (sent on top-level navigation back
from the identity provider, not on cross-site POSTs) and `Secure` whenever the public URL is https.
"""

from __future__ import annotations

from starlette.responses import Response

from netgain.service.access import SESSION_COOKIE, SESSION_LIFETIME
from netgain.service.settings import ServiceSettings

LOGIN_COOKIE = "netgain_login"
LOGIN_LIFETIME_SECONDS = 600


def _set(
    response: Response, settings: ServiceSettings, name: str, value: str, age: int, path: str
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=age,
        path=path,
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
    )


def _clear(response: Response, settings: ServiceSettings, name: str, path: str) -> None:
    response.delete_cookie(
        name, path=path, secure=settings.secure_cookies, httponly=True, samesite="lax"
    )


def set_session_cookie(response: Response, settings: ServiceSettings, value: str) -> None:
    _set(response, settings, SESSION_COOKIE, value, int(SESSION_LIFETIME.total_seconds()), "/")


def clear_session_cookie(response: Response, settings: ServiceSettings) -> None:
    _clear(response, settings, SESSION_COOKIE, "/")


def set_login_cookie(response: Response, settings: ServiceSettings, value: str) -> None:
    _set(response, settings, LOGIN_COOKIE, value, LOGIN_LIFETIME_SECONDS, "/auth")


def clear_login_cookie(response: Response, settings: ServiceSettings) -> None:
    _clear(response, settings, LOGIN_COOKIE, "/auth")
