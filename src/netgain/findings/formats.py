"""Findings files: netgain's CSV and JSON shape (docs/findings.md), and SARIF 2.1.0.

| format | file                                                                 |
|--------|----------------------------------------------------------------------|
| csv    | a header row, then one finding per row (columns in docs/findings.md) |
| json   | an array of objects with the same keys, or `{"findings": [...]}`     |
| sarif  | SARIF 2.1.0 (a pentest tool's or scanner's log), read by             |
|        | `netgain.analysis.sarif_import`; each result is one finding          |

Every bad record becomes an ImportProblem naming the file and line (for SARIF: the result's
JSON path), and the rest is read on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from netgain.analysis.findings import Severity
from netgain.analysis.problems import ProblemLevel
from netgain.analysis.sarif_import import import_sarif
from netgain.errors import UsageError
from netgain.findings.records import FindingRecord, derived_key, record_from_mapping
from netgain.incidents.csvrows import iter_csv_rows
from netgain.incidents.jsonpos import iter_array
from netgain.incidents.records import (
    ImportProblem,
    ParseResult,
    RecordError,
    parse_time,
    problem_limit,
    read_export_text,
)
from netgain.jsoninput import JsonInputError, loads

FORMATS = ("csv", "json", "sarif")
_SARIF_SEVERITY = {
    Severity.CRITICAL: "critical",
    Severity.HIGH: "high",
    Severity.MEDIUM: "medium",
    Severity.LOW: "low",
    Severity.NOTE: "info",
}


@dataclass(slots=True)
class FindingsFile:
    """What one file held: good records, and every record that could not be read, with where."""

    file: str
    format: str
    records: list[FindingRecord] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[ImportProblem] = field(default_factory=list)


def detect_format(path: Path, text: str) -> str:
    """csv unless the file is JSON; JSON with a `runs` array and a `$schema`/`version` is SARIF."""
    head = text.lstrip()[:4000]
    if path.suffix.lower() in (".sarif",) or (
        head.startswith("{") and '"runs"' in text[:200000] and '"version"' in text[:200000]
    ):
        return "sarif"
    if path.suffix.lower() == ".csv" or not head.startswith(("[", "{")):
        return "csv"
    return "json"


def read_findings(
    path: Path,
    fmt: str | None,
    *,
    source: str,
    root: Path,
    found_at: datetime | None = None,
) -> FindingsFile:
    """Read one findings file.

    Args:
        path: The file.
        fmt: csv, json or sarif; guessed from the name and content when None.
        source: The source of rows that name none (pentest, bounty, ...).
        root: The repository root (SARIF locations are made relative to it).
        found_at: The date found for SARIF results (default: the run's invocation end time).

    Raises:
        UsageError: the file cannot be read, is not valid JSON or SARIF, or the format is unknown.
    """
    text = read_export_text(path)
    chosen = (fmt or detect_format(path, text)).lower()
    name = str(path)
    out = FindingsFile(name, chosen)
    if chosen == "csv":
        rows = ParseResult("findings")
        for start, row in iter_csv_rows(text, name, "title", rows):
            cells = {c: (v if v.strip() else None) for c, v in row.items()}
            _add(out, start, cells, source)
        out.problems = sorted(rows.problems + out.problems, key=lambda p: p.line)
    elif chosen == "json":
        stop = problem_limit(out.problems, name)
        for line, item in iter_array(text, name, "findings", stop=stop):
            if not isinstance(item, dict):
                out.problems.append(ImportProblem(name, line, "expected an object"))
                continue
            _add(out, line, item, source)
    elif chosen == "sarif":
        _read_sarif(path, text, out, source=source, root=root, found_at=found_at)
    else:
        raise UsageError(f"unknown findings format {fmt!r} (choose from {', '.join(FORMATS)})")
    return out


def _add(out: FindingsFile, line: int, item: dict[str, Any], source: str) -> None:
    try:
        out.records.append(record_from_mapping(item, line, source))
    except RecordError as exc:
        ident = item.get("id")
        out.problems.append(
            ImportProblem(out.file, line, str(exc), str(ident) if ident is not None else None)
        )


def _run_times(text: str) -> list[datetime | None]:
    """Per run, when its invocation ended (or started): the date its findings were found."""
    try:
        doc = loads(text)
    except JsonInputError:
        return []
    runs = doc.get("runs") if isinstance(doc, dict) else None
    times: list[datetime | None] = []
    for run in runs if isinstance(runs, list) else []:
        moment = None
        invocations = run.get("invocations") if isinstance(run, dict) else None
        for inv in invocations if isinstance(invocations, list) else []:
            if not isinstance(inv, dict):
                continue
            for key in ("endTimeUtc", "startTimeUtc"):
                try:
                    value = parse_time(inv.get(key), key)
                except RecordError:
                    value = None
                if value is not None and (moment is None or value > moment):
                    moment = value
                    break
        times.append(moment)
    return times


def _read_sarif(
    path: Path,
    text: str,
    out: FindingsFile,
    *,
    source: str,
    root: Path,
    found_at: datetime | None,
) -> None:
    imported = import_sarif(path, root=root)
    for problem in imported.problems:
        target = out.problems if problem.level is ProblemLevel.ERROR else out.warnings
        target.append(ImportProblem(out.file, problem.line or 0, problem.message))
    if not imported.readable:
        first = imported.problems[0] if imported.problems else None
        raise UsageError(f"{path}: {first.message if first else 'not a SARIF log'}")
    times = _run_times(text)
    # import_sarif keeps the runs it could read in file order; a skipped run is reported above,
    # and then the run times no longer line up: only --found-at can date the findings.
    aligned = len(times) == len(imported.runs)
    for index, run in enumerate(imported.runs):
        when = found_at or (times[index] if aligned else None)
        for number, finding in enumerate(run.findings):
            where = f"runs[{index}].results[{number}]"
            if when is None:
                out.problems.append(
                    ImportProblem(
                        out.file,
                        0,
                        f"{where}: no date found (the run has no invocations[].endTimeUtc): "
                        "pass --found-at",
                    )
                )
                continue
            if finding.suppressed is not None:
                out.warnings.append(
                    ImportProblem(
                        out.file, 0, f"{where}: suppressed ({finding.suppressed}); skipped"
                    )
                )
                continue
            loc = finding.location
            title = finding.message.strip().splitlines()[0][:300] if finding.message else ""
            out.records.append(
                FindingRecord(
                    external_id=derived_key(run.tool, finding.rule_id, loc.path, loc.line, title),
                    source=source,
                    title=f"{finding.rule_id}: {title}",
                    severity=_SARIF_SEVERITY[finding.severity],
                    found_at=when,
                    cwe=finding.cwe[0] if finding.cwe else None,
                    path=loc.path,
                    start_line=loc.line,
                    end_line=max(loc.end_line or loc.line, loc.line),
                    key_derived=True,
                    raw={"tool": run.tool, "rule_id": finding.rule_id, "result": where},
                    line=0,
                )
            )
