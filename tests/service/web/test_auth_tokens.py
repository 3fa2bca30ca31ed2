"""API tokens and the audit log over HTTP; CSRF on cookie-authenticated state changes; sign-out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from netgain.service import access
from netgain.service.access_tables import api_tokens
from tests.service.web.conftest import Site, SiteFactory

ADMIN = {"acme": access.Grant("admin", None)}
MEMBER = {"acme": access.Grant("member", frozenset({"acme/web"}))}
TOKENS = "/api/v1/orgs/acme/tokens"


@pytest.fixture
def site(make_site: SiteFactory) -> Site:
    return make_site()


def test_admin_creates_shown_once_lists_without_values_and_revokes(site: Site) -> None:
    _, csrf = site.sign_in_as("olga", ADMIN)
    made = site.client.post(
        TOKENS, json={"name": "nightly export", "scope": "admin"}, headers={"X-CSRF-Token": csrf}
    )
    assert made.status_code == 201, made.text
    value = made.json()["token"]
    assert value.startswith("ngt_") and made.json()["scope"] == "admin"
    listed = site.client.get(TOKENS)
    assert value not in listed.text and "token_hash" not in listed.text
    (info,) = listed.json()["tokens"]
    assert (info["name"], info["created_by"], info["last_used_at"]) == (
        "nightly export",
        "olga",
        None,
    )
    # the token works for a script (no cookie) and its use is recorded
    script = site.client.get("/auth/me", headers={"Authorization": f"Bearer {value}"})
    assert script.status_code == 200 and script.json()["kind"] == "token"
    assert site.client.get(TOKENS).json()["tokens"][0]["last_used_at"] is not None
    gone = site.client.delete(f"{TOKENS}/{info['id']}", headers={"X-CSRF-Token": csrf})
    assert gone.status_code == 204
    again = site.client.get("/auth/me", headers={"Authorization": f"Bearer {value}"})
    assert again.status_code == 401
    audit = site.client.get("/api/v1/orgs/acme/audit").json()["entries"]
    assert [e["action"] for e in audit] == ["token.revoke", "token.create"]
    assert audit[1]["detail"] == {"name": "nightly export", "scope": "admin"}
    assert all(e["actor"] == "user:olga" for e in audit)


def test_member_scope_rules(site: Site) -> None:
    site.sign_in_as("olga", ADMIN)
    admin_token = site.client.post(
        TOKENS,
        json={"name": "admin's", "scope": "read"},
        headers={"X-CSRF-Token": _csrf(site)},
    ).json()
    site.client.cookies.clear()
    _, csrf = site.sign_in_as("mia", MEMBER)
    refused = site.client.post(
        TOKENS, json={"name": "x", "scope": "admin"}, headers={"X-CSRF-Token": csrf}
    )
    assert refused.status_code == 403
    mine = site.client.post(TOKENS, json={"name": "mine"}, headers={"X-CSRF-Token": csrf})
    assert mine.status_code == 201 and mine.json()["scope"] == "read"
    # a member sees and revokes their own tokens only; another's is "no such token"
    assert [t["name"] for t in site.client.get(TOKENS).json()["tokens"]] == ["mine"]
    other = site.client.delete(f"{TOKENS}/{admin_token['id']}", headers={"X-CSRF-Token": csrf})
    assert other.status_code == 404
    assert site.client.get("/api/v1/orgs/acme/audit").status_code == 403
    # an organisation the member does not see is 404, not 403
    assert site.client.get("/api/v1/orgs/elsewhere/tokens").status_code == 404
    # a token cannot mint tokens
    value = mine.json()["token"]
    site.client.cookies.clear()
    minted = site.client.post(
        TOKENS, json={"name": "child"}, headers={"Authorization": f"Bearer {value}"}
    )
    assert minted.status_code == 403


def _csrf(site: Site) -> str:
    from netgain.service.web.auth import csrf_token

    cookie = site.client.cookies.get(access.SESSION_COOKIE)
    assert cookie
    return csrf_token(access.principal_from_session(site.ctx.engine, cookie))


def test_cookie_state_changes_need_the_csrf_token(site: Site) -> None:
    site.sign_in_as("olga", ADMIN)
    bare = site.client.post(TOKENS, json={"name": "x"})
    assert bare.status_code == 403 and "CSRF" in bare.json()["detail"]
    wrong = site.client.post(TOKENS, json={"name": "x"}, headers={"X-CSRF-Token": "0" * 64})
    assert wrong.status_code == 403
    cross = site.client.post(
        TOKENS,
        json={"name": "x"},
        headers={"X-CSRF-Token": _csrf(site), "Origin": "https://evil.example"},
    )
    assert cross.status_code == 403
    # an HTML form carries it as a field
    form = site.client.post("/auth/logout", data={"csrf_token": _csrf(site)})
    assert form.status_code == 303
    assert site.client.get(TOKENS).status_code == 401  # the session is gone server-side


def test_logout_is_post_and_csrf_checked(site: Site) -> None:
    site.sign_in_as("olga", ADMIN)
    cookie = site.client.cookies.get(access.SESSION_COOKIE)
    assert site.client.get("/auth/logout").status_code == 405
    assert site.client.post("/auth/logout").status_code == 403
    done = site.client.post("/auth/logout", headers={"X-CSRF-Token": _csrf(site)})
    assert done.status_code == 303
    assert (
        'netgain_session=""' in done.headers["set-cookie"]
        or "Max-Age=0" in done.headers["set-cookie"]
    )
    assert cookie and access.principal_from_session(site.ctx.engine, cookie) is None


def test_csrf_token_rotates_with_the_session(site: Site) -> None:
    site.sign_in_as("olga", ADMIN)
    first = _csrf(site)
    site.client.cookies.clear()
    site.sign_in_as("olga", ADMIN)
    assert _csrf(site) != first
    refused = site.client.post(TOKENS, json={"name": "x"}, headers={"X-CSRF-Token": first})
    assert refused.status_code == 403


def test_audit_pages_newest_first(site: Site) -> None:
    site.sign_in_as("olga", ADMIN)
    for n in range(5):
        access.audit(site.ctx.engine, "system", f"step.{n}", org="acme")
    access.audit(site.ctx.engine, "system", "other.org", org="beta")
    page = site.client.get("/api/v1/orgs/acme/audit", params={"limit": 3}).json()
    assert [e["action"] for e in page["entries"]] == ["step.4", "step.3", "step.2"]
    rest = site.client.get(
        "/api/v1/orgs/acme/audit", params={"limit": 3, "before": page["next_before"]}
    ).json()
    assert [e["action"] for e in rest["entries"]] == ["step.1", "step.0"]
    assert rest["next_before"] is None


def test_last_used_is_written_at_most_once_a_minute(site: Site) -> None:
    user, _ = site.sign_in_as("olga", ADMIN)
    value = access.issue_token(site.ctx.engine, user_id=user, org="acme", scope="read", name="t")
    site.client.cookies.clear()
    bearer = {"Authorization": f"Bearer {value}"}
    assert site.client.get("/auth/me", headers=bearer).status_code == 200
    old = access.now() - timedelta(minutes=5)
    with site.ctx.engine.begin() as conn:
        conn.execute(update(api_tokens).values(last_used_at=old))
    site.client.get("/auth/me", headers=bearer)
    listed = site.client.get(TOKENS, headers=bearer).json()["tokens"][0]
    assert listed["last_used_at"] > old.isoformat()[:19]
