"""Fixtures of the web-layer tests: the service's real app (real SQLite store) in a TestClient on
https://testserver, and a fake GitHub on loopback that the app's sign-in code reaches over TCP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from netgain.service import access
from netgain.service.app import create_app
from netgain.service.context import ServiceContext
from netgain.service.runtime import Runtime, open_runtime
from netgain.service.settings import from_env
from tests.service.conftest import KeyPair
from tests.service.fakegithub import FakeGitHub, Served

PUBLIC_URL = "https://testserver"


@dataclass
class Site:
    client: TestClient
    ctx: ServiceContext
    runtime: Runtime

    def sign_in_as(self, login: str, grants: dict[str, access.Grant]) -> tuple[int, str]:
        """A session for a user with these grants, its cookie set on the client: (user id, CSRF
        token of its forms)."""
        from netgain.service.web.auth import csrf_token

        user = access.upsert_user(
            self.ctx.engine, provider="github", subject=f"id-{login}", login=login
        )
        access.replace_grants(self.ctx.engine, user, grants)
        cookie, _ = access.open_session(self.ctx.engine, user)
        self.client.cookies.set(access.SESSION_COOKIE, cookie, domain="testserver.local")
        who = access.principal_from_session(self.ctx.engine, cookie)
        return user, csrf_token(who)


@pytest.fixture
def fake_github(app_key: KeyPair) -> Iterator[tuple[FakeGitHub, str]]:
    github = FakeGitHub(public_key=app_key.public_pem, app_id="31337")
    with Served(github.asgi()) as served:
        yield github, served.url


SiteFactory = Callable[..., Site]


@pytest.fixture
def make_site(tmp_path: Path) -> Iterator[SiteFactory]:
    opened: list[Site] = []

    def make(peer: str = "testclient", **env: str) -> Site:
        base = {
            "NETGAIN_SERVICE_DIR": str(tmp_path / f"svc{len(opened)}"),
            "NETGAIN_PUBLIC_URL": PUBLIC_URL,
        }
        runtime = open_runtime(from_env(base | env))
        app = create_app(runtime.ctx, runtime.queue)
        client = TestClient(app, base_url=PUBLIC_URL, follow_redirects=False, client=(peer, 50000))
        site = Site(client, runtime.ctx, runtime)
        opened.append(site)
        return site

    yield make
    for site in opened:
        site.client.close()
        site.runtime.ctx.close()


def github_env(url: str, github: FakeGitHub, secrets_dir: Path) -> dict[str, str]:
    secret = secrets_dir / "client-secret"
    secret.write_text(github.oauth_client[1] + "\n", encoding="utf-8")
    return {
        "NETGAIN_GITHUB_API_URL": url,
        "NETGAIN_GITHUB_WEB_URL": url,
        "NETGAIN_GITHUB_CLIENT_ID": github.oauth_client[0],
        "NETGAIN_GITHUB_CLIENT_SECRET_FILE": str(secret),
    }


def follow_provider(location: str) -> str:
    """The browser at the provider's page (approved at once): where it is sent back to."""
    answer = httpx.get(location, follow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]
