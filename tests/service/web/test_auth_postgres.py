"""Sign-in, sessions, tokens and the audit log on the real PostgreSQL server (the deployment's
store): the same flow as on SQLite, end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.service.fakegithub import FakeGitHub, Person
from tests.service.web.conftest import SiteFactory, follow_provider, github_env

pytestmark = pytest.mark.postgres


def test_github_sign_in_and_tokens_on_postgres(
    make_site: SiteFactory, fake_github: tuple[FakeGitHub, str], tmp_path: Path, postgres_url: str
) -> None:
    fake, url = fake_github
    fake.app_repositories |= {"octo-org/web"}
    fake.people["olga"] = Person(id=7, memberships={"octo-org": ("active", "admin")})
    site = make_site(NETGAIN_DATABASE_URL=postgres_url, **github_env(url, fake, tmp_path))
    fake.approve_as = "olga"
    start = site.client.get("/auth/github/login", params={"next": "/x"})
    done = site.client.get(follow_provider(start.headers["location"]))
    assert done.status_code == 303 and done.headers["location"] == "/x"
    from netgain.service import access
    from netgain.service.web.auth import csrf_token

    cookie = site.client.cookies.get(access.SESSION_COOKIE)
    assert cookie
    csrf = csrf_token(access.principal_from_session(site.ctx.engine, cookie))
    made = site.client.post(
        "/api/v1/orgs/octo-org/tokens",
        json={"name": "pg", "scope": "admin"},
        headers={"X-CSRF-Token": csrf},
    )
    assert made.status_code == 201, made.text
    bearer = {"Authorization": f"Bearer {made.json()['token']}"}
    assert site.client.get("/auth/me", headers=bearer).json()["orgs"][0]["role"] == "admin"
    revoked = site.client.delete(
        f"/api/v1/orgs/octo-org/tokens/{made.json()['id']}", headers={"X-CSRF-Token": csrf}
    )
    assert revoked.status_code == 204
    assert site.client.get("/auth/me", headers=bearer).status_code == 401
    actions = [
        e["action"] for e in site.client.get("/api/v1/orgs/octo-org/audit").json()["entries"]
    ]
    assert actions == ["token.revoke", "token.create", "auth.sign_in"]
    out = site.client.post("/auth/logout", headers={"X-CSRF-Token": csrf})
    assert out.status_code == 303
    assert access.principal_from_session(site.ctx.engine, cookie) is None
