"""Incident file formats: each parser turns one export into IncidentRecords, reporting bad records.

| format    | file                                                         | source    |
|-----------|--------------------------------------------------------------|-----------|
| csv       | netgain's generic CSV (docs/incidents.md)                    | generic   |
| json      | netgain's generic JSON: an array of the same fields          | generic   |
| pagerduty | PagerDuty's incidents CSV export                             | pagerduty |
| jira      | Jira's issue search JSON (`{"issues": [...]}`)               | jira      |
| github    | GitHub REST API issues JSON (`GET /repos/{o}/{r}/issues`)    | github    |
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from netgain.errors import UsageError
from netgain.incidents.formats.generic import parse_generic_csv, parse_generic_json
from netgain.incidents.formats.github import DEFAULT_LABELS, parse_github
from netgain.incidents.formats.jira import parse_jira
from netgain.incidents.formats.pagerduty import PAGERDUTY_COLUMNS, parse_pagerduty
from netgain.incidents.records import ParseResult, read_export_text

FORMATS = ("csv", "json", "pagerduty", "jira", "github")

Parser = Callable[[str, str], ParseResult]


def detect_format(path: Path, text: str) -> str:
    """Guess the format from the extension and the first bytes (used when --format is omitted)."""
    head = text.lstrip()[:4000]
    if path.suffix.lower() == ".csv" or not head.startswith(("[", "{")):
        first = head.splitlines()[0] if head else ""
        columns = {c.strip().strip('"').lower() for c in first.split(",")}
        if {"incident_number", "created_on"} <= columns or (
            len(columns & set(PAGERDUTY_COLUMNS)) >= 4 and "started_at" not in columns
        ):
            return "pagerduty"
        return "csv"
    if head.startswith("{") and '"issues"' in head and '"fields"' in text[:200000]:
        return "jira"
    if '"html_url"' in head and '"number"' in head and "github.com" in head:
        return "github"
    return "json"


def parse_file(
    path: Path, fmt: str | None = None, *, github_labels: Sequence[str] = DEFAULT_LABELS
) -> ParseResult:
    """Read `path` in format `fmt` (guessed when None).

    Raises:
        UsageError: the file cannot be read at all, or the format is unknown.
    """
    text = read_export_text(path)
    chosen = (fmt or detect_format(path, text)).lower()
    name = str(path)
    if chosen == "csv":
        return parse_generic_csv(text, name)
    if chosen == "json":
        return parse_generic_json(text, name)
    if chosen == "pagerduty":
        return parse_pagerduty(text, name)
    if chosen == "jira":
        return parse_jira(text, name)
    if chosen == "github":
        return parse_github(text, name, labels=github_labels)
    raise UsageError(f"unknown incident format {fmt!r} (choose from {', '.join(FORMATS)})")


__all__ = ["FORMATS", "detect_format", "parse_file"]
