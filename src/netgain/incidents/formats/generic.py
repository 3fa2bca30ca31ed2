"""netgain's generic incident schema, as CSV (one row per incident) or a JSON array.

Columns / keys: id (required), title, severity, service, started_at, resolved_at, caused_by,
fixed_by, labels, url, and optionally status and body. See docs/incidents.md.
"""

from __future__ import annotations

from typing import Any

from netgain.incidents.csvrows import iter_csv_rows
from netgain.incidents.jsonpos import iter_array
from netgain.incidents.records import (
    ImportProblem,
    IncidentRecord,
    ParseResult,
    RecordError,
    check_order,
    parse_list,
    parse_time,
    problem_limit,
    text_or_none,
)

FIELDS = (
    "id",
    "title",
    "severity",
    "service",
    "started_at",
    "resolved_at",
    "caused_by",
    "fixed_by",
    "labels",
    "url",
    "status",
    "body",
)


def record_from_mapping(row: dict[str, Any], line: int) -> IncidentRecord:
    """One generic record; raises RecordError naming the bad field."""
    ident = text_or_none(row.get("id"), "id")
    if ident is None:
        raise RecordError("id: missing")
    record = IncidentRecord(
        external_id=ident,
        title=text_or_none(row.get("title"), "title") or "",
        severity=text_or_none(row.get("severity"), "severity"),
        service=text_or_none(row.get("service"), "service"),
        status=text_or_none(row.get("status"), "status"),
        started_at=parse_time(row.get("started_at"), "started_at"),
        resolved_at=parse_time(row.get("resolved_at"), "resolved_at"),
        url=text_or_none(row.get("url"), "url"),
        labels=parse_list(row.get("labels"), "labels"),
        caused_by=parse_list(row.get("caused_by"), "caused_by"),
        fixed_by=parse_list(row.get("fixed_by"), "fixed_by"),
        body=text_or_none(row.get("body"), "body") or "",
        raw=dict(row),
        line=line,
    )
    check_order(record)
    return record


def parse_generic_csv(text: str, name: str) -> ParseResult:
    """Generic CSV: a header row naming the columns (any order, extra columns kept in `raw`)."""
    result = ParseResult("generic")
    for start, row in iter_csv_rows(text, name, "id", result):
        mapping = {c: (v if v.strip() else None) for c, v in row.items()}
        _add(result, name, start, mapping, record_from_mapping)
    return result


def parse_generic_json(text: str, name: str) -> ParseResult:
    """Generic JSON: an array of objects (or `{"incidents": [...]}`) with the CSV's field names."""
    result = ParseResult("generic")
    stop = problem_limit(result.problems, name)
    for line, item in iter_array(text, name, "incidents", stop=stop):
        if not isinstance(item, dict):
            result.problems.append(ImportProblem(name, line, "expected an object"))
            continue
        _add(result, name, line, item, record_from_mapping)
    return result


def _add(result: ParseResult, name: str, line: int, item: dict[str, Any], build: Any) -> None:
    try:
        result.records.append(build(item, line))
    except RecordError as exc:
        ident = item.get("id")
        result.problems.append(
            ImportProblem(name, line, str(exc), str(ident) if ident is not None else None)
        )
