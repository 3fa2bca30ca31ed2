"""Who sees which dashboard page: members of another organisation, members limited to some
repositories, revoked tokens and anonymous callers get 401, 303 to sign-in or 404, and no body
names what they may not see."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from netgain.service import access
from tests.service.conftest import World
from tests.service.dashboard_world import ORG, OTHER_ORG, DashboardWorld, dashboard_world

SPAN = "?since=2023-12-01&until=2030-12-31"
PAGES = [
    f"/dashboard/{ORG}",
    f"/dashboard/{ORG}/repos/payments",
    f"/dashboard/{ORG}/repos/payments/pull/7",
    f"/dashboard/{ORG}/review-load",
    f"/dashboard/{ORG}/bottleneck",
    f"/dashboard/{ORG}/validation-credit",
]
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


@pytest.fixture
def dash(world: World, tmp_path: Path) -> DashboardWorld:
    return dashboard_world(world, tmp_path)


def _as(dash: DashboardWorld, cookie: str | None = None, **headers: str) -> httpx.Client:
    return httpx.Client(
        base_url=dash.url,
        cookies={access.SESSION_COOKIE: cookie} if cookie else None,
        headers=headers,
        timeout=60,
    )


def test_a_member_of_another_organisation_sees_nothing(dash: DashboardWorld) -> None:
    cookie = dash.session_for("mallory", {OTHER_ORG: access.Grant("admin", None)})
    with _as(dash, cookie, **BROWSER) as client:
        for path in PAGES:
            response = client.get(path + SPAN)
            assert response.status_code == 404, path
            assert response.headers["content-type"].startswith("text/html")  # a page, for a browser
            assert 'data-status="404"' in response.text
            assert "payments" not in response.text and "sql-injection" not in response.text
    with _as(dash, cookie) as script:  # not asking for HTML: the problem document
        response = script.get(PAGES[1])
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")


def test_a_member_limited_to_other_repositories(dash: DashboardWorld) -> None:
    cookie = dash.session_for("carol", {ORG: access.Grant("member", frozenset({"octo-org/docs"}))})
    with _as(dash, cookie, **BROWSER) as client:
        for path in PAGES[1:3]:
            assert client.get(path + SPAN).status_code == 404, path
        assert client.get(f"/dashboard/{ORG}?repository=octo-org/payments").status_code == 404
        overview = client.get(f"/dashboard/{ORG}{SPAN}")
        assert overview.status_code == 200
        assert "octo-org/payments" not in overview.text
        assert "sql-injection" not in overview.text and "#7" not in overview.text
        assert 'data-figure="repositories">0<' in overview.text
        assert 'data-figure="decisions">0<' in overview.text


def test_the_repository_filter_and_pages_for_a_reader(dash: DashboardWorld) -> None:
    cookie = dash.session_for("alice", {ORG: access.Grant("member", None)})
    with _as(dash, cookie, **BROWSER) as client:
        for path in PAGES:
            response = client.get(path + SPAN)
            assert response.status_code == 200, path
            assert "script-src 'self'" in response.headers["content-security-policy"]
            assert response.headers["cache-control"] == "private, no-store"
        assert client.get(f"/dashboard/{ORG}/repos/payments/pull/8").status_code == 404
        assert client.get(f"/dashboard/{ORG}/repos/nothing").status_code == 404
        assert client.get(f"/dashboard/{ORG}?team=nobody").status_code == 404
        bad = client.get(f"/dashboard/{ORG}?since=yesterday&until=2024-01-01")
        assert bad.status_code == 400 and "query parameter &#39;since&#39;" in bad.text
        assert client.get(f"/dashboard/{ORG}?range=forever").status_code == 400
        assert client.get(f"/dashboard/{ORG}?since=2024-02-01&until=2024-01-01").status_code == 400


def test_anonymous_and_revoked_callers(dash: DashboardWorld) -> None:
    engine = dash.runtime.ctx.engine
    user = access.upsert_user(engine, provider="github", subject="id-t", login="tess")
    access.replace_grants(engine, user, {ORG: access.Grant("admin", None)})
    token = access.issue_token(engine, user_id=user, org=ORG, scope="read", name="ci")
    with _as(dash, Authorization=f"Bearer {token}") as client:
        assert client.get(PAGES[0] + SPAN).status_code == 200  # a live token reads the pages
    from sqlalchemy import select

    from netgain.service.access_tables import api_tokens

    with engine.connect() as conn:
        token_id = conn.execute(select(api_tokens.c.id)).scalar_one()
    access.revoke_token(engine, token_id)
    with _as(dash, Authorization=f"Bearer {token}", **BROWSER) as client:
        for path in PAGES:
            response = client.get(path)
            assert response.status_code == 401, path
            assert "payments" not in response.text
    with _as(dash) as client:  # a script without credentials
        for path in PAGES:
            assert client.get(path).status_code == 401, path
    with _as(dash, **BROWSER) as client:  # a browser: to sign-in, and back here afterwards
        response = client.get(PAGES[2] + "?range=30d")
        assert response.status_code == 303
        assert response.headers["location"] == (
            "/auth/github/login?next=%2Fdashboard%2Focto-org%2Frepos%2Fpayments%2Fpull%2F7"
            "%3Frange%3D30d"
        )
        assert "payments#7" not in response.text


def test_static_files_are_the_packaged_ones_only(dash: DashboardWorld) -> None:
    with _as(dash) as client:
        css = client.get("/dashboard/static/dashboard.css")
        assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
        assert client.get("/dashboard/static/dashboard.js").status_code == 200
        for name in ("..%2Fscope.py", "scope.py", ".hidden.css", "missing.css"):
            assert client.get(f"/dashboard/static/{name}").status_code == 404, name


def test_hostile_and_malformed_decisions_render_as_text(dash: DashboardWorld) -> None:
    """A decision document describes a hostile repository: its strings stay text, and fields of
    the wrong shape are reported as unreadable instead of failing the page."""
    from sqlalchemy import select

    from netgain.service.tables import decisions

    hostile = "<script>alert(1)</script>"
    engine = dash.runtime.ctx.engine
    with engine.begin() as conn:
        row = conn.execute(select(decisions)).first()
        assert row is not None
        doc = dict(row.document)
        doc["rules"] = [
            {"name": hostile, "status": "blocked", "reason": hostile, "requirements": "x"}
        ]
        doc["findings"] = [
            {
                "rule_id": hostile,
                "path": f"src/{hostile}.py",
                "line": 1,
                "message": hostile,
                "trace": [{"path": hostile, "line": 2, "message": hostile}],
            }
        ]
        doc["reviewers"] = {"not": "a list"}
        doc["provenance"] = "broken"
        values = {k: v for k, v in row._mapping.items() if k != "id"}
        conn.execute(decisions.insert().values(**{**values, "number": 9, "document": doc}))
        conn.execute(decisions.insert().values(**{**values, "number": 10, "document": [1, 2]}))
    cookie = dash.session_for("alice", {ORG: access.Grant("member", None)})
    with _as(dash, cookie, **BROWSER) as client:
        page = client.get(f"/dashboard/{ORG}/repos/payments/pull/9")
        assert page.status_code == 200
        assert hostile not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        assert 'data-unreadable="2"' in page.text  # reviewers and provenance
        not_a_document = client.get(f"/dashboard/{ORG}/repos/payments/pull/10")
        assert not_a_document.status_code == 200 and 'data-unreadable="1"' in not_a_document.text
        overview = client.get(f"/dashboard/{ORG}?range=all")
        assert overview.status_code == 200 and hostile not in overview.text
