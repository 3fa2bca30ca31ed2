"""GitLab SAST report JSON (security report schema 15.x), the `--format gitlab` output.

GitLab shows these in the merge-request security widget. Suppressed and baselined findings are left
out (the format has no suppression state); unparsed files and input problems become
`scan.messages` so the pipeline shows the coverage gap.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from netgain import __version__
from netgain.analysis.baseline import baseline_key
from netgain.analysis.findings import Finding, Severity
from netgain.analysis.problems import ProblemLevel
from netgain.report.scan_report import NETGAIN, ScanReport
from netgain.text import json_storable

SCHEMA_VERSION = "15.0.7"
SCHEMA_URL = (
    "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/"
    f"v{SCHEMA_VERSION}/dist/sast-report-format.json"
)
_NAMESPACE = uuid.UUID("6f3c2b7e-2a51-4c1e-9b0a-6e8d1f0c4a11")
_SEVERITY = {
    Severity.CRITICAL: "Critical",
    Severity.HIGH: "High",
    Severity.MEDIUM: "Medium",
    Severity.LOW: "Low",
    Severity.NOTE: "Info",
}
_LEVEL = {ProblemLevel.ERROR: "warn", ProblemLevel.WARNING: "warn", ProblemLevel.NOTE: "info"}
_VENDOR = {"name": "netgain"}
_TIME = "%Y-%m-%dT%H:%M:%S"


def _identifiers(finding: Finding) -> list[dict[str, str]]:
    tool = finding.tool if finding.tool != NETGAIN else "netgain"
    ids = [
        {
            "type": f"{tool.lower().replace(' ', '_')}_rule_id",
            "name": f"{tool} {finding.rule_id}",
            "value": finding.rule_id,
        }
    ]
    ids += [
        {
            "type": "cwe",
            "name": f"CWE-{n}",
            "value": str(n),
            "url": f"https://cwe.mitre.org/data/definitions/{n}.html",
        }
        for n in finding.cwe
    ]
    return ids


def _vulnerability(finding: Finding) -> dict[str, Any]:
    key = baseline_key(finding)
    steps = " -> ".join(
        f"{s.location.path}:{s.location.line} {s.message}".strip() for s in finding.trace
    )
    description = finding.message + (f"\n\nData flow: {steps}" if steps else "")
    location: dict[str, Any] = {
        "file": finding.location.path,
        "start_line": finding.location.line,
        "end_line": max(finding.location.end_line or finding.location.line, finding.location.line),
    }
    return {
        "id": str(uuid.uuid5(_NAMESPACE, key)),
        "name": finding.rule_id,
        "description": description,
        "severity": _SEVERITY[finding.severity],
        "scanner": {"id": finding.tool.lower(), "name": finding.tool},
        "location": location,
        "identifiers": _identifiers(finding),
    }


def to_dict(report: ScanReport) -> dict[str, Any]:
    messages = [
        {"level": "warn", "value": f"{u.path}: not analysed: {u.reason}"}
        for u in sorted(report.unparsed, key=lambda u: u.path)
    ]
    messages += [{"level": "warn", "value": g.headline} for g in report.not_analysed_by_language()]
    messages += [{"level": _LEVEL[p.level], "value": str(p)} for p in report.problems]
    tool = {"id": "netgain", "name": "netgain", "version": __version__, "vendor": _VENDOR}
    return {
        "schema": SCHEMA_URL,
        "version": SCHEMA_VERSION,
        "vulnerabilities": [
            _vulnerability(f) for f in report.sorted_findings() if f.suppressed is None
        ],
        "scan": {
            "analyzer": tool,
            "scanner": tool,
            "type": "sast",
            "start_time": report.started.strftime(_TIME),
            "end_time": report.finished.strftime(_TIME),
            "status": "success",
            "messages": messages,
        },
    }


def render(report: ScanReport) -> str:
    return json_storable(json.dumps(to_dict(report), indent=2, ensure_ascii=False)) + "\n"
