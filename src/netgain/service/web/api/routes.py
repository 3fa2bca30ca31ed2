"""`/api/v1`: the organisation's view for scripts, on the same app as the dashboard.

Every route resolves the caller first (`require_principal`: 401 without credentials) and lets the
view check the organisation or repository against the caller's grants before the store is asked
(404 for what the caller may not see, with no name confirmed). Answers carry strong ETags; every
error is an RFC 9457 problem document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Request, Response
from pydantic import BaseModel

from netgain.service.access import Principal
from netgain.service.views import catalog_views, changes, metrics_views, outcomes, overview
from netgain.service.views.context import ViewContext
from netgain.service.views.models import (
    Commit,
    CommitDetail,
    Decision,
    Incident,
    Metrics,
    Organisation,
    Overview,
    Page,
    PullRequest,
    PullRequestDetail,
    ReportedFinding,
    Repository,
    Risk,
)
from netgain.service.web.api import params
from netgain.service.web.api.etag import tagged
from netgain.service.web.api.problem_schema import ERRORS
from netgain.service.web.deps import require_principal, service_context

PREFIX = "/api/v1"


def conditional(
    if_none_match: Annotated[
        str | None,
        Header(max_length=1024, description="an ETag from an earlier answer: 304 if current"),
    ] = None,
) -> None:
    """Declares `If-None-Match` on every operation (`tagged` reads it from the request)."""


router = APIRouter(
    prefix=PREFIX, tags=["api"], responses=ERRORS, dependencies=[Depends(conditional)]
)

Caller = Annotated[Principal, Depends(require_principal)]
Org = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
Owner = Org
Name = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$")]
Team = Annotated[str, Path(min_length=1, max_length=100)]
Person = Annotated[str, Path(min_length=1, max_length=254)]
Number = Annotated[int, Path(ge=1, le=2**31 - 1)]
Sha = Annotated[str, Path(min_length=4, max_length=64, pattern=r"^[0-9a-fA-F]+$")]
OK: dict[int | str, dict[str, Any]] = {
    200: {
        "headers": {
            "ETag": {
                "description": "strong tag of this body; send it back in If-None-Match",
                "required": True,
                "schema": {"type": "string"},
            }
        }
    },
    304: {"description": "Not Modified: the `If-None-Match` tag is current"},
}


def _views(request: Request) -> ViewContext:
    return ViewContext.of(service_context(request))


@router.get("/orgs", response_model=list[Organisation], responses=OK)
def list_orgs(request: Request, caller: Caller) -> Response:
    """The organisations the caller belongs to."""
    from pydantic import RootModel

    orgs = catalog_views.organisations(_views(request), caller)
    return tagged(request, RootModel[list[Organisation]](orgs))


@router.get("/orgs/{org}", response_model=Organisation, responses=OK)
def get_org(request: Request, caller: Caller, org: Org) -> Response:
    return tagged(request, catalog_views.organisation(_views(request), caller, org))


@router.get("/orgs/{org}/overview", response_model=Overview, responses=OK)
def org_overview(request: Request, caller: Caller, org: Org, query: params.Overviewed) -> Response:
    """Headline figures of every readable repository (or those named), aggregated by the
    database; for a team, of the commits its members wrote."""
    view = overview.overview(
        _views(request), caller, org, query.window, repositories=query.repository, team=query.team
    )
    return tagged(request, view)


@router.get("/orgs/{org}/repositories", response_model=Page[Repository], responses=OK)
def org_repositories(
    request: Request,
    caller: Caller,
    org: Org,
    cursor: params.Cursor = None,
    limit: params.Limit = params.DEFAULT_PAGE,
) -> Response:
    page = catalog_views.repositories(_views(request), caller, org, cursor=cursor, limit=limit)
    return tagged(request, page)


@router.get("/orgs/{org}/decisions", response_model=Page[Decision], responses=OK)
def org_decisions(request: Request, caller: Caller, org: Org, query: params.Listing) -> Response:
    """The review gate's decisions on every readable repository, newest first."""
    page = changes.org_decisions(
        _views(request), caller, org, query.window, cursor=query.cursor, limit=query.limit
    )
    return tagged(request, page)


@router.get("/orgs/{org}/metrics", response_model=Metrics, responses=OK)
def org_metrics(request: Request, caller: Caller, org: Org, query: params.Scoped) -> Response:
    """The `netgain metrics --json` document over the combined records of the organisation's
    readable repositories (or those named)."""
    view = metrics_views.org_metrics(
        _views(request), caller, org, query.window, query.by, query.repository
    )
    return tagged(request, view)


@router.get("/orgs/{org}/teams/{team}/metrics", response_model=Metrics, responses=OK)
def team_metrics(
    request: Request, caller: Caller, org: Org, team: Team, query: params.Scoped
) -> Response:
    """A team's figures; withheld for a team smaller than the privacy setting's minimum."""
    view = metrics_views.team_metrics(
        _views(request), caller, org, team, query.window, query.by, query.repository
    )
    return tagged(request, view)


@router.get("/orgs/{org}/me/metrics", response_model=Metrics, responses=OK)
def own_metrics(request: Request, caller: Caller, org: Org, query: params.Periods) -> Response:
    """The caller's own figures (a person sees their own)."""
    view = metrics_views.own_metrics(_views(request), caller, org, query.window, query.by)
    return tagged(request, view)


@router.get("/orgs/{org}/people/{person}/metrics", response_model=Metrics, responses=OK)
def person_metrics(
    request: Request, caller: Caller, org: Org, person: Person, query: params.Periods
) -> Response:
    """One person's figures (login or commit email): for that person and admins only."""
    view = metrics_views.person_metrics(
        _views(request), caller, org, person, query.window, query.by
    )
    return tagged(request, view)


def _full(owner: str, name: str) -> str:
    return f"{owner}/{name}"


def _listing(
    request: Request,
    caller: Principal,
    owner: str,
    name: str,
    query: params.ListQuery,
    view: Callable[..., BaseModel],
) -> Response:
    """A repository's paginated listing, in the time range, as a tagged page."""
    page = view(
        _views(request),
        caller,
        _full(owner, name),
        query.window,
        cursor=query.cursor,
        limit=query.limit,
    )
    return tagged(request, page)


@router.get("/repos/{owner}/{name}", response_model=Repository, responses=OK)
def get_repository(request: Request, caller: Caller, owner: Owner, name: Name) -> Response:
    view = catalog_views.repository(_views(request), caller, _full(owner, name))
    return tagged(request, view)


@router.get("/repos/{owner}/{name}/metrics", response_model=Metrics, responses=OK)
def repository_metrics(
    request: Request, caller: Caller, owner: Owner, name: Name, query: params.Periods
) -> Response:
    """The `netgain metrics --json` document of one repository, from the store."""
    view = metrics_views.repository_metrics(
        _views(request), caller, _full(owner, name), query.window, query.by
    )
    return tagged(request, view)


@router.get("/repos/{owner}/{name}/commits", response_model=Page[Commit], responses=OK)
def list_commits(
    request: Request, caller: Caller, owner: Owner, name: Name, query: params.Listing
) -> Response:
    """Non-merge commits, newest first, with their AI share and its evidence class."""
    return _listing(request, caller, owner, name, query, changes.commits)


@router.get("/repos/{owner}/{name}/commits/{sha}", response_model=CommitDetail, responses=OK)
def get_commit(request: Request, caller: Caller, owner: Owner, name: Name, sha: Sha) -> Response:
    view = changes.commit(_views(request), caller, _full(owner, name), sha)
    return tagged(request, view)


@router.get("/repos/{owner}/{name}/pulls", response_model=Page[PullRequest], responses=OK)
def list_pulls(
    request: Request, caller: Caller, owner: Owner, name: Name, query: params.Listing
) -> Response:
    """Pull requests, newest first, with their AI share and the gate's latest decision."""
    return _listing(request, caller, owner, name, query, changes.pull_requests)


@router.get("/repos/{owner}/{name}/pulls/{number}", response_model=PullRequestDetail, responses=OK)
def get_pull(
    request: Request, caller: Caller, owner: Owner, name: Name, number: Number
) -> Response:
    """Why a pull request was approved or blocked, rule by rule, at every head judged."""
    view = changes.pull_request(_views(request), caller, _full(owner, name), number)
    return tagged(request, view)


@router.get("/repos/{owner}/{name}/decisions", response_model=Page[Decision], responses=OK)
def list_decisions(
    request: Request, caller: Caller, owner: Owner, name: Name, query: params.Listing
) -> Response:
    """Every decision the review gate reported, newest first."""
    return _listing(request, caller, owner, name, query, changes.decisions)


@router.get("/repos/{owner}/{name}/incidents", response_model=Page[Incident], responses=OK)
def list_incidents(
    request: Request, caller: Caller, owner: Owner, name: Name, query: params.Listing
) -> Response:
    return _listing(request, caller, owner, name, query, outcomes.incidents)


@router.get("/repos/{owner}/{name}/findings", response_model=Page[ReportedFinding], responses=OK)
def list_findings(
    request: Request, caller: Caller, owner: Owner, name: Name, query: params.Listing
) -> Response:
    """Findings reported after the merge (pentest, bounty, SARIF) and the change each came from."""
    return _listing(request, caller, owner, name, query, outcomes.reported_findings)


@router.get("/repos/{owner}/{name}/risk", response_model=Risk, responses=OK)
def get_risk(request: Request, caller: Caller, owner: Owner, name: Name) -> Response:
    return tagged(request, outcomes.risk(_views(request), caller, _full(owner, name)))
