"""The incident record every import format is turned into, and the problems an import reports."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from netgain.errors import UsageError

MAX_PROBLEMS = 1000


class RecordError(ValueError):
    """One record cannot be imported; the message says which field and why."""


@dataclass(slots=True)
class IncidentRecord:
    """One incident as read from a file, before it is stored.

    `caused_by` / `fixed_by` are references as written: commit ids (any length >= 7) or pull
    requests (`#123`); linking resolves them.
    """

    external_id: str
    title: str = ""
    severity: str | None = None
    service: str | None = None
    status: str | None = None
    started_at: datetime | None = None
    resolved_at: datetime | None = None
    url: str | None = None
    labels: list[str] = field(default_factory=list)
    caused_by: list[str] = field(default_factory=list)
    fixed_by: list[str] = field(default_factory=list)
    body: str = ""
    raw: dict[str, Any] = field(default_factory=dict)
    line: int = 0  # where the record starts in its file


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """A record (or the whole file) that could not be imported, with its place in the file."""

    file: str
    line: int
    message: str
    record_id: str | None = None

    def __str__(self) -> str:
        who = f" (incident {self.record_id})" if self.record_id else ""
        return f"{self.file}:{self.line}: {self.message}{who}"


@dataclass(slots=True)
class ParseResult:
    """What a format parser read: good records, bad ones reported, deliberately skipped ones."""

    source: str  # generic | pagerduty | jira | github
    records: list[IncidentRecord] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    skipped: list[ImportProblem] = field(default_factory=list)  # valid but not incidents


def problem_limit(problems: list[ImportProblem], name: str) -> Callable[[int], bool]:
    """The readers' stop check: True once `problems` holds MAX_PROBLEMS, after one last problem
    saying where reading stopped.

    A file with that many bad records is not the export it claims to be (another format, a corrupt
    or hostile file): reading on costs time and memory for every bad record (a 10 MB array of
    `{}` made five million problems in 20 s) and tells the user nothing new.
    """

    def reached(line: int) -> bool:
        if len(problems) < MAX_PROBLEMS:
            return False
        message = f"stopped reading here after {MAX_PROBLEMS:,} problems (is the format right?)"
        problems.append(ImportProblem(name, line, message))
        return True

    return reached


def parse_time(value: Any, what: str) -> datetime | None:
    """An ISO 8601 date or date-time (Jira's `+0000` offsets too); naive times are taken as UTC.

    Raises:
        RecordError: the value is present but not a date.
    """
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):  # NaN, or beyond year 1..9999 / time_t
            raise RecordError(f"{what}: {value!r} is not a time in years 1 to 9999") from None
    if not isinstance(value, str):
        raise RecordError(f"{what}: expected a date, got {type(value).__name__}")
    text = value.strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise RecordError(f"{what}: {text!r} is not an ISO 8601 date") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


_SPLIT = re.compile(r"[\s,;|]+")


def parse_list(value: Any, what: str) -> list[str]:
    """A list field: a JSON array of strings, or one string separated by spaces, `,`, `;`, `|`."""
    if value is None:
        return []
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            if isinstance(item, str | int) and not isinstance(item, bool):
                out.extend(s for s in _SPLIT.split(str(item)) if s)
            else:
                raise RecordError(f"{what}: list items must be strings")
        return out
    if isinstance(value, str | int) and not isinstance(value, bool):
        return [s for s in _SPLIT.split(str(value)) if s]
    raise RecordError(f"{what}: expected a list or a string, got {type(value).__name__}")


def label_names(value: Any, *, item_error: str) -> list[str]:
    """Label names from a JSON labels field, shared by the GitHub issue and PR/MR readers.

    GitHub sends label objects (`{"name": ...}`), GitLab plain strings; both are accepted, so a
    mixed export reads the same whichever reader sees it. Callers pass their own `item_error`
    because each reader words the bad-label problem for its own users.

    Raises:
        RecordError: the value is not a list ("labels: expected a list"), or an item is neither
            a string nor an object with a string name (`item_error`).
    """
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError("labels: expected a list")
    names: list[str] = []
    for label in value:
        if isinstance(label, dict) and isinstance(label.get("name"), str):
            names.append(label["name"])
        elif isinstance(label, str):
            names.append(label)
        else:
            raise RecordError(item_error)
    return names


def text_or_none(value: Any, what: str) -> str | None:
    """A plain text field; numbers are accepted as text, anything else is an error."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RecordError(f"{what}: expected text, got {type(value).__name__}")
    text = str(value).strip()
    return text or None


def check_order(record: IncidentRecord) -> None:
    """A resolution before the start is a data error, not something to store."""
    if record.started_at and record.resolved_at and record.resolved_at < record.started_at:
        raise RecordError("resolved_at is before started_at")


def read_export_text(path: Path) -> str:
    """The text of an export file (UTF-8, a leading BOM dropped), shared by the file readers.

    Exports come from other tools, so an unreadable or non-UTF-8 file is a usage error that names
    the file, and for bad bytes the line they are on, rather than a traceback.

    Raises:
        UsageError: the file cannot be read, or is not UTF-8 text.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UsageError(f"{path}:{line}: not UTF-8 text") from None
