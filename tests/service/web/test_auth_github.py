"""GitHub sign-in through the GitHub App's OAuth web flow, against a loopback fake GitHub that
answers in GitHub's documented shapes: state bound to the browser, grants from what GitHub says,
session rotated and cookies flagged, open redirects refused."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from sqlalchemy import select

from netgain.service import access
from netgain.service.access_tables import audit_log, login_attempts, users
from tests.service.fakegithub import FakeGitHub, Person
from tests.service.web.conftest import Site, SiteFactory, follow_provider, github_env

GitHubSite = tuple[Site, FakeGitHub]


def _github(fake: FakeGitHub) -> None:
    fake.app_repositories |= {"octo-org/web", "octo-org/payments", "octo-org/secret"}
    fake.people["alice"] = Person(
        id=101,
        name="Alice Liddell",
        email=None,
        emails=[("alice@octo.example", True), ("old@octo.example", False)],
        memberships={"octo-org": ("active", "member")},
        readable={"octo-org/web", "octo-org/payments"},
    )
    fake.people["olga"] = Person(id=102, memberships={"octo-org": ("active", "admin")})
    # an outside collaborator: reads a repository, but GitHub says they are no member
    fake.people["carl"] = Person(id=103, readable={"octo-org/web"})
    fake.people["pete"] = Person(id=104, memberships={"octo-org": ("pending", "member")})


def _sign_in(site: Site, fake: FakeGitHub, login: str, next_path: str = "/") -> httpx2.Response:
    fake.approve_as = login
    start = site.client.get("/auth/github/login", params={"next": next_path})
    assert start.status_code == 303, start.text
    back = follow_provider(start.headers["location"])
    return site.client.get(back)


@pytest.fixture
def github_site(
    make_site: SiteFactory, fake_github: tuple[FakeGitHub, str], tmp_path: Path
) -> GitHubSite:
    fake, url = fake_github
    _github(fake)
    return make_site(**github_env(url, fake, tmp_path)), fake


def test_member_signs_in_and_sees_only_readable_repositories(github_site: GitHubSite) -> None:
    site, fake = github_site
    start = site.client.get("/auth/github/login", params={"next": "/orgs/octo-org?range=90d"})
    location = urlsplit(start.headers["location"])
    query = parse_qs(location.query)
    assert location.path == "/login/oauth/authorize"
    assert query["client_id"] == [fake.oauth_client[0]]
    assert query["redirect_uri"] == ["https://testserver/auth/github/callback"]
    login_cookie = start.headers["set-cookie"]
    assert "netgain_login=" in login_cookie and "HttpOnly" in login_cookie
    assert "Secure" in login_cookie and "samesite=lax" in login_cookie.lower()
    fake.approve_as = "alice"
    done = site.client.get(follow_provider(start.headers["location"]))
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/orgs/octo-org?range=90d"
    session_cookie = next(
        c for c in done.headers.get_list("set-cookie") if c.startswith("netgain_session=")
    )
    assert "HttpOnly" in session_cookie and "Secure" in session_cookie
    assert "samesite=lax" in session_cookie.lower()
    me = site.client.get("/auth/me").json()
    assert me["login"] == "alice"
    assert me["orgs"] == [
        {
            "org": "octo-org",
            "role": "member",
            "repositories": ["octo-org/payments", "octo-org/web"],
            "teams": [],
        }
    ]
    with site.ctx.engine.connect() as conn:
        row = conn.execute(select(users)).one()
    assert row.emails == ["alice@octo.example"]  # the unverified address is not theirs
    assert not [t for t in fake.user_tokens if t in str(row)]  # GitHub's token is not stored


def test_admin_sees_the_whole_org_and_the_sign_in_is_audited(github_site: GitHubSite) -> None:
    site, fake = github_site
    assert _sign_in(site, fake, "olga").status_code == 303
    me = site.client.get("/auth/me").json()
    assert me["orgs"][0]["role"] == "admin" and me["orgs"][0]["repositories"] is None
    with site.ctx.engine.connect() as conn:
        entry = conn.execute(select(audit_log)).one()
    assert (entry.actor, entry.action, entry.org) == ("user:olga", "auth.sign_in", "octo-org")


@pytest.mark.parametrize("login", ["carl", "pete"])
def test_no_active_membership_no_organisation(github_site: GitHubSite, login: str) -> None:
    site, fake = github_site
    assert _sign_in(site, fake, login).status_code == 303
    assert site.client.get("/auth/me").json()["orgs"] == []


def test_grants_are_replaced_at_each_sign_in(github_site: GitHubSite) -> None:
    site, fake = github_site
    _sign_in(site, fake, "alice")
    fake.people["alice"].readable = {"octo-org/web"}
    _sign_in(site, fake, "alice")
    assert site.client.get("/auth/me").json()["orgs"][0]["repositories"] == ["octo-org/web"]


def test_emails_permission_missing_is_not_fatal(github_site: GitHubSite) -> None:
    site, fake = github_site
    fake.people["alice"].emails_allowed = False
    fake.people["alice"].email = "Alice@Public.example"
    assert _sign_in(site, fake, "alice").status_code == 303
    with site.ctx.engine.connect() as conn:
        assert conn.execute(select(users.c.emails)).scalar_one() == ["alice@public.example"]


def test_session_rotates_at_sign_in(github_site: GitHubSite) -> None:
    site, fake = github_site
    fixated = "attacker-chosen-session-value"
    site.client.cookies.set(access.SESSION_COOKIE, fixated, domain="testserver.local")
    _sign_in(site, fake, "alice")
    first = site.client.cookies.get(access.SESSION_COOKIE)
    assert first and first != fixated
    _sign_in(site, fake, "alice")
    assert site.client.cookies.get(access.SESSION_COOKIE) != first


def test_state_must_come_back_to_the_browser_that_started(github_site: GitHubSite) -> None:
    site, fake = github_site
    fake.approve_as = "alice"
    start = site.client.get("/auth/github/login")
    back = follow_provider(start.headers["location"])
    # another browser (no pre-session cookie) replays the callback: refused
    site.client.cookies.clear()
    replay = site.client.get(back)
    assert replay.status_code == 400
    assert replay.headers["content-type"] == "application/problem+json"
    # a forged state with this browser's cookie: refused, and the attempt is consumed
    start = site.client.get("/auth/github/login")
    back = follow_provider(start.headers["location"])
    forged = back.replace("state=", "state=x")
    assert site.client.get(forged).status_code == 400
    assert site.client.get(back).status_code == 400  # single use
    with site.ctx.engine.connect() as conn:
        left = conn.execute(select(login_attempts.c.state)).scalars().all()
    # only the first attempt (its browser went away) waits for its expiry
    assert len(left) == 1 and parse_qs(urlsplit(back).query)["state"] != left
    assert site.client.get("/auth/me").status_code == 401


def test_bad_code_is_a_clear_error(github_site: GitHubSite) -> None:
    site, fake = github_site
    fake.approve_as = "alice"
    start = site.client.get("/auth/github/login")
    back = follow_provider(start.headers["location"])
    fake.oauth_codes.clear()  # the code expired at GitHub
    answer = site.client.get(back)
    assert answer.status_code == 502
    assert "bad_verification_code" in answer.json()["detail"]


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "/\\evil.example",
        "/%5Cevil.example",
        "/%2F%2Fevil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "\t//evil.example",
        "/\t/evil.example",
        "evil.example",
    ],
)
def test_next_never_leaves_the_site(github_site: GitHubSite, target: str) -> None:
    site, fake = github_site
    done = _sign_in(site, fake, "alice", target)
    assert done.status_code == 303 and done.headers["location"] == "/"


def test_not_configured_is_404(make_site: SiteFactory) -> None:
    site = make_site()
    assert site.client.get("/auth/github/login").status_code == 404
    assert site.client.get("/auth/login").status_code == 404


def test_without_the_members_permission_nobody_sees_the_org(
    github_site: GitHubSite, caplog: pytest.LogCaptureFixture
) -> None:
    site, fake = github_site
    fake.members_permission = False
    assert _sign_in(site, fake, "olga").status_code == 303
    assert site.client.get("/auth/me").json()["orgs"] == []
    assert "Members: read" in caplog.text
