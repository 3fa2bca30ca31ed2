"""The JSON scan report (schema documented in docs/scan.md, `schema_version` 1)."""

from __future__ import annotations

import json
from typing import Any

from netgain import __version__
from netgain.analysis.findings import Finding, Location
from netgain.report.scan_report import ScanReport
from netgain.text import json_storable

SCHEMA_VERSION = 1


def _location(loc: Location) -> dict[str, Any]:
    return {
        "path": loc.path,
        "line": loc.line,
        "column": loc.column,
        "end_line": loc.end_line,
        "end_column": loc.end_column,
        "snippet": loc.snippet,
    }


def finding_dict(finding: Finding) -> dict[str, Any]:
    """One finding as documented in docs/scan.md."""
    suppressed: dict[str, str] | None = None
    if finding.suppressed is not None:
        kind = "baseline" if finding.suppression_kind == "external" else "inline"
        suppressed = {"kind": kind, "reason": finding.suppressed}
    return {
        "tool": finding.tool,
        "rule": finding.rule_id,
        "cwe": [f"CWE-{n}" for n in finding.cwe],
        "severity": str(finding.severity),
        "confidence": str(finding.confidence),
        "message": finding.message,
        "location": _location(finding.location),
        "trace": [{"message": step.message, **_location(step.location)} for step in finding.trace],
        "fingerprint": finding.fingerprint,
        "suppressed": suppressed,
    }


def to_dict(report: ScanReport) -> dict[str, Any]:
    """The JSON document as a plain dict (also used by `netgain check`)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "netgain", "version": __version__},
        "root": str(report.root),
        "diff_base": report.diff_base,
        "findings": [finding_dict(f) for f in report.sorted_findings()],
        "unparsed": [
            {"path": u.path, "reason": u.reason, "line": u.line}
            for u in sorted(report.unparsed, key=lambda u: u.path)
        ],
        "not_analysed": [
            {"path": f.path, "language": f.language, "reason": f.reason}
            for f in report.not_analysed
        ],
        "problems": [
            {
                "kind": p.kind,
                "level": str(p.level),
                "message": p.message,
                "path": p.path,
                "line": p.line,
            }
            for p in report.problems
        ],
        "imported_tools": sorted({run.tool for run in report.imported}),
        "summary": {
            "findings": len(report.active),
            "by_severity": report.counts_by_severity(),
            "suppressed": len(report.suppressed) - report.baselined,
            "baselined": report.baselined,
            "outside_diff": report.outside_diff,
            "unparsed": len(report.unparsed),
            "not_analysed": len(report.not_analysed),
            "not_analysed_by_language": {
                gap.language: len(gap.paths) for gap in report.not_analysed_by_language()
            },
            "problems": len(report.problems),
            "files_scanned": report.files_scanned,
            "lines_scanned": report.lines_scanned,
            "fail_on": str(report.fail_on),
            "fail_on_confidence": str(report.fail_on_confidence),
            "below_confidence": report.below_confidence,
            "failed": report.failed,
        },
    }


def render(report: ScanReport) -> str:
    return (
        json_storable(json.dumps(to_dict(report), indent=2, sort_keys=False, ensure_ascii=False))
        + "\n"
    )
