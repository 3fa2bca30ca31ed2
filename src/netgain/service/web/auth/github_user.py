"""What GitHub says a signed-in user may see, read with their user-to-server token.

The GitHub App's OAuth web flow gives a token that acts as the user *through the app*: it sees
only the installations of this app the user can reach and, in each, only the repositories the user
can read. That intersection is exactly what netgain may show them. Organisation membership (and
the admin role) comes from `/user/memberships/orgs/{org}`: an installation on an organisation the
user is not an active member of grants nothing, even where they are an outside collaborator.

Endpoints and shapes: docs.github.com/rest/users/users#get-the-authenticated-user,
/rest/users/emails, /rest/apps/installations#list-app-installations-accessible-to-the-user-access-token,
/rest/apps/installations#list-repositories-accessible-to-the-user-access-token,
/rest/orgs/members#get-an-organization-membership-for-the-authenticated-user.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from netgain.service.access import Grant, Role

log = logging.getLogger("netgain.service.auth")

PER_PAGE = 100
MAX_PAGES = 50  # 5,000 installations or repositories: beyond that, the rest is not granted


class SignInError(Exception):
    """GitHub refused or answered something unusable; the message is safe to show the user."""


@dataclass(frozen=True)
class GitHubIdentity:
    user_id: int
    login: str
    name: str | None
    emails: frozenset[str]
    site_admin: bool
    grants: dict[str, Grant] = field(default_factory=dict)


def exchange_code(
    http: httpx.Client,
    web_url: str,
    *,
    client_id: str,
    client_secret: str,
    code: str,
    redirect_uri: str,
) -> str:
    """The user-to-server token for an authorization code. GitHub answers errors with 200 and an
    `error` field (bad_verification_code, incorrect_client_credentials, redirect_uri_mismatch)."""
    response = http.post(
        f"{web_url}/login/oauth/access_token",
        data={
            "client_id": client_id,
            "client_secret": client_secret,
            "code": code,
            "redirect_uri": redirect_uri,
        },
        headers={"Accept": "application/json"},
    )
    body = _json(response)
    if not isinstance(body, dict) or response.status_code != 200:
        raise SignInError(f"GitHub refused the code exchange (HTTP {response.status_code})")
    if "error" in body:
        raise SignInError(f"GitHub refused the code: {body.get('error')}")
    token = body.get("access_token")
    if not isinstance(token, str) or not token:
        raise SignInError("GitHub sent no access token")
    return token


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise SignInError(f"GitHub answered HTTP {response.status_code} without JSON") from exc


class _UserApi:
    def __init__(self, http: httpx.Client, api_url: str, token: str) -> None:
        self.http = http
        self.api_url = api_url
        self.headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        }

    def get(self, path: str, **params: int) -> httpx.Response:
        return self.http.get(f"{self.api_url}{path}", headers=self.headers, params=params)

    def require(self, path: str) -> Any:
        response = self.get(path)
        if response.status_code != 200:
            raise SignInError(f"GitHub answered HTTP {response.status_code} to GET {path}")
        return _json(response)

    def pages(self, path: str, key: str) -> Iterator[dict[str, Any]]:
        """Items of a paginated `{total_count, <key>: [...]}` listing."""
        for page in range(1, MAX_PAGES + 1):
            body = _json(self.get(path, per_page=PER_PAGE, page=page))
            items = body.get(key) if isinstance(body, dict) else None
            if not isinstance(items, list):
                raise SignInError(f"GitHub's answer to GET {path} has no {key!r} list")
            yield from (i for i in items if isinstance(i, dict))
            if len(items) < PER_PAGE:
                return


def read_identity(http: httpx.Client, api_url: str, token: str) -> GitHubIdentity:
    """The user and their grants, from GitHub's answers with their token."""
    api = _UserApi(http, api_url, token)
    user = api.require("/user")
    if not isinstance(user, dict) or not isinstance(user.get("login"), str):
        raise SignInError("GitHub's /user answer has no login")
    login: str = user["login"]
    emails = _emails(api, user)
    grants: dict[str, Grant] = {}
    for installation in api.pages("/user/installations", "installations"):
        account = installation.get("account") or {}
        owner = account.get("login")
        if not isinstance(owner, str) or not isinstance(installation.get("id"), int):
            continue
        role = _role(api, owner, account.get("type"), login)
        if role is None:
            continue
        readable = frozenset(
            str(r["full_name"]).lower()
            for r in api.pages(
                f"/user/installations/{installation['id']}/repositories", "repositories"
            )
            if isinstance(r.get("full_name"), str)
            and str(r["full_name"]).lower().startswith(f"{owner.lower()}/")
            and (r.get("permissions") or {}).get("pull", True)
        )
        grants[owner.lower()] = Grant(role, None if role == "admin" else readable)
    return GitHubIdentity(
        user_id=int(user.get("id") or 0),
        login=login,
        name=user.get("name") if isinstance(user.get("name"), str) else None,
        emails=emails,
        site_admin=bool(user.get("site_admin")),
        grants=grants,
    )


def _emails(api: _UserApi, user: dict[str, Any]) -> frozenset[str]:
    """Verified addresses (the app may lack the email permission: then the public one only)."""
    found: set[str] = set()
    response = api.get("/user/emails", per_page=PER_PAGE)
    if response.status_code == 200:
        body = _json(response)
        for item in body if isinstance(body, list) else []:
            if (
                isinstance(item, dict)
                and item.get("verified")
                and isinstance(item.get("email"), str)
            ):
                found.add(item["email"].lower())
    public = user.get("email")
    if isinstance(public, str) and public:
        found.add(public.lower())
    return frozenset(found)


def _role(api: _UserApi, owner: str, account_type: object, login: str) -> Role | None:
    """The user's role on an installation's account, or None when GitHub does not say they
    belong: a personal account is its owner's (admin) or a collaborator's (member, listed
    repositories only); an organisation needs an *active* membership."""
    if account_type == "User":
        return "admin" if owner.lower() == login.lower() else "member"
    response = api.get(f"/user/memberships/orgs/{owner}")
    if response.status_code == 403:
        log.warning(
            "sign-in: GitHub refused /user/memberships/orgs/%s (403): give the app the "
            "organisation permission Members: read, or nobody sees %s",
            owner,
            owner,
        )
    if response.status_code != 200:
        return None  # 404: not a member (an outside collaborator, or membership hidden)
    body = _json(response)
    if not isinstance(body, dict) or body.get("state") != "active":
        return None
    return "admin" if body.get("role") == "admin" else "member"
