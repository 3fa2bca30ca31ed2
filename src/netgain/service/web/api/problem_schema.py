"""The problem-details document (RFC 9457) as the OpenAPI schema documents it for every route."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from netgain.service.problems import PROBLEM_JSON


class ProblemDetails(BaseModel):
    type: str = Field(description="always about:blank: the status says what happened")
    title: str
    status: int
    detail: str | None = None


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}},
    }


ERRORS: dict[int | str, dict[str, Any]] = {
    400: _problem("Bad Request: a bad cursor or time range"),
    401: _problem("Unauthorized: no session and no valid API token"),
    404: _problem("Not Found: no such resource, or one the caller may not see"),
    422: _problem("Unprocessable Content: a parameter failed validation"),
}
