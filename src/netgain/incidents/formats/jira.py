"""Jira issue JSON: the REST search response (`/rest/api/2/search`, `{"issues": [...]}`).

The issue key (`OPS-42`) is the external id; `fields.created` and `fields.resolutiondate` the
incident window; `priority.name` the severity; the first component the service. Descriptions are
wiki text (API v2) or Atlassian Document Format (v3), whose text nodes are joined.
"""

from __future__ import annotations

from typing import Any

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


def _name(value: Any, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise RecordError(f"{what}: expected an object with a name")
    return text_or_none(value.get("name") or value.get("value"), f"{what}.name")


def _adf_text(node: Any) -> str:
    """The text of an Atlassian Document Format node; anything that is not ADF reads as "".

    `type` and `content` are checked, not trusted: an unhashable `type` or a `content` that is
    not a list raised TypeError (jsoninput bounds the nesting this recursion follows).
    """
    if isinstance(node, str):
        return node
    if isinstance(node, dict):
        kind = node.get("type")
        if kind == "text":
            return str(node.get("text", ""))
        content = node.get("content")
        sep = "\n" if kind in ("doc", "paragraph") else ""  # a tuple: `type` may be a dict
        return sep.join(_adf_text(c) for c in content) if isinstance(content, list) else ""
    if isinstance(node, list):
        return "\n".join(_adf_text(c) for c in node)
    return ""


def _record(issue: dict[str, Any], line: int, base: str | None) -> IncidentRecord:
    key = text_or_none(issue.get("key"), "key")
    if key is None:
        raise RecordError("key: missing")
    fields = issue.get("fields")
    if not isinstance(fields, dict):
        raise RecordError("fields: missing")
    components = fields.get("components") or []
    if not isinstance(components, list):
        raise RecordError("fields.components: expected a list")
    service = _name(components[0], "fields.components[0]") if components else None
    issuetype = _name(fields.get("issuetype"), "fields.issuetype")
    record = IncidentRecord(
        external_id=key,
        title=text_or_none(fields.get("summary"), "fields.summary") or "",
        severity=_name(fields.get("priority"), "fields.priority"),
        service=service,
        status=_name(fields.get("status"), "fields.status"),
        started_at=parse_time(fields.get("created"), "fields.created"),
        resolved_at=parse_time(fields.get("resolutiondate"), "fields.resolutiondate"),
        url=f"{base}/browse/{key}" if base else None,
        labels=parse_list(fields.get("labels"), "fields.labels")
        + ([f"issuetype:{issuetype}"] if issuetype else []),
        body=_adf_text(fields.get("description") or ""),
        raw=issue,
        line=line,
    )
    check_order(record)
    return record


def issue_record(issue: dict[str, Any]) -> IncidentRecord:
    """One Jira issue (as the REST API and Jira's webhooks send it) as an incident record.

    Raises:
        RecordError: a field is missing or of the wrong type (the message names it).
    """
    return _record(issue, 0, _base_url(issue))


def _base_url(issue: dict[str, Any]) -> str | None:
    self_url = issue.get("self")
    if isinstance(self_url, str) and "/rest/api/" in self_url:
        return self_url.split("/rest/api/", 1)[0]
    return None


def parse_jira(text: str, name: str) -> ParseResult:
    """Every issue in the export is an incident (export with a JQL filter such as type=Incident)."""
    result = ParseResult("jira")
    for line, issue in iter_array(text, name, "issues", stop=problem_limit(result.problems, name)):
        if not isinstance(issue, dict):
            result.problems.append(ImportProblem(name, line, "expected an issue object"))
            continue
        try:
            result.records.append(_record(issue, line, _base_url(issue)))
        except RecordError as exc:
            key = issue.get("key")
            result.problems.append(
                ImportProblem(name, line, str(exc), key if isinstance(key, str) else None)
            )
    return result
