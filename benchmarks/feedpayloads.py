"""Webhook bodies in the shapes PagerDuty (v3), Jira Cloud and GitHub send them.

PagerDuty: developer.pagerduty.com "Webhooks v3 overview" (event envelope, incident data);
Jira: the issue event of Jira Cloud's webhooks (`webhookEvent`, `timestamp`, `issue`);
GitHub: the `deployment_status` and `release` webhook payloads of the REST docs.
"""

from __future__ import annotations

import json
from typing import Any

from netgain.service.feeds.signatures import sign_jira, sign_pagerduty

PD_SECRET = "pd-signing-secret"  # noqa: S105 (a fixture secret, never a real one)
JIRA_SECRET = "jira-webhook-secret"  # noqa: S105


def _ref(kind: str, ident: str, summary: str) -> dict[str, Any]:
    return {
        "html_url": f"https://acme.pagerduty.com/{kind}s/{ident}",
        "id": ident,
        "self": f"https://api.pagerduty.com/{kind}s/{ident}",
        "summary": summary,
        "type": f"{kind}_reference",
    }


def pagerduty_incident(
    event_id: str,
    event_type: str,
    *,
    number: int,
    status: str,
    created_at: str,
    occurred_at: str,
    service: str = "payments-api",
    title: str = "Checkout latency high",
) -> dict[str, Any]:
    return {
        "event": {
            "id": event_id,
            "event_type": event_type,
            "resource_type": "incident",
            "occurred_at": occurred_at,
            "agent": _ref("user", "PLH1HKV", "Tenex Engineer"),
            "client": {"name": "PagerDuty"},
            "data": {
                "id": f"PGR{number:04d}",
                "type": "incident",
                "self": f"https://api.pagerduty.com/incidents/PGR{number:04d}",
                "html_url": f"https://acme.pagerduty.com/incidents/PGR{number:04d}",
                "number": number,
                "status": status,
                "incident_key": "d3640fbd41094207a1c11e58e46b1662",
                "created_at": created_at,
                "title": title,
                "service": _ref("service", "PF9KMXH", service),
                "assignees": [_ref("user", "PTUXL6G", "User 123")],
                "escalation_policy": _ref("escalation_policy", "PUS0KTE", "Default"),
                "teams": [_ref("team", "PFCVPS0", "Engineering")],
                "priority": _ref("priority", "PSO75BM", "P1"),
                "urgency": "high",
                "conference_bridge": {
                    "conference_number": "+1 1234123412,,987654321#",
                    "conference_url": "https://example.com",
                },
                "resolve_reason": None,
            },
        }
    }


def pagerduty_note(event_id: str) -> dict[str, Any]:
    return {
        "event": {
            "id": event_id,
            "event_type": "incident.annotated",
            "resource_type": "incident",
            "occurred_at": "2026-03-02T10:00:00.000Z",
            "agent": None,
            "client": None,
            "data": {
                "incident": _ref("incident", "PGR0VU2", "A little bump in the road"),
                "id": "P2LA89X",
                "content": "I sure am glad we are using PagerDuty!",
                "trimmed": False,
                "type": "incident_note",
            },
        }
    }


def pd_signed(
    payload: Any, secrets: tuple[str, ...] = (PD_SECRET,)
) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    return body, {
        "Content-Type": "application/json",
        "User-Agent": "PagerDuty-Webhook/V3.0",
        "X-PagerDuty-Signature": sign_pagerduty([s.encode() for s in secrets], body),
        "X-Webhook-Id": "0f1a2b3c-0000-4000-8000-000000000000",
    }


def jira_issue(
    key: str,
    *,
    issue_type: str,
    created: str,
    components: tuple[str, ...] = (),
    labels: tuple[str, ...] = (),
    resolution_date: str | None = None,
    event: str = "jira:issue_created",
    timestamp: int = 1772445600000,
) -> dict[str, Any]:
    site = "https://acme.atlassian.net"
    issue_id = str(10000 + int(key.split("-")[1]))
    return {
        "timestamp": timestamp,
        "webhookEvent": event,
        "issue_event_type_name": event.split(":")[1],
        "user": {
            "self": f"{site}/rest/api/2/user?accountId=5b10a2844c20165700ede21g",
            "accountId": "5b10a2844c20165700ede21g",
            "displayName": "Mia Krystof",
            "active": True,
            "timeZone": "UTC",
            "accountType": "atlassian",
        },
        "issue": {
            "id": issue_id,
            "self": f"{site}/rest/api/2/issue/{issue_id}",
            "key": key,
            "fields": {
                "issuetype": {
                    "self": f"{site}/rest/api/2/issuetype/10004",
                    "id": "10004",
                    "name": issue_type,
                    "subtask": False,
                },
                "project": {
                    "self": f"{site}/rest/api/2/project/10000",
                    "id": "10000",
                    "key": key.split("-", maxsplit=1)[0],
                    "name": "Payments",
                },
                "components": [
                    {"self": f"{site}/rest/api/2/component/1{i}", "id": f"1{i}", "name": name}
                    for i, name in enumerate(components)
                ],
                "labels": list(labels),
                "created": created,
                "updated": created,
                "resolutiondate": resolution_date,
                "summary": f"{issue_type} {key}",
                "description": None,
                "priority": {"self": f"{site}/rest/api/2/priority/2", "name": "High", "id": "2"},
                "status": {"self": f"{site}/rest/api/2/status/1", "name": "Open", "id": "1"},
            },
        },
        "changelog": {"id": "10400", "items": []},
    }


def jira_signed(payload: Any, identifier: str) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    return body, {
        "Content-Type": "application/json",
        "User-Agent": "Atlassian Webhook HTTP Client",
        "X-Hub-Signature": sign_jira(JIRA_SECRET.encode(), body),
        "X-Atlassian-Webhook-Identifier": identifier,
    }


def _user(login: str, ident: int) -> dict[str, Any]:
    return {
        "login": login,
        "id": ident,
        "node_id": f"MDQ6VXNlcj{ident}",
        "type": "User",
        "site_admin": False,
        "url": f"https://api.github.com/users/{login}",
    }


def deployment_status(
    repository: str,
    installation: int,
    *,
    sha: str,
    state: str,
    environment: str,
    status_id: int,
    created_at: str,
    production: bool | None = None,
) -> dict[str, Any]:
    api = f"https://api.github.com/repos/{repository}"
    deployment: dict[str, Any] = {
        "url": f"{api}/deployments/{status_id // 10}",
        "id": status_id // 10,
        "node_id": "MDEwOkRlcGxveW1lbnQx",
        "sha": sha,
        "ref": "main",
        "task": "deploy",
        "payload": {},
        "original_environment": environment,
        "environment": environment,
        "description": None,
        "creator": _user("octocat", 1),
        "created_at": created_at,
        "updated_at": created_at,
        "statuses_url": f"{api}/deployments/{status_id // 10}/statuses",
        "repository_url": api,
        "performed_via_github_app": None,
    }
    if production is not None:
        deployment["production_environment"] = production
    return {
        "action": "created",
        "deployment_status": {
            "url": f"{api}/deployments/{status_id // 10}/statuses/{status_id}",
            "id": status_id,
            "node_id": "MDE2OkRlcGxveW1lbnRTdGF0dXMx",
            "state": state,
            "creator": _user("octocat", 1),
            "description": "",
            "environment": environment,
            "target_url": "",
            "created_at": created_at,
            "updated_at": created_at,
            "deployment_url": f"{api}/deployments/{status_id // 10}",
            "repository_url": api,
            "environment_url": "",
            "log_url": "",
            "performed_via_github_app": None,
        },
        "deployment": deployment,
        "repository": {
            "id": 1296269,
            "full_name": repository,
            "name": repository.split("/")[1],
            "private": True,
            "default_branch": "main",
        },
        "installation": {"id": installation, "node_id": "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI="},
        "sender": _user("octocat", 1),
    }


def release_published(
    repository: str,
    installation: int,
    *,
    release_id: int,
    tag: str,
    target: str,
    published_at: str,
    prerelease: bool = False,
) -> dict[str, Any]:
    api = f"https://api.github.com/repos/{repository}"
    return {
        "action": "published",
        "release": {
            "url": f"{api}/releases/{release_id}",
            "id": release_id,
            "node_id": "MDc6UmVsZWFzZTE=",
            "tag_name": tag,
            "target_commitish": target,
            "name": tag,
            "draft": False,
            "prerelease": prerelease,
            "created_at": published_at,
            "published_at": published_at,
            "author": _user("octocat", 1),
            "assets": [],
            "tarball_url": f"{api}/tarball/{tag}",
            "zipball_url": f"{api}/zipball/{tag}",
            "body": "",
        },
        "repository": {
            "id": 1296269,
            "full_name": repository,
            "name": repository.split("/")[1],
            "private": True,
            "default_branch": "main",
        },
        "installation": {"id": installation, "node_id": "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI="},
        "sender": _user("octocat", 1),
    }
