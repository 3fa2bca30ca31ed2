"""GitHub App authentication and a small REST client that respects GitHub's limits.

* The app authenticates as itself with a short-lived RS256 JWT (iat 60 s in the past against clock
  drift, exp 9 minutes ahead, under GitHub's 10-minute cap), then exchanges it for an installation
  token, cached until five minutes before it expires.
* Every response's `x-ratelimit-remaining` is remembered (the /metrics gauge). `Retry-After`
  (secondary limits) and an exhausted primary limit wait and retry, up to a bound; 5xx and
  transport errors retry with exponential backoff.
* Tokens never appear in an exception message: errors name the method, path and status only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from netgain import __version__
from netgain.errors import NetgainError

TOKEN_MARGIN = 300.0  # refresh an installation token five minutes before it expires


class GitHubError(NetgainError):
    """A GitHub API call failed for good (after the retries the status allows)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def app_jwt(app_id: str, private_key: str, now: float | None = None) -> str:
    """The app's JWT: `iss` the app id, signed RS256 with the app's private key."""
    import jwt

    issued = int(now if now is not None else time.time()) - 60
    payload = {"iat": issued, "exp": issued + 600 - 60, "iss": str(app_id)}
    try:
        return jwt.encode(payload, private_key, algorithm="RS256")
    except (ValueError, TypeError, jwt.PyJWTError) as exc:
        # the message of a key error never contains the key; keep only its class to be sure
        raise NetgainError(
            f"GitHub App private key is not a usable RSA key ({type(exc).__name__})"
        ) from None


@dataclass(slots=True)
class _Token:
    value: str
    expires: float


@dataclass(frozen=True, slots=True)
class RateLimit:
    remaining: int
    reset: int


class GitHubApp:
    """One app's credentials, its installation-token cache and its HTTP client (thread-safe)."""

    def __init__(
        self,
        app_id: str,
        private_key: str,
        *,
        api_url: str,
        retries: int = 4,
        backoff: float = 1.0,
        max_wait: float = 60.0,
        on_rate_limit: Callable[[int, RateLimit], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.app_id = app_id
        self._key = private_key
        self.api_url = api_url.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.on_rate_limit = on_rate_limit
        self._sleep = sleep
        self._tokens: dict[int, _Token] = {}
        self._lock = threading.Lock()
        self._http = httpx.Client(
            base_url=self.api_url,
            timeout=30.0,
            transport=transport,
            headers={
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": f"netgain/{__version__}",
            },
        )

    def close(self) -> None:
        self._http.close()

    def installation_token(self, installation_id: int) -> str:
        """A token for the installation, reused until five minutes before it expires."""
        with self._lock:
            cached = self._tokens.get(installation_id)
            if cached is not None and cached.expires - TOKEN_MARGIN > time.time():
                return cached.value
        response = self._send(
            "POST",
            f"/app/installations/{int(installation_id)}/access_tokens",
            auth=f"Bearer {app_jwt(self.app_id, self._key)}",
            installation_id=None,
        )
        body = response.json()
        token, expires = body.get("token"), body.get("expires_at")
        if not isinstance(token, str) or not isinstance(expires, str):
            raise GitHubError("GitHub returned an installation token response without token")
        when = datetime.fromisoformat(expires.replace("Z", "+00:00")).timestamp()
        with self._lock:
            self._tokens[installation_id] = _Token(token, when)
        return token

    def request(
        self,
        installation_id: int,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        """An API call as the installation; raises GitHubError on a final non-2xx status."""
        token = self.installation_token(installation_id)
        return self._send(
            method,
            path,
            auth=f"token {token}",
            json=json,
            params=params,
            installation_id=installation_id,
        )

    def installations(self) -> list[int]:
        """The ids of the app's installations (`GET /app/installations`, as the app)."""
        ids: list[int] = []
        page = 1
        while True:
            response = self._send(
                "GET",
                "/app/installations",
                auth=f"Bearer {app_jwt(self.app_id, self._key)}",
                installation_id=None,
                params={"per_page": 100, "page": page},
            )
            items = response.json()
            if not isinstance(items, list):
                raise GitHubError("GET /app/installations: expected a JSON list")
            ids += [int(i["id"]) for i in items if isinstance(i, dict) and "id" in i]
            if len(items) < 100:
                return ids
            page += 1

    def repositories(self, installation_id: int) -> list[str]:
        """The full names of the repositories an installation can reach."""
        names: list[str] = []
        page = 1
        while True:
            body = self.request(
                installation_id,
                "GET",
                "/installation/repositories",
                params={"per_page": 100, "page": page},
            ).json()
            items = body.get("repositories") if isinstance(body, dict) else None
            if not isinstance(items, list):
                raise GitHubError("GET /installation/repositories: expected repositories")
            names += [str(r["full_name"]) for r in items if isinstance(r, dict)]
            if len(items) < 100:
                return names
            page += 1

    def paginate(
        self, installation_id: int, path: str, params: dict[str, Any] | None = None
    ) -> Iterator[Any]:
        """Every item of a list endpoint, following `Link: rel=next` on the API host only."""
        query = {"per_page": 100, **(params or {})}
        url: str | None = path
        while url is not None:
            response = self.request(installation_id, "GET", url, params=query)
            page = response.json()
            if not isinstance(page, list):
                raise GitHubError(f"GET {path}: expected a JSON list")
            yield from page
            following = response.links.get("next", {}).get("url")
            url = None
            query = {}
            if following:
                target = httpx.URL(following)
                origin = httpx.URL(self.api_url)
                if (target.scheme, target.host, target.port) != (
                    origin.scheme,
                    origin.host,
                    origin.port,
                ):
                    raise GitHubError(f"GET {path}: pagination left the API host")
                url = following

    def _send(
        self,
        method: str,
        path: str,
        *,
        auth: str,
        installation_id: int | None,
        json: Any = None,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        attempt = 0
        where = f"{method} {httpx.URL(path).path}"
        while True:
            try:
                response = self._http.request(
                    method, path, json=json, params=params, headers={"Authorization": auth}
                )
            except httpx.HTTPError as exc:
                if attempt >= self.retries:
                    raise GitHubError(f"GitHub API {where}: {type(exc).__name__}") from None
                self._sleep(self.backoff * 2**attempt)
                attempt += 1
                continue
            limit = _rate_limit(response)
            if limit is not None and installation_id is not None and self.on_rate_limit:
                self.on_rate_limit(installation_id, limit)
            wait = self._wait_for(response, limit, attempt)
            if wait is None:
                if response.is_success:
                    return response
                raise GitHubError(
                    f"GitHub API {where}: HTTP {response.status_code}", response.status_code
                )
            self._sleep(wait)
            attempt += 1

    def _wait_for(
        self, response: httpx.Response, limit: RateLimit | None, attempt: int
    ) -> float | None:
        """Seconds to wait before retrying, or None when the response is final."""
        status = response.status_code
        if attempt >= self.retries:
            return None
        if status in (403, 429):
            after = response.headers.get("retry-after")
            if after is not None and after.strip().isdigit():
                return min(float(after), self.max_wait)
            if limit is not None and limit.remaining == 0:
                return min(max(limit.reset - time.time(), 1.0), self.max_wait)
            return None
        if status >= 500:
            return float(self.backoff * 2**attempt)
        return None


def _rate_limit(response: httpx.Response) -> RateLimit | None:
    remaining = response.headers.get("x-ratelimit-remaining")
    reset = response.headers.get("x-ratelimit-reset")
    if remaining is None or not remaining.isdigit():
        return None
    return RateLimit(int(remaining), int(reset) if reset and reset.isdigit() else 0)
