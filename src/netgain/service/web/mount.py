"""Attach the web layer to the service's FastAPI app: problem-details errors, then each router.

Each part of the web layer (sign-in, REST API, dashboard) exposes a `router` and is included
here, so `create_app` has one line for all of them.
"""

from __future__ import annotations

from fastapi import FastAPI

from netgain.service import problems
from netgain.service.web import api


def mount(app: FastAPI) -> None:
    problems.install(app)
    from netgain.service.feeds.router import router as feeds_router

    app.include_router(feeds_router)
    app.include_router(api.router)
