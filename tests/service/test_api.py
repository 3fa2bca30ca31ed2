"""/api/v1 over a real seeded store, called as a script would: bearer tokens, problem details,
ETags, cursors, and nothing of an organisation the caller may not see in any body."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from netgain.service.problems import PROBLEM_JSON
from netgain.service.settings import from_env
from tests.service.apiworld import SECRET_NAME, Seeded, api_app, seed
from tests.service.fakegithub import Served


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    data_dir = tmp_path_factory.mktemp("api") / "svc"
    return seed(data_dir, from_env({"NETGAIN_SERVICE_DIR": str(data_dir)}))


@pytest.fixture(scope="module")
def client(world: Seeded) -> Iterator[httpx.Client]:
    with Served(api_app(world)) as served, httpx.Client(base_url=served.url, timeout=30) as c:
        yield c


def _as(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["type"] == "about:blank"
    return body


ROUTES = [
    "/api/v1/orgs/acme",
    "/api/v1/orgs/acme/overview",
    "/api/v1/orgs/acme/repositories",
    "/api/v1/orgs/acme/decisions",
    "/api/v1/orgs/acme/metrics",
    "/api/v1/orgs/acme/me/metrics",
    "/api/v1/orgs/acme/people/alice/metrics",
    "/api/v1/repos/acme/web",
    "/api/v1/repos/acme/web/metrics",
    "/api/v1/repos/acme/web/commits",
    "/api/v1/repos/acme/web/pulls",
    "/api/v1/repos/acme/web/pulls/1",
    "/api/v1/repos/acme/web/decisions",
    "/api/v1/repos/acme/web/incidents",
    "/api/v1/repos/acme/web/findings",
    "/api/v1/repos/acme/web/risk",
]


@pytest.mark.parametrize("path", ROUTES)
def test_each_route_answers_its_member_and_no_one_else(
    client: httpx.Client, world: Seeded, path: str
) -> None:
    ok = client.get(path, headers=_as(world.alice_token))
    assert ok.status_code == 200, ok.text
    assert ok.headers["etag"].startswith('"') and "private" in ok.headers["cache-control"]
    anonymous = _problem(client.get(path), 401)
    assert "acme" not in str(anonymous)
    assert client.get(path).headers["www-authenticate"].startswith("Bearer")
    _problem(client.get(path, headers=_as(world.revoked_token)), 401)
    outsider = client.get(path, headers=_as(world.eve_token))
    body = _problem(outsider, 404)
    assert "acme" not in outsider.text and "web" not in str(body.get("detail"))


def test_a_repository_outside_the_grant_is_not_found(client: httpx.Client, world: Seeded) -> None:
    for path in ("/api/v1/repos/acme/api", f"/api/v1/repos/{SECRET_NAME}/commits"):
        _problem(client.get(path, headers=_as(world.carol_token)), 404)
    carol = client.get("/api/v1/orgs/acme/repositories", headers=_as(world.carol_token)).json()
    assert [r["full_name"] for r in carol["items"]] == ["acme/web"]
    overview = client.get("/api/v1/orgs/acme/overview", headers=_as(world.carol_token)).json()
    assert overview["repositories"] == 1
    narrowed = client.get(
        "/api/v1/orgs/acme/overview",
        params={"repository": "acme/api"},
        headers=_as(world.alice_token),
    ).json()
    assert narrowed["repositories"] == 1 and narrowed["changes"] == 2
    decided = client.get("/api/v1/orgs/acme/decisions", headers=_as(world.alice_token)).json()
    assert {d["repository"] for d in decided["items"]} == {"acme/web"}
    assert len(decided["items"]) == 3 and SECRET_NAME not in str(decided)
    secret = client.get(
        "/api/v1/orgs/acme/metrics",
        params={"repository": SECRET_NAME},
        headers=_as(world.alice_token),
    )
    _problem(secret, 404)
    assert "secret" not in secret.text


def test_org_metrics_is_the_metrics_document(client: httpx.Client, world: Seeded) -> None:
    got = client.get("/api/v1/orgs/acme/metrics", headers=_as(world.alice_token)).json()
    assert got["scope"] == "organisation" and got["repositories"] == ["acme/api", "acme/web"]
    doc = got["document"]
    assert doc["schema"] == "netgain.metrics/1" and doc["sources"]["changes"] == 6
    only_web = client.get(
        "/api/v1/orgs/acme/metrics",
        params={"repository": "acme/web", "by": "month"},
        headers=_as(world.alice_token),
    ).json()
    assert only_web["repositories"] == ["acme/web"] and only_web["document"]["by"] == "month"
    assert only_web["document"]["sources"]["changes"] == 4
    windowed = client.get(
        "/api/v1/repos/acme/web/metrics",
        params={"since": "2024-01-01T00:02:00Z", "until": "2024-01-01T00:05:00"},
        headers=_as(world.alice_token),
    ).json()
    assert windowed["document"]["sources"]["changes"] == 2  # 00:02 (incl.) and 00:04


def test_etag_gives_304_until_the_answer_changes(client: httpx.Client, world: Seeded) -> None:
    path = "/api/v1/repos/acme/web/decisions"
    first = client.get(path, headers=_as(world.alice_token))
    tag = first.headers["etag"]
    again = client.get(path, headers=_as(world.alice_token) | {"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    weak = client.get(path, headers=_as(world.alice_token) | {"If-None-Match": f'"x", W/{tag}'})
    assert weak.status_code == 304
    stale = client.get(path, headers=_as(world.alice_token) | {"If-None-Match": '"old"'})
    assert stale.status_code == 200 and stale.json() == first.json()
    paged = client.get(path, params={"limit": 1}, headers=_as(world.alice_token))
    assert paged.headers["etag"] != tag


def test_cursor_pages_and_limits(client: httpx.Client, world: Seeded) -> None:
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 1}
    while True:
        page = client.get(
            "/api/v1/repos/acme/web/commits", params=params, headers=_as(world.alice_token)
        ).json()
        seen += [c["sha"] for c in page["items"]]
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    assert len(seen) == len(set(seen)) == 4
    headers = _as(world.alice_token)
    body = _problem(
        client.get("/api/v1/repos/acme/web/commits", params={"limit": 1000}, headers=headers), 422
    )
    assert "limit" in body["detail"]
    _problem(
        client.get("/api/v1/repos/acme/web/commits", params={"cursor": "%%%"}, headers=headers),
        400,
    )
    _problem(
        client.get(
            "/api/v1/repos/acme/web/commits",
            params={"since": "2024-02-01T00:00:00Z", "until": "2024-01-01T00:00:00Z"},
            headers=headers,
        ),
        400,
    )


def test_pull_request_page_of_the_api(client: httpx.Client, world: Seeded) -> None:
    pr = client.get("/api/v1/repos/acme/web/pulls/1", headers=_as(world.alice_token)).json()
    assert pr["decision"]["verdict"] == "approved"
    blocked = pr["decisions"][1]
    assert blocked["rules"][0]["reason"] == "AI-written auth code needs a senior"
    assert blocked["findings"][0]["rule_id"] == "hardcoded-secret"
    _problem(client.get("/api/v1/repos/acme/web/pulls/99", headers=_as(world.alice_token)), 404)


def test_the_api_serves_its_own_schema(client: httpx.Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    expected = {
        p.replace("/repos/acme/web", "/repos/{owner}/{name}")
        .replace("/orgs/acme", "/orgs/{org}")
        .replace("/pulls/1", "/pulls/{number}")
        .replace("/people/alice", "/people/{person}")
        for p in ROUTES
    }
    assert set(schema["paths"]) >= expected
    assert all(p.startswith("/api/v1/") for p in schema["paths"])
    for path, item in schema["paths"].items():
        get = item.get("get")
        if get is None:  # the token routes of sign-in: POST and DELETE only
            assert set(item) <= {"post", "delete"}, path
            continue
        assert "application/json" in get["responses"]["200"]["content"], path
        assert PROBLEM_JSON in get["responses"]["404"]["content"], path
    assert client.get("/openapi.json").status_code == 404  # the app's own stays off


def test_a_persons_figures_are_theirs_and_their_admins(client: httpx.Client, world: Seeded) -> None:
    from sqlalchemy import select

    from netgain.service.access_tables import audit_log

    path = "/api/v1/orgs/acme/people/alice/metrics"
    own = client.get(path, headers=_as(world.alice_token)).json()
    assert own["scope"] == "person" and own["document"]["sources"]["changes"] == 4
    me = client.get("/api/v1/orgs/acme/me/metrics", headers=_as(world.alice_token)).json()
    assert me["document"]["sources"] == own["document"]["sources"]
    _problem(client.get(path, headers=_as(world.carol_token)), 404)  # a member: not theirs
    _problem(
        client.get("/api/v1/orgs/acme/people/nobody/metrics", headers=_as(world.carol_token)), 404
    )
    by_admin = client.get(path, headers=_as(world.dana_token)).json()
    assert by_admin["document"]["sources"] == own["document"]["sources"]  # alice's emails too
    with world.engine.connect() as conn:
        rows = conn.execute(select(audit_log.c.action, audit_log.c.target)).all()
    assert ("person.metrics.read", "alice") in [tuple(r) for r in rows]
