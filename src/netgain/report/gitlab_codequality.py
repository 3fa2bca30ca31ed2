"""GitLab Code Quality report JSON (`--format gitlab-codequality`).

Code Quality is a flat list of issues with a fingerprint; GitLab diffs it between the base and the
merge request. Unparsed files become `info` issues (the format has no message channel) so the gap
stays visible, as does code in a language netgain does not read (one issue per language, at its
first file); suppressed findings are left out.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from netgain.analysis.baseline import baseline_key
from netgain.analysis.findings import Severity
from netgain.report.scan_report import NETGAIN, ScanReport
from netgain.text import json_storable

_SEVERITY = {
    Severity.CRITICAL: "blocker",
    Severity.HIGH: "critical",
    Severity.MEDIUM: "major",
    Severity.LOW: "minor",
    Severity.NOTE: "info",
}


def to_list(report: ScanReport) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = []
    for finding in report.sorted_findings():
        if finding.suppressed is not None:
            continue
        prefix = "netgain" if finding.tool == NETGAIN else finding.tool
        cwe = f" (CWE-{finding.cwe[0]})" if finding.cwe else ""
        issues.append(
            {
                "type": "issue",
                "check_name": f"{prefix}/{finding.rule_id}",
                "description": f"{finding.message}{cwe}",
                "categories": ["Security"],
                "severity": _SEVERITY[finding.severity],
                "fingerprint": baseline_key(finding),
                "location": {
                    "path": finding.location.path,
                    "lines": {
                        "begin": finding.location.line,
                        "end": max(finding.location.end_line or 0, finding.location.line),
                    },
                },
            }
        )
    for item in sorted(report.unparsed, key=lambda u: u.path):
        digest = hashlib.sha256(
            f"unparsed\x1f{item.path}".encode("utf-8", "surrogateescape")
        ).hexdigest()[:32]
        issues.append(
            {
                "type": "issue",
                "check_name": "netgain/unparsed-file",
                "description": f"not analysed: {item.reason}",
                "categories": ["Bug Risk"],
                "severity": "info",
                "fingerprint": digest,
                "location": {"path": item.path, "lines": {"begin": item.line or 1}},
            }
        )
    for gap in report.not_analysed_by_language():  # one issue per language, at its first file
        digest = hashlib.sha256(f"not-analysed\x1f{gap.language}".encode()).hexdigest()[:32]
        issues.append(
            {
                "type": "issue",
                "check_name": "netgain/language-not-analysed",
                "description": gap.headline,
                "categories": ["Bug Risk"],
                "severity": "info",
                "fingerprint": digest,
                "location": {"path": gap.paths[0], "lines": {"begin": 1}},
            }
        )
    return issues


def render(report: ScanReport) -> str:
    return json_storable(json.dumps(to_list(report), indent=2, ensure_ascii=False)) + "\n"
