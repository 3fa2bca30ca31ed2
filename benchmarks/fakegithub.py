"""A fake GitHub on loopback: the REST endpoints the service uses, in GitHub's response shapes,
and the repositories served over real smart HTTP (`git http-backend`) behind token auth.

State lives in this process; the service under test (in threads or in other processes) reaches
it over TCP only. Hooks let a test stall a request (to kill a worker mid-job) or fail one.
"""

from __future__ import annotations

import base64
import copy
import itertools
import secrets
import subprocess
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from benchmarks.github_payloads import load
from benchmarks.loopback import Served, free_port

__all__ = ["FakeGitHub", "Person", "Served", "free_port"]  # the loopback server: benchmarks

DOCS = "https://docs.github.com/rest"


def _user(login: str) -> dict[str, Any]:
    return {"login": login, "id": abs(hash(login)) % 10**7, "type": "User", "site_admin": False}


@dataclass
class Person:
    """A GitHub user as the sign-in endpoints see them."""

    id: int
    name: str | None = None
    email: str | None = None  # the public profile email (null when hidden)
    emails: list[tuple[str, bool]] = field(default_factory=list)  # (address, verified)
    memberships: dict[str, tuple[str, str]] = field(default_factory=dict)  # org -> state, role
    readable: set[str] = field(default_factory=set)  # repositories they can pull
    emails_allowed: bool = True  # whether the app has the "email addresses" permission


@dataclass
class FakeGitHub:
    public_key: str
    app_id: str
    installation_id: int = 4242
    repos: dict[str, Path] = field(default_factory=dict)  # full name -> git dir served
    pulls: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    reviews: dict[tuple[str, int], list[dict[str, Any]]] = field(default_factory=dict)
    check_runs: dict[int, dict[str, Any]] = field(default_factory=dict)
    check_run_updates: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    review_requests: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)
    # the timeline backfill: issue timeline events and commits of each pull request
    timelines: dict[tuple[str, int], list[dict[str, Any]]] = field(default_factory=dict)
    pull_commits: dict[tuple[str, int], list[dict[str, Any]]] = field(default_factory=dict)
    tokens: dict[str, float] = field(default_factory=dict)  # token -> expiry
    token_grants: int = 0
    git_requests: list[tuple[str, str]] = field(default_factory=list)  # (auth ok?, path)
    stall: dict[str, threading.Event] = field(default_factory=dict)  # path prefix -> released
    stalled: dict[str, threading.Event] = field(default_factory=dict)  # set when one arrived
    fail: dict[str, list[int]] = field(default_factory=dict)  # path -> statuses to answer first
    remaining: int = 5000
    calls: list[tuple[str, str]] = field(default_factory=list)  # (method, path) of API calls
    notifications: list[tuple[str, Any]] = field(default_factory=list)  # (hook name, JSON)
    # code scanning: repository -> analyses (GitHub's listing shape, plus "sarif": the log)
    analyses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # sign-in (the GitHub App's OAuth web flow): people by login, the app's OAuth client, the
    # person the authorize page approves as, codes and user-to-server tokens handed out
    people: dict[str, Person] = field(default_factory=dict)
    oauth_client: tuple[str, str] = ("Iv23liFakeClientId", "fake-client-secret")
    approve_as: str | None = None
    installations_by_account: dict[str, int] = field(default_factory=dict)  # login -> id
    account_types: dict[str, str] = field(default_factory=dict)  # login -> Organization | User
    app_repositories: set[str] = field(default_factory=set)  # installed, beyond served ones
    oauth_codes: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> login, uri
    user_tokens: dict[str, str] = field(default_factory=dict)  # ghu_ token -> login
    members_permission: bool = True  # the app's organisation permission Members: read
    lock: threading.RLock = field(default_factory=threading.RLock)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    # ---- test helpers -------------------------------------------------------------------
    def add_pull(
        self, repository: str, number: int, *, base: str, head: str, author: str
    ) -> dict[str, Any]:
        pull = copy.deepcopy(load("pull_request_opened.json")["pull_request"])
        pull["number"], pull["state"] = number, "open"
        pull["user"] = _user(author)
        pull["base"]["sha"], pull["head"]["sha"] = base, head
        pull["base"]["ref"] = "main"
        pull["requested_reviewers"], pull["requested_teams"] = [], []
        with self.lock:
            self.pulls[(repository, number)] = pull
            self.reviews.setdefault((repository, number), [])
        return pull

    def completed_runs(self, head: str) -> list[dict[str, Any]]:
        return [
            r
            for r in self.check_runs.values()
            if r["head_sha"] == head and r["status"] == "completed"
        ]

    # ---- plumbing -----------------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        with self.lock:
            self.remaining -= 1
            left = self.remaining
        return {
            "x-ratelimit-limit": "5000",
            "x-ratelimit-remaining": str(left),
            "x-ratelimit-reset": str(int(time.time()) + 3600),
            "x-github-api-version-selected": "2022-11-28",
        }

    def _json(self, body: Any, status: int = 200) -> JSONResponse:
        return JSONResponse(body, status_code=status, headers=self._headers())

    def _error(self, status: int, message: str) -> JSONResponse:
        return self._json(
            {"message": message, "documentation_url": DOCS, "status": str(status)}, status
        )

    def _token_ok(self, request: Request) -> bool:
        auth = request.headers.get("authorization", "")
        scheme, _, value = auth.partition(" ")
        if scheme.lower() not in ("token", "bearer"):
            return False
        with self.lock:
            expiry = self.tokens.get(value)
        return expiry is not None and expiry > time.time()

    def _hooks(self, path: str) -> Response | None:
        for prefix, released in list(self.stall.items()):
            if path.startswith(prefix):
                self.stalled.setdefault(prefix, threading.Event()).set()
                released.wait(60)
        with self.lock:
            queued = self.fail.get(path)
            status = queued.pop(0) if queued else None
        if status is not None:
            headers = {"retry-after": "0"} if status in (403, 429) else {}
            return JSONResponse({"message": "injected"}, status_code=status, headers=headers)
        return None

    def _check_run_body(self, run: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": run["id"],
            "node_id": f"CR_{run['id']}",
            "head_sha": run["head_sha"],
            "external_id": "",
            "url": f"https://api.github.com/repos/{run['repository']}/check-runs/{run['id']}",
            "html_url": f"https://github.com/{run['repository']}/runs/{run['id']}",
            "status": run["status"],
            "conclusion": run["conclusion"],
            "started_at": run.get("started_at"),
            "completed_at": run.get("completed_at"),
            "output": {
                "title": run["output"].get("title"),
                "summary": run["output"].get("summary"),
                "text": None,
                "annotations_count": len(run["annotations"]),
                "annotations_url": f"https://api.github.com/repos/{run['repository']}/check-runs/{run['id']}/annotations",
            },
            "name": run["name"],
            "check_suite": {"id": 1},
            "app": {"id": int(self.app_id), "slug": "netgain", "name": "netgain"},
            "pull_requests": [],
        }

    # ---- endpoints ----------------------------------------------------------------------
    async def access_tokens(self, request: Request) -> Response:
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer "):
            return self._error(401, "A JSON web token could not be decoded")
        try:
            claims = jwt.decode(auth[7:], self.public_key, algorithms=["RS256"])
        except jwt.PyJWTError:
            return self._error(401, "A JSON web token could not be decoded")
        if str(claims.get("iss")) != self.app_id or claims["exp"] - claims["iat"] > 600:
            return self._error(401, "'Expiration time' claim ('exp') is too far in the future")
        if int(request.path_params["installation"]) != self.installation_id:
            return self._error(404, "Not Found")
        token = "ghs_" + secrets.token_hex(18)
        expires = datetime.now(UTC) + timedelta(hours=1)
        with self.lock:
            self.tokens[token] = expires.timestamp()
            self.token_grants += 1
        return self._json(
            {
                "token": token,
                "expires_at": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "permissions": {"checks": "write", "pull_requests": "write", "contents": "read"},
                "repository_selection": "all",
            },
            201,
        )

    async def installations(self, request: Request) -> Response:
        auth = request.headers.get("authorization", "")
        try:
            jwt.decode(auth.removeprefix("Bearer "), self.public_key, algorithms=["RS256"])
        except jwt.PyJWTError:
            return self._error(401, "A JSON web token could not be decoded")
        page = int(request.query_params.get("page", "1"))
        items = [
            {
                "id": self.installation_id,
                "account": {"login": "octo-org", "type": "Organization"},
                "app_id": int(self.app_id),
                "target_type": "Organization",
            }
        ]
        return self._json(items if page == 1 else [])

    async def installation_repositories(self, request: Request) -> Response:
        if not self._token_ok(request):
            return self._error(401, "Bad credentials")
        per_page = int(request.query_params.get("per_page", "30"))
        page = int(request.query_params.get("page", "1"))
        names = sorted(self.repos)[(page - 1) * per_page : page * per_page]
        repositories = [
            {
                "id": i,
                "full_name": n,
                "name": n.split("/")[1],
                "private": True,
                "default_branch": "main",
            }
            for i, n in enumerate(names)
        ]
        return self._json(
            {
                "total_count": len(self.repos),
                "repository_selection": "all",
                "repositories": repositories,
            }
        )

    async def api(self, request: Request) -> Response:
        path = request.url.path
        hooked = await _in_thread(self._hooks, path)
        if hooked is not None:
            return hooked
        if not self._token_ok(request):
            return self._error(401, "Bad credentials")
        body = await request.json() if request.method in ("POST", "PATCH") else None
        parts = path.strip("/").split("/")  # repos/o/r/...
        if parts[0] != "repos" or len(parts) < 3:
            return self._error(404, "Not Found")
        repository, rest, method = f"{parts[1]}/{parts[2]}", parts[3:], request.method
        self.calls.append((method, path))
        if repository not in self.repos:
            return self._error(404, "Not Found")
        with self.lock:
            return self._route(repository, rest, method, body, request)

    def _route(
        self, repository: str, rest: list[str], method: str, body: Any, request: Request
    ) -> Response:
        if not rest and method == "GET":
            return self._json({"full_name": repository, "default_branch": "main", "private": True})
        if rest[:1] == ["commits"] and len(rest) == 2 and method == "GET":
            return self._commit(repository, rest[1])
        if rest == ["pulls"] and method == "GET":
            return self._pull_list(repository, request)
        if rest[:1] == ["issues"] and rest[2:] == ["timeline"] and method == "GET":
            return self._page(self.timelines.get((repository, int(rest[1])), []), request)
        if rest[:1] == ["pulls"] and rest[2:] == ["commits"] and method == "GET":
            return self._page(self.pull_commits.get((repository, int(rest[1])), []), request)
        if rest[:1] == ["pulls"] and len(rest) >= 2:
            key = (repository, int(rest[1]))
            if key not in self.pulls:
                return self._error(404, "Not Found")
            if len(rest) == 2 and method == "GET":
                return self._json(self.pulls[key])
            if rest[2:] == ["reviews"] and method == "GET":
                return self._json(self.reviews[key])
            if rest[2:] == ["requested_reviewers"] and method == "POST":
                author = self.pulls[key]["user"]["login"]
                if author in body.get("reviewers", []):
                    return self._error(422, "Review cannot be requested from pull request author.")
                self.review_requests.append((repository, key[1], body))
                self.pulls[key]["requested_reviewers"] += [
                    _user(u) for u in body.get("reviewers", [])
                ]
                return self._json(self.pulls[key], 201)
        if rest[:2] == ["code-scanning", "analyses"] and method == "GET":
            return self._code_scanning(repository, rest[2:], request)
        if rest[:1] == ["commits"] and rest[2:] == ["check-runs"] and method == "GET":
            name = request.query_params.get("check_name")
            runs = [
                self._check_run_body(r)
                for r in sorted(self.check_runs.values(), key=lambda r: -r["id"])
                if r["repository"] == repository
                and r["head_sha"] == rest[1]
                and (name is None or r["name"] == name)
            ]
            return self._json({"total_count": len(runs), "check_runs": runs})
        if rest == ["check-runs"] and method == "POST":
            run_id = next(self._ids)
            run = {
                "id": run_id,
                "repository": repository,
                "annotations": [],
                "output": {},
                "conclusion": None,
            }
            run.update({k: body.get(k) for k in ("name", "head_sha", "status", "started_at")})
            self.check_runs[run_id] = run
            self.check_run_updates.append((run_id, body))
            return self._json(self._check_run_body(run), 201)
        if rest[:1] == ["check-runs"] and len(rest) == 2 and method == "PATCH":
            run = self.check_runs.get(int(rest[1]))
            if run is None:
                return self._error(404, "Not Found")
            output = body.get("output") or {}
            if len(output.get("annotations") or []) > 50:
                return self._error(422, "Only 50 annotations are allowed per request")
            self.check_run_updates.append((run["id"], body))
            for key in ("status", "conclusion", "started_at", "completed_at"):
                if key in body:
                    run[key] = body[key]
            if body.get("status") == "in_progress":
                run["conclusion"] = None
            if output:
                run["output"] = {k: v for k, v in output.items() if k != "annotations"}
                run["annotations"] += output.get("annotations") or []
            return self._json(self._check_run_body(run))
        if rest[:1] == ["issues"] and rest[2:] == ["comments"]:
            number = int(rest[1])
            if method == "GET":
                found = [
                    c
                    for c in self.comments.values()
                    if c["repository"] == repository and c["number"] == number
                ]
                return self._json(
                    [
                        {k: v for k, v in c.items() if k not in ("repository", "number")}
                        for c in found
                    ]
                )
            comment_id = next(self._ids)
            self.comments[comment_id] = {
                "id": comment_id,
                "repository": repository,
                "number": number,
                "body": body["body"],
                "user": {"login": "netgain[bot]", "type": "Bot"},
                "edits": 0,
            }
            return self._json({"id": comment_id, "body": body["body"]}, 201)
        if rest[:2] == ["issues", "comments"] and method == "PATCH":
            comment = self.comments.get(int(rest[2]))
            if comment is None:
                return self._error(404, "Not Found")
            comment["body"] = body["body"]
            comment["edits"] += 1
            return self._json({"id": comment["id"], "body": comment["body"]})
        return self._error(404, "Not Found")

    def _page(self, items: list[dict[str, Any]], request: Request) -> Response:
        """One page of a list endpoint, with GitHub's `Link: <...>; rel="next"` when more follow."""
        per_page = int(request.query_params.get("per_page", "30"))
        page = int(request.query_params.get("page", "1"))
        chunk = items[(page - 1) * per_page : page * per_page]
        response = self._json(chunk)
        if page * per_page < len(items):
            query = dict(request.query_params) | {"page": str(page + 1)}
            url = request.url.replace(query="&".join(f"{k}={v}" for k, v in query.items()))
            response.headers["link"] = f'<{url}>; rel="next"'
        return response

    def _commit(self, repository: str, ref: str) -> Response:
        """GET /repos/R/commits/REF (a sha, branch or tag name): the commit, as GitHub answers."""
        done = subprocess.run(
            [
                "git",
                "--git-dir",
                str(self.repos[repository]),
                "rev-parse",
                "--verify",
                "-q",
                f"{ref}^{{commit}}",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0 or ref.startswith("-"):
            return self._error(422, f"No commit found for SHA: {ref}")
        sha = done.stdout.strip()
        url = f"https://api.github.com/repos/{repository}/commits/{sha}"
        return self._json({"sha": sha, "node_id": "C_kwDO", "url": url, "parents": []})

    def _pull_list(self, repository: str, request: Request) -> Response:
        """GET /repos/R/pulls?state=...: newest first, as GitHub sorts by default (created)."""
        state = request.query_params.get("state", "open")
        found = [
            pull
            for (repo, _), pull in sorted(self.pulls.items(), key=lambda kv: -kv[0][1])
            if repo == repository and state in ("all", pull["state"])
        ]
        return self._page(found, request)

    def _code_scanning(self, repository: str, rest: list[str], request: Request) -> Response:
        """GET /repos/R/code-scanning/analyses[?ref=] and /analyses/ID as SARIF, as GitHub answers:
        404 "no analysis found" when the repository has none."""
        found = self.analyses.get(repository, [])
        if not found:
            return self._error(404, "no analysis found")
        if not rest:
            ref = request.query_params.get("ref")
            listing = [
                {k: v for k, v in a.items() if k != "sarif"}
                for a in found
                if ref is None or a["ref"] == ref
            ]
            return self._json(listing)
        match = [a for a in found if str(a["id"]) == rest[0]]
        if not match or "sarif" not in request.headers.get("accept", ""):
            return self._error(404, "Not Found")
        return self._json(match[0]["sarif"])

    # ---- sign-in: OAuth web flow and the user-to-server endpoints -------------------------
    def _account_installations(self) -> dict[str, int]:
        return self.installations_by_account or {"octo-org": self.installation_id}

    def _installed(self, account: str) -> list[str]:
        names = set(self.repos) | self.app_repositories
        return sorted(n for n in names if n.split("/")[0].lower() == account.lower())

    def _can_read(self, login: str, repository: str) -> bool:
        person = self.people[login]
        owner = repository.split("/", maxsplit=1)[0]
        state, role = person.memberships.get(owner, ("", ""))
        own = owner.lower() == login.lower()
        return own or (state == "active" and role == "admin") or repository in person.readable

    async def authorize(self, request: Request) -> Response:
        """The authorize page, approved at once as `approve_as`: back to the redirect URI."""
        query = request.query_params
        if query.get("client_id") != self.oauth_client[0] or self.approve_as is None:
            return Response("unknown application", 404)
        code = secrets.token_hex(10)
        uri = query.get("redirect_uri", "")
        with self.lock:
            self.oauth_codes[code] = (self.approve_as, uri)
        target = f"{uri}?{urlencode({'code': code, 'state': query.get('state', '')})}"
        return Response(status_code=302, headers={"location": target})

    async def oauth_token(self, request: Request) -> Response:
        """POST /login/oauth/access_token: errors come back with 200 and an `error` field."""
        form = dict(urllib.parse.parse_qsl((await request.body()).decode()))
        if (form.get("client_id"), form.get("client_secret")) != self.oauth_client:
            return JSONResponse(_oauth_error("incorrect_client_credentials"))
        with self.lock:
            found = self.oauth_codes.pop(form.get("code", ""), None)
        if found is None:
            return JSONResponse(_oauth_error("bad_verification_code"))
        login, uri = found
        if form.get("redirect_uri") and form["redirect_uri"] != uri:
            return JSONResponse(_oauth_error("redirect_uri_mismatch"))
        token = "ghu_" + secrets.token_hex(18)
        with self.lock:
            self.user_tokens[token] = login
        return JSONResponse(
            {
                "access_token": token,
                "expires_in": 28800,
                "refresh_token": "ghr_" + secrets.token_hex(30),
                "refresh_token_expires_in": 15811200,
                "scope": "",
                "token_type": "bearer",
            }
        )

    def _user_of(self, request: Request) -> str | None:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() not in ("token", "bearer"):
            return None
        with self.lock:
            return self.user_tokens.get(value)

    async def user_api(self, request: Request) -> Response:
        login = self._user_of(request)
        path = request.url.path
        self.calls.append((request.method, path))
        if login is None:
            return self._error(401, "Bad credentials")
        person = self.people[login]
        parts = path.strip("/").split("/")
        page = int(request.query_params.get("page", "1"))
        per_page = int(request.query_params.get("per_page", "30"))
        window = slice((page - 1) * per_page, page * per_page)
        if parts == ["user"]:
            return self._json(_profile(login, person))
        if parts == ["user", "emails"]:
            if not person.emails_allowed:
                return self._error(403, "Resource not accessible by integration")
            return self._json(
                [
                    {"email": e, "verified": v, "primary": i == 0, "visibility": "private"}
                    for i, (e, v) in enumerate(person.emails)
                ][window]
            )
        if parts == ["user", "installations"]:
            reachable = [
                (account, number)
                for account, number in sorted(self._account_installations().items())
                if account in person.memberships
                or any(self._can_read(login, r) for r in self._installed(account))
            ]
            return self._json(
                {
                    "total_count": len(reachable),
                    "installations": [self._installation(a, n) for a, n in reachable[window]],
                }
            )
        if parts[:2] == ["user", "installations"] and parts[3:] == ["repositories"]:
            accounts = {n: a for a, n in self._account_installations().items()}
            account = accounts.get(int(parts[2]))
            if account is None:
                return self._error(404, "Not Found")
            names = [r for r in self._installed(account) if self._can_read(login, r)]
            return self._json(
                {
                    "total_count": len(names),
                    "repository_selection": "all",
                    "repositories": [_repository(n, i) for i, n in enumerate(names)][window],
                }
            )
        if parts[:3] == ["user", "memberships", "orgs"] and len(parts) == 4:
            if not self.members_permission:
                return self._error(403, "Resource not accessible by integration")
            org = parts[3]
            if org not in person.memberships:
                return self._error(404, "Not Found")
            state, role = person.memberships[org]
            return self._json(
                {
                    "url": f"https://api.github.com/orgs/{org}/memberships/{login}",
                    "state": state,
                    "role": role,
                    "organization_url": f"https://api.github.com/orgs/{org}",
                    "organization": {"login": org, "id": abs(hash(org)) % 10**7},
                    "user": _user(login),
                }
            )
        return self._error(404, "Not Found")

    def _installation(self, account: str, number: int) -> dict[str, Any]:
        kind = self.account_types.get(account, "Organization")
        return {
            "id": number,
            "account": {"login": account, "id": abs(hash(account)) % 10**7, "type": kind},
            "access_tokens_url": f"https://api.github.com/app/installations/{number}/access_tokens",
            "repositories_url": "https://api.github.com/installation/repositories",
            "html_url": f"https://github.com/organizations/{account}/settings/installations/{number}",
            "app_id": int(self.app_id),
            "app_slug": "netgain",
            "target_id": abs(hash(account)) % 10**7,
            "target_type": kind,
            "permissions": {"checks": "write", "contents": "read", "pull_requests": "write"},
            "events": ["pull_request", "push"],
            "repository_selection": "all",
            "single_file_name": None,
            "created_at": "2026-01-05T10:00:00Z",
            "updated_at": "2026-01-05T10:00:00Z",
        }

    def git(self, request: Request, body: bytes) -> Response:
        """Smart HTTP through `git http-backend` (CGI), behind x-access-token Basic auth."""
        owner, name = request.path_params["owner"], request.path_params["name"]
        repository = f"{owner}/{name}"
        auth = request.headers.get("authorization", "")
        ok = False
        if auth.lower().startswith("basic "):
            user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            with self.lock:
                ok = user == "x-access-token" and self.tokens.get(password, 0) > time.time()
        self.git_requests.append(("ok" if ok else "denied", request.url.path))
        if not ok:
            return Response("auth required", 401, {"WWW-Authenticate": 'Basic realm="GitHub"'})
        if repository not in self.repos:
            return Response("not found", 404)
        env = {
            "GIT_PROJECT_ROOT": str(self.repos[repository]),
            "GIT_HTTP_EXPORT_ALL": "1",
            "PATH_INFO": "/" + request.path_params["rest"],
            "REQUEST_METHOD": request.method,
            "QUERY_STRING": request.url.query,
            "CONTENT_TYPE": request.headers.get("content-type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_USER": "x-access-token",
            "REMOTE_ADDR": "127.0.0.1",
            "GIT_PROTOCOL": request.headers.get("git-protocol", ""),
            "HTTP_CONTENT_ENCODING": request.headers.get("content-encoding", ""),
            "PATH": "/usr/bin:/bin:/usr/local/bin",
        }
        out = subprocess.run(
            ["git", "http-backend"], input=body, env=env, capture_output=True, check=True
        ).stdout
        head, _, payload = out.partition(b"\r\n\r\n")
        if not _:
            head, _, payload = out.partition(b"\n\n")
        status, headers = 200, {}
        for line in head.decode("latin-1").splitlines():
            key, _, value = line.partition(":")
            if key.lower() == "status":
                status = int(value.strip().split()[0])
            elif key:
                headers[key] = value.strip()
        return Response(payload, status, headers)

    def asgi(self) -> Starlette:
        async def git(request: Request) -> Response:
            body = await request.body()
            return await _in_thread(self.git, request, body)

        async def hook(request: Request) -> Response:
            with self.lock:
                self.notifications.append((request.path_params["name"], await request.json()))
            return Response("ok")

        return Starlette(
            routes=[
                Route("/hooks/{name}", hook, methods=["POST"]),
                Route("/app/installations", self.installations, methods=["GET"]),
                Route(
                    "/installation/repositories", self.installation_repositories, methods=["GET"]
                ),
                Route(
                    "/app/installations/{installation}/access_tokens",
                    self.access_tokens,
                    methods=["POST"],
                ),
                Route("/login/oauth/authorize", self.authorize, methods=["GET"]),
                Route("/login/oauth/access_token", self.oauth_token, methods=["POST"]),
                Route("/user", self.user_api, methods=["GET"]),
                Route("/user/{rest:path}", self.user_api, methods=["GET"]),
                Route("/{owner}/{name}.git/{rest:path}", git, methods=["GET", "POST"]),
                Route("/repos/{rest:path}", self.api, methods=["GET", "POST", "PATCH"]),
            ]
        )


def _oauth_error(error: str) -> dict[str, str]:
    descriptions = {
        "incorrect_client_credentials": "The client_id and/or client_secret passed are incorrect.",
        "bad_verification_code": "The code passed is incorrect or expired.",
        "redirect_uri_mismatch": "The redirect_uri MUST match the registered callback URL for this application.",
    }
    return {
        "error": error,
        "error_description": descriptions[error],
        "error_uri": "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/",
    }


def _profile(login: str, person: Person) -> dict[str, Any]:
    """GET /user (the fields netgain reads, plus enough of the rest to be recognisable)."""
    return {
        "login": login,
        "id": person.id,
        "node_id": f"U_{person.id}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{person.id}?v=4",
        "type": "User",
        "site_admin": False,
        "name": person.name,
        "company": None,
        "email": person.email,
        "created_at": "2020-01-01T00:00:00Z",
    }


def _repository(full_name: str, number: int) -> dict[str, Any]:
    owner, name = full_name.split("/")
    return {
        "id": 7000 + number,
        "node_id": f"R_{number}",
        "name": name,
        "full_name": full_name,
        "private": True,
        "owner": {"login": owner, "type": "Organization"},
        "default_branch": "main",
        "permissions": {
            "admin": False,
            "maintain": False,
            "push": False,
            "triage": False,
            "pull": True,
        },
    }


async def _in_thread(fn: Any, *args: Any) -> Any:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(fn, *args)
