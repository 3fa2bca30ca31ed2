"""A served service with one real gate decision and signed-in people, for the dashboard tests.

The decision is the service's own: a signed `pull_request` delivery, the embedded queue runs
the real check on the fake GitHub's repository (an AI-written auth change plus a SQL injection),
and the result lands in `service_decisions` as in production.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from netgain.service import access
from netgain.service.runtime import Runtime
from tests.service.conftest import Client, World, embedded_service, signed

ORG = "octo-org"
OTHER_ORG = "rival-org"

ORG_CONFIG = """
[orgs.octo-org.teams]
payments = ["alice", "bob", "carol", "dave", "erin", "bob@example.com"]
tiny = ["alice", "frank"]

[orgs.octo-org.privacy]
min_group = 5
"""


@dataclass
class DashboardWorld:
    world: World
    runtime: Runtime
    client: Client
    pull: int

    @property
    def url(self) -> str:
        return self.client.served.url

    def session_for(
        self, login: str, grants: dict[str, access.Grant], emails: tuple[str, ...] = ()
    ) -> str:
        """A signed-in browser's session cookie for `login` with these grants."""
        engine = self.runtime.ctx.engine
        user = access.upsert_user(
            engine, provider="github", subject=f"id-{login}", login=login, emails=emails
        )
        access.replace_grants(engine, user, grants)
        cookie, _ = access.open_session(engine, user)
        return cookie


def dashboard_world(world: World, tmp_path: Path) -> DashboardWorld:
    config = tmp_path / "orgs.toml"
    config.write_text(ORG_CONFIG, encoding="utf-8")
    runtime, client = embedded_service(world, tmp_path, {"NETGAIN_ORG_CONFIG": str(config)})
    event = world.open_pull(7)
    body, headers = signed("pull_request", event, "d-dash-1")
    response = client.post("/webhooks/github", content=body, headers=headers)
    assert response.status_code == 202, response.text
    assert runtime.queue.run_pending() == 1
    return DashboardWorld(world, runtime, client, 7)
