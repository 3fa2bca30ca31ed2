"""The finding model shared by the analyzer, the rule families, importers and every output format."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum

from netgain.analysis.problems import Problem


class Severity(IntEnum):
    """Ordered so that `--fail-on` can compare: a finding fails the run when severity >= threshold."""

    NOTE = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError as exc:
            names = ", ".join(s.name.lower() for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of: {names})") from exc

    def __str__(self) -> str:
        return self.name.lower()


class Confidence(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """Ordered for `--fail-on-confidence`: a finding counts when its rank is at least the
        threshold's; also how the engine compares two flows' certainty."""
        return _CONFIDENCE_RANK[self]

    @classmethod
    def parse(cls, text: str) -> Confidence:
        try:
            return cls(text.strip().lower())
        except ValueError as exc:
            names = ", ".join(c.value for c in cls)
            raise ValueError(f"unknown confidence {text!r} (expected one of: {names})") from exc


_CONFIDENCE_RANK = {Confidence.LOW: 0, Confidence.MEDIUM: 1, Confidence.HIGH: 2}


@dataclass(frozen=True, slots=True)
class Location:
    """A source position; `path` is relative to the scan root, lines and columns are 1-indexed."""

    path: str
    line: int
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None
    snippet: str = ""


@dataclass(frozen=True, slots=True)
class TraceStep:
    """One hop of a data flow, from the source (first) to the sink (last)."""

    location: Location
    message: str


@dataclass(slots=True)
class Finding:
    """A security finding.

    `cwe` lists CWE numbers with the primary one first; SARIF emits them as
    `external/cwe/cwe-NNN` tags in that order. `trace` is empty for non-flow rules.
    """

    rule_id: str
    message: str
    severity: Severity
    confidence: Confidence
    location: Location
    cwe: tuple[int, ...] = ()
    trace: list[TraceStep] = field(default_factory=list)
    tool: str = "netgain"
    suppressed: str | None = None  # reason, when an inline suppression or baseline matched
    suppression_kind: str | None = None  # "inSource" (inline comment) or "external" (baseline)

    @property
    def fingerprint(self) -> str:
        """A stable identity that survives unrelated line shifts.

        Built from the rule, the file, the sink's source text (whitespace-normalised) and the
        source's text when there is a trace, never from line numbers.
        """
        parts = [self.rule_id, self.location.path, " ".join(self.location.snippet.split())]
        if self.trace:
            parts.append(" ".join(self.trace[0].location.snippet.split()))
        return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def lines(self) -> set[tuple[str, int]]:
        """Every (path, line) this finding touches: its sink and each trace step."""
        touched = {(self.location.path, self.location.line)}
        touched.update((s.location.path, s.location.line) for s in self.trace)
        return touched


@dataclass(frozen=True, slots=True)
class UnparsedFile:
    """A file that could not be analysed, reported in every output format (never skipped silently)."""

    path: str
    reason: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class NotAnalysedFile:
    """Code netgain has no analyser for (a Go file, a Ruby script): counted and reported in every
    output format, so that a scan of a Go repository never reads as "0 findings, all clear"."""

    path: str
    language: str
    reason: str


@dataclass(slots=True)
class ScanResult:
    findings: list[Finding] = field(default_factory=list)
    unparsed: list[UnparsedFile] = field(default_factory=list)
    files_scanned: int = 0
    lines_scanned: int = 0
    problems: list[Problem] = field(default_factory=list)  # inputs besides code (the cache)
    not_analysed: list[NotAnalysedFile] = field(default_factory=list)  # other languages' code
