"""Problems with the scan's inputs that are not security findings.

A suppression comment without a reason, an imported SARIF file that cannot be read, a baseline entry
that no longer matches: none of these is a vulnerability, but none may disappear silently either.
Every output format reports them next to the unparsed files.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ProblemLevel(StrEnum):
    """SARIF notification levels, reused by every format so that the meaning stays the same."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Problem:
    """One input problem; `path` is relative to the scan root when it names a scanned file."""

    kind: str  # e.g. "suppression-without-reason", "sarif-import", "baseline"
    level: ProblemLevel
    message: str
    path: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"
