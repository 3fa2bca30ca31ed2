"""Diff coverage from a Cobertura XML or lcov report: the share of added executable lines run by tests.

Only lines the report knows about count (comments and blank lines are not executable). Report
paths are matched to repository paths by path suffix, since tools write them relative to different
roots (`src/app.py`, `app.py`, `/home/ci/work/src/app.py`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from netgain.errors import UsageError


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
    """Read Cobertura XML (`coverage xml`) or lcov (`SF:`/`DA:` records), by content."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read coverage report: {exc}") from exc
    head = data.lstrip()[:200]
    if head.startswith(b"<"):
        return _cobertura(path, data)
    return _lcov(path, data.decode("utf-8", "replace"))


def _cobertura(path: Path, data: bytes) -> CoverageReport:
    try:
        root = ET.fromstring(data)  # noqa: S314 - see the import
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else "?"
        raise UsageError(f"{path}:{line}: invalid Cobertura XML: {exc}") from exc
    if root.tag != "coverage":
        raise UsageError(f"{path}: not a Cobertura report (root element <{root.tag}>)")
    report = CoverageReport(format="cobertura")
    for cls in root.iter("class"):
        name = cls.get("filename")
        if not name:
            continue
        lines = report.files.setdefault(name, {})
        for element in cls.iter("line"):
            try:
                number = int(element.get("number", ""))
                hits = int(element.get("hits", "0"))
            except ValueError as exc:
                raise UsageError(f"{path}: bad <line> in class {name!r}: {exc}") from exc
            lines[number] = max(hits, lines.get(number, 0))
    return report


def _lcov(path: Path, text: str) -> CoverageReport:
    report = CoverageReport(format="lcov")
    current: dict[int, int] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
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
