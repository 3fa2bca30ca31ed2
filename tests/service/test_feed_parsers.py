"""The feeds' parsers on the shapes real senders use (unit level, no service)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from netgain.service.feeds import jira, pagerduty
from netgain.service.feeds.payload import PayloadError
from netgain.service.feeds.signatures import (
    sign_jira,
    sign_pagerduty,
    verify_jira,
    verify_pagerduty,
)
from tests.service.feedpayloads import jira_issue, pagerduty_incident

# go-pagerduty's webhookv3 test payload: an incident event without data.created_at
GO_PAGERDUTY = json.loads(
    '{"event": {"id": "5ac64822-4adc-4fda-ade0-410becf0de4f", "event_type": '
    '"incident.triggered", "resource_type": "incident", "occurred_at": "2020-10-02T18:45:22.169Z",'
    ' "agent": {"id": "PLH1HKV", "type": "user_reference", "summary": "Tenex Engineer"}, "client":'
    ' {"name": "PagerDuty"}, "data": {"id": "PGR0VU2", "type": "incident", "self": '
    '"https://api.pagerduty.com/incidents/PGR0VU2", "html_url": '
    '"https://acme.pagerduty.com/incidents/PGR0VU2", "number": 2, "status": "triggered", "title":'
    ' "A little bump in the road", "service": {"id": "PF9KMXH", "summary": "API Service", "type":'
    ' "service_reference"}, "priority": {"id": "PSO75BM", "summary": "P1", "type": '
    '"priority_reference"}, "urgency": "high", "resolve_reason": null}}}'
)


def test_a_trigger_without_created_at_starts_when_it_occurred() -> None:
    event = pagerduty.parse_event(GO_PAGERDUTY)
    assert event.record is not None
    assert event.record.started_at == datetime(2020, 10, 2, 18, 45, 22, 169000, tzinfo=UTC)
    assert (event.record.external_id, event.service, event.record.severity) == (
        "2",
        "API Service",
        "P1",
    )


def test_pagerduty_payload_errors_name_the_field() -> None:
    payload = pagerduty_incident(
        "e",
        "incident.triggered",
        number=1,
        status="triggered",
        created_at="2026-01-01T00:00:00Z",
        occurred_at="2026-01-01T00:00:00Z",
    )
    payload["event"]["data"]["number"] = "one"
    with pytest.raises(PayloadError, match=r"event\.data\.number must be int"):
        pagerduty.parse_event(payload)
    with pytest.raises(PayloadError, match="payload has no event"):
        pagerduty.parse_event({"events": []})
    resolved_first = pagerduty_incident(
        "e",
        "incident.resolved",
        number=1,
        status="resolved",
        created_at="2026-01-02T00:00:00Z",
        occurred_at="2026-01-01T00:00:00Z",
    )
    with pytest.raises(PayloadError, match=r"before data\.created_at"):
        pagerduty.parse_event(resolved_first)


def test_signatures_accept_one_matching_of_several_and_nothing_malformed() -> None:
    body = b'{"event": {}}'
    secret = b"s3cret"
    assert verify_pagerduty(secret, body, sign_pagerduty([b"old", secret], body))
    assert not verify_pagerduty(secret, body, sign_pagerduty([b"old"], body))
    assert not verify_pagerduty(secret, body, "v0=" + sign_pagerduty([secret], body)[3:])
    assert not verify_pagerduty(secret, body, "v1=\u00e9")
    assert not verify_pagerduty(secret, body, None)
    assert verify_jira(secret, body, sign_jira(secret, body))
    assert not verify_jira(secret, body, sign_jira(b"other", body))
    assert not verify_jira(secret, body, "sha1=" + sign_jira(secret, body)[7:])
    assert not verify_jira(secret, body, "sha256=\u00e9")


def test_jira_types_and_labels() -> None:
    kw = {"incident_types": ("Incident",), "incident_labels": ("incident", "outage")}
    story = jira.parse_event(jira_issue("PAY-1", issue_type="Story", created="2026-01-01"), **kw)
    assert story.incident is None and story.feature and story.key == "PAY-1"
    bug = jira.parse_event(
        jira_issue("OPS-2", issue_type="Bug", created="2026-01-01", labels=("Outage",)), **kw
    )
    assert bug.incident is not None and not bug.feature
    assert bug.incident.external_id == "OPS-2"
    assert bug.occurred_at is not None
    comment = jira.parse_event({"webhookEvent": "comment_created", "timestamp": 1}, **kw)
    assert comment.incident is None and not comment.feature
    with pytest.raises(PayloadError, match="timestamp"):
        jira.parse_event({"webhookEvent": "jira:issue_created", "timestamp": 10**30}, **kw)
