"""SARIF 2.1.0 output: schema-valid, CWE tags primary-first, traces, suppressions, gaps reported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from netgain.analysis.findings import Severity
from netgain.report import sarif
from tests.report.sample import sample_report
from tests.report.schema import validate_sarif


@pytest.fixture
def log(tmp_path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(sarif.render(sample_report(tmp_path)))
    return document


def test_output_validates_against_the_official_schema(log: dict[str, Any]) -> None:
    validate_sarif(log)


def test_schema_validation_catches_a_broken_log(log: dict[str, Any]) -> None:
    # The validator must be able to fail: a result without a message is invalid SARIF.
    del log["runs"][0]["results"][0]["message"]
    with pytest.raises(AssertionError, match="schema errors"):
        validate_sarif(log)


def test_rules_carry_primary_cwe_first_and_security_severity(log: dict[str, Any]) -> None:
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    sql = rules["sql-injection"]
    assert sql["properties"]["tags"][:2] == ["external/cwe/cwe-89", "external/cwe/cwe-943"]
    assert sql["properties"]["security-severity"] == "8.0"
    assert sql["name"] == "SqlQueryBuiltFromInput"
    assert sql["shortDescription"]["text"].startswith("Untrusted input")
    assert sql["fullDescription"]["text"] == "Finds SQL built from input."
    assert "## Use instead" in sql["help"]["markdown"]
    assert rules["weak-hash"]["properties"]["security-severity"] == "5.5"


def test_results_reference_rules_and_carry_fingerprints(log: dict[str, Any]) -> None:
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    by_rule = {
        r["ruleId"]: r
        for r in run["results"]
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app/views.py"
    }
    sql = by_rule["sql-injection"]
    assert rules[sql["ruleIndex"]]["id"] == "sql-injection"
    assert sql["level"] == "error"
    assert by_rule["weak-hash"]["level"] == "warning"
    region = sql["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endColumn"]) == (8, 5, 23)
    assert len(sql["partialFingerprints"]["netgain/v1"]) == 32


def test_trace_becomes_a_code_flow_from_source_to_sink(log: dict[str, Any]) -> None:
    sql = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "sql-injection")
    steps = sql["codeFlows"][0]["threadFlows"][0]["locations"]
    lines = [s["location"]["physicalLocation"]["region"]["startLine"] for s in steps]
    assert lines == [6, 7, 8]
    assert steps[0]["location"]["message"]["text"] == "request.args (source)"


def test_suppressed_findings_stay_with_their_kind_and_justification(log: dict[str, Any]) -> None:
    results = log["runs"][0]["results"]
    suppressed = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r["suppressions"][0]
        for r in results
        if "suppressions" in r
    }
    assert suppressed["app/legacy.py"]["kind"] == "inSource"
    assert suppressed["app/legacy.py"]["justification"] == "checksum for cache keys, not security"
    assert suppressed["app/old.py"]["kind"] == "external"
    active = [r for r in results if "suppressions" not in r]
    assert len(active) == 2


def test_unparsed_files_and_problems_are_tool_execution_notifications(log: dict[str, Any]) -> None:
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    unparsed = [n for n in notes if n["descriptor"]["id"] == "unparsed-file"]
    assert len(unparsed) == 1
    loc = unparsed[0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "app/broken.py"
    assert loc["region"]["startLine"] == 3
    assert "was never closed" in unparsed[0]["message"]["text"]
    reasonless = [n for n in notes if n["descriptor"]["id"] == "suppression-without-reason"]
    assert reasonless[0]["level"] == "note"


def test_imported_findings_form_a_run_under_their_original_tool(log: dict[str, Any]) -> None:
    assert len(log["runs"]) == 2
    imported = log["runs"][1]
    driver = imported["tool"]["driver"]
    assert driver["name"] == "Semgrep OSS"
    assert driver["version"] == "1.101.0"
    assert driver["rules"][0]["properties"]["tags"][0] == "external/cwe/cwe-79"
    assert [r["ruleId"] for r in imported["results"]] == [
        "javascript.express.security.audit.xss.direct-response-write"
    ]
    own = {r["ruleId"] for r in log["runs"][0]["results"]}
    assert not any(rule.startswith("javascript.") for rule in own)


def test_paths_with_spaces_are_uri_encoded_and_still_valid(tmp_path: Path) -> None:
    report = sample_report(tmp_path)
    report.findings[0].location = type(report.findings[0].location)(
        "app/my views.py", 8, 5, snippet="x"
    )
    document = sarif.to_dict(report)
    validate_sarif(document)
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in document["runs"][0]["results"]
    ]
    assert "app/my%20views.py" in uris


@pytest.mark.parametrize(
    ("severity", "level"),
    [
        (Severity.CRITICAL, "error"),
        (Severity.HIGH, "error"),
        (Severity.MEDIUM, "warning"),
        (Severity.LOW, "note"),
        (Severity.NOTE, "note"),
    ],
)
def test_levels(severity: Severity, level: str) -> None:
    assert sarif.level(severity) == level
