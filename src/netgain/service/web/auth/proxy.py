"""Optional single sign-on behind a trusted reverse proxy (off by default).

The proxy authenticates the person and passes their login in a header
(`NETGAIN_PROXY_USER_HEADER`; optionally email and groups headers). The header is believed only
on connections from `NETGAIN_PROXY_TRUSTED` addresses: anyone who reaches the service any other
way could write the header themselves. `/auth/proxy/login` turns the header into an ordinary
session, so every other route works the same for every sign-in method.
"""

from __future__ import annotations

from ipaddress import ip_address, ip_network
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from netgain.service.context import ServiceContext
from netgain.service.org_config import load_org_config
from netgain.service.problems import Problem
from netgain.service.settings import ServiceSettings
from netgain.service.web.auth.groups import grants_from_groups
from netgain.service.web.auth.signin import Identity, complete
from netgain.service.web.deps import service_context

router = APIRouter(prefix="/auth/proxy", tags=["sign-in"])
Context = Annotated[ServiceContext, Depends(service_context)]
MAX_HEADER = 300


def from_trusted_proxy(settings: ServiceSettings, host: str | None) -> bool:
    """Whether the TCP peer is one of the trusted proxy addresses (networks allowed)."""
    if not host:
        return False
    try:
        peer = ip_address(host)
    except ValueError:
        return False
    return any(peer in ip_network(net, strict=False) for net in settings.proxy_trusted)


@router.get("/login", response_class=RedirectResponse, status_code=303)
def proxy_login(request: Request, ctx: Context, next: str | None = None) -> Response:
    """Open a session for the person the trusted proxy names."""
    settings = ctx.settings
    if not settings.proxy_sign_in or settings.proxy_user_header is None:
        raise Problem(404, "proxy sign-in is not configured")
    if not from_trusted_proxy(settings, request.client.host if request.client else None):
        raise Problem(403, "this request did not come through the trusted proxy")
    login = request.headers.get(settings.proxy_user_header, "").strip()
    if not login or len(login) > MAX_HEADER:
        raise Problem(401, "the proxy did not name a user")
    email = _header(request, settings.proxy_email_header)
    groups = [g.strip() for g in _header(request, settings.proxy_groups_header).split(",")]
    identity = Identity(
        provider="proxy",
        subject=login,
        login=login,
        name=None,
        emails=frozenset({email.lower()}) if email else frozenset(),
        grants=grants_from_groups(load_org_config(settings.org_config), [g for g in groups if g]),
    )
    return complete(ctx, identity, next or "/")


def _header(request: Request, name: str | None) -> str:
    value = request.headers.get(name, "").strip() if name else ""
    return value if len(value) <= 4000 else ""
