"""The REST API `/api/v1` (routes, ETags, its OpenAPI schema)."""

from __future__ import annotations

from fastapi import APIRouter

from netgain.service.web.api.openapi import schema_router
from netgain.service.web.api.routes import router as routes

router = APIRouter()
router.include_router(routes)
router.include_router(schema_router)
