"""The API's own OpenAPI schema at /api/v1/openapi.json: the `/api/v1` routes only (webhooks,
health and dashboard pages are not part of the contract), with bearer-token security."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse

from netgain.service.web.api.problem_schema import ProblemDetails
from netgain.service.web.api.routes import PREFIX, router

VERSION = "1.0.0"
schema_router = APIRouter()


@cache
def api_schema() -> dict[str, Any]:
    """Built once (the routes do not change while the service runs), from an app holding only
    the API's routes: the service's webhooks, health checks and pages are not in the contract."""
    only_api = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    only_api.include_router(router)
    routes = only_api.routes
    schema = get_openapi(
        title="netgain API",
        version=VERSION,
        description="The organisation's view: repositories, changes and their gate decisions, "
        "findings, provenance, risk, incidents and metrics. See docs/api.md.",
        routes=routes,
    )
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["ProblemDetails"] = ProblemDetails.model_json_schema()
    components["securitySchemes"] = {
        "token": {"type": "http", "scheme": "bearer", "description": "an API token (ngt_...)"},
        "session": {"type": "apiKey", "in": "cookie", "name": "netgain_session"},
    }
    schema["security"] = [{"token": []}, {"session": []}]
    return schema


@schema_router.get(PREFIX + "/openapi.json", include_in_schema=False)
def openapi_json() -> JSONResponse:
    return JSONResponse(api_schema())
