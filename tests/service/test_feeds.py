"""Incidents, features and deployments arrive by webhook: verified, routed, idempotent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from netgain.service.feeds.router import replay_pending
from netgain.service.feeds.tables import deployments, feed_events
from netgain.service.runtime import Runtime
from netgain.store.models import Commit
from netgain.store.outcome_models import Feature, Incident, IncidentLink
from tests.service.conftest import REPOSITORY, Client, World, embedded_service, signed
from tests.service.feedpayloads import (
    PD_SECRET,
    deployment_status,
    jira_issue,
    jira_signed,
    pagerduty_incident,
    pagerduty_note,
    pd_signed,
    release_published,
)
from tests.service.feedworld import ROUTES, ingested


def post_pd(client: Client, payload: dict[str, Any]) -> Any:
    body, headers = pd_signed(payload)
    return client.post("/webhooks/pagerduty", content=body, headers=headers)


def incidents(runtime: Runtime) -> list[Incident]:
    from sqlalchemy.orm import Session

    with Session(runtime.ctx.engine) as session:
        return list(session.scalars(select(Incident).order_by(Incident.id)))


def test_pagerduty_incident_is_stored_routed_to_its_path_and_idempotent(
    world: World, tmp_path: Path
) -> None:
    runtime, client, shas = ingested(world, tmp_path)
    deploy = deployment_status(
        REPOSITORY,
        world.github.installation_id,
        sha=shas["head"],
        state="success",
        environment="production",
        status_id=501,
        created_at="2026-03-01T12:00:00Z",
    )
    body, headers = signed("deployment_status", deploy, "d-dep")
    answer = client.post("/webhooks/github", content=body, headers=headers)
    assert answer.status_code == 202 and answer.json()["outcome"] == "recorded"
    again = client.post(
        "/webhooks/github", content=body, headers={**headers, "X-GitHub-Delivery": "d-dep-2"}
    )
    assert again.status_code == 200 and again.json()["outcome"] == "duplicate"

    triggered = pagerduty_incident(
        "ev-1",
        "incident.triggered",
        number=42,
        status="triggered",
        created_at="2026-03-02T09:00:00Z",
        occurred_at="2026-03-02T09:00:01.000Z",
    )
    answer = post_pd(client, triggered)
    assert answer.status_code == 202, answer.text
    assert answer.json()["outcome"] == "stored"
    assert post_pd(client, triggered).json()["outcome"] == "duplicate"

    [incident] = incidents(runtime)
    assert (incident.source, incident.external_id, incident.status) == (
        "pagerduty",
        "42",
        "triggered",
    )
    assert incident.service == "payments-api" and incident.severity == "P1"
    from sqlalchemy.orm import Session

    with Session(runtime.ctx.engine) as session:
        links = list(session.scalars(select(IncidentLink)))
    # the monorepo route: only the change under services/payments/ that the deployment shipped
    assert [(lk.commit_sha, lk.role, lk.evidence) for lk in links] == [
        (shas["payments"], "cause", "deployment")
    ]
    assert links[0].detail.startswith("route services/payments/: deployment to production")

    resolved = pagerduty_incident(
        "ev-2",
        "incident.resolved",
        number=42,
        status="resolved",
        created_at="2026-03-02T09:00:00Z",
        occurred_at="2026-03-02T10:30:00.000Z",
    )
    assert post_pd(client, resolved).json()["outcome"] == "stored"
    late_retry = pagerduty_incident(  # an older state arriving after the resolution
        "ev-3",
        "incident.acknowledged",
        number=42,
        status="acknowledged",
        created_at="2026-03-02T09:00:00Z",
        occurred_at="2026-03-02T09:10:00.000Z",
    )
    stale = post_pd(client, late_retry)
    assert stale.status_code == 200 and stale.json()["outcome"] == "stale"
    [incident] = incidents(runtime)
    assert incident.status == "resolved"
    assert incident.resolved_at is not None and incident.resolved_at.hour == 10

    note = post_pd(client, pagerduty_note("ev-4"))
    assert note.status_code == 200 and note.json()["outcome"] == "ignored"
    assert len(incidents(runtime)) == 1


def test_pagerduty_refuses_unsigned_and_reports_bad_payloads(world: World, tmp_path: Path) -> None:
    runtime, client, _ = ingested(world, tmp_path)
    payload = pagerduty_incident(
        "ev-9",
        "incident.triggered",
        number=7,
        status="triggered",
        created_at="2026-03-02T09:00:00Z",
        occurred_at="2026-03-02T09:00:00Z",
    )
    body, headers = pd_signed(payload)
    forged = pd_signed(payload, ("guess",))[1]
    assert client.post("/webhooks/pagerduty", content=body, headers=forged).status_code == 401
    unsigned = {k: v for k, v in headers.items() if k != "X-PagerDuty-Signature"}
    refused = client.post("/webhooks/pagerduty", content=body, headers=unsigned)
    assert refused.status_code == 401
    assert refused.headers["content-type"].startswith("application/problem+json")
    # a rotation: two signatures, the second one ours
    rotated = pd_signed(payload, ("old-secret", PD_SECRET))[1]
    assert client.post("/webhooks/pagerduty", content=body, headers=rotated).status_code == 202
    tampered = body.replace(b'"number": 7', b'"number": 8')
    assert client.post("/webhooks/pagerduty", content=tampered, headers=headers).status_code == 401
    broken = pagerduty_incident(
        "ev-10",
        "incident.triggered",
        number=8,
        status="triggered",
        created_at="yesterday",
        occurred_at="2026-03-02T09:00:00Z",
    )
    answer = post_pd(client, broken)
    assert answer.status_code == 400
    assert "data.created_at" in answer.json()["detail"]
    not_json = b'{"event": '
    _, bad_headers = pd_signed({})
    from netgain.service.feeds.signatures import sign_pagerduty

    bad_headers["X-PagerDuty-Signature"] = sign_pagerduty([PD_SECRET.encode()], not_json)
    answer = client.post("/webhooks/pagerduty", content=not_json, headers=bad_headers)
    assert answer.status_code == 400 and answer.json()["status"] == 400
    assert [i.external_id for i in incidents(runtime)] == ["7"]


def test_an_unrouted_incident_is_kept_and_applied_once_a_route_exists(
    world: World, tmp_path: Path
) -> None:
    runtime, client, _ = ingested(world, tmp_path)
    payload = pagerduty_incident(
        "ev-20",
        "incident.triggered",
        number=99,
        status="triggered",
        created_at="2026-03-02T09:00:00Z",
        occurred_at="2026-03-02T09:00:00Z",
        service="search",
    )
    answer = post_pd(client, payload)
    assert answer.status_code == 202 and answer.json()["outcome"] == "unrouted"
    assert incidents(runtime) == []
    config = Path(str(runtime.ctx.settings.org_config))
    config.write_text(
        ROUTES + '\n[[orgs.octo-org.incident_routes]]\nservice = "search"\n'
        'repository = "octo-org/payments"\n',
        encoding="utf-8",
    )
    assert replay_pending(runtime.ctx) == 1
    assert [i.external_id for i in incidents(runtime)] == ["99"]
    assert replay_pending(runtime.ctx) == 0  # applied once
    with runtime.ctx.engine.connect() as conn:
        kept = conn.execute(select(feed_events.c.outcome, feed_events.c.payload)).all()
    assert kept == [("stored", None)]


def test_a_route_into_another_organisation_is_refused(world: World, tmp_path: Path) -> None:
    hostile = '[[orgs.evil-org.incident_routes]]\nservice = "payments-api"\nrepository = "octo-org/payments"\n'
    runtime, client, _ = ingested(world, tmp_path, hostile)
    payload = pagerduty_incident(
        "ev-30",
        "incident.triggered",
        number=5,
        status="triggered",
        created_at="2026-03-02T09:00:00Z",
        occurred_at="2026-03-02T09:00:00Z",
    )
    assert post_pd(client, payload).json()["outcome"] == "unrouted"
    assert incidents(runtime) == []


def test_jira_incidents_and_feature_issues(world: World, tmp_path: Path) -> None:
    runtime, client, shas = ingested(world, tmp_path)
    incident = jira_issue(
        "OPS-3",
        issue_type="Incident",
        created="2026-03-02T09:00:00.000+0000",
        components=("Checkout",),
    )
    body, headers = jira_signed(incident, "wh-1")
    answer = client.post("/webhooks/jira", content=body, headers=headers)
    assert answer.status_code == 202 and answer.json()["outcome"] == "stored", answer.text
    assert (
        client.post("/webhooks/jira", content=body, headers=headers).json()["outcome"]
        == "duplicate"
    )
    [stored] = incidents(runtime)
    assert (stored.source, stored.external_id, stored.service) == ("jira", "OPS-3", "Checkout")

    labelled = jira_issue(
        "OPS-4",
        issue_type="Bug",
        created="2026-03-02T09:00:00.000+0000",
        components=("Checkout",),
        labels=("incident",),
    )
    body, headers = jira_signed(labelled, "wh-2")
    assert (
        client.post("/webhooks/jira", content=body, headers=headers).json()["outcome"] == "stored"
    )

    story = jira_issue("PAY-12", issue_type="Story", created="2026-03-01T09:00:00.000+0000")
    body, headers = jira_signed(story, "wh-3")
    answer = client.post("/webhooks/jira", content=body, headers=headers)
    assert answer.status_code == 202 and answer.json()["stored"] == 1
    from sqlalchemy.orm import Session

    with Session(runtime.ctx.engine) as session:
        features = list(session.scalars(select(Feature).where(Feature.source == "issue-type")))
    assert [(f.subject_id, f.is_feature, f.detail) for f in features] == [
        (shas["payments"], True, "PAY-12: Story")
    ]
    assert [i.external_id for i in incidents(runtime)] == ["OPS-3", "OPS-4"]

    forged = jira_signed(story, "wh-4")[1] | {"X-Hub-Signature": "sha256=" + "0" * 64}
    assert client.post("/webhooks/jira", content=body, headers=forged).status_code == 401
    missing = jira_issue(
        "OPS-5", issue_type="Incident", created="2026-03-02", components=("Checkout",)
    )
    del missing["issue"]["key"]
    body, headers = jira_signed(missing, "wh-5")
    answer = client.post("/webhooks/jira", content=body, headers=headers)
    assert answer.status_code == 400 and "issue.key" in answer.json()["detail"]


def test_feeds_without_a_secret_refuse_everything(world: World, tmp_path: Path) -> None:
    _, client = embedded_service(world, tmp_path)
    body, headers = pd_signed(pagerduty_note("ev-1"))
    answer = client.post("/webhooks/pagerduty", content=body, headers=headers)
    assert answer.status_code == 503
    body, headers = jira_signed(
        jira_issue("OPS-1", issue_type="Incident", created="2026-03-02"), "w"
    )
    assert client.post("/webhooks/jira", content=body, headers=headers).status_code == 503


def test_production_deployments_and_releases_only(world: World, tmp_path: Path) -> None:
    runtime, client, shas = ingested(world, tmp_path)
    install = world.github.installation_id
    cases = [
        ("staging", "success", None, 601),
        ("production", "failure", None, 602),
        ("eu-live", "success", True, 603),  # flagged production by GitHub
        ("Production", "success", None, 604),
    ]
    for environment, state, flag, ident in cases:
        payload = deployment_status(
            REPOSITORY,
            install,
            sha=shas["head"],
            state=state,
            environment=environment,
            status_id=ident,
            created_at="2026-03-01T12:00:00Z",
            production=flag,
        )
        body, headers = signed("deployment_status", payload, f"d-{ident}")
        client.post("/webhooks/github", content=body, headers=headers)
    for ident, pre in ((1, False), (2, True)):
        payload = release_published(
            REPOSITORY,
            install,
            release_id=ident,
            tag=f"v1.{ident}",
            target=shas["head"],
            published_at="2026-03-01T13:00:00Z",
            prerelease=pre,
        )
        body, headers = signed("release", payload, f"d-rel-{ident}")
        client.post("/webhooks/github", content=body, headers=headers)

    def stored() -> list[tuple[str, str, str | None]]:
        with runtime.ctx.engine.connect() as conn:
            rows = conn.execute(
                select(deployments.c.source, deployments.c.external_id, deployments.c.sha).order_by(
                    deployments.c.id
                )
            ).all()
        return [tuple(r) for r in rows]

    assert stored() == [
        ("deployment", "603", shas["head"]),
        ("deployment", "604", shas["head"]),
        ("release", "1", shas["head"]),
    ]
    # GitHub's release payload names a branch, not a commit (octokit/webhooks examples): the
    # tag is resolved by a job through the API
    world.repo.tag("v2.0", shas["payments"])
    payload = release_published(
        REPOSITORY,
        install,
        release_id=3,
        tag="v2.0",
        target="main",
        published_at="2026-03-01T14:00:00Z",
    )
    body, headers = signed("release", payload, "d-rel-3")
    answer = client.post("/webhooks/github", content=body, headers=headers)
    assert answer.status_code == 202 and answer.json()["outcome"] == "queued"
    assert stored()[-1] == ("release", "3", None)
    assert runtime.queue.run_pending() == 2  # release 1 (sha in its payload) and release 3
    # and the ingest, whose overview documents wait for their delay
    assert runtime.queue.counts() == {"succeeded": 3, "todo": 1}
    assert stored()[-1] == ("release", "3", shas["payments"])
    bad = deployment_status(
        REPOSITORY,
        install,
        sha="main",
        state="success",
        environment="production",
        status_id=605,
        created_at="2026-03-01T12:00:00Z",
    )
    body, headers = signed("deployment_status", bad, "d-605")
    answer = client.post("/webhooks/github", content=body, headers=headers)
    assert answer.status_code == 400 and "deployment.sha" in answer.json()["detail"]
    with runtime.ctx.engine.connect() as conn:
        assert conn.execute(select(Commit.sha).where(Commit.sha == shas["payments"])).scalar()


def test_housekeeping_forgets_old_event_ids_but_keeps_unrouted_events(
    world: World, tmp_path: Path
) -> None:
    from datetime import UTC, datetime, timedelta

    from netgain.service.housekeeping import prune_service_tables

    runtime, client, _ = ingested(world, tmp_path)
    for event_id, service in (("ev-a", "payments-api"), ("ev-b", "nowhere")):
        payload = pagerduty_incident(
            event_id,
            "incident.triggered",
            number=len(event_id) + ord(event_id[-1]),
            status="triggered",
            created_at="2026-03-02T09:00:00Z",
            occurred_at="2026-03-02T09:00:00Z",
            service=service,
        )
        assert post_pd(client, payload).status_code == 202
    later = datetime.now(UTC) + timedelta(days=31)
    assert prune_service_tables(runtime.ctx.engine, runtime.ctx.settings, later).feed_events == 1
    with runtime.ctx.engine.connect() as conn:
        kept = conn.execute(select(feed_events.c.event_id, feed_events.c.outcome)).all()
    assert kept == [("ev-b", "unrouted")]
