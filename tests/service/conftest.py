"""Fixtures of the service tests: an app key pair, a fake GitHub with a served repository."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from netgain.service.app import create_app
from netgain.service.queue import EmbeddedQueue
from netgain.service.runtime import Runtime, open_runtime
from netgain.service.settings import ServiceSettings, from_env
from netgain.service.signature import sign
from tests.gitrepo import GitRepo, built_once
from tests.policy.payloads_util import pull_request_event
from tests.policy.scenario import SQL_CODE, ai_auth_change, base_repo
from tests.service.cdp import CHROMIUM, Browser, Chromium
from tests.service.fakegithub import FakeGitHub, Served

REPOSITORY = "octo-org/payments"
SECRET = "It's a Secret to Everybody"


@dataclass
class KeyPair:
    private_pem: str
    public_pem: str


@pytest.fixture(scope="session")
def app_key() -> KeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return KeyPair(private, public)


@pytest.fixture(scope="session")
def _chromium_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Chromium]]:
    running: list[Chromium] = []
    yield running
    for chromium in running:
        chromium.close()


@pytest.fixture
def chromium(
    _chromium_process: list[Chromium], tmp_path_factory: pytest.TempPathFactory
) -> Chromium:
    """The test process's one headless Chromium (started again if a test brought it down).

    Each test's `Browser(chromium=...)` is a browser context of its own on it.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: run scripts/ensure-chromium.sh (make test does)")
    if not _chromium_process or _chromium_process[-1].proc.poll() is not None:
        _chromium_process.append(Chromium(tmp_path_factory.mktemp("chromium")))
    return _chromium_process[-1]


@dataclass
class World:
    github: FakeGitHub
    url: str
    repo: GitRepo
    secrets_dir: Path

    def env(self, data_dir: Path, database_url: str | None = None) -> dict[str, str]:
        env = {
            "NETGAIN_GITHUB_APP_ID": self.github.app_id,
            "NETGAIN_GITHUB_PRIVATE_KEY_FILE": str(self.secrets_dir / "app.pem"),
            "NETGAIN_WEBHOOK_SECRET_FILE": str(self.secrets_dir / "webhook"),
            "NETGAIN_GITHUB_API_URL": self.url,
            "NETGAIN_GITHUB_WEB_URL": self.url,
            "NETGAIN_SERVICE_DIR": str(data_dir),
            "NETGAIN_GITHUB_BACKOFF": "0.01",
            "NETGAIN_SLACK_WEBHOOK_URL": f"{self.url}/hooks/slack",
            "NETGAIN_NOTIFY_WEBHOOK_URL": f"{self.url}/hooks/generic",
        }
        if database_url:
            env["NETGAIN_DATABASE_URL"] = database_url
        return env

    def settings(self, data_dir: Path, database_url: str | None = None) -> ServiceSettings:
        return from_env(self.env(data_dir, database_url))

    def open_pull(
        self, number: int, *, head: str | None = None, author: str = "bob"
    ) -> dict[str, Any]:
        """Publish refs/pull/N/head and the pull request; the webhook payload for it."""
        head = head or self.repo.git("rev-parse", "feature")
        self.repo.update_ref(f"refs/pull/{number}/head", head)
        base = self.repo.git("rev-parse", "main")
        self.github.add_pull(REPOSITORY, number, base=base, head=head, author=author)
        event = pull_request_event(
            base_sha=base, head_sha=head, body="", author=author, number=number
        )
        event["repository"]["full_name"] = REPOSITORY
        event["repository"]["name"] = REPOSITORY.split("/")[1]
        event["installation"] = {
            "id": self.github.installation_id,
            "node_id": "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==",
        }
        return event


def signed(
    event: str, payload: Any, delivery: str, secret: str = SECRET
) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    return body, {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery,
        "X-Hub-Signature-256": sign(secret.encode(), body),
        "Content-Type": "application/json",
        "User-Agent": "GitHub-Hookshot/abc123",
    }


def build_repo(path: Path) -> GitRepo:
    """main (policy, owners) and `feature`: an AI-written auth change plus a SQL injection."""
    repo = base_repo(path)
    ai_auth_change(repo)
    repo.commit(
        {"src/db.py": SQL_CODE}, "Add user lookup", author=("Bob Builder", "bob@example.com")
    )
    return repo


class Client:
    """A loopback HTTP client of a served ASGI app (uvicorn in a thread)."""

    def __init__(self, served: Served) -> None:
        self.served = served
        self.http = httpx.Client(base_url=served.url, timeout=30)

    def post(self, path: str, *, content: bytes, headers: dict[str, str]) -> httpx.Response:
        return self.http.post(path, content=content, headers=headers)

    def get(self, path: str) -> httpx.Response:
        return self.http.get(path)


_SERVED: list[tuple[Served, Runtime, Client]] = []


def embedded_service(
    world: World, tmp_path: Path, env: dict[str, str] | None = None
) -> tuple[Runtime, Client]:
    """The service's app and embedded queue (jobs run when the test calls run_pending)."""
    runtime = open_runtime(from_env(world.env(tmp_path / "svc") | (env or {})))
    assert isinstance(runtime.queue, EmbeddedQueue)
    served = Served(create_app(runtime.ctx, runtime.queue)).__enter__()
    client = Client(served)
    _SERVED.append((served, runtime, client))
    return runtime, client


@pytest.fixture(autouse=True)
def _stop_served() -> Iterator[None]:
    yield
    while _SERVED:
        served, runtime, client = _SERVED.pop()
        client.http.close()
        served.__exit__()
        runtime.queue.stop() if isinstance(runtime.queue, EmbeddedQueue) else None
        runtime.ctx.close()


@pytest.fixture
def world(tmp_path: Path, app_key: KeyPair) -> Iterator[World]:
    repo = built_once(build_repo, tmp_path / "origin")
    github = FakeGitHub(public_key=app_key.public_pem, app_id="31337")
    github.repos[REPOSITORY] = repo.path / ".git"
    secrets_dir = tmp_path / "secrets"
    secrets_dir.mkdir()
    (secrets_dir / "app.pem").write_text(app_key.private_pem, encoding="utf-8")
    (secrets_dir / "webhook").write_text(SECRET + "\n", encoding="utf-8")
    with Served(github.asgi()) as served:
        yield World(github, served.url, repo, secrets_dir)


@pytest.fixture
def browser(chromium: Chromium) -> Iterator[Browser]:
    """A browser context of its own on the test process's one headless Chromium."""
    opened = Browser(chromium=chromium)
    try:
        yield opened
    finally:
        opened.close()
