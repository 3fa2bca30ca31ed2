"""Jira webhook events (`jira:issue_created`, `jira:issue_updated`) -> incidents and features.

The body is Jira's issue event: `webhookEvent`, `timestamp` (ms), `issue` in the REST API's
shape. An issue is an incident when its type is one of the incident types or it carries one of
the incident labels (settings `NETGAIN_JIRA_INCIDENT_TYPES`, `NETGAIN_JIRA_INCIDENT_LABELS`); it
is read exactly as `netgain incidents import --format jira` reads an exported issue, so the two
paths update the same row. An issue of a feature type (Story, Feature, New Feature) is not an
incident: its key and type are remembered, and the commits that name the key become features.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from netgain.incidents.formats.jira import issue_record
from netgain.incidents.issuetypes import DEFAULT_FEATURE_ISSUE_TYPES
from netgain.incidents.records import IncidentRecord, RecordError
from netgain.service.feeds.payload import PayloadError, get

ISSUE_EVENTS = frozenset({"jira:issue_created", "jira:issue_updated"})


@dataclass(frozen=True, slots=True)
class JiraEvent:
    event_type: str
    occurred_at: datetime | None
    key: str | None
    issue_type: str | None
    components: tuple[str, ...]
    project: str | None
    incident: IncidentRecord | None  # set when the issue is an incident
    feature: bool  # the issue's type is a feature type


def _names(items: Any) -> tuple[str, ...]:
    if not isinstance(items, list):
        return ()
    return tuple(
        str(i["name"]) for i in items if isinstance(i, dict) and isinstance(i.get("name"), str)
    )


def parse_event(
    payload: Any,
    *,
    incident_types: tuple[str, ...],
    incident_labels: tuple[str, ...],
    feature_types: tuple[str, ...] = DEFAULT_FEATURE_ISSUE_TYPES,
) -> JiraEvent:
    if not isinstance(payload, dict):
        raise PayloadError("payload must be a JSON object")
    event_type = get(payload, "webhookEvent", str)
    stamp = get(payload, "timestamp", int, required=False)
    try:
        occurred = datetime.fromtimestamp(stamp / 1000, UTC) if stamp is not None else None
    except (OverflowError, OSError, ValueError):
        raise PayloadError("payload field timestamp is not a time") from None
    if event_type not in ISSUE_EVENTS:
        return JiraEvent(event_type, occurred, None, None, (), None, None, False)
    issue = get(payload, "issue", dict)
    key = get(issue, "key", str, at="issue")
    fields = get(issue, "fields", dict, at="issue")
    issue_type = get(fields, "issuetype.name", str, required=False, at="issue.fields")
    labels = {str(label).lower() for label in fields.get("labels") or [] if isinstance(label, str)}
    is_incident = (issue_type or "").lower() in {t.lower() for t in incident_types} or bool(
        labels & {label.lower() for label in incident_labels}
    )
    record = None
    if is_incident:
        try:
            record = issue_record(issue)
        except RecordError as exc:
            raise PayloadError(f"issue {key}: {exc}") from None
    feature = (issue_type or "").lower() in {t.lower() for t in feature_types}
    return JiraEvent(
        event_type,
        occurred,
        key,
        issue_type,
        _names(fields.get("components")),
        get(fields, "project.key", str, required=False, at="issue.fields"),
        record,
        feature and not is_incident,
    )
