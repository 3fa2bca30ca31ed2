"""The dashboard's routes: one page per question, all under /dashboard.

Each route resolves the caller (or redirects a browser to sign-in), narrows the organisation to
what the caller may see (`scope.org_scope`), reads its figures, and renders one template. No
route writes anything: the dashboard only reads, so it has no form that changes state.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute

from netgain.service.context import ServiceContext
from netgain.service.problems import Problem
from netgain.service.web.dashboard import board_page, pages
from netgain.service.web.dashboard.pull_request import load_pull_request
from netgain.service.web.dashboard.render import page, static_file
from netgain.service.web.dashboard.scope import (
    BASE,
    OrgScope,
    current,
    org_scope,
    repository_in,
    sign_in_redirect,
)
from netgain.service.web.deps import service_context


class DashboardRoute(APIRoute):
    """A browser that asked for a page gets its error as a page (same status, the problem's
    generic detail, nothing else); scripts keep the RFC 9457 problem, and 401 stays a problem
    (browsers are redirected to sign-in before any route could raise it)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except Problem as exc:
                if exc.status == 401 or "text/html" not in request.headers.get("accept", ""):
                    raise
                context = {"status": exc.status, "title": exc.title, "detail": exc.detail}
                return page("error.html.j2", context, status=exc.status)

        return route


router = APIRouter(prefix=BASE, include_in_schema=False, route_class=DashboardRoute)


def _common(request: Request, scope: OrgScope, section: str, question: str) -> dict[str, Any]:
    return {
        "scope": scope,
        "principal": scope.principal,
        "section": section,
        "question": question,
        "path": request.url.path,
    }


@router.get("/static/{name}")
def static(name: str) -> Response:
    """The stylesheet and script (no data: served to anyone, cached briefly)."""
    found = static_file(name)
    if found is None:
        raise Problem(404, "no such file")
    body, media_type = found
    return Response(
        body,
        media_type=media_type,
        headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"},
    )


@router.get("")
@router.get("/")
def index(request: Request) -> Response:
    """The organisations the caller may see; straight to the overview when there is one."""
    principal = current(request)
    if principal is None:
        return sign_in_redirect(request)
    orgs = principal.orgs()
    if len(orgs) == 1:
        return RedirectResponse(f"{BASE}/{orgs[0]}", status_code=303)
    return page("index.html.j2", {"principal": principal, "orgs": orgs, "section": "index"})


@router.get("/{org}")
def overview(request: Request, org: str) -> Response:
    return _org_page(
        request,
        org,
        "overview",
        "Did AI make us faster once the downstream cost is paid?",
        pages.overview,
        "overview.html.j2",
    )


@router.get("/{org}/repos/{name}")
def repository(request: Request, org: str, name: str) -> Response:
    principal = current(request)
    if principal is None:
        return sign_in_redirect(request)
    scope = org_scope(request, principal, org)
    full_name = repository_in(scope, name)
    ctx = service_context(request)
    context = _common(
        request,
        scope,
        "repository",
        f"How is {full_name} doing, and which of its files and changes are risky?",
    )
    context |= pages.repository(ctx, scope, full_name)
    return page("repository.html.j2", context)


@router.get("/{org}/repos/{name}/pull/{number}")
def pull_request(request: Request, org: str, name: str, number: int) -> Response:
    principal = current(request)
    if principal is None:
        return sign_in_redirect(request)
    scope = org_scope(request, principal, org)
    full_name = repository_in(scope, name)
    if number < 1 or number > 2**31:
        raise Problem(404, "no such pull request")
    view = load_pull_request(service_context(request).engine, full_name, number)
    if view is None:
        raise Problem(404, "no decision recorded for this pull request")
    context = _common(
        request,
        scope,
        "pull",
        f"Why was {full_name}#{number} approved or blocked, and what should a reviewer read?",
    )
    context |= {"pr": view, "repository": full_name}
    return page("pull_request.html.j2", context)


def _org_page(
    request: Request,
    org: str,
    section: str,
    question: str,
    build: Callable[[ServiceContext, OrgScope], dict[str, Any]],
    template: str,
) -> Response:
    """An organisation-wide page: sign-in, scope, the page's figures, its template."""
    principal = current(request)
    if principal is None:
        return sign_in_redirect(request)
    scope = org_scope(request, principal, org)
    context = _common(request, scope, section, question)
    context |= build(service_context(request), scope)
    return page(template, context)


# The organisation-wide pages after the overview: (path, section, question, figures, template).
ORG_PAGES: tuple[
    tuple[str, str, str, Callable[[ServiceContext, OrgScope], dict[str, Any]], str], ...
] = (
    (
        "/board",
        "board",
        board_page.QUESTION,
        board_page.board_page,
        "board.html.j2",
    ),
    (
        "/review-load",
        "review-load",
        "How many hours go into review, at which seniority, and is anyone overloaded?",
        pages.review_load,
        "review_load.html.j2",
    ),
    (
        "/bottleneck",
        "bottleneck",
        "Where does a change wait on its way from first commit to deployment?",
        pages.bottleneck,
        "bottleneck.html.j2",
    ),
    (
        "/validation-credit",
        "credit",
        "Who does the validation work that line counts do not reward?",
        pages.validation_credit,
        "validation_credit.html.j2",
    ),
)


def _register(
    path: str,
    section: str,
    question: str,
    build: Callable[[ServiceContext, OrgScope], dict[str, Any]],
    template: str,
) -> None:
    def route(request: Request, org: str) -> Response:
        return _org_page(request, org, section, question, build, template)

    route.__name__ = section.replace("-", "_")
    router.add_api_route("/{org}" + path, route, methods=["GET"])


for _page in ORG_PAGES:
    _register(*_page)
