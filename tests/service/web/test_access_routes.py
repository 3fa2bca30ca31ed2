"""The access test of issue 14: every route of the app (the OpenAPI schema's and every page of
`app.routes`), called as an anonymous user, as an admin of another organisation (session and
token) and with a revoked token of the organisation itself, answers 401, 403 or 404 (or, for a
browser page, a redirect to sign-in) — with nothing of that organisation in the body, and with
the same status as for an organisation that does not exist (existence is not confirmed).

Routes are enumerated from the app at collection time, so routes added later are tested without
touching this file; their path parameters are filled from the seeded data by name
(`routes.value_for`). A known hole in a route is an entry in KNOWN_HOLES (a strict xfail with
its reason), never a deletion.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from netgain.service import access
from netgain.service.app import create_app
from netgain.service.runtime import Runtime, open_runtime
from netgain.service.settings import from_env
from netgain.service.web.auth import csrf_token
from tests.service.web.conftest import PUBLIC_URL
from tests.service.web.routes import (
    STATE_CHANGING,
    Endpoint,
    body_for,
    endpoints,
    fill,
    operation,
    query_for,
)
from tests.service.web.seed import (
    ABSENT,
    ALPHA,
    OPEN_REPO,
    VICTIM,
    Org,
    Seeded,
    org_config,
    seed,
)

# Routes anyone may call: they show no organisation's data (checked below all the same).
PUBLIC = {
    "GET /api/v1/openapi.json",  # the API's schema: routes, not data
    "GET /healthz",
    "GET /readyz",
    "GET /metrics",
    "POST /webhooks/github",  # authenticated by the webhook signature, not by a user
    "GET /auth/login",
    "GET /auth/github/login",
    "GET /auth/github/callback",
    "GET /auth/oidc/login",
    "GET /auth/oidc/callback",
    "GET /auth/proxy/login",
    "GET /auth/signed-out",  # the page sign-out lands on: no data, no session needed
}
# Whole families of public routes: signed deliveries of other systems, and the dashboard's
# stylesheet and script.
PUBLIC_PREFIXES = ("POST /webhooks/", "GET /dashboard/static/")
# Routes about the caller themselves: anonymous callers get 401 (or a browser the sign-in page),
# anyone signed in their own data. Every route without a path parameter is one (it names no
# organisation: `GET /api/v1/orgs` lists the caller's, the dashboard's index redirects to them);
# these are the ones with parameters that are about the caller anyway.
SELF: set[str] = set()


def _own(endpoint: Endpoint) -> bool:
    return endpoint.id in SELF or "{" not in endpoint.path


# Routes whose state changes are not cookie-authenticated (no CSRF token expected): webhooks,
# authenticated by their senders' signatures.
NOT_CSRF_EXPOSED_PREFIXES = ("POST /webhooks/",)
KNOWN_HOLES: dict[str, str] = {}
REFUSED = {401, 403, 404}
BROWSER = {"Accept": "text/html,application/xhtml+xml"}


def _public(endpoint: Endpoint) -> bool:
    return endpoint.id in PUBLIC or endpoint.id.startswith(PUBLIC_PREFIXES)


REDIRECTS = {302, 303, 307}


def _enumerate() -> tuple[list[Endpoint], dict[str, Any]]:
    with tempfile.TemporaryDirectory() as scratch:
        runtime = open_runtime(from_env({"NETGAIN_SERVICE_DIR": scratch}))
        try:
            app = create_app(runtime.ctx, runtime.queue)
            return endpoints(app), app.openapi()
        finally:
            runtime.ctx.close()


ENDPOINTS, SCHEMA = _enumerate()


def _params(selected: list[Endpoint]) -> list[Any]:
    return [
        pytest.param(
            e,
            id=e.id,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_HOLES[e.id])]
            if e.id in KNOWN_HOLES
            else [],
        )
        for e in selected
    ]


@dataclass
class World:
    app: FastAPI
    runtime: Runtime
    seeded: Seeded

    def client(self, *, cookie: str | None = None) -> TestClient:
        client = TestClient(self.app, base_url=PUBLIC_URL, follow_redirects=False)
        if cookie:
            client.cookies.set(access.SESSION_COOKIE, cookie, domain="testserver.local")
        return client

    def session(self, org: Org) -> tuple[str, str]:
        """A fresh session of `org`'s admin: (cookie, CSRF token)."""
        engine = self.runtime.ctx.engine
        cookie, _ = access.open_session(engine, self.seeded.admin_ids[org.name])
        return cookie, csrf_token(access.principal_from_session(engine, cookie))

    def token(self, org: Org) -> str:
        engine = self.runtime.ctx.engine
        return access.issue_token(
            engine, user_id=self.seeded.admin_ids[org.name], org=org.name, scope="admin", name="t"
        )


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """The service over the embedded SQLite store, and over the real PostgreSQL server (the
    deployment's store: its SQL, case rules and rollups are its own)."""
    base = tmp_path_factory.mktemp("access")
    (base / "org.toml").write_text(org_config(), encoding="utf-8")
    database: dict[str, str] = {}
    if request.param == "postgres":
        server = request.getfixturevalue("postgres_server")
        database["NETGAIN_DATABASE_URL"] = server.create_database(f"access_{base.name}")
    runtime = open_runtime(
        from_env(
            database
            | {
                "NETGAIN_SERVICE_DIR": str(base / "svc"),
                "NETGAIN_PUBLIC_URL": PUBLIC_URL,
                "NETGAIN_ORG_CONFIG": str(base / "org.toml"),
                "NETGAIN_WEBHOOK_SECRET": "access-test-webhook-secret",
                "NETGAIN_PAGERDUTY_SECRET": "access-test-pagerduty-secret",
                "NETGAIN_JIRA_SECRET": "access-test-jira-secret",
            }
        )
    )
    seeded = seed(runtime.ctx, base / "work")
    app = create_app(runtime.ctx, runtime.queue)
    yield World(app, runtime, seeded)
    runtime.ctx.close()


def _call(
    client: TestClient, endpoint: Endpoint, org: Org, world: World, headers: dict[str, str]
) -> Any:
    op = operation(SCHEMA, endpoint)
    return client.request(
        endpoint.method,
        fill(endpoint, org, world.seeded),
        params=query_for(op, org, world.seeded),
        json=body_for(SCHEMA, op) if endpoint.method in STATE_CHANGING else None,
        headers=headers,
    )


def _leaks(body: str, org: Org) -> list[str]:
    text = body.lower()
    return [s for s in org.secrets if s.lower() in text]


def _to_sign_in(answer: Any) -> bool:
    location = answer.headers.get("location", "")
    return answer.status_code in REDIRECTS and location.removeprefix(PUBLIC_URL).startswith(
        "/auth/"
    )


def test_the_enumeration_covers_the_schema() -> None:
    """Every operation of the OpenAPI schema is among the enumerated routes."""
    enumerated = {e.id for e in ENDPOINTS}
    for path, operations in SCHEMA.get("paths", {}).items():
        for method in operations:
            assert f"{method.upper()} {path}" in enumerated
    assert {"GET /api/v1/orgs/{org}/tokens", "GET /auth/me"} <= enumerated


@pytest.mark.parametrize("endpoint", _params(ENDPOINTS))
def test_outsiders_see_nothing(world: World, endpoint: Endpoint) -> None:
    outsider_cookie, outsider_csrf = world.session(ALPHA)
    callers = {
        "anonymous": (world.client(), {}),
        "anonymous browser": (world.client(), BROWSER),
        "revoked token": (
            world.client(),
            {"Authorization": f"Bearer {world.seeded.revoked_token}"},
        ),
        "other org's session": (
            world.client(cookie=outsider_cookie),
            {"X-CSRF-Token": outsider_csrf},
        ),
        "other org's token": (world.client(), {"Authorization": f"Bearer {world.token(ALPHA)}"}),
    }
    problems = []
    for who, (client, headers) in callers.items():
        with client:
            answer = _call(client, endpoint, VICTIM, world, headers)
            if _own(endpoint) and who.startswith("other org"):
                answer_absent = None
            else:
                answer_absent = _call(client, endpoint, ABSENT, world, headers)
        leaked = _leaks(answer.text, VICTIM)
        if leaked:
            problems.append(f"{who}: {answer.status_code} shows {leaked}")
        if answer.status_code >= 500:
            problems.append(f"{who}: server error {answer.status_code}")
        if _public(endpoint):
            continue
        anonymous = who in ("anonymous", "anonymous browser", "revoked token")
        if _own(endpoint) and not anonymous:
            continue
        if answer.status_code not in REFUSED and not (anonymous and _to_sign_in(answer)):
            problems.append(f"{who}: answered {answer.status_code}")
        if answer_absent is not None and answer_absent.status_code != answer.status_code:
            problems.append(
                f"{who}: {answer.status_code} here but {answer_absent.status_code} for an "
                "organisation that does not exist (confirms it exists)"
            )
    assert not problems, "\n".join(problems)


STATEFUL = [
    e
    for e in ENDPOINTS
    if e.method in STATE_CHANGING and not e.id.startswith(NOT_CSRF_EXPOSED_PREFIXES)
]


@pytest.mark.parametrize("endpoint", _params(STATEFUL))
def test_state_changes_need_the_csrf_token(world: World, endpoint: Endpoint) -> None:
    """Even the organisation's own admin, signed in with a cookie, is refused without the token
    (a cross-site form would be exactly that request)."""
    cookie, _ = world.session(VICTIM)
    with world.client(cookie=cookie) as client:
        answer = _call(client, endpoint, VICTIM, world, {})
    assert answer.status_code == 403, answer.text
    assert "csrf" in answer.text.lower()


REPOSITORY_SECRETS = [VICTIM.repo, VICTIM.author]


@pytest.mark.parametrize("endpoint", _params([e for e in ENDPOINTS if e.method == "GET"]))
def test_a_member_sees_only_the_repositories_they_read(world: World, endpoint: Endpoint) -> None:
    """A member of the organisation who may read another of its repositories: every page of the
    organisation answers without the unreadable repository's name or its authors, and the
    repository's own routes are refused like a repository that does not exist."""
    engine = world.runtime.ctx.engine
    cookie, _ = access.open_session(engine, world.seeded.restricted_member)
    with world.client(cookie=cookie) as client:
        answer = _call(client, endpoint, VICTIM, world, BROWSER)
        absent = _call(client, endpoint, ABSENT, world, BROWSER)
    text = answer.text.lower()
    leaked = [s for s in REPOSITORY_SECRETS if s.lower() in text]
    assert not leaked, f"{answer.status_code} shows {leaked}"
    assert answer.status_code < 500
    if ("{name}" in endpoint.path or "{person}" in endpoint.path) and not _public(endpoint):
        # another repository, or another person's own figures (the member is no admin)
        assert answer.status_code in REFUSED
        assert answer.status_code == absent.status_code


def test_the_restricted_member_does_read_their_repository(world: World) -> None:
    """Its control: the readable repository's pages show it, and their own figures answer."""
    engine = world.runtime.ctx.engine
    cookie, _ = access.open_session(engine, world.seeded.restricted_member)
    routes = [
        e
        for e in ENDPOINTS
        if e.method == "GET" and e.path.endswith(("{name}", "{person}/metrics")) and not _public(e)
    ]
    assert len(routes) >= 2, routes  # the dashboard's repository page and the API's
    with world.client(cookie=cookie) as client:
        for endpoint in routes:
            answer = _call(client, endpoint, OPEN_REPO, world, BROWSER)
            assert answer.status_code == 200, f"{endpoint.id}: {answer.status_code}"
            if "{name}" in endpoint.path:
                assert OPEN_REPO.repo in answer.text


# Organisation routes the seeded data cannot make answer 200 for its own admin (each with why);
# every other one must, so that its refusals above are refusals and not an empty store.
OWNER_NOT_ANSWERED: dict[str, str] = {}


def test_the_owner_does_see_the_seeded_data(world: World) -> None:
    """The control: each organisation page or API route answers the organisation's own admin,
    the token and audit routes with the seeded strings."""
    cookie, _ = world.session(VICTIM)
    answered, shown = [], []
    asked = [
        e
        for e in ENDPOINTS
        if e.method == "GET"
        and not _public(e)
        and ("{org}" in e.path or "{owner}" in e.path)
        and e.id not in OWNER_NOT_ANSWERED
    ]
    with world.client(cookie=cookie) as client:
        for endpoint in asked:
            answer = _call(client, endpoint, VICTIM, world, BROWSER)
            assert answer.status_code < 500, f"{endpoint.id}: {answer.status_code}"
            if answer.status_code in (200, 304):
                answered.append(endpoint.id)
                if _leaks(answer.text, VICTIM):
                    shown.append(endpoint.id)
    missing = sorted({e.id for e in asked} - set(answered))
    assert not missing, f"not answered for the organisation's own admin: {missing}"
    assert "GET /api/v1/orgs/{org}/tokens" in shown and "GET /api/v1/orgs/{org}/audit" in shown
