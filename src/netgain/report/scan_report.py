"""Everything one `netgain scan` run reports, in one object that every format renders."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from netgain.analysis.findings import (
    Confidence,
    Finding,
    NotAnalysedFile,
    Severity,
    UnparsedFile,
)
from netgain.analysis.problems import Problem
from netgain.analysis.rules.base import RuleMeta
from netgain.analysis.sarif_import import ImportedRun

NETGAIN = "netgain"


@dataclass(frozen=True, slots=True)
class LanguageGap:
    """The files of one language that nobody analysed, and why."""

    language: str
    paths: list[str]
    reason: str

    @property
    def headline(self) -> str:
        """E.g. "36 Go files not analysed: netgain does not analyse Go: ..."."""
        files = "file" if len(self.paths) == 1 else "files"
        return f"{len(self.paths)} {self.language} {files} not analysed: {self.reason}"


@dataclass(slots=True)
class ScanReport:
    """The reported findings (suppressed ones included, marked) and what the scan could not read.

    `findings` holds netgain's own and imported findings after the `--diff` filter; `outside_diff`
    counts those left out by it. `imported` keeps each imported run's tool identity and rules.
    """

    root: Path
    findings: list[Finding] = field(default_factory=list)
    unparsed: list[UnparsedFile] = field(default_factory=list)
    # code in languages netgain does not read and no imported run covers (a Go repository's .go)
    not_analysed: list[NotAnalysedFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rules: dict[str, RuleMeta] = field(default_factory=dict)
    imported: list[ImportedRun] = field(default_factory=list)
    files_scanned: int = 0
    lines_scanned: int = 0
    fail_on: Severity = Severity.HIGH
    # Findings below this confidence are reported but do not fail the run: a library's public
    # parameters treated as untrusted (library mode) are a guess, not evidence.
    fail_on_confidence: Confidence = Confidence.MEDIUM
    diff_base: str | None = None
    outside_diff: int = 0
    baselined: int = 0
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def active(self) -> list[Finding]:
        """Reported findings that are not suppressed: the ones the gate counts."""
        return [f for f in self.findings if f.suppressed is None]

    @property
    def suppressed(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed is not None]

    @property
    def own_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.tool == NETGAIN]

    def counts_by_severity(self) -> dict[str, int]:
        """Active findings per severity, every severity present (zero included), highest first."""
        counts = Counter(f.severity for f in self.active)
        return {str(s): counts.get(s, 0) for s in sorted(Severity, reverse=True)}

    @property
    def failed(self) -> bool:
        """True when an active finding is at or above the `--fail-on` severity and the
        `--fail-on-confidence` confidence."""
        threshold = self.fail_on_confidence.rank
        return any(
            f.severity >= self.fail_on and f.confidence.rank >= threshold for f in self.active
        )

    @property
    def below_confidence(self) -> int:
        """Active findings at or above `--fail-on` that do not fail the run for low confidence."""
        threshold = self.fail_on_confidence.rank
        return sum(
            1 for f in self.active if f.severity >= self.fail_on and f.confidence.rank < threshold
        )

    def not_analysed_by_language(self) -> list[LanguageGap]:
        """The code netgain did not analyse, one entry per language, most files first."""
        groups: dict[str, list[NotAnalysedFile]] = {}
        for item in self.not_analysed:
            groups.setdefault(item.language, []).append(item)
        gaps = [
            LanguageGap(language, [i.path for i in items], items[0].reason)
            for language, items in groups.items()
        ]
        return sorted(gaps, key=lambda g: (-len(g.paths), g.language))

    def sorted_findings(self) -> list[Finding]:
        """Stable order for every format: file, line, column, rule."""
        return sorted(
            self.findings,
            key=lambda f: (f.location.path, f.location.line, f.location.column, f.tool, f.rule_id),
        )
