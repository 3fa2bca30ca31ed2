"""A service with the feeds configured and a repository ingested (shared by the feed tests)."""

from __future__ import annotations

from pathlib import Path

from netgain.service.runtime import Runtime
from tests.service.conftest import REPOSITORY, Client, World, embedded_service, signed
from tests.service.feedpayloads import JIRA_SECRET, PD_SECRET

ROUTES = """
[[orgs.octo-org.incident_routes]]
service = "payments-api"
repository = "octo-org/payments"
path = "services/payments"

[[orgs.octo-org.incident_routes]]
component = "Checkout"
repository = "octo-org/payments"
"""
MAR_1 = 1772352000  # 2026-03-01T08:00:00Z


def ingested(
    world: World, tmp_path: Path, routes: str = ROUTES
) -> tuple[Runtime, Client, dict[str, str]]:
    """The service with feeds configured and the repository ingested, main carrying one change
    under services/payments/ and one elsewhere (the monorepo case)."""
    config = tmp_path / "org.toml"
    config.write_text(routes, encoding="utf-8")
    secrets = tmp_path / "secrets"
    (secrets / "pd").write_text(PD_SECRET, encoding="utf-8")
    (secrets / "jira").write_text(JIRA_SECRET, encoding="utf-8")
    env = {
        "NETGAIN_ORG_CONFIG": str(config),
        "NETGAIN_PAGERDUTY_SECRET_FILE": str(secrets / "pd"),
        "NETGAIN_JIRA_SECRET_FILE": str(secrets / "jira"),
    }
    repo = world.repo
    repo.git("checkout", "-q", "main")
    shas = {
        "payments": repo.commit(
            {"services/payments/charge.py": "def charge():\n    return 1\n"},
            "Speed up charging (PAY-12)",
            date=MAR_1,
        ),
        "web": repo.commit({"web/ui.py": "x = 1\n"}, "Restyle the page", date=MAR_1 + 60),
    }
    runtime, client = embedded_service(world, tmp_path, env)
    push = {
        "ref": "refs/heads/main",
        "after": repo.head(),
        "repository": {"full_name": REPOSITORY, "default_branch": "main"},
        "installation": {"id": world.github.installation_id},
    }
    body, headers = signed("push", push, "d-push")
    assert client.post("/webhooks/github", content=body, headers=headers).status_code == 202
    assert runtime.queue.run_pending() == 1
    assert runtime.queue.counts() == {"succeeded": 1, "todo": 1}  # and the overview documents
    shas["head"] = repo.head()
    return runtime, client, shas
