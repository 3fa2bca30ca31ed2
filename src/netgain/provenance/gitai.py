"""Parser for git-ai authorship notes: `authorship/3.0.0` (refs/notes/ai) and legacy `0.0.1` blobs.

Format (Git AI Standard v3.0.0, and git-ai's sessions migration note of 2026-05): an attestation
section, a line that is exactly `---`, then a JSON metadata object::

    src/app.py
      s_c9883b05a2487d::t_9f8e7d6c5b4a32 1-4,9
      h_a1b2c3d4e5f678 12
    "docs/a file.md"
      c9883b05a2487d6d 3-7
    ---
    {"schema_version": "authorship/3.0.0", "base_commit_sha": "...", "prompts": {...}, ...}

Keys are routed by prefix, as upstream does: `s_` -> `metadata.sessions` (the part before `::`),
`h_` -> `metadata.humans`, a bare hex key -> `metadata.prompts`. Upstream declares the prefixes
and separators stable but the id lengths "subject to change", so s_/h_ ids of any hex length are
accepted; bare prompt keys must be 7 to 16 hex digits (old notes used 7).

The legacy format (JSON blobs at `refs/ai/authorship/<sha>`, `"schema_version":
"authorship/0.0.1"`) is, per git-ai's own serde types of 2025: `{"files": {PATH: {"file": PATH,
"authors": [{"author": LABEL, "lines": [N | [A, B], ...], "agent_metadata": {...} | null}]}},
"schema_version": ...}`. Assumption documented here: an author entry is AI when it carries a
non-null `agent_metadata` object or its label is a known agent name ("Claude", "Cursor", ...);
any other label is the human the git-ai checkpoint recorded, so it attests human lines. When
entries overlap, the later entry wins (git-ai looked authors up most recent first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from netgain.git.model import LineRange
from netgain.jsoninput import JsonInputError, loads
from netgain.provenance.model import AuthorKind, EvidenceKind, ProvenanceWarning
from netgain.provenance.ranges import normalize, parse_normalized
from netgain.provenance.tools import canonical_tool, is_known_agent_label

NOTES_REF = "refs/notes/ai"
LEGACY_REF_PREFIX = "refs/ai/authorship/"
SCHEMA_V3 = "authorship/3.0.0"
SCHEMA_LEGACY = "authorship/0.0.1"

KeyKind = Literal["session", "human", "prompt", "legacy-author"]

_SESSION_KEY = re.compile(r"(s_[0-9a-f]+)(?:::t_[0-9a-f]+)?")
_HUMAN_KEY = re.compile(r"(h_[0-9a-f]+)(?:::t_[0-9a-f]+)?")
_PROMPT_KEY = re.compile(r"[0-9a-f]{7,16}")
_ENTRY_INDENT = "  "


class NoteFormatError(ValueError):
    """A note that cannot be read. `line` is the 1-indexed line inside the note, when known."""

    def __init__(self, message: str, line: int | None = None, sha: str | None = None) -> None:
        self.message = message
        self.line = line
        self.sha = sha
        where = f"line {line}: " if line is not None else ""
        super().__init__(f"{where}{message}")

    def to_warning(self, source: str = NOTES_REF) -> ProvenanceWarning:
        return ProvenanceWarning(source=source, message=self.message, line=self.line, sha=self.sha)


@dataclass(frozen=True, slots=True)
class AgentId:
    tool: str
    id: str
    model: str | None


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """An AI session (`metadata.sessions`) or legacy prompt (`metadata.prompts`) record."""

    agent_id: AgentId
    human_author: str | None = None
    total_additions: int | None = None
    total_deletions: int | None = None
    accepted_lines: int | None = None
    overriden_lines: int | None = None  # sic: the canonical misspelling of the format


@dataclass(frozen=True, slots=True)
class Attestation:
    """Lines of one file claimed by one key, already resolved to an author kind and tool.

    Attributes:
        key: the attestation key as written (or the legacy author label).
        key_kind: how the key was routed.
        ranges: normalized line ranges in the file as of the noted commit.
        author: AI for sessions/prompts, HUMAN for known humans.
        tool: canonical tool id of the AI agent, when the metadata names it.
        model: model reported by the agent, when any.
        line: the line of the note holding this entry (None for JSON legacy notes).
    """

    key: str
    key_kind: KeyKind
    ranges: tuple[LineRange, ...]
    author: AuthorKind
    tool: str | None
    model: str | None
    line: int | None = None


@dataclass(slots=True)
class AuthorshipNote:
    """A parsed note. `files` keeps entries in note order: on overlap the later entry wins."""

    sha: str
    schema_version: str
    files: dict[str, list[Attestation]] = field(default_factory=dict)
    base_commit_sha: str | None = None
    git_ai_version: str | None = None
    sessions: dict[str, SessionRecord] = field(default_factory=dict)
    prompts: dict[str, SessionRecord] = field(default_factory=dict)
    humans: dict[str, str] = field(default_factory=dict)
    warnings: list[ProvenanceWarning] = field(default_factory=list)

    @property
    def is_legacy(self) -> bool:
        return self.schema_version == SCHEMA_LEGACY

    @property
    def evidence_kind(self) -> EvidenceKind:
        return "git-ai-legacy" if self.is_legacy else "git-ai-note"

    @property
    def source(self) -> str:
        return f"{LEGACY_REF_PREFIX}{self.sha}" if self.is_legacy else NOTES_REF


# --- metadata schema ---------------------------------------------------------------------------


class _AgentIdModel(BaseModel):
    model_config = ConfigDict(extra="allow", protected_namespaces=())
    tool: str
    id: str
    model: str | None = None


class _RecordModel(BaseModel):
    model_config = ConfigDict(extra="allow", protected_namespaces=())
    agent_id: _AgentIdModel
    human_author: str | None = None
    custom_attributes: dict[str, Any] | None = None
    total_additions: int | None = None
    total_deletions: int | None = None
    accepted_lines: int | None = None
    overriden_lines: int | None = None

    def to_record(self) -> SessionRecord:
        return SessionRecord(
            agent_id=AgentId(
                tool=self.agent_id.tool, id=self.agent_id.id, model=self.agent_id.model or None
            ),
            human_author=self.human_author,
            total_additions=self.total_additions,
            total_deletions=self.total_deletions,
            accepted_lines=self.accepted_lines,
            overriden_lines=self.overriden_lines,
        )


class _HumanModel(BaseModel):
    model_config = ConfigDict(extra="allow")
    author: str


class _MetadataModel(BaseModel):
    model_config = ConfigDict(extra="allow", protected_namespaces=())
    schema_version: str
    base_commit_sha: str | None = None
    git_ai_version: str | None = None
    prompts: dict[str, _RecordModel]
    sessions: dict[str, _RecordModel] | None = None
    humans: dict[str, _HumanModel] | None = None


def _pydantic_message(exc: ValidationError, prefix: str) -> str:
    parts = []
    for error in exc.errors()[:3]:
        key = prefix + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"])
        parts.append(f"{key}: {error['msg']}")
    more = len(exc.errors()) - 3
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


# --- entry point -------------------------------------------------------------------------------


def parse_note(blob: bytes, sha: str) -> AuthorshipNote:
    """Parse a git-ai note or legacy blob attached to commit `sha`, choosing the format.

    A blob whose first non-blank character is `{` is a legacy JSON blob; anything else is read
    as `authorship/3.0.0`.

    Raises:
        NoteFormatError: with the line inside the note and `sha` set.
    """
    try:
        text = blob.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = blob[: exc.start].count(b"\n") + 1
        raise NoteFormatError("note is not valid UTF-8", line, sha) from exc
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise NoteFormatError("empty note", None, sha)
    try:
        if text.lstrip().startswith("{"):
            return _parse_legacy(text, sha)
        return _parse_v3(text, sha)
    except NoteFormatError as exc:
        exc.sha = sha
        raise


# --- authorship/3.0.0 --------------------------------------------------------------------------


@dataclass(slots=True)
class _RawEntry:
    key: str
    ranges: list[LineRange]
    line: int


def _split_sections(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if line == "---":
            return index
    raise NoteFormatError("missing the '---' line that ends the attestation section", None)


def _parse_path(lines: list[str], index: int) -> tuple[str, int]:
    """The path starting at `lines[index]` and the index of its last line.

    git-ai wraps a path containing whitespace in double quotes without escaping anything, so a
    path with a newline spans several lines of the note.
    """
    number = index + 1
    line = lines[index].rstrip()
    if not line.startswith('"'):
        return line, index
    parts = [line[1:]]
    end = index
    while not (parts[-1].endswith('"') and (end > index or len(line) > 1)):
        end += 1
        if end >= len(lines) or lines[end].startswith(_ENTRY_INDENT):
            raise NoteFormatError(f"unterminated quoted file path {line!r}", number)
        parts.append(lines[end].rstrip())
    path = "\n".join(parts)[:-1]
    if not path:
        raise NoteFormatError("empty file path", number)
    return path, end


def _parse_attestations(lines: list[str]) -> dict[str, list[_RawEntry]]:
    files: dict[str, list[_RawEntry]] = {}
    current: str | None = None
    index = -1
    while index + 1 < len(lines):
        index += 1
        number = index + 1
        line = lines[index].rstrip()
        if not line:
            continue
        if line.startswith(_ENTRY_INDENT):
            body = line[len(_ENTRY_INDENT) :]
            if body[:1].isspace():
                raise NoteFormatError(
                    "attestation entries are indented by exactly two spaces", number
                )
            if current is None:
                raise NoteFormatError("attestation entry before any file path", number)
            key, space, ranges_text = body.partition(" ")
            if not space or not ranges_text:
                raise NoteFormatError(f"entry {body!r} has no line ranges", number)
            try:
                ranges = parse_normalized(ranges_text.strip())
            except ValueError as exc:
                raise NoteFormatError(str(exc), number) from exc
            files[current].append(_RawEntry(key, ranges, number))
        elif line[0].isspace():
            raise NoteFormatError(
                "a file path starts at column 0 and entries are indented by two spaces", number
            )
        else:
            current, index = _parse_path(lines, index)
            files.setdefault(current, [])
    return files


def _parse_metadata(lines: list[str], first_line: int) -> _MetadataModel:
    text = "\n".join(lines)
    if not text.strip():  # on the '---' line itself when the note ends there
        raise NoteFormatError(
            "no JSON metadata after '---'", first_line if lines else first_line - 1
        )
    try:
        data = loads(text)
    except JsonInputError as exc:
        raise NoteFormatError(
            f"metadata is not valid JSON: {exc.msg}", first_line + exc.line - 1
        ) from exc
    if not isinstance(data, dict):
        raise NoteFormatError("metadata must be a JSON object", first_line)
    try:
        return _MetadataModel.model_validate(data)
    except ValidationError as exc:
        raise NoteFormatError(_pydantic_message(exc, "metadata"), first_line) from exc


def _parse_v3(text: str, sha: str) -> AuthorshipNote:
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    divider = _split_sections(lines)
    raw_files = _parse_attestations(lines[:divider])
    meta = _parse_metadata(lines[divider + 1 :], divider + 2)
    if not meta.schema_version.startswith("authorship/3."):
        raise NoteFormatError(
            f"unsupported schema_version {meta.schema_version!r} (expected {SCHEMA_V3})",
            divider + 2,
        )
    note = AuthorshipNote(
        sha=sha,
        schema_version=meta.schema_version,
        base_commit_sha=meta.base_commit_sha or None,
        git_ai_version=meta.git_ai_version,
        sessions={k: v.to_record() for k, v in (meta.sessions or {}).items()},
        prompts={k: v.to_record() for k, v in meta.prompts.items()},
        humans={k: v.author for k, v in (meta.humans or {}).items()},
    )
    if meta.schema_version != SCHEMA_V3:
        note.warnings.append(
            ProvenanceWarning(
                NOTES_REF,
                f"schema_version {meta.schema_version!r} is newer than {SCHEMA_V3}; read as 3.0.0",
                divider + 2,
                sha,
            )
        )
    for path, entries in raw_files.items():
        note.files[path] = [_resolve(note, entry) for entry in entries]
    return note


def _resolve(note: AuthorshipNote, entry: _RawEntry) -> Attestation:
    """Route a key to its metadata record. An unknown id still tells AI from human by prefix."""
    key = entry.key.lower()
    ranges = tuple(normalize(entry.ranges))
    if match := _SESSION_KEY.fullmatch(key):
        session_id = match.group(1)
        record = note.sessions.get(session_id) or note.sessions.get(session_id[2:])
        return _ai_attestation(
            note, entry, "session", record=record, ranges=ranges, table="metadata.sessions"
        )
    if match := _HUMAN_KEY.fullmatch(key):
        human_id = match.group(1)
        if human_id not in note.humans and human_id[2:] not in note.humans:
            note.warnings.append(
                ProvenanceWarning(
                    NOTES_REF,
                    f"human key {entry.key!r} is not in metadata.humans; lines kept as human",
                    entry.line,
                    note.sha,
                )
            )
        return Attestation(entry.key, "human", ranges, AuthorKind.HUMAN, None, None, entry.line)
    if _PROMPT_KEY.fullmatch(key):
        record = note.prompts.get(entry.key) or note.prompts.get(key)
        return _ai_attestation(
            note, entry, "prompt", record=record, ranges=ranges, table="metadata.prompts"
        )
    raise NoteFormatError(
        f"unrecognised attestation key {entry.key!r} (expected s_<hex>::t_<hex>, h_<hex> "
        "or a 7-16 digit hex prompt id)",
        entry.line,
    )


def _ai_attestation(
    note: AuthorshipNote,
    entry: _RawEntry,
    kind: KeyKind,
    *,
    record: SessionRecord | None,
    ranges: tuple[LineRange, ...],
    table: str,
) -> Attestation:
    if record is None:
        note.warnings.append(
            ProvenanceWarning(
                NOTES_REF,
                f"key {entry.key!r} is not in {table}; lines counted as AI of an unnamed tool",
                entry.line,
                note.sha,
            )
        )
        return Attestation(entry.key, kind, ranges, AuthorKind.AI, None, None, entry.line)
    tool = canonical_tool(record.agent_id.tool) if record.agent_id.tool.strip() else None
    return Attestation(
        entry.key, kind, ranges, AuthorKind.AI, tool, record.agent_id.model, entry.line
    )


# --- authorship/0.0.1 --------------------------------------------------------------------------


class _LegacyAuthor(BaseModel):
    model_config = ConfigDict(extra="allow")
    author: str
    lines: list[int | tuple[int, int]]
    agent_metadata: dict[str, Any] | None = None


class _LegacyFile(BaseModel):
    model_config = ConfigDict(extra="allow")
    file: str | None = None
    authors: list[_LegacyAuthor] = []


class _LegacyLog(BaseModel):
    model_config = ConfigDict(extra="allow")
    schema_version: str
    files: dict[str, _LegacyFile]


def _legacy_ranges(values: list[int | tuple[int, int]], path: str) -> tuple[LineRange, ...]:
    ranges = []
    for value in values:
        start, end = (value, value) if isinstance(value, int) else value
        if start < 1 or end < start:
            raise NoteFormatError(f"files.{path}: bad line range {value!r}")
        ranges.append(LineRange(start, end))
    return tuple(normalize(ranges))


def _legacy_model(metadata: dict[str, Any]) -> tuple[str | None, str | None]:
    """(tool, model) from an `agent_metadata` object of any 2025 vintage."""
    agent = metadata.get("agent_id")
    tool = agent.get("tool") if isinstance(agent, dict) else None
    model = metadata.get("model")
    if model is None and isinstance(agent, dict):
        model = agent.get("model")
    return (
        tool if isinstance(tool, str) and tool.strip() else None,
        model if isinstance(model, str) and model.strip() else None,
    )


def _parse_legacy(text: str, sha: str) -> AuthorshipNote:
    try:
        data = loads(text)
    except JsonInputError as exc:
        raise NoteFormatError(
            f"legacy authorship blob is not valid JSON: {exc.msg}", exc.line
        ) from exc
    if not isinstance(data, dict):
        raise NoteFormatError("legacy authorship blob must be a JSON object", 1)
    version = data.get("schema_version")
    if version != SCHEMA_LEGACY:
        raise NoteFormatError(
            f"JSON note with schema_version {version!r}; only {SCHEMA_LEGACY} is JSON", 1
        )
    try:
        log = _LegacyLog.model_validate(data)
    except ValidationError as exc:
        raise NoteFormatError(_pydantic_message(exc, "blob"), None) from exc
    note = AuthorshipNote(sha=sha, schema_version=SCHEMA_LEGACY)
    for path, file_log in log.files.items():
        attestations = []
        for entry in file_log.authors:
            ranges = _legacy_ranges(entry.lines, path)
            if entry.agent_metadata is not None:
                tool, model = _legacy_model(entry.agent_metadata)
                tool = canonical_tool(tool or entry.author)
                author = AuthorKind.AI
            elif is_known_agent_label(entry.author):
                tool, model, author = canonical_tool(entry.author), None, AuthorKind.AI
            else:
                tool, model, author = None, None, AuthorKind.HUMAN
            attestations.append(
                Attestation(entry.author, "legacy-author", ranges, author, tool, model)
            )
        note.files[path] = attestations
    return note


def read_note(
    blob: bytes, sha: str, source: str = NOTES_REF
) -> tuple[AuthorshipNote | None, list[ProvenanceWarning]]:
    """`parse_note` that never raises: a bad note becomes a warning naming the commit.

    The caller keeps going with commit-level evidence for that commit; nothing else is lost.
    Warnings about a note that could be read (an unknown session id, ...) stay on
    `note.warnings` and reach `CommitAttribution.warnings` through `attribute_commit`, so the
    list returned here only holds the failure, and nothing is reported twice.
    """
    try:
        return parse_note(blob, sha), []
    except NoteFormatError as exc:
        return None, [exc.to_warning(source)]
