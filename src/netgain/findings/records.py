"""The finding record every findings format is turned into, and how its fields are validated.

A finding reported after the merge (a penetration test, a bug bounty, an external scanner's
SARIF) says what is wrong, how bad it is, where (a file and lines, or only an endpoint) and when
it was found. Linking (`netgain.findings.link`) traces it to the change that introduced it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import PurePosixPath
from typing import Any

from netgain.incidents.records import RecordError, parse_list, parse_time, text_or_none

SEVERITIES = ("critical", "high", "medium", "low", "info")
_SEVERITY_WORDS = {
    "critical": "critical",
    "crit": "critical",
    "p1": "critical",
    "high": "high",
    "p2": "high",
    "medium": "medium",
    "moderate": "medium",
    "p3": "medium",
    "low": "low",
    "p4": "low",
    "info": "info",
    "informational": "info",
    "none": "info",
    "p5": "info",
}
_SOURCE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
_CWE = re.compile(r"^(?:cwe)?[-_ :]?0*(\d{1,5})$", re.IGNORECASE)
_LINES = re.compile(r"^(\d{1,9})(?:\s*[-:]\s*(\d{1,9}))?$")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(slots=True)
class FindingRecord:
    """One finding as read from a file, before it is stored.

    `external_id` is the report's id, or a key derived from the finding's content when the file
    has none (`key_derived`). `fixed_by` holds commit ids or `#PR` references as written;
    `aliases` other ids (CVE, GHSA) a fix commit may cite instead of the report's own id.
    """

    external_id: str
    source: str
    title: str
    severity: str | None
    found_at: datetime
    cwe: int | None = None
    path: str | None = None
    start_line: int | None = None
    end_line: int | None = None
    endpoint: str | None = None
    fixed_by: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    url: str | None = None
    key_derived: bool = False
    raw: dict[str, Any] = field(default_factory=dict)
    line: int = 0  # where the record starts in its file


def parse_source(value: str, what: str = "source") -> str:
    """A source name: lower-case letters, digits, `-` and `_` (pentest, bounty, h1, ...)."""
    name = value.strip().lower()
    if not _SOURCE.match(name):
        raise RecordError(f"{what}: {value!r} is not a source name (letters, digits, - and _)")
    return name


def parse_severity(value: Any) -> str | None:
    """critical / high / medium / low / info, from a word (moderate, P1..P5) or a CVSS score.

    CVSS v3 bands: 9.0+ critical, 7.0+ high, 4.0+ medium, above 0 low, 0 info.
    """
    text = text_or_none(value, "severity")
    if text is None:
        return None
    word = _SEVERITY_WORDS.get(text.lower())
    if word is not None:
        return word
    try:
        score = float(text)
    except ValueError:
        raise RecordError(
            f"severity: {text!r} is not one of {', '.join(SEVERITIES)} or a CVSS score"
        ) from None
    if not 0.0 <= score <= 10.0:
        raise RecordError(f"severity: CVSS score {text} is outside 0 to 10")
    for floor, name in ((9.0, "critical"), (7.0, "high"), (4.0, "medium"), (0.1, "low")):
        if score >= floor:
            return name
    return "info"


def parse_cwe(value: Any) -> int | None:
    """A CWE number from `CWE-89`, `cwe89` or `89`."""
    text = text_or_none(value, "cwe")
    if text is None:
        return None
    match = _CWE.match(text)
    if match is None:
        raise RecordError(f"cwe: {text!r} is not a CWE id such as CWE-89")
    return int(match.group(1))


def parse_path(value: Any) -> str | None:
    """A repository-relative file path; absolute paths and `..` are refused (they would let a
    report name files outside the repository)."""
    text = text_or_none(value, "file")
    if text is None:
        return None
    text = text.replace("\\", "/")
    path = PurePosixPath(text)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise RecordError(f"file: {text!r} must be a path relative to the repository root")
    return str(path).removeprefix("./")


def parse_lines(value: Any, end: Any) -> tuple[int | None, int | None]:
    """(start, end) from `line` (`42` or `42-48`) and an optional `end_line`."""
    text = text_or_none(value, "line")
    if text is None:
        if text_or_none(end, "end_line") is not None:
            raise RecordError("end_line: given without line")
        return None, None
    match = _LINES.match(text)
    if match is None:
        raise RecordError(f"line: {text!r} is not a line number or a range such as 42-48")
    start = int(match.group(1))
    stop = int(match.group(2)) if match.group(2) else None
    end_text = text_or_none(end, "end_line")
    if end_text is not None:
        if not end_text.isdigit():
            raise RecordError(f"end_line: {end_text!r} is not a line number")
        stop = int(end_text)
    stop = stop if stop is not None else start
    if start < 1:
        raise RecordError("line: line numbers start at 1")
    if stop < start:
        raise RecordError(f"end_line: {stop} is before line {start}")
    return start, stop


def parse_found(value: Any) -> datetime:
    """When the finding was found; a date alone means the end of that day (UTC), so a commit of
    that morning is still "before the date found"."""
    found = parse_time(value, "found_at")
    if found is None:
        raise RecordError("found_at: missing (the date the finding was reported)")
    if isinstance(value, str) and _DATE_ONLY.match(value.strip()):
        return datetime.combine(found.date(), time(23, 59, 59), UTC)
    return found


def derived_key(*parts: object) -> str:
    """A stable id for a finding its file gives none: the same finding re-imported gets the same
    key, so nothing is duplicated."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return "k-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def record_from_mapping(row: dict[str, Any], line: int, default_source: str) -> FindingRecord:
    """One CSV row or JSON object; raises RecordError naming the bad field.

    A finding needs a title, a date found, and a place: a file and line(s), or an endpoint.
    """
    title = text_or_none(row.get("title"), "title")
    if title is None:
        raise RecordError("title: missing")
    source_text = text_or_none(row.get("source"), "source")
    source = parse_source(source_text) if source_text else default_source
    path = parse_path(row.get("file", row.get("path")))
    start, end = parse_lines(row.get("line"), row.get("end_line"))
    endpoint = text_or_none(row.get("endpoint"), "endpoint")
    if path is not None and start is None:
        raise RecordError("line: required with file (the reported lines are what is blamed)")
    if start is not None and path is None:
        raise RecordError("file: required with line")
    if path is None and endpoint is None:
        raise RecordError("file and line, or endpoint: a finding must say where it is")
    found = parse_found(row.get("found_at", row.get("date_found")))
    cwe = parse_cwe(row.get("cwe"))
    severity = parse_severity(row.get("severity"))
    ident = text_or_none(row.get("id"), "id")
    record = FindingRecord(
        external_id=ident or derived_key(title, cwe, path, start, end, endpoint, found.date()),
        source=source,
        title=title,
        severity=severity,
        found_at=found,
        cwe=cwe,
        path=path,
        start_line=start,
        end_line=end,
        endpoint=endpoint,
        fixed_by=parse_list(row.get("fixed_by"), "fixed_by"),
        aliases=parse_list(row.get("aliases"), "aliases"),
        url=text_or_none(row.get("url"), "url"),
        key_derived=ident is None,
        raw={str(k): v for k, v in row.items()},
        line=line,
    )
    if len(record.external_id) > 255:
        raise RecordError("id: longer than 255 characters")
    return record
