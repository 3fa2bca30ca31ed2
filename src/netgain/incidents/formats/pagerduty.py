"""PagerDuty's incidents CSV export (Incidents page → "Download CSV").

The export names each incident by `incident_number` (unique per account) next to PagerDuty's
opaque `id`; the number is what people write in commits ("PD #1234"), so it is the external id.
"""

from __future__ import annotations

from netgain.incidents.csvrows import iter_csv_rows
from netgain.incidents.records import (
    ImportProblem,
    IncidentRecord,
    ParseResult,
    RecordError,
    check_order,
    parse_time,
    text_or_none,
)

PAGERDUTY_COLUMNS = (
    "id",
    "incident_number",
    "description",
    "service_id",
    "service_name",
    "escalation_policy_id",
    "escalation_policy_name",
    "created_on",
    "resolved_on",
    "auto_resolved",
    "status",
    "urgency",
    "priority",
    "acknowledgement_count",
    "assignment_count",
    "acknowledged_by_user_ids",
    "acknowledged_by_user_names",
    "assigned_to_user_ids",
    "assigned_to_user_names",
    "resolved_by_user_id",
    "resolved_by_user_name",
    "seconds_to_first_ack",
    "seconds_to_resolve",
    "html_url",
)


def _record(row: dict[str, str], line: int) -> IncidentRecord:
    number = text_or_none(row.get("incident_number"), "incident_number")
    if number is None:
        raise RecordError("incident_number: missing")
    if not number.isdigit():
        raise RecordError(f"incident_number: {number!r} is not a number")
    severity = text_or_none(row.get("priority"), "priority") or text_or_none(
        row.get("urgency"), "urgency"
    )
    record = IncidentRecord(
        external_id=number,
        title=text_or_none(row.get("description"), "description") or "",
        severity=severity,
        service=text_or_none(row.get("service_name"), "service_name"),
        status=text_or_none(row.get("status"), "status"),
        started_at=parse_time(row.get("created_on"), "created_on"),
        resolved_at=parse_time(row.get("resolved_on"), "resolved_on"),
        url=text_or_none(row.get("html_url"), "html_url"),
        labels=[f"urgency:{row['urgency']}"] if row.get("urgency") else [],
        raw=dict(row),
        line=line,
    )
    check_order(record)
    return record


def parse_pagerduty(text: str, name: str) -> ParseResult:
    """PagerDuty incidents CSV; a row with a missing number or a bad date is reported by line."""
    result = ParseResult("pagerduty")
    for start, mapping in iter_csv_rows(text, name, "incident_number", result):
        try:
            result.records.append(_record(mapping, start))
        except RecordError as exc:
            ident = mapping.get("incident_number") or None
            result.problems.append(ImportProblem(name, start, str(exc), ident))
    return result
