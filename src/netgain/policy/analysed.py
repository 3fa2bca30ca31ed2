"""Per changed file: was it analysed, and by what? The gate never approves what nobody read.

netgain analyses Python, JavaScript and TypeScript itself. Code in another language counts as
analysed only when an imported SARIF run for this head covers its language
(analysis.sarif_coverage); a file netgain could not parse, or whose content is missing from a
partial clone, is not analysed either. Configuration, documentation, data and markup are not
code and never hold the verdict back. Deleted files need no analysis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from netgain.analysis.languages import NETGAIN_LANGUAGES, FileKind, classify
from netgain.analysis.sarif_coverage import RunCoverage
from netgain.analysis.scanner import SCANNED_SUFFIXES

# what the analyzer reads (one list, the scanner's); a `#!python` or `#!node` script without the
# suffix is not one
NETGAIN_SUFFIXES = SCANNED_SUFFIXES


@dataclass(slots=True)
class FileAnalysis:
    """One changed file: its kind and language, who analysed it, or why nobody did."""

    path: str
    kind: str
    language: str = ""
    analysed_by: list[str] = field(default_factory=list)
    reason: str = ""  # why it is not analysed (empty when analysed or not code)

    @property
    def needs_analysis(self) -> bool:
        return self.kind == FileKind.CODE and not self.analysed_by

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "kind": self.kind,
            "language": self.language or None,
            "analysed_by": self.analysed_by,
        }
        if self.reason:
            out["reason"] = self.reason
        return out


def classify_changed(
    paths: list[str],
    *,
    heads: dict[str, bytes],
    not_parsed: dict[str, str],
    imported: list[RunCoverage],
) -> list[FileAnalysis]:
    """Classify each changed, non-deleted path.

    `heads` holds the first bytes of files without a known extension (their `#!` line);
    `not_parsed` maps the files netgain could not analyse to the reason (a syntax error,
    content missing); `imported` is the coverage of each imported SARIF run.
    """
    out: list[FileAnalysis] = []
    for path in paths:
        kind = classify(path, heads.get(path))
        item = FileAnalysis(path, str(kind.kind), kind.language)
        if kind.is_code:
            if path.endswith(NETGAIN_SUFFIXES) and path not in not_parsed:
                item.analysed_by.append("netgain")
            item.analysed_by += [run.tool for run in imported if run.covers(path, kind.language)]
            item.analysed_by = list(dict.fromkeys(item.analysed_by))
            if not item.analysed_by:
                item.reason = _why_not(path, kind.language, not_parsed, imported)
        out.append(item)
    return out


def _why_not(
    path: str, language: str, not_parsed: dict[str, str], imported: list[RunCoverage]
) -> str:
    if path in not_parsed:
        return not_parsed[path]
    stale = [r for r in imported if r.for_other_revision and language in r.languages]
    failed = [r for r in imported if path in r.failed and language in r.languages]
    if failed:
        return f"{failed[0].tool} reported an error analysing it"
    if stale:
        return (
            f"{stale[0].tool} results ({stale[0].source}) are for revision "
            f"{stale[0].for_other_revision[:12] if stale[0].for_other_revision else '?'}, "
            "not this head"
        )
    if language in NETGAIN_LANGUAGES:
        suffixes = " / ".join(s for s in NETGAIN_SUFFIXES if classify(f"x{s}").language == language)
        return f"netgain analyses {language} only in {suffixes} files"
    return f"netgain does not analyse {language}: import CodeQL or Semgrep SARIF for this head"


def unanalysed(files: list[FileAnalysis]) -> list[FileAnalysis]:
    """The changed code files nobody analysed."""
    return [f for f in files if f.needs_analysis]
