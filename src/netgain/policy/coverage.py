"""Diff coverage from a Cobertura XML or lcov report: the share of added executable lines run by tests.

Only lines the report knows about count (comments and blank lines are not executable). Report
paths are matched to repository paths by path suffix, since tools write them relative to different
roots (`src/app.py`, `app.py`, `/home/ci/work/src/app.py`).
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from netgain.errors import UsageError
from netgain.text import split_lines


@dataclass(slots=True)
class CoverageReport:
    """Per-file line hits: path as written in the report -> {line: hits}."""

    files: dict[str, dict[int, int]] = field(default_factory=dict)
    format: str = ""

    def lookup(self, path: str) -> dict[int, int] | None:
        """Line hits of a repository path, matching report paths by suffix."""
        if path in self.files:
            return self.files[path]
        for name, lines in self.files.items():
            clean = name.replace("\\", "/").lstrip("./")
            if clean == path or clean.endswith("/" + path) or path.endswith("/" + clean):
                return lines
        return None


def parse_coverage(path: Path) -> CoverageReport:
    """Read Cobertura XML (`coverage xml`) or lcov (`SF:`/`DA:` records), by content.

    Raises:
        UsageError: `FILE:LINE: ...` for a malformed report (`FILE: ...` when it holds no records).
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read coverage report: {exc}") from exc
    head = data.removeprefix(codecs.BOM_UTF8).lstrip()[:200]
    if head.startswith(b"<"):
        return _cobertura(path, data)
    return _lcov(path, data.decode("utf-8-sig", "replace"))


class _CoberturaError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _CoberturaReader:
    """expat handlers that fill a report: every `<line>` inside a `<class filename=...>`.

    expat rather than ElementTree so that errors carry their line, the document is never held as
    a tree, and entity declarations (the "billion laughs" expansion) are refused outright: a
    coverage report has no use for them.
    """

    def __init__(self) -> None:
        self.parser = expat.ParserCreate()
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.EntityDeclHandler = self.entity
        self.report = CoverageReport(format="cobertura")
        self.seen_root = False
        self.classes: list[dict[int, int] | None] = []  # one per open <class>

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        line = self.parser.CurrentLineNumber
        if not self.seen_root:
            self.seen_root = True
            if tag != "coverage":
                raise _CoberturaError(line, f"not a Cobertura report (root element <{tag}>)")
        if tag == "class":
            name = attrs.get("filename")
            self.classes.append(self.report.files.setdefault(name, {}) if name else None)
        elif tag == "line" and self.classes and self.classes[-1] is not None:
            lines = self.classes[-1]
            try:
                number = int(attrs.get("number", ""))
                hits = int(attrs.get("hits", "0"))
            except ValueError:
                raise _CoberturaError(
                    line, f"bad <line> number={attrs.get('number')!r} hits={attrs.get('hits')!r}"
                ) from None
            lines[number] = max(hits, lines.get(number, 0))

    def end(self, tag: str) -> None:
        if tag == "class" and self.classes:
            self.classes.pop()

    def entity(self, name: str, *_: object) -> None:
        raise _CoberturaError(
            self.parser.CurrentLineNumber, f"entity declaration {name!r} is not allowed"
        )


def _cobertura(path: Path, data: bytes) -> CoverageReport:
    reader = _CoberturaReader()
    try:
        reader.parser.Parse(data, True)
    except expat.ExpatError as exc:
        message = expat.ErrorString(exc.code) if exc.code is not None else str(exc)
        raise UsageError(f"{path}:{exc.lineno}: invalid Cobertura XML: {message}") from None
    except _CoberturaError as exc:
        raise UsageError(f"{path}:{exc.line}: {exc.message}") from None
    return reader.report


def _lcov(path: Path, text: str) -> CoverageReport:
    report = CoverageReport(format="lcov")
    current: dict[int, int] | None = None
    for number, raw in enumerate(split_lines(text), start=1):
        line = raw.strip()
        if line.startswith("SF:"):
            current = report.files.setdefault(line[3:], {})
        elif line.startswith("DA:"):
            if current is None:
                raise UsageError(f"{path}:{number}: DA record outside an SF record")
            try:
                fields = line[3:].split(",")
                current[int(fields[0])] = max(int(fields[1]), current.get(int(fields[0]), 0))
            except (ValueError, IndexError) as exc:
                raise UsageError(f"{path}:{number}: malformed DA record {line!r}") from exc
        elif line == "end_of_record":
            current = None
        elif line and not line[:3].isupper() and ":" not in line:
            raise UsageError(f"{path}:{number}: not an lcov record: {line[:60]!r}")
    if not report.files:
        raise UsageError(f"{path}: no coverage records found (expected Cobertura XML or lcov)")
    return report


@dataclass(slots=True)
class DiffCoverage:
    covered: int
    executable: int
    uncovered: dict[str, list[int]]

    @property
    def ratio(self) -> float | None:
        return self.covered / self.executable if self.executable else None


def diff_coverage(report: CoverageReport, added: Mapping[str, set[int]]) -> DiffCoverage:
    """Coverage of the added lines that the report lists as executable."""
    covered = executable = 0
    uncovered: dict[str, list[int]] = {}
    for path, lines in added.items():
        hits = report.lookup(path)
        if hits is None:
            continue
        for number in sorted(lines):
            if number not in hits:
                continue
            executable += 1
            if hits[number] > 0:
                covered += 1
            else:
                uncovered.setdefault(path, []).append(number)
    return DiffCoverage(covered, executable, uncovered)
