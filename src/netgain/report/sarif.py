"""SARIF 2.1.0 output: one run for netgain, one run per imported tool.

What consumers rely on (GitHub code scanning, GitLab, IDE viewers):
* every rule carries `external/cwe/cwe-NNN` tags with the primary CWE first and a
  `security-severity` score, so code scanning can rank alerts;
* `partialFingerprints` keeps an alert's identity across line shifts;
* traces become `codeFlows`, suppressed findings stay in the log with a `suppressions` entry;
* files that could not be parsed and every input problem become
  `invocations[0].toolExecutionNotifications`, so a SARIF consumer learns about the gap (Bandit's
  SARIF drops them).
"""

from __future__ import annotations

import json
import urllib.parse
from pathlib import PurePosixPath
from typing import Any

from netgain import __version__
from netgain.analysis.baseline import baseline_key
from netgain.analysis.findings import Finding, Location, Severity
from netgain.analysis.problems import ProblemLevel
from netgain.analysis.rules.base import RuleMeta
from netgain.analysis.sarif_import import ImportedRule, ImportedRun
from netgain.report.rule_docs import rule_markdown
from netgain.report.scan_report import NETGAIN, ScanReport
from netgain.text import json_storable

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "SRCROOT"
FINGERPRINT_KEY = "netgain/v1"
INFORMATION_URI = "https://pypi.org/project/netgain/"

# GitHub's buckets: > 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.NOTE: "0.0",
}


def level(severity: Severity) -> str:
    """SARIF result level: only high and critical findings are errors."""
    if severity >= Severity.HIGH:
        return "error"
    if severity == Severity.MEDIUM:
        return "warning"
    return "note"


def cwe_tags(cwe: tuple[int, ...]) -> list[str]:
    """`external/cwe/cwe-NNN` tags in the finding's order (primary first), GitHub's spelling."""
    return [f"external/cwe/cwe-{n}" for n in cwe]


def _uri(path: str) -> dict[str, Any]:
    if PurePosixPath(path).is_absolute():
        return {"uri": PurePosixPath(path).as_uri()}
    return {"uri": urllib.parse.quote(path, errors="surrogateescape"), "uriBaseId": SRCROOT}


def _physical(loc: Location) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": max(1, loc.line), "startColumn": max(1, loc.column)}
    if loc.end_line is not None and loc.end_line >= loc.line:
        region["endLine"] = loc.end_line
    if loc.end_column is not None and loc.end_column >= 1:
        region["endColumn"] = loc.end_column
    if loc.snippet:
        region["snippet"] = {"text": loc.snippet}
    return {"artifactLocation": _uri(loc.path), "region": region}


def _location(loc: Location, message: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"physicalLocation": _physical(loc)}
    if message:
        out["message"] = {"text": message}
    return out


def _rule_descriptor(meta: RuleMeta) -> dict[str, Any]:
    sections = meta.sections()
    return {
        "id": meta.id,
        "name": meta.name,
        "shortDescription": {"text": meta.summary},
        "fullDescription": {"text": sections.get("What it does") or meta.summary},
        "help": {"text": meta.doc, "markdown": rule_markdown(meta)},
        "defaultConfiguration": {"level": level(meta.severity)},
        "properties": {
            "tags": [*cwe_tags(meta.cwe), "security", meta.family],
            "security-severity": SECURITY_SEVERITY[meta.severity],
            "precision": str(meta.confidence),
            "problem.severity": level(meta.severity),
        },
    }


def _unknown_rule(finding: Finding) -> dict[str, Any]:
    """A minimal descriptor for a finding whose rule is not in the table (never drop a result)."""
    return {
        "id": finding.rule_id,
        "shortDescription": {"text": finding.rule_id},
        "properties": {
            "tags": [*cwe_tags(finding.cwe), "security"],
            "security-severity": SECURITY_SEVERITY[finding.severity],
        },
    }


def _imported_descriptor(rule: ImportedRule) -> dict[str, Any]:
    out: dict[str, Any] = {"id": rule.id}
    if rule.name:
        out["name"] = rule.name
    out["shortDescription"] = {"text": rule.short_description or rule.name or rule.id}
    if rule.full_description:
        out["fullDescription"] = {"text": rule.full_description}
    if rule.help_uri:
        out["helpUri"] = rule.help_uri
    props: dict[str, Any] = {"tags": [*cwe_tags(rule.cwe), "security"]}
    if rule.security_severity:
        props["security-severity"] = rule.security_severity
    out["properties"] = props
    return out


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": level(finding.severity),
        "message": {"text": finding.message},
        "locations": [_location(finding.location)],
        "partialFingerprints": {FINGERPRINT_KEY: baseline_key(finding)},
        "properties": {
            "severity": str(finding.severity),
            "confidence": str(finding.confidence),
            "security-severity": SECURITY_SEVERITY[finding.severity],
            "tags": cwe_tags(finding.cwe),
        },
    }
    if finding.trace:
        steps = [
            {"location": _location(step.location, step.message or None)} for step in finding.trace
        ]
        result["codeFlows"] = [
            {
                "message": {"text": f"{finding.trace[0].message or 'source'} reaches the sink"},
                "threadFlows": [{"locations": steps}],
            }
        ]
    if finding.suppressed is not None:
        result["suppressions"] = [
            {
                "kind": finding.suppression_kind or "external",
                "status": "accepted",
                "justification": finding.suppressed,
            }
        ]
    return result


def _notifications(report: ScanReport) -> list[dict[str, Any]]:
    notes: list[dict[str, Any]] = []
    for item in sorted(report.unparsed, key=lambda u: u.path):
        loc = Location(item.path, item.line or 1)
        notes.append(
            {
                "level": "warning",
                "message": {"text": f"{item.path}: not analysed: {item.reason}"},
                "locations": [_location(loc)],
                "descriptor": {"id": "unparsed-file"},
            }
        )
    for gap in report.not_analysed_by_language():  # one per language: a count, not 10k notes
        notes.append(
            {
                "level": "warning",
                "message": {"text": gap.headline},
                "descriptor": {"id": "language-not-analysed"},
                "properties": {"language": gap.language, "files": len(gap.paths)},
            }
        )
    for problem in report.problems:
        note: dict[str, Any] = {
            "level": str(problem.level),
            "message": {"text": str(problem)},
            "descriptor": {"id": problem.kind},
        }
        if problem.path and problem.kind != "sarif-import":
            note["locations"] = [_location(Location(problem.path, problem.line or 1))]
        notes.append(note)
    return notes


def _netgain_run(report: ScanReport) -> dict[str, Any]:
    own = [f for f in report.sorted_findings() if f.tool == NETGAIN]
    descriptors = [_rule_descriptor(report.rules[k]) for k in sorted(report.rules)]
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    for finding in own:
        if finding.rule_id not in index:
            index[finding.rule_id] = len(descriptors)
            descriptors.append(_unknown_rule(finding))
    errors = any(p.level == ProblemLevel.ERROR for p in report.problems)
    return {
        "tool": {
            "driver": {
                "name": "netgain",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }
        },
        "invocations": [
            {
                "executionSuccessful": not errors,
                "startTimeUtc": report.started.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "endTimeUtc": report.finished.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "toolExecutionNotifications": _notifications(report),
            }
        ],
        "originalUriBaseIds": {SRCROOT: {"uri": report.root.resolve().as_uri().rstrip("/") + "/"}},
        "results": [_result(f, index[f.rule_id]) for f in own],
        "columnKind": "unicodeCodePoints",
        "properties": {
            "diffBase": report.diff_base,
            "outsideDiff": report.outside_diff,
            "baselined": report.baselined,
            "filesScanned": report.files_scanned,
            "filesNotAnalysed": len(report.unparsed) + len(report.not_analysed),
            "notAnalysedByLanguage": {
                gap.language: len(gap.paths) for gap in report.not_analysed_by_language()
            },
            "linesScanned": report.lines_scanned,
        },
    }


def _imported_run(run: ImportedRun, report: ScanReport) -> dict[str, Any]:
    reported = {id(f) for f in report.findings}
    findings = sorted(
        (f for f in run.findings if id(f) in reported),
        key=lambda f: (f.location.path, f.location.line, f.rule_id),
    )
    descriptors = [_imported_descriptor(run.rules[k]) for k in sorted(run.rules)]
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    driver: dict[str, Any] = {"name": run.tool, "rules": descriptors}
    if run.version:
        driver["version"] = run.version
    if run.information_uri:
        driver["informationUri"] = run.information_uri
    return {
        "tool": {"driver": driver},
        "originalUriBaseIds": {SRCROOT: {"uri": report.root.resolve().as_uri().rstrip("/") + "/"}},
        "results": [_result(f, index[f.rule_id]) for f in findings if f.rule_id in index],
        "properties": {"importedFrom": run.source},
    }


def to_dict(report: ScanReport) -> dict[str, Any]:
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [_netgain_run(report), *(_imported_run(r, report) for r in report.imported)],
    }


def render(report: ScanReport) -> str:
    return json_storable(json.dumps(to_dict(report), indent=2, ensure_ascii=False)) + "\n"
