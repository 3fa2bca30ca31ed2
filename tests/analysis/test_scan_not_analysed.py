"""`netgain scan` on code it has no analyser for: a Go repository is not "0 findings, all clear".

Shaped after spf13/cobra (Go sources at the top level and in a sub-package, tests beside them,
go.mod, a Makefile, Markdown docs, a shell script without an extension): before this, the scan
read 0 files and printed PASSED. Every file of a language netgain does not read is now counted
and reported in every output format; documentation and configuration are not code and stay out.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.analysis.scan_helpers import commit_all, init_repo, run_scan, write_json
from tests.report.schema import validate_sarif

GO_MAIN = 'package main\n\nimport "example.com/tool/cmd"\n\nfunc main() { cmd.Execute() }\n'
GO_CMD = (
    'package cmd\n\nimport (\n\t"os"\n\t"os/exec"\n)\n\n'
    'func Execute() { exec.Command("sh", "-c", os.Args[1]).Run() }\n'
)
FORMATS = ("text", "json", "sarif", "gitlab", "gitlab-codequality")


@pytest.fixture
def go_repo(tmp_path: Path) -> Path:
    repo = init_repo(tmp_path / "tool")
    (repo / "cmd").mkdir()
    (repo / "scripts").mkdir()
    (repo / "main.go").write_text(GO_MAIN, encoding="utf-8")
    (repo / "cmd" / "root.go").write_text(GO_CMD, encoding="utf-8")
    (repo / "cmd" / "root_test.go").write_text("package cmd\n", encoding="utf-8")
    (repo / "go.mod").write_text("module example.com/tool\n\ngo 1.22\n", encoding="utf-8")
    (repo / "Makefile").write_text("test:\n\tgo test ./...\n", encoding="utf-8")
    (repo / "README.md").write_text("# tool\n", encoding="utf-8")
    (repo / "scripts" / "release").write_text("#!/bin/sh\necho release\n", encoding="utf-8")
    commit_all(repo, "initial")
    return repo


def _outputs(*args: str | Path) -> dict[str, str]:
    outputs = {}
    for fmt in FORMATS:
        result = run_scan(*args, "--format", fmt, "--no-cache")
        assert result.exit_code == 0, result.output
        outputs[fmt] = result.stdout
    return outputs


def _notes(sarif: dict[str, Any]) -> list[dict[str, Any]]:
    return list(sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"])


def test_a_go_repository_is_reported_not_analysed_in_every_format(go_repo: Path) -> None:
    out = _outputs(go_repo)

    assert "Not analysed (4 files):" in out["text"]
    assert "3 Go files not analysed: netgain does not analyse Go" in out["text"]
    assert "1 Shell file not analysed" in out["text"]
    assert "NOTHING ANALYSED" in out["text"] and "PASSED" not in out["text"]

    doc = json.loads(out["json"])
    assert doc["summary"]["files_scanned"] == 0
    assert doc["summary"]["not_analysed"] == 4
    assert doc["summary"]["not_analysed_by_language"] == {"Go": 3, "Shell": 1}
    assert [(f["path"], f["language"]) for f in doc["not_analysed"]] == [
        ("cmd/root.go", "Go"),
        ("cmd/root_test.go", "Go"),
        ("main.go", "Go"),
        ("scripts/release", "Shell"),
    ]
    assert doc["unparsed"] == []  # not a parse failure: nothing tried to read Go as Python

    sarif = json.loads(out["sarif"])
    validate_sarif(sarif)
    notes = {n["properties"]["language"]: n for n in _notes(sarif)}
    assert notes["Go"]["descriptor"]["id"] == "language-not-analysed"
    assert notes["Go"]["message"]["text"].startswith("3 Go files not analysed")
    assert sarif["runs"][0]["properties"]["filesNotAnalysed"] == 4
    assert sarif["runs"][0]["properties"]["notAnalysedByLanguage"] == {"Go": 3, "Shell": 1}

    messages = [m["value"] for m in json.loads(out["gitlab"])["scan"]["messages"]]
    assert any(m.startswith("3 Go files not analysed") for m in messages)
    issues = json.loads(out["gitlab-codequality"])
    gaps = {i["location"]["path"]: i for i in issues if i["check_name"].endswith("not-analysed")}
    assert set(gaps) == {"cmd/root.go", "scripts/release"}  # one per language, at its first file


def test_a_pass_on_the_python_part_names_the_code_it_did_not_read(go_repo: Path) -> None:
    (go_repo / "tools").mkdir()
    (go_repo / "tools" / "gen.py").write_text("def add(a, b):\n    return a + b\n", "utf-8")
    out = _outputs(go_repo)
    assert "PASSED" in out["text"]
    assert "in the 1 files analysed; not analysed: 3 Go, 1 Shell file(s)" in out["text"]
    assert "5 files not analysed" not in out["text"]  # the Python file was analysed
    assert json.loads(out["json"])["summary"]["files_scanned"] == 1


def test_a_go_file_named_on_the_command_line_is_not_parsed_as_python(go_repo: Path) -> None:
    doc = json.loads(run_scan(go_repo / "main.go", "--format", "json", "--no-cache").stdout)
    assert doc["unparsed"] == []
    assert [f["path"] for f in doc["not_analysed"]] == ["main.go"]


def test_a_python_script_without_a_suffix_is_named_with_how_to_scan_it(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    (root / "bin").mkdir(parents=True)
    (root / "bin" / "deploy").write_text("#!/usr/bin/env python3\nprint(1)\n", "utf-8")
    (root / "LICENSE").write_text("MIT\n", "utf-8")  # no extension, not code
    doc = json.loads(run_scan(root, "--format", "json", "--no-cache").stdout)
    assert [(f["path"], f["language"]) for f in doc["not_analysed"]] == [("bin/deploy", "Python")]
    assert "name the file on the command line" in doc["not_analysed"][0]["reason"]
    named = json.loads(run_scan(root / "bin" / "deploy", "--format", "json", "--no-cache").stdout)
    assert named["not_analysed"] == [] and named["summary"]["files_scanned"] == 1
    (root / "bin" / "serve").write_text("#!/usr/bin/env node\nconsole.log(1)\n", "utf-8")
    doc = json.loads(run_scan(root, "--format", "json", "--no-cache").stdout)
    node = next(f for f in doc["not_analysed"] if f["path"] == "bin/serve")
    assert node["language"] == "JavaScript" and "give it a JavaScript suffix" in node["reason"]


def test_excluded_and_vendored_code_is_not_counted(go_repo: Path) -> None:
    (go_repo / "node_modules" / "x").mkdir(parents=True)
    (go_repo / "node_modules" / "x" / "y.go").write_text("package x\n", "utf-8")
    (go_repo / "netgain.toml").write_text('[scan]\nexclude = ["scripts/"]\n', "utf-8")
    doc = json.loads(run_scan(go_repo, "--format", "json", "--no-cache").stdout)
    assert doc["summary"]["not_analysed_by_language"] == {"Go": 3}


def test_an_imported_go_scanner_covers_the_go_files(go_repo: Path, tmp_path: Path) -> None:
    gosec = {  # gosec's SARIF: one driver, rules named G<number>, results on the Go files
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "gosec",
                        "informationUri": "https://github.com/securego/gosec/",
                        "rules": [{"id": "G204", "shortDescription": {"text": "Subprocess"}}],
                    }
                },
                "results": [
                    {
                        "ruleId": "G204",
                        "level": "warning",
                        "message": {"text": "Subprocess launched with variable"},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": "cmd/root.go"},
                                    "region": {"startLine": 8},
                                }
                            }
                        ],
                    }
                ],
            }
        ],
    }
    log = write_json(tmp_path / "gosec.sarif", gosec)
    doc = json.loads(run_scan(go_repo, "--import", log, "--format", "json", "--no-cache").stdout)
    assert doc["summary"]["not_analysed_by_language"] == {"Shell": 1}  # gosec read the Go
    assert [(f["tool"], f["rule"]) for f in doc["findings"]] == [("gosec", "G204")]


def test_with_diff_only_changed_code_counts(go_repo: Path) -> None:
    (go_repo / "cmd" / "root.go").write_text(GO_CMD + "\n// changed\n", encoding="utf-8")
    doc = json.loads(
        run_scan(go_repo, "--diff", "HEAD", "--format", "json", "--no-cache", cwd=go_repo).stdout
    )
    assert [f["path"] for f in doc["not_analysed"]] == ["cmd/root.go"]
