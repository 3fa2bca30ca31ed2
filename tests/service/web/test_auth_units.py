"""The small pure parts of sign-in: local-only redirects, PKCE (RFC 7636's own test vector),
group grants from the organisations' file."""

from __future__ import annotations

import pytest

from netgain.service.access import Grant
from netgain.service.org_config import OrgConfig
from netgain.service.web.auth.groups import grants_from_groups
from netgain.service.web.auth.oidc_client import pkce_challenge
from netgain.service.web.auth.redirects import safe_next


@pytest.mark.parametrize(
    "value",
    ["/", "/dashboard/acme", "/dashboard/acme?range=90d&team=payments", "/a/b%20c", "/x#frag"],
)
def test_local_paths_are_kept(value: str) -> None:
    assert safe_next(value) == value


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/%2f%2fevil.example",
        "/%5c%5cevil.example",
        "%2F%2Fevil.example",
        "https://evil.example/x",
        "HTTPS://evil.example",
        "javascript:alert(1)",
        "data:text/html,hi",
        "/\r\nLocation: https://evil.example",
        "\x00/",
        "/" + "a" * 3000,
    ],
)
def test_anything_else_goes_home(value: str | None) -> None:
    assert safe_next(value) == "/"


def test_pkce_s256_matches_rfc_7636_appendix_b() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_groups_combine_to_the_strongest_grant() -> None:
    config = OrgConfig.model_validate(
        {
            "orgs": {
                "Acme": {
                    "oidc_groups": {
                        "devs": {"role": "member", "repositories": ["acme/web", "ACME/Api"]},
                        "ops": {"role": "member", "repositories": ["acme/infra", "other/x"]},
                        "leads": "admin",
                    }
                },
                "beta": {"oidc_groups": {"devs": "member"}},
            }
        }
    )
    assert grants_from_groups(config, ["devs", "ops"]) == {
        "acme": Grant("member", frozenset({"acme/web", "acme/api", "acme/infra"})),
        "beta": Grant("member", None),
    }
    assert grants_from_groups(config, ["leads"])["acme"] == Grant("admin", None)
    assert grants_from_groups(config, ["Devs", "nobody"]) == {}  # names compare exactly


def test_unknown_group_setting_is_refused() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        OrgConfig.model_validate({"orgs": {"acme": {"oidc_groups": {"devs": "owner"}}}})
