"""Errors of the web API in one shape: RFC 9457 problem details (`application/problem+json`).

Every error a route raises becomes `{"type", "title", "status", "detail"}`; nothing else (no
traceback, no SQL, no name of something the caller may not see) reaches the body.
"""

from __future__ import annotations

from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):  # noqa: N818 (RFC 9457 names it so)
    """Raise from a route: the response is the problem document with this status."""

    def __init__(self, status: int, detail: str = "", *, title: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title or HTTPStatus(status).phrase
        self.detail = detail


def problem_response(status: int, detail: str = "", title: str | None = None) -> JSONResponse:
    body: dict[str, object] = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    headers = {"WWW-Authenticate": 'Bearer realm="netgain"'} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def install(app: FastAPI) -> None:
    """Route every error of `app` through the problem shape."""

    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        if not isinstance(exc, Problem):
            raise exc
        return problem_response(exc.status, exc.detail, exc.title)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        if not isinstance(exc, StarletteHTTPException):
            raise exc
        return problem_response(exc.status_code, str(exc.detail) if exc.detail else "")

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        if not isinstance(exc, RequestValidationError):
            raise exc
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return problem_response(422, f"{where}: {first.get('msg', 'invalid request')}")

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
