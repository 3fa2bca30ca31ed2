"""PagerDuty v3 webhook events -> incident records.

One event per request (`{"event": {...}}`): `event.id` is unique per event (the deduplication
key), `event.event_type` says what happened, `event.occurred_at` when, and `event.data` is the
incident for the incident.* types that change its state. The incident number is the external id,
as in the CSV import, so a webhook and a later CSV backfill update the same row.

Only events whose data is an incident are stored (triggered, acknowledged, resolved, reopened,
escalated, priority_updated, ...); notes, responders, status updates and service events are
acknowledged and ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from netgain.incidents.records import IncidentRecord
from netgain.service.feeds.payload import PayloadError, get, time_of

D = "event.data"  # where the incident sits, for error messages


@dataclass(frozen=True, slots=True)
class PagerDutyEvent:
    event_id: str
    event_type: str
    occurred_at: datetime | None
    record: IncidentRecord | None  # None: an event that carries no incident state
    service: str | None


def parse_event(payload: Any) -> PagerDutyEvent:
    """The event of one delivery; PayloadError names the missing or mistyped field."""
    if not isinstance(payload, dict):
        raise PayloadError("payload must be a JSON object")
    event = get(payload, "event", dict)
    event_id = get(event, "id", str, at="event")
    event_type = get(event, "event_type", str, at="event")
    occurred = time_of(event, "occurred_at", required=False, at="event")
    data = get(event, "data", dict, at="event")
    if not event_type.startswith("incident.") or data.get("type") != "incident":
        return PagerDutyEvent(event_id, event_type, occurred, None, None)
    number = get(data, "number", int, at=D)
    service = get(data, "service.summary", str, required=False, at=D)
    status = get(data, "status", str, required=False, at=D)
    resolved = status == "resolved"
    priority = get(data, "priority.summary", str, required=False, at=D)
    urgency = get(data, "urgency", str, required=False, at=D)
    record = IncidentRecord(
        external_id=str(number),
        title=get(data, "title", str, required=False, at=D) or "",
        severity=priority or urgency,
        service=service,
        status=status,
        # some deliveries omit data.created_at (go-pagerduty's fixture): a trigger starts it
        started_at=time_of(data, "created_at", required=False, at=D)
        or (occurred if event_type == "incident.triggered" else None),
        resolved_at=(occurred if resolved else None),
        url=get(data, "html_url", str, required=False, at=D),
        labels=[f"urgency:{urgency}"] if urgency else [],
        raw={"event": event},
    )
    if record.started_at and record.resolved_at and record.resolved_at < record.started_at:
        raise PayloadError("event.occurred_at of the resolution is before data.created_at")
    return PagerDutyEvent(event_id, event_type, occurred, record, service)
