"""Data types of AI attribution: who wrote a commit's added lines, and on what evidence.

Every number keeps ai / human / unknown apart: a line nobody attested is unknown, never human.
All types serialise to plain JSON through `to_dict()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, NamedTuple

from netgain.git.model import LineRange

EvidenceKind = Literal[
    "git-ai-note",
    "git-ai-legacy",
    "agent-trace",
    "session-record",
    "tool-telemetry",
    "commit-marker",
    "team-marker",
    "pr-metadata",
]
# Commit-level evidence with exact counts that name no line (an Entire checkpoint, Cursor's AI
# code tracking): a commit's surviving lines are split in proportion to the counts.
COUNTED_EVIDENCE: frozenset[str] = frozenset({"session-record", "tool-telemetry"})
AttributionLevel = Literal["line", "commit", "none"]


class AuthorKind(StrEnum):
    """Who wrote a line. `unknown` means no evidence either way (not "human")."""

    AI = "ai"
    HUMAN = "human"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One observation that supports an attribution.

    Attributes:
        kind: the source family, strongest first: git-ai notes, Agent Trace, markers, PR metadata.
        tool: canonical tool id (e.g. "claude-code", "aider"); None for human evidence.
        model: the model named by the source, when it names one.
        detail: human-readable explanation, e.g. which trailer matched.
        author: AuthorKind.AI unless the evidence attributes lines to humans.
    """

    kind: EvidenceKind
    tool: str | None
    model: str | None
    detail: str
    author: AuthorKind = AuthorKind.AI

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "tool": self.tool, "model": self.model, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class LineCounts:
    """Added lines split by author kind. Supports `+` so commits can be summed into ranges/PRs."""

    ai: int = 0
    human: int = 0
    unknown: int = 0

    @property
    def total(self) -> int:
        return self.ai + self.human + self.unknown

    def __add__(self, other: LineCounts) -> LineCounts:
        if not isinstance(other, LineCounts):
            return NotImplemented
        return LineCounts(
            self.ai + other.ai, self.human + other.human, self.unknown + other.unknown
        )

    def add(self, kind: AuthorKind, lines: int) -> LineCounts:
        """A copy with `lines` more lines of `kind`."""
        return self + LineCounts(
            ai=lines if kind is AuthorKind.AI else 0,
            human=lines if kind is AuthorKind.HUMAN else 0,
            unknown=lines if kind is AuthorKind.UNKNOWN else 0,
        )

    def to_dict(self) -> dict[str, int]:
        return {"ai": self.ai, "human": self.human, "unknown": self.unknown}


@dataclass(frozen=True, slots=True)
class ToolShare:
    """AI lines attributed to one tool (None: AI lines whose tool the evidence does not name)."""

    tool: str | None
    lines: int
    models: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"tool": self.tool, "lines": self.lines, "models": list(self.models)}


class AttributedRange(NamedTuple):
    """A run of added lines of one file with the same author kind, tool and model."""

    range: LineRange
    kind: AuthorKind
    tool: str | None
    model: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.range.start,
            "end": self.range.end,
            "kind": str(self.kind),
            "tool": self.tool,
            "model": self.model,
        }


@dataclass(frozen=True, slots=True)
class ProvenanceWarning:
    """Input that could not be used as evidence. Counted and reported, never fatal.

    Attributes:
        source: where the bad input came from (a file path, `refs/notes/ai`, ...).
        message: what is wrong, in words a user can act on.
        line: 1-indexed line inside `source` (or inside the note), when known.
        sha: the commit the input belongs to, when known.
    """

    source: str
    message: str
    line: int | None = None
    sha: str | None = None

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        commit = f" (commit {self.sha})" if self.sha else ""
        return f"{where}: {self.message}{commit}"

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "message": self.message, "line": self.line, "sha": self.sha}


@dataclass(slots=True)
class CommitAttribution:
    """Who wrote the lines one commit added, with every piece of evidence considered.

    Attributes:
        sha: the commit.
        counts: added lines by author kind (merge commits and binary files count zero).
        tools: sorted canonical ids of the AI tools named by the evidence.
        models: sorted model names named by the evidence.
        evidence: everything that was found, including evidence outranked by stronger sources.
        level: "line" when a note or trace attributed individual lines, "commit" when only
            commit-level markers did, "none" without usable evidence.
        lines: per new path, the added lines split into attributed runs (line level, or commit
            level when added line ranges were supplied).
        commit_tool: the tool credited with every added line at commit level.
        commit_kind: the author kind given to every added line at commit level.
        by_tool: AI lines per tool, largest first.
        warnings: evidence that was unusable or contradictory for this commit.
    """

    sha: str
    counts: LineCounts = field(default_factory=LineCounts)
    tools: list[str] = field(default_factory=list)
    models: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    level: AttributionLevel = "none"
    lines: dict[str, list[AttributedRange]] = field(default_factory=dict)
    commit_tool: str | None = None
    commit_kind: AuthorKind = AuthorKind.UNKNOWN
    by_tool: list[ToolShare] = field(default_factory=list)
    warnings: list[ProvenanceWarning] = field(default_factory=list)

    def to_dict(self, *, detailed: bool = False) -> dict[str, Any]:
        """The JSON shape of `netgain provenance --json`; `detailed` adds per-line runs."""
        data: dict[str, Any] = {
            "sha": self.sha,
            "added": self.counts.to_dict(),
            "tools": list(self.tools),
            "models": list(self.models),
            "evidence": [e.to_dict() for e in self.evidence],
            "level": self.level,
        }
        if detailed:
            data["commit_tool"] = self.commit_tool
            data["by_tool"] = [share.to_dict() for share in self.by_tool]
            data["lines"] = {
                path: [run.to_dict() for run in runs] for path, runs in sorted(self.lines.items())
            }
            data["warnings"] = [w.to_dict() for w in self.warnings]
        return data
