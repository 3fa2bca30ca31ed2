"""`netgain token`: bootstrapping the first admin of a fresh install from the server's shell,
then using that token over HTTP exactly as a script would."""

from __future__ import annotations

import json
from pathlib import Path

from tests.history.conftest import netgain
from tests.service.web.conftest import SiteFactory


def test_bootstrap_token_is_an_admin_of_its_org_only(
    tmp_path: Path, make_site: SiteFactory
) -> None:
    data = tmp_path / "svc0"  # the directory make_site's first service uses
    made = netgain("token", "create", "--org", "Acme", "--data-dir", str(data), cwd=tmp_path)
    value = made.stdout.strip()
    assert value.startswith("ngt_") and "not shown again" in made.stderr
    site = make_site()
    bearer = {"Authorization": f"Bearer {value}"}
    me = site.client.get("/auth/me", headers=bearer).json()
    assert me["orgs"] == [{"org": "acme", "role": "admin", "repositories": None, "teams": []}]
    assert site.client.get("/api/v1/orgs/other/tokens", headers=bearer).status_code == 404
    audit = site.client.get("/api/v1/orgs/acme/audit", headers=bearer).json()["entries"]
    assert [(e["actor"], e["action"]) for e in audit] == [("cli:bootstrap", "token.create")]

    listed = json.loads(
        netgain(
            "token", "list", "--org", "acme", "--json", "--data-dir", str(data), cwd=tmp_path
        ).stdout
    )
    (token,) = listed["tokens"]
    assert value not in json.dumps(listed) and token["last_used_at"] is not None
    out = netgain("token", "revoke", str(token["id"]), "--data-dir", str(data), cwd=tmp_path)
    assert "revoked" in out.stdout
    assert site.client.get("/auth/me", headers=bearer).status_code == 401
    again = netgain("token", "revoke", "999", "--data-dir", str(data), cwd=tmp_path, check=False)
    assert again.returncode != 0 and "no token with id 999" in again.stderr


def test_bad_scope_is_a_usage_error(tmp_path: Path) -> None:
    bad = netgain(
        "token",
        "create",
        "--org",
        "acme",
        "--scope",
        "root",
        "--data-dir",
        str(tmp_path),
        cwd=tmp_path,
        check=False,
    )
    assert bad.returncode == 2 and "--scope" in bad.stderr
