"""`netgain scan` driven through its CLI: exit codes, formats, config, imports, suppressions and
baselines. Findings come from imported SARIF here so that these tests pin the CLI's behaviour, not
the taint engine's; tests/analysis/test_cli_scan_engine.py covers netgain's own findings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.analysis.scan_helpers import run_scan, sarif_log, write_json
from tests.report.schema import validate_sarif

CLEAN = "def add(a, b):\n    return a + b\n"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "app").mkdir(parents=True)
    (root / "app" / "util.py").write_text(CLEAN, encoding="utf-8")
    (root / "app" / "db.py").write_text(
        "def q(store, name):\n    store.save(name)\n    store.save(name + '1')\n", encoding="utf-8"
    )
    return root


def _json(result_output: str) -> Any:
    return json.loads(result_output)


def test_clean_tree_exits_zero_with_json_summary(tree: Path) -> None:
    result = run_scan(tree, "--format", "json", "--no-cache")
    assert result.exit_code == 0, result.output
    doc = _json(result.stdout)
    assert doc["summary"]["findings"] == 0
    assert doc["summary"]["files_scanned"] == 2
    assert doc["summary"]["failed"] is False


def test_unparsed_file_is_reported_in_every_format(tree: Path) -> None:
    (tree / "app" / "broken.py").write_text("def broken(:\n    pass\n", encoding="utf-8")
    outputs = {}
    for fmt in ("text", "json", "sarif", "gitlab", "gitlab-codequality"):
        result = run_scan(tree, "--format", fmt, "--no-cache")
        assert result.exit_code == 0, result.output
        outputs[fmt] = result.stdout
    assert "broken.py" in outputs["text"] and "Not analysed (1 files)" in outputs["text"]
    doc = _json(outputs["json"])
    assert [u["path"] for u in doc["unparsed"]] == ["app/broken.py"]
    assert doc["summary"]["unparsed"] == 1
    sarif = _json(outputs["sarif"])
    validate_sarif(sarif)
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    uris = [n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notes]
    assert uris == ["app/broken.py"]
    messages = _json(outputs["gitlab"])["scan"]["messages"]
    assert any("app/broken.py" in m["value"] for m in messages)
    quality = _json(outputs["gitlab-codequality"])
    assert [i["location"]["path"] for i in quality] == ["app/broken.py"]


def test_imported_findings_drive_the_exit_code(tree: Path) -> None:
    log = write_json(tree / "semgrep.sarif", sarif_log("Semgrep OSS", [("sqli", "app/db.py", 2)]))
    high = run_scan(tree, "--import", log, "--format", "json", "--no-cache")
    assert high.exit_code == 1
    [finding] = _json(high.stdout)["findings"]
    assert (finding["tool"], finding["rule"], finding["cwe"]) == ("Semgrep OSS", "sqli", ["CWE-89"])
    assert finding["location"]["snippet"] == "store.save(name)"
    assert run_scan(tree, "--import", log, "--fail-on", "critical", "--no-cache").exit_code == 0
    noted = write_json(tree / "n.sarif", sarif_log("X", [("r", "app/db.py", 2)], level="note"))
    assert run_scan(tree, "--import", noted, "--no-cache").exit_code == 0
    assert run_scan(tree, "--import", noted, "--fail-on", "LOW", "--no-cache").exit_code == 1


def test_sarif_output_with_imports_is_schema_valid_and_keeps_tool_runs(tree: Path) -> None:
    log = write_json(tree / "semgrep.sarif", sarif_log("Semgrep OSS", [("sqli", "app/db.py", 2)]))
    result = run_scan(tree, "--import", log, "--format", "sarif", "--no-cache")
    doc = _json(result.stdout)
    validate_sarif(doc)
    assert [run["tool"]["driver"]["name"] for run in doc["runs"]] == ["netgain", "Semgrep OSS"]
    assert doc["runs"][1]["results"][0]["ruleId"] == "sqli"


def test_unreadable_import_exits_2_after_writing_the_report(tree: Path) -> None:
    good = write_json(tree / "good.sarif", sarif_log("Semgrep OSS", [("sqli", "app/db.py", 2)]))
    bad = tree / "bad.sarif"
    bad.write_text('{"runs": [\n  oops\n]}', encoding="utf-8")
    out = tree / "report.json"
    result = run_scan(
        tree, "--import", good, "--import", bad, "--format", "json", "-o", out, "--no-cache"
    )
    assert result.exit_code == 2
    assert f"{bad}" in result.stderr and "line 2" in result.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [f["rule"] for f in doc["findings"]] == ["sqli"]  # the good file was still merged
    assert doc["problems"][0]["path"] == str(bad)
    assert doc["problems"][0]["level"] == "error"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["does-not-exist"], "does-not-exist: no such file or directory"),
        ([".", "--fail-on", "urgent"], "unknown severity 'urgent'"),
        ([".", "--mode", "server"], "unknown mode 'server'"),
        ([".", "--format", "xml"], "xml"),
        ([".", "--import", "missing.sarif"], "--import missing.sarif: no such file"),
        ([".", "--baseline", "missing.json"], "missing.json: cannot read baseline"),
    ],
)
def test_usage_errors_exit_2_with_a_clear_message(
    tree: Path, args: list[str], message: str
) -> None:
    result = run_scan(*args, "--no-cache", cwd=tree)
    assert result.exit_code == 2, result.output
    assert message in result.output


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            "[scan]\nfail_on = 'urgent'\n",
            "netgain.toml:2: [scan] fail_on: unknown severity 'urgent'",
        ),
        ("[scan]\nselect = 'sql'\n", "netgain.toml:2: [scan] select: Input should be a valid list"),
        ("[scan]\n\nmodez = 'web'\n", "netgain.toml:3: [scan] modez: unknown key"),
        (
            "[scan]\nmode = 'server'\n",
            "netgain.toml:2: [scan] mode: Input should be 'web' or 'library'",
        ),
        ("[scan.models]\nsources = 3\n[scan]\n", "netgain.toml"),
        ("scan = 3\n", "[scan] must be a table"),
        ("[scan\n", "invalid TOML"),
        (
            "[scan]\nignore = ['sql-injektion']\n",
            "netgain.toml:2: [scan] ignore: unknown rule or family 'sql-injektion'",
        ),
    ],
)
def test_config_errors_name_file_and_key(tree: Path, toml: str, message: str) -> None:
    (tree / "netgain.toml").write_text(toml, encoding="utf-8")
    result = run_scan(tree, "--no-cache")
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_config_fail_on_and_pyproject_table(tree: Path) -> None:
    log = write_json(tree / "m.sarif", sarif_log("X", [("r", "app/db.py", 2)], level="warning"))
    assert run_scan(tree, "--import", log, "--no-cache").exit_code == 0
    (tree / "pyproject.toml").write_text(
        "[tool.netgain.scan]\nfail_on = 'medium'\n", encoding="utf-8"
    )
    assert run_scan(tree, "--import", log, "--no-cache").exit_code == 1
    # The flag wins over the file.
    assert run_scan(tree, "--import", log, "--fail-on", "high", "--no-cache").exit_code == 0


def test_explicit_config_file(tree: Path) -> None:
    cfg = tree / "custom.toml"
    cfg.write_text("[scan]\nexclude = 'app'\n", encoding="utf-8")
    result = run_scan(tree, "--config", cfg, "--no-cache")
    assert result.exit_code == 2
    assert "custom.toml" in result.output and "exclude" in result.output
    missing = run_scan(tree, "--config", tree / "nope.toml", "--no-cache")
    assert missing.exit_code == 2 and "configuration file not found" in missing.output


def test_inline_suppression_with_reason_passes_the_gate(tree: Path) -> None:
    (tree / "app" / "db.py").write_text(
        "def q(store, name):\n"
        "    # netgain: ignore[semgrep oss:sqli] name is validated by the caller\n"
        "    store.save(name)\n",
        encoding="utf-8",
    )
    log = write_json(tree / "s.sarif", sarif_log("Semgrep OSS", [("sqli", "app/db.py", 3)]))
    result = run_scan(tree, "--import", log, "--format", "json", "--no-cache")
    assert result.exit_code == 0, result.output
    doc = _json(result.stdout)
    assert doc["findings"][0]["suppressed"] == {
        "kind": "inline",
        "reason": "name is validated by the caller",
    }
    assert (doc["summary"]["findings"], doc["summary"]["suppressed"]) == (0, 1)


def test_suppression_without_reason_does_not_apply_and_is_reported(tree: Path) -> None:
    (tree / "app" / "db.py").write_text(
        "def q(store, name):\n    store.save(name)  # netgain: ignore[sqli]\n", encoding="utf-8"
    )
    log = write_json(tree / "s.sarif", sarif_log("Semgrep OSS", [("sqli", "app/db.py", 2)]))
    result = run_scan(tree, "--import", log, "--format", "sarif", "--no-cache")
    assert result.exit_code == 1
    doc = _json(result.stdout)
    notes = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    [note] = [n for n in notes if n["descriptor"]["id"] == "suppression-without-reason"]
    assert note["level"] == "note"
    assert note["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    assert "suppressions" not in doc["runs"][1]["results"][0]


def test_baseline_round_trip(tree: Path) -> None:
    log = write_json(tree / "s.sarif", sarif_log("Semgrep OSS", [("sqli", "app/db.py", 2)]))
    baseline = tree / ".netgain" / "baseline.json"
    first = run_scan(tree, "--import", log, "--write-baseline", baseline, "--no-cache")
    assert first.exit_code == 1  # writing a baseline does not change this run's verdict
    assert "1 findings recorded" in first.stderr
    # Unrelated lines added above: the fingerprint survives the shift.
    db = tree / "app" / "db.py"
    db.write_text("import os\n\n" + db.read_text(encoding="utf-8"), encoding="utf-8")
    shifted = write_json(tree / "s2.sarif", sarif_log("Semgrep OSS", [("sqli", "app/db.py", 4)]))
    second = run_scan(
        tree, "--import", shifted, "--baseline", baseline, "--format", "json", "--no-cache"
    )
    assert second.exit_code == 0, second.output
    summary = _json(second.stdout)["summary"]
    assert (summary["findings"], summary["baselined"]) == (0, 1)
    both = write_json(
        tree / "s3.sarif",
        sarif_log("Semgrep OSS", [("sqli", "app/db.py", 4), ("sqli", "app/db.py", 5)]),
    )
    third = run_scan(tree, "--import", both, "--baseline", baseline, "--no-cache")
    assert third.exit_code == 1
    assert "1 baselined" in third.stdout


def test_output_file_and_summary_on_stderr(tree: Path) -> None:
    out = tree / "out" / "scan.sarif"
    result = run_scan(tree, "--format", "sarif", "--output", out, "--no-cache")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert f"report written to {out}" in result.stderr
    validate_sarif(json.loads(out.read_text(encoding="utf-8")))
