"""Every route of sign-in and access control, as one router for `web.mount`."""

from __future__ import annotations

from fastapi import APIRouter

from netgain.service.web.auth import github, oidc, proxy, session, tokens

router = APIRouter()
for part in (session.router, github.router, oidc.router, proxy.router, tokens.router):
    router.include_router(part)
