"""OpenID Connect sign-in against a loopback provider with its own key: PKCE, state and nonce,
the ID token verified (signature, iss, aud, exp, nonce), groups mapped to organisation grants
through the organisations' file."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.service.fakegithub import Served
from tests.service.web.conftest import Site, SiteFactory, follow_provider
from tests.service.web.fakeoidc import CLIENT_ID, CLIENT_SECRET, FakeOidc

ORG_CONFIG = """
[orgs.acme.teams]
payments = ["dana@acme.example"]

[orgs.acme.oidc_groups]
"eng-leads" = "admin"
"payments-team" = { role = "member", repositories = ["acme/payments", "beta/stolen"] }

[orgs.beta.oidc_groups]
"beta-all" = "member"
"""


@pytest.fixture(params=["", "/"], ids=["issuer", "issuer-with-slash"])
def oidc(request: pytest.FixtureRequest) -> Iterator[FakeOidc]:
    """The provider; its issuer with and without a trailing slash (Auth0 issues
    "https://TENANT.auth0.com/", Okta, Keycloak and Google none): compared exactly either way."""
    provider = FakeOidc()
    served = Served(provider.asgi())
    provider.issuer = served.url + request.param
    with served:
        yield provider


@pytest.fixture
def site(make_site: SiteFactory, oidc: FakeOidc, tmp_path: Path) -> Site:
    (tmp_path / "org.toml").write_text(ORG_CONFIG, encoding="utf-8")
    (tmp_path / "oidc-secret").write_text(CLIENT_SECRET, encoding="utf-8")
    oidc.claims = {
        "sub": "00u1dana",
        "preferred_username": "dana",
        "email": "Dana@acme.example",
        "email_verified": True,
        "groups": ["payments-team", "unmapped"],
    }
    return make_site(
        NETGAIN_OIDC_ISSUER=oidc.issuer,
        NETGAIN_OIDC_CLIENT_ID=CLIENT_ID,
        NETGAIN_OIDC_CLIENT_SECRET_FILE=str(tmp_path / "oidc-secret"),
        NETGAIN_ORG_CONFIG=str(tmp_path / "org.toml"),
    )


def _sign_in(site: Site, next_path: str = "/") -> int:
    start = site.client.get("/auth/oidc/login", params={"next": next_path})
    assert start.status_code == 303, start.text
    answer = site.client.get(follow_provider(start.headers["location"]))
    return answer.status_code


def test_pkce_state_nonce_and_group_grants(site: Site, oidc: FakeOidc) -> None:
    start = site.client.get("/auth/oidc/login", params={"next": "/orgs/acme"})
    query = parse_qs(urlsplit(start.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["nonce"][0] and query["state"][0] and query["nonce"] != query["state"]
    assert query["redirect_uri"] == ["https://testserver/auth/oidc/callback"]
    done = site.client.get(follow_provider(start.headers["location"]))
    assert done.status_code == 303 and done.headers["location"] == "/orgs/acme"
    (request,) = oidc.token_requests
    assert request["grant_type"] == "authorization_code" and len(request["code_verifier"]) >= 43
    assert request["authorization"].startswith("Basic ")  # the secret never travels in the body
    me = site.client.get("/auth/me").json()
    # the mapped group's repositories, minus one naming another organisation
    assert me == {
        "login": "dana",
        "kind": "session",
        "orgs": [
            {
                "org": "acme",
                "role": "member",
                "repositories": ["acme/payments"],
                "teams": ["payments"],
            }
        ],
    }


def test_admin_group_and_several_orgs(site: Site, oidc: FakeOidc) -> None:
    oidc.claims["groups"] = ["payments-team", "eng-leads", "beta-all"]
    assert _sign_in(site) == 303
    orgs = {o["org"]: o for o in site.client.get("/auth/me").json()["orgs"]}
    assert orgs["acme"]["role"] == "admin" and orgs["acme"]["repositories"] is None
    assert orgs["beta"]["role"] == "member" and orgs["beta"]["repositories"] is None


def test_groups_from_userinfo_when_the_id_token_has_none(site: Site, oidc: FakeOidc) -> None:
    oidc.groups_in_id_token = False
    assert _sign_in(site) == 303
    assert [o["org"] for o in site.client.get("/auth/me").json()["orgs"]] == ["acme"]


def test_no_mapped_group_sees_nothing(site: Site, oidc: FakeOidc) -> None:
    oidc.claims["groups"] = ["unmapped"]
    assert _sign_in(site) == 303
    assert site.client.get("/auth/me").json()["orgs"] == []


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        ({"aud": "someone-else"}, "audience"),
        ({"iss": "https://evil.example"}, "issuer"),
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"nonce": "replayed-nonce"}, "nonce"),
        ({"aud": [CLIENT_ID, "other"], "azp": "other"}, "azp"),
    ],
)
def test_tampered_id_tokens_are_refused(
    site: Site, oidc: FakeOidc, tamper: dict[str, object], reason: str
) -> None:
    oidc.id_token_overrides = tamper
    start = site.client.get("/auth/oidc/login")
    answer = site.client.get(follow_provider(start.headers["location"]))
    assert answer.status_code == 502, answer.text
    assert reason in answer.json()["detail"].lower()
    assert site.client.get("/auth/me").status_code == 401


def test_unpublished_key_and_alg_none_are_refused(site: Site, oidc: FakeOidc) -> None:
    oidc.sign_with = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert _sign_in(site) == 502
    oidc.sign_with = None
    oidc.unsigned = True
    assert _sign_in(site) == 502
    assert site.client.get("/auth/me").status_code == 401


def test_a_wrong_pkce_verifier_is_refused_by_the_provider(site: Site, oidc: FakeOidc) -> None:
    from netgain.service.access_tables import login_attempts

    start = site.client.get("/auth/oidc/login")
    with site.ctx.engine.begin() as conn:
        conn.execute(login_attempts.update().values(code_verifier="x" * 64))
    answer = site.client.get(follow_provider(start.headers["location"]))
    assert answer.status_code == 502 and "invalid_grant" in answer.json()["detail"]


def test_state_is_checked(site: Site) -> None:
    start = site.client.get("/auth/oidc/login")
    back = follow_provider(start.headers["location"])
    site.client.cookies.clear()
    assert site.client.get(back).status_code == 400


def test_unverified_email_is_not_kept(site: Site, oidc: FakeOidc) -> None:
    from sqlalchemy import select

    from netgain.service.access_tables import users

    oidc.claims["email_verified"] = False
    assert _sign_in(site) == 303
    with site.ctx.engine.connect() as conn:
        assert conn.execute(select(users.c.emails)).scalar_one() == []
