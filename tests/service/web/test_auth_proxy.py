"""The trusted reverse-proxy header: off by default, believed only from the trusted addresses,
refused at start-up when half-configured."""

from __future__ import annotations

from pathlib import Path

import pytest

from netgain.errors import UsageError
from netgain.service.settings import from_env
from tests.service.web.conftest import SiteFactory

PROXY = {
    "NETGAIN_PROXY_USER_HEADER": "X-Forwarded-User",
    "NETGAIN_PROXY_EMAIL_HEADER": "X-Forwarded-Email",
    "NETGAIN_PROXY_GROUPS_HEADER": "X-Forwarded-Groups",
    "NETGAIN_PROXY_TRUSTED": "10.0.0.0/24, 192.168.1.7",
}
HEADERS = {
    "X-Forwarded-User": "erin",
    "X-Forwarded-Email": "erin@acme.example",
    "X-Forwarded-Groups": "eng, acme-admins",
}


@pytest.fixture
def org_config(tmp_path: Path) -> str:
    path = tmp_path / "org.toml"
    path.write_text('[orgs.acme.oidc_groups]\n"acme-admins" = "admin"\n', encoding="utf-8")
    return str(path)


def test_trusted_proxy_opens_a_session(make_site: SiteFactory, org_config: str) -> None:
    site = make_site(peer="10.0.0.9", NETGAIN_ORG_CONFIG=org_config, **PROXY)
    done = site.client.get("/auth/proxy/login", params={"next": "/orgs/acme"}, headers=HEADERS)
    assert done.status_code == 303 and done.headers["location"] == "/orgs/acme"
    me = site.client.get("/auth/me").json()
    assert me["login"] == "erin" and me["orgs"][0]["role"] == "admin"
    # the single configured method: /auth/login goes straight to it
    assert site.client.get("/auth/login").headers["location"].startswith("/auth/proxy/login")


def test_header_from_anyone_else_is_refused(make_site: SiteFactory, org_config: str) -> None:
    site = make_site(peer="203.0.113.5", NETGAIN_ORG_CONFIG=org_config, **PROXY)
    answer = site.client.get("/auth/proxy/login", headers=HEADERS)
    assert answer.status_code == 403
    assert site.client.get("/auth/me").status_code == 401


def test_missing_user_header_is_401(make_site: SiteFactory) -> None:
    site = make_site(peer="192.168.1.7", **PROXY)
    assert site.client.get("/auth/proxy/login").status_code == 401


def test_off_by_default(make_site: SiteFactory) -> None:
    site = make_site(peer="10.0.0.9")
    assert site.client.get("/auth/proxy/login", headers=HEADERS).status_code == 404


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"NETGAIN_PROXY_USER_HEADER": "X-User"}, "must be set together"),
        ({"NETGAIN_PROXY_TRUSTED": "10.0.0.1"}, "must be set together"),
        (
            {"NETGAIN_PROXY_USER_HEADER": "X-User", "NETGAIN_PROXY_TRUSTED": "proxy.local"},
            "is not an address",
        ),
        ({"NETGAIN_GITHUB_CLIENT_ID": "Iv1"}, "NETGAIN_GITHUB_CLIENT_SECRET_FILE"),
        ({"NETGAIN_OIDC_ISSUER": "https://id.example"}, "NETGAIN_OIDC_CLIENT_ID"),
        ({"NETGAIN_PUBLIC_URL": "ftp://x"}, "NETGAIN_PUBLIC_URL"),
    ],
)
def test_half_configured_sign_in_is_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        from_env(env)


def test_several_methods_offer_a_choice(make_site: SiteFactory, tmp_path: Path) -> None:
    (tmp_path / "s").write_text("x", encoding="utf-8")
    site = make_site(
        NETGAIN_GITHUB_CLIENT_ID="Iv1",
        NETGAIN_GITHUB_CLIENT_SECRET_FILE=str(tmp_path / "s"),
        NETGAIN_OIDC_ISSUER="https://id.example",
        NETGAIN_OIDC_CLIENT_ID="netgain",
    )
    page = site.client.get("/auth/login", params={"next": "//evil.example"})
    assert page.status_code == 200
    assert 'href="/auth/github/login?next=%2F"' in page.text
    assert 'href="/auth/oidc/login?next=%2F"' in page.text
