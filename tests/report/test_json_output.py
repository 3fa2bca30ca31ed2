"""The JSON report: every documented field, suppressed findings marked, gaps counted."""

from __future__ import annotations

import json
from pathlib import Path

from netgain.report import json_report
from tests.report.sample import sample_report


def test_document_shape_and_summary(tmp_path: Path) -> None:
    doc = json.loads(json_report.render(sample_report(tmp_path)))
    assert doc["schema_version"] == 1
    assert set(doc) == {
        "schema_version",
        "tool",
        "root",
        "diff_base",
        "findings",
        "unparsed",
        "not_analysed",
        "problems",
        "imported_tools",
        "summary",
    }
    summary = doc["summary"]
    assert summary["findings"] == 3  # sql + weak-hash + the imported Semgrep one
    assert summary["by_severity"] == {"critical": 0, "high": 1, "medium": 2, "low": 0, "note": 0}
    assert (summary["suppressed"], summary["baselined"]) == (1, 1)
    assert summary["unparsed"] == 1
    assert summary["failed"] is True
    assert doc["unparsed"] == [
        {"path": "app/broken.py", "reason": "invalid syntax: '(' was never closed", "line": 3}
    ]
    assert doc["imported_tools"] == ["Semgrep OSS"]


def test_findings_carry_rule_cwe_trace_fingerprint_and_suppression(tmp_path: Path) -> None:
    doc = json.loads(json_report.render(sample_report(tmp_path)))
    by_path = {(f["location"]["path"], f["rule"]): f for f in doc["findings"]}
    sql = by_path[("app/views.py", "sql-injection")]
    assert sql["cwe"] == ["CWE-89", "CWE-943"]
    assert (sql["severity"], sql["confidence"], sql["tool"]) == ("high", "high", "netgain")
    assert [step["line"] for step in sql["trace"]] == [6, 7, 8]
    assert sql["trace"][0]["message"] == "request.args (source)"
    assert len(sql["fingerprint"]) == 32
    assert sql["suppressed"] is None
    legacy = by_path[("app/legacy.py", "weak-hash")]
    assert legacy["suppressed"] == {
        "kind": "inline",
        "reason": "checksum for cache keys, not security",
    }
    assert by_path[("app/old.py", "sql-injection")]["suppressed"]["kind"] == "baseline"


def test_findings_are_sorted_by_file_and_line(tmp_path: Path) -> None:
    doc = json.loads(json_report.render(sample_report(tmp_path)))
    keys = [(f["location"]["path"], f["location"]["line"]) for f in doc["findings"]]
    assert keys == sorted(keys)
