"""A served service with one real gate decision and signed-in people, for the dashboard tests.

The decision is the service's own: a signed `pull_request` delivery, the embedded queue runs
the real check on the fake GitHub's repository (an AI-written auth change plus a SQL injection),
and the result lands in `service_decisions` as in production.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from netgain.service import access
from netgain.service.check_job import record_decision
from netgain.service.runtime import Runtime
from tests.policy.payloads_util import pull_request_event, review_event
from tests.service.conftest import REPOSITORY, Client, World, embedded_service, signed

__all__ = ["ORG", "OTHER_ORG", "DashboardWorld", "dashboard_world", "record_decision"]

ORG = "octo-org"
OTHER_ORG = "rival-org"

ORG_CONFIG = """
[orgs.octo-org.teams]
payments = ["alice", "bob", "carol", "dave", "erin", "bob@example.com"]
tiny = ["alice", "frank"]

[orgs.octo-org.privacy]
min_group = 5

[orgs.octo-org.seniority]
senior = ["sam"]
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


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class _Deliveries:
    """Signed webhooks of one test, each with its own delivery id."""

    def __init__(self, dash: DashboardWorld) -> None:
        self.dash = dash
        self.sent = 0

    def __call__(self, event: str, payload: dict[str, Any]) -> None:
        self.sent += 1
        payload["repository"]["full_name"] = REPOSITORY
        payload["repository"]["name"] = REPOSITORY.split("/")[1]
        payload["installation"] = {"id": self.dash.world.github.installation_id}
        body, headers = signed(event, payload, f"flow-{self.sent}")
        response = self.dash.client.post("/webhooks/github", content=body, headers=headers)
        assert response.status_code in (200, 202), response.text


def seed_timelines(dash: DashboardWorld, count: int = 22) -> datetime:
    """`count` merged pull requests through the service's own webhooks (opened, a review
    request to the senior, reviews, merged): the pull request timelines the feeds record.
    The check jobs they queue are never run: the flow figures need only the events. Returns
    the time of the first one."""
    send = _Deliveries(dash)
    base = dash.world.repo.git("rev-parse", "main")
    head = dash.world.repo.git("rev-parse", "feature")
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=20)
    team = ["bob", "carol", "dave", "erin", "alice"]  # the "payments" team, minus its alias
    for k in range(count):
        number = 100 + k
        author = team[k % len(team)]
        opened = start + timedelta(hours=6 * k)
        event = pull_request_event(
            base_sha=base, head_sha=head, body="", author=author, number=number
        )
        pr = event["pull_request"]
        pr["created_at"] = pr["updated_at"] = _stamp(opened)
        send("pull_request", event)
        asked = dict(
            event,
            action="review_requested",
            requested_reviewer={"login": "sam", "id": 77, "type": "User"},
            sender={"login": author, "id": 5, "type": "User"},
        )
        asked["pull_request"] = dict(pr, updated_at=_stamp(opened + timedelta(hours=1)))
        send("pull_request", asked)
        peers = [r for r in team if r != author][: 1 + k % 4]
        for i, reviewer in enumerate([*peers, "sam"]):
            review = review_event(
                base_sha=base,
                head_sha=head,
                body="",
                reviewer=reviewer,
                state="approved" if reviewer == "sam" else "commented",
            )
            review["pull_request"]["number"] = number
            review["pull_request"]["user"]["login"] = author
            review["review"]["id"] = 10_000 * number + i
            review["review"]["submitted_at"] = _stamp(opened + timedelta(hours=2 + i + k % 4))
            send("pull_request_review", review)
        merged = dict(event, action="closed")
        merged["pull_request"] = dict(
            pr,
            state="closed",
            merged=True,
            merged_at=_stamp(opened + timedelta(hours=9 + k % 5)),
            merge_commit_sha=head,
            merged_by={"login": "sam", "id": 77, "type": "User"},
        )
        send("pull_request", merged)
    return start
