"""Importing other scanners' SARIF: recorded Bandit output, hand-written Semgrep, CodeQL and
gitleaks logs shaped like those tools emit, and hostile files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.problems import ProblemLevel
from netgain.analysis.sarif_import import cwes_from_tags, import_sarif

SAMPLES = Path(__file__).parent / "sarif_samples"


def test_bandit_recorded_output(tmp_path: Path) -> None:
    imported = import_sarif(SAMPLES / "bandit-1.9.4.sarif", root=tmp_path)
    assert imported.readable
    [run] = imported.runs
    assert (run.tool, run.version) == ("Bandit", "1.9.4")
    by_rule = {f.rule_id: f for f in imported.findings}
    assert set(by_rule) == {"B404", "B602", "B324"}
    shell = by_rule["B602"]
    assert shell.tool == "Bandit"
    assert shell.cwe == (78,)
    assert (shell.severity, shell.confidence) == (Severity.HIGH, Confidence.HIGH)
    assert (shell.location.path, shell.location.line, shell.location.column) == (
        "app/views.py",
        6,
        5,
    )
    assert shell.location.snippet == "subprocess.call(cmd, shell=True)"
    assert by_rule["B404"].severity == Severity.LOW
    assert run.rules["B324"].help_uri and "b324_hashlib" in run.rules["B324"].help_uri
    # Bandit's own "could not parse" notification is kept as a coverage problem.
    [gap] = [p for p in imported.problems if p.kind == "imported-tool-notification"]
    assert gap.path == "app/broken.py"
    assert "syntax error" in gap.message


def test_semgrep_tags_levels_and_dataflow_trace(tmp_path: Path) -> None:
    imported = import_sarif(SAMPLES / "semgrep-1.101.sarif", root=tmp_path)
    assert imported.problems == []
    by_rule = {f.rule_id.rsplit(".", 1)[-1]: f for f in imported.findings}
    sql = by_rule["formatted-sql-query"]
    assert sql.tool == "Semgrep OSS"
    assert sql.cwe == (89,)
    assert sql.severity == Severity.MEDIUM  # defaultConfiguration.level warning
    assert sql.confidence == Confidence.HIGH  # precision very-high
    redirect = by_rule["express-open-redirect"]
    assert redirect.cwe == (601,)
    assert redirect.severity == Severity.MEDIUM  # security-severity 6.1 wins over level error
    assert [(s.location.line, s.message) for s in redirect.trace] == [
        (3, "Source: 'req.query.next'"),
        (5, "Sink: 'res.redirect(target)'"),
    ]


def test_codeql_rules_in_extensions_with_zero_padded_cwe(tmp_path: Path) -> None:
    views = tmp_path / "app" / "views.py"
    views.parent.mkdir()
    views.write_text("\n".join(f"line {n}" for n in range(1, 20)) + "\n", encoding="utf-8")
    imported = import_sarif(SAMPLES / "codeql-2.19.sarif", root=tmp_path)
    assert imported.problems == []  # level "none" diagnostics are not problems
    [run] = imported.runs
    assert (run.tool, run.version) == ("CodeQL", "2.19.3")
    sql, weak = sorted(imported.findings, key=lambda f: f.location.line)
    assert sql.rule_id == "py/sql-injection"
    assert sql.cwe == (89,)
    assert sql.severity == Severity.HIGH  # security-severity 8.8
    assert [s.location.line for s in sql.trace] == [1, 10, 12]
    assert sql.location.snippet == "line 12"  # filled from the file: fingerprints need text
    assert weak.cwe == (327, 328, 916)
    assert weak.severity == Severity.HIGH  # 7.5


def test_gitleaks_secret_is_masked_and_gets_cwe_798(tmp_path: Path) -> None:
    imported = import_sarif(SAMPLES / "gitleaks-8.18.sarif", root=tmp_path)
    [leak] = imported.findings
    assert leak.tool == "gitleaks"
    assert leak.cwe == (798,)
    assert "AKIAIOSFODNN7EXAMPLE" not in leak.location.snippet
    assert leak.location.snippet.startswith("AKIA")
    assert leak.severity == Severity.MEDIUM  # no level: SARIF's default "warning"


def test_fingerprints_of_imported_findings_differ_per_line(tmp_path: Path) -> None:
    imported = import_sarif(SAMPLES / "bandit-1.9.4.sarif", root=tmp_path)
    prints = [f.fingerprint for f in imported.findings]
    assert len(set(prints)) == len(prints)


def test_malformed_json_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken.sarif"
    bad.write_text('{\n  "version": "2.1.0",\n  "runs": [\n    {,\n  ]\n}\n', encoding="utf-8")
    imported = import_sarif(bad, root=tmp_path)
    assert not imported.readable
    [problem] = imported.problems
    assert problem.level == ProblemLevel.ERROR
    assert problem.path == str(bad)
    assert problem.line == 4
    assert "line 4" in problem.message


@pytest.mark.parametrize(
    "content",
    [
        '["not", "sarif"]',
        '{"version": "2.1.0"}',
        '{"runs": {"a": 1}}',
        "\u0000binary",
        '{"runs": ' + "[" * 100_000,
        '{"runs": [' + "[" * 50_000 + "]" * 50_000 + "]}",
    ],
)
def test_wrong_shape_is_unreadable_with_a_clear_message(tmp_path: Path, content: str) -> None:
    bad = tmp_path / "x.sarif"
    bad.write_text(content, encoding="utf-8")
    imported = import_sarif(bad, root=tmp_path)
    assert not imported.readable
    assert imported.problems and imported.problems[0].path == str(bad)


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    imported = import_sarif(tmp_path / "nope.sarif", root=tmp_path)
    assert not imported.readable
    assert "cannot read" in imported.problems[0].message


def test_bad_results_are_skipped_with_their_json_path_and_the_rest_imported(tmp_path: Path) -> None:
    log = json.loads((SAMPLES / "bandit-1.9.4.sarif").read_text(encoding="utf-8"))
    results = log["runs"][0]["results"]
    results[0]["locations"] = "nowhere"
    del results[1]["message"]
    results.append(42)
    bad = tmp_path / "partly.sarif"
    bad.write_text(json.dumps(log), encoding="utf-8")
    imported = import_sarif(bad, root=tmp_path)
    assert imported.readable
    assert [f.rule_id for f in imported.findings] == ["B324"]
    skipped = [p.message for p in imported.problems if p.kind == "sarif-import"]
    assert len(skipped) == 3
    assert skipped[0].startswith("runs[0].results[0].locations must be an array")
    assert skipped[1].startswith("runs[0].results[1].message has no text")
    assert skipped[2].startswith("runs[0].results[3] must be an object")
    assert all(
        p.level == ProblemLevel.WARNING for p in imported.problems if p.kind == "sarif-import"
    )


def test_run_without_driver_name_is_skipped_others_kept(tmp_path: Path) -> None:
    good = json.loads((SAMPLES / "gitleaks-8.18.sarif").read_text(encoding="utf-8"))
    broken = {"tool": {"driver": {}}, "results": []}
    good["runs"].insert(0, broken)
    path = tmp_path / "two.sarif"
    path.write_text(json.dumps(good), encoding="utf-8")
    imported = import_sarif(path, root=tmp_path)
    assert imported.readable
    assert [r.tool for r in imported.runs] == ["gitleaks"]
    assert "runs[0].tool.driver has no name" in imported.problems[0].message


def test_absolute_file_uris_become_root_relative(tmp_path: Path) -> None:
    log = json.loads((SAMPLES / "gitleaks-8.18.sarif").read_text(encoding="utf-8"))
    target = tmp_path / "config" / "my settings.py"
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = (
        target.as_uri()
    )
    path = tmp_path / "abs.sarif"
    path.write_text(json.dumps(log), encoding="utf-8")
    [leak] = import_sarif(path, root=tmp_path).findings
    assert leak.location.path == "config/my settings.py"


def test_cwe_tag_spellings() -> None:
    assert cwes_from_tags(["security", "external/cwe/cwe-089", "CWE-79: XSS", "cwe/22"]) == (
        89,
        79,
        22,
    )
    assert cwes_from_tags("external/cwe/cwe-89") == ()
    assert cwes_from_tags(["OWASP-A03:2021 - Injection"]) == ()


def test_secret_findings_from_general_scanners_are_masked_too(tmp_path: Path) -> None:
    log = json.loads((SAMPLES / "semgrep-1.101.sarif").read_text(encoding="utf-8"))
    rule = log["runs"][0]["tool"]["driver"]["rules"][0]
    rule["properties"]["tags"] = ["CWE-798: Use of Hard-coded Credentials", "security"]
    region = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    region["snippet"]["text"] = 'password = "hunter2-correct-horse"'
    path = tmp_path / "secrets.sarif"
    path.write_text(json.dumps(log), encoding="utf-8")
    finding = import_sarif(path, root=tmp_path).findings[0]
    assert finding.cwe == (798,)
    assert "hunter2" not in finding.location.snippet
