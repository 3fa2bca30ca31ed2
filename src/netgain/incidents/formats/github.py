"""GitHub issues JSON as the REST API returns it (`GET /repos/{owner}/{repo}/issues`).

Only issues carrying one of the incident labels are incidents; the others (and pull requests,
which the issues endpoint also lists) are counted as skipped, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

from netgain.incidents.jsonpos import iter_array
from netgain.incidents.records import (
    ImportProblem,
    IncidentRecord,
    ParseResult,
    RecordError,
    check_order,
    label_names,
    parse_time,
    problem_limit,
    text_or_none,
)

DEFAULT_LABELS = ("incident",)
_LABEL_ERROR = "labels: each label must be an object with a name"
_SEVERITY_PREFIXES = ("severity:", "severity/", "sev:", "sev/", "priority:", "priority/")


def _severity(labels: list[str]) -> str | None:
    for label in labels:
        low = label.lower()
        for prefix in _SEVERITY_PREFIXES:
            if low.startswith(prefix):
                return label[len(prefix) :].strip()
        if low in {"sev1", "sev2", "sev3", "sev4", "p0", "p1", "p2", "p3"}:
            return label
    return None


def parse_github(text: str, name: str, *, labels: Sequence[str] = DEFAULT_LABELS) -> ParseResult:
    """Issues labelled with any of `labels` (case-insensitive) become incidents."""
    result = ParseResult("github")
    wanted = {label.lower() for label in labels}
    for line, issue in iter_array(text, name, stop=problem_limit(result.problems, name)):
        if not isinstance(issue, dict):
            result.problems.append(ImportProblem(name, line, "expected an issue object"))
            continue
        number = issue.get("number")
        ident = str(number) if isinstance(number, int) and not isinstance(number, bool) else None
        try:
            if ident is None:
                raise RecordError("number: missing or not an integer")
            # `or []`: any empty value (not only null) means no labels here, as before.
            names = label_names(issue.get("labels") or [], item_error=_LABEL_ERROR)
            if "pull_request" in issue:
                result.skipped.append(ImportProblem(name, line, "a pull request", ident))
                continue
            if not wanted & {n.lower() for n in names}:
                result.skipped.append(
                    ImportProblem(name, line, f"no incident label ({', '.join(labels)})", ident)
                )
                continue
            record = IncidentRecord(
                external_id=ident,
                title=text_or_none(issue.get("title"), "title") or "",
                severity=_severity(names),
                status=text_or_none(issue.get("state"), "state"),
                started_at=parse_time(issue.get("created_at"), "created_at"),
                resolved_at=parse_time(issue.get("closed_at"), "closed_at"),
                url=text_or_none(issue.get("html_url"), "html_url"),
                labels=names,
                body=text_or_none(issue.get("body"), "body") or "",
                raw=issue,
                line=line,
            )
            check_order(record)
            result.records.append(record)
        except RecordError as exc:
            result.problems.append(ImportProblem(name, line, str(exc), ident))
    return result
