"""Agent Trace records (open RFC 0.1.0, January 2026), read from JSON lines.

One record says which lines of which files, at one VCS revision, were written by whom. The
reference implementation appends records to `.agent-trace/traces.jsonl`; each line is parsed on
its own so that one bad line costs one warning, not the file.

Quirks handled:
- Real writers emit `version: "1.0"`, which is not semver: such records are kept, with a warning.
- A range may carry its own `contributor`, which overrides the conversation's.
- Contributor type `mixed` (AI output edited by a human) counts as AI: the line exists because an
  agent wrote it. `unknown`, or no contributor at all, stays unknown.
- Revisions may be abbreviated. `index_by_revision` keys records by the revision as written
  (lower-cased); `traces_for_commit` matches a full sha exactly or by a prefix of at least 7 hex
  digits. Records without a git revision cannot be tied to a commit: they are reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator

from netgain.git.model import LineRange
from netgain.jsoninput import JsonInputError, loads
from netgain.provenance.model import AuthorKind, ProvenanceWarning
from netgain.provenance.tools import canonical_tool

_SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?"
)
_LOOSE_VERSION = re.compile(r"\d+(?:\.\d+){0,2}")
_MIN_ABBREV = 7

ContributorType = Literal["human", "ai", "mixed", "unknown"]


class Contributor(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: ContributorType
    model_id: str | None = None

    @property
    def author(self) -> AuthorKind:
        if self.type in ("ai", "mixed"):
            return AuthorKind.AI
        if self.type == "human":
            return AuthorKind.HUMAN
        return AuthorKind.UNKNOWN


class TraceRange(BaseModel):
    model_config = ConfigDict(extra="allow")
    start_line: int = Field(ge=1)
    end_line: int = Field(ge=1)
    content_hash: str | None = None
    contributor: Contributor | None = None

    @model_validator(mode="after")
    def _ordered(self) -> TraceRange:
        if self.end_line < self.start_line:
            raise ValueError(f"end_line {self.end_line} is before start_line {self.start_line}")
        return self


class Conversation(BaseModel):
    model_config = ConfigDict(extra="allow")
    url: str | None = None
    contributor: Contributor | None = None
    ranges: list[TraceRange]
    related: list[Any] | None = None


class TraceFile(BaseModel):
    model_config = ConfigDict(extra="allow")
    path: str = Field(min_length=1)
    conversations: list[Conversation]


class Vcs(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: Literal["git", "jj", "hg", "svn"]
    revision: str = Field(min_length=1)


class TraceTool(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str
    version: str | None = None


class TraceRecord(BaseModel):
    """One Agent Trace record, validated. Unknown keys are kept (the RFC is young)."""

    model_config = ConfigDict(extra="allow")
    version: str = Field(min_length=1)
    id: UUID
    timestamp: AwareDatetime
    files: list[TraceFile]
    vcs: Vcs | None = None
    tool: TraceTool | None = None
    metadata: dict[str, Any] | None = None

    @property
    def git_revision(self) -> str | None:
        if self.vcs is None or self.vcs.type != "git":
            return None
        return self.vcs.revision.strip().lower() or None

    @property
    def tool_id(self) -> str | None:
        return canonical_tool(self.tool.name) if self.tool and self.tool.name.strip() else None

    def matches_commit(self, sha: str) -> bool:
        """True when this record's git revision is `sha` or an abbreviation of it (>= 7 hex)."""
        revision = self.git_revision
        if revision is None:
            return False
        sha = sha.lower()
        return revision == sha or (len(revision) >= _MIN_ABBREV and sha.startswith(revision))

    def line_claims(self) -> dict[str, list[TraceClaim]]:
        """Per path, every range with its effective contributor, in record order."""
        claims: dict[str, list[TraceClaim]] = {}
        for trace_file in self.files:
            path = normalize_trace_path(trace_file.path)
            for conversation in trace_file.conversations:
                for item in conversation.ranges:
                    contributor = item.contributor or conversation.contributor
                    author = contributor.author if contributor else AuthorKind.UNKNOWN
                    model = contributor.model_id if contributor else None
                    claims.setdefault(path, []).append(
                        TraceClaim(
                            LineRange(item.start_line, item.end_line),
                            author,
                            self.tool_id if author is AuthorKind.AI else None,
                            model if author is AuthorKind.AI else None,
                        )
                    )
        return claims


@dataclass(frozen=True, slots=True)
class TraceClaim:
    """A range of a file and who wrote it, per one trace record."""

    range: LineRange
    author: AuthorKind
    tool: str | None
    model: str | None


def normalize_trace_path(path: str) -> str:
    """Repository-relative form of a trace path (`./src/a.py` -> `src/a.py`)."""
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def _location(error: Mapping[str, Any]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"]).lstrip(".")


def _validation_message(exc: ValidationError) -> str:
    errors = exc.errors()
    parts = [f"{_location(e) or 'record'}: {e['msg']}" for e in errors[:3]]
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    return "invalid Agent Trace record: " + "; ".join(parts) + more


def _whole_document(data: bytes) -> list[Any] | None:
    """Records of a file holding one pretty-printed record or a JSON array, else None (JSONL)."""
    stripped = data.strip()
    if not (stripped.startswith(b"[") or (stripped.startswith(b"{") and b"\n" in stripped)):
        return None
    try:
        value = loads(stripped.decode("utf-8"))
    except (UnicodeDecodeError, JsonInputError):
        return None  # JSON lines (or garbage): read line by line
    return value if isinstance(value, list) else [value]


def _check_record(
    value: Any, source: str, line: int | None, item: str
) -> tuple[TraceRecord | None, list[ProvenanceWarning]]:
    if not isinstance(value, dict):
        return None, [ProvenanceWarning(source, f"{item}a record must be a JSON object", line)]
    try:
        record = TraceRecord.model_validate(value)
    except ValidationError as exc:
        return None, [ProvenanceWarning(source, item + _validation_message(exc), line)]
    warnings = []
    revision = record.git_revision
    if not _SEMVER.fullmatch(record.version):
        if not _LOOSE_VERSION.fullmatch(record.version):
            message = f"{item}version {record.version!r} is not a version number"
            return None, [ProvenanceWarning(source, message, line)]
        warnings.append(
            ProvenanceWarning(
                source,
                f"{item}version {record.version!r} is not semver (the RFC requires e.g. "
                "0.1.0); record kept",
                line,
                revision,
            )
        )
    if revision is None:
        warnings.append(
            ProvenanceWarning(
                source,
                f"{item}record has no git revision (vcs.type 'git'); it cannot be tied to a commit",
                line,
            )
        )
    return record, warnings


def parse_trace_lines(
    data: bytes, source: str
) -> tuple[list[TraceRecord], list[ProvenanceWarning]]:
    """Parse JSON-lines Agent Trace data; every unusable line becomes a warning, never an abort.

    A file holding a single pretty-printed record, or a JSON array of records, is accepted too
    (warnings then name the item instead of a line).

    Args:
        data: the raw file content (e.g. `.agent-trace/traces.jsonl`).
        source: how warnings name the file.

    Returns:
        The valid records in file order, and one warning per bad or suspicious line.
    """
    records: list[TraceRecord] = []
    warnings: list[ProvenanceWarning] = []
    document = _whole_document(data)
    if document is not None:
        for position, value in enumerate(document):
            record, found = _check_record(value, source, None, f"item {position}: ")
            warnings.extend(found)
            if record is not None:
                records.append(record)
        return records, warnings
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            value = loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            warnings.append(ProvenanceWarning(source, "line is not valid UTF-8", number))
            continue
        except JsonInputError as exc:
            warnings.append(ProvenanceWarning(source, f"not valid JSON: {exc.msg}", number))
            continue
        record, found = _check_record(value, source, number, "")
        warnings.extend(found)
        if record is not None:
            records.append(record)
    return records, warnings


def index_by_revision(records: Iterable[TraceRecord]) -> dict[str, list[TraceRecord]]:
    """Records grouped by git revision as written (lower-cased), in input order.

    Revisions may be abbreviated; look commits up with `traces_for_commit`, which also matches
    prefixes. Records without a git revision are left out (parse_trace_lines warned about them).
    """
    index: dict[str, list[TraceRecord]] = {}
    for record in records:
        revision = record.git_revision
        if revision is not None:
            index.setdefault(revision, []).append(record)
    return index


def traces_for_commit(index: Mapping[str, Sequence[TraceRecord]], sha: str) -> list[TraceRecord]:
    """Records for full commit `sha`: exact key, then abbreviated keys (>= 7 hex) it extends.

    Returned oldest first (by record timestamp), so later records win where claims overlap.
    """
    sha = sha.lower()
    found: list[TraceRecord] = []
    for length in range(_MIN_ABBREV, len(sha) + 1):
        found.extend(index.get(sha[:length], ()))
    return sorted(found, key=lambda r: r.timestamp)
