"""`netgain scan` on JavaScript / TypeScript files: findings in the shared shape, broken files
reported in every format, and the models file validated with errors that name the key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from netgain.analysis.js.models import (
    MODELS_FILE,
    JsModelError,
    default_js_models,
    parse_models,
)
from tests.analysis.scan_helpers import run_scan
from tests.report.schema import validate_sarif

ROUTE = """\
import express from "express";
import { execSync } from "child_process";

const app = express();

app.post("/convert", (req, res) => {
  const out = execSync(`convert ${req.body.file} out.png`);
  res.send(out);
});
"""


def _json(text: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(text)
    return doc


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "server.ts").write_text(ROUTE, encoding="utf-8")
    (tmp_path / "src" / "util.py").write_text("X = 1\n", encoding="utf-8")
    (tmp_path / "node_modules" / "dep").mkdir(parents=True)
    (tmp_path / "node_modules" / "dep" / "index.js").write_text("eval(x)\n", encoding="utf-8")
    return tmp_path


def test_a_typescript_flow_is_a_finding_in_json_and_sarif(project: Path) -> None:
    result = run_scan(project, "--format", "json", "--no-cache")
    assert result.exit_code == 1, result.output  # a critical finding fails the run
    doc = _json(result.stdout)
    assert doc["summary"]["files_scanned"] == 2  # node_modules is not the project's code
    [finding] = doc["findings"]
    assert finding["rule"] == "command-injection"
    assert finding["location"]["path"] == "src/server.ts"
    assert finding["location"]["line"] == 7
    assert [s["line"] for s in finding["trace"]] == [7, 7]

    sarif = _json(run_scan(project, "--format", "sarif", "--no-cache").stdout)
    validate_sarif(sarif)
    [res] = sarif["runs"][0]["results"]
    assert res["ruleId"] == "command-injection"
    uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "src/server.ts"
    assert "external/cwe/cwe-78" in json.dumps(sarif["runs"][0]["tool"])


def test_a_file_with_a_syntax_error_is_reported_not_analysed(project: Path) -> None:
    (project / "src" / "broken.js").write_text("app.get('/', (req, res) => {\n", encoding="utf-8")
    doc = _json(run_scan(project, "--format", "json", "--no-cache").stdout)
    assert [(u["path"], u["line"]) for u in doc["unparsed"]] == [("src/broken.js", 1)]
    text = run_scan(project, "--no-cache").stdout
    assert "src/broken.js" in text and "Not analysed (1 files)" in text


SETTINGS = """\
export function Settings({ onSave }: { onSave: () => void }) {
  return (
    <div>
      <Label htmlFor="telemetry">Performance & Error Reporting</Label>
      <p>Files & Folders {count} && more &</p>
      <>Terms & Conditions</>
      <button onClick={onSave}>Save</button>
    </div>
  )
}
"""


@pytest.mark.parametrize("suffix", [".tsx", ".jsx"])
def test_a_bare_ampersand_in_jsx_text_is_valid_and_analysed(project: Path, suffix: str) -> None:
    """humanlayer/humanlayer: 4 of its 416 files were reported as syntax errors (so not analysed
    by the gate) for UI text such as `Performance & Error Reporting`, valid JSX the tree-sitter
    grammars reject. The file is analysed: the flaw in it is found and nothing is unparsed."""
    code = ROUTE.replace(".ts", suffix) + "\n" + SETTINGS.replace(": { onSave: () => void }", "")
    (project / "src" / "server.ts").unlink()
    (project / "src" / f"settings{suffix}").write_text(code, encoding="utf-8")
    doc = _json(run_scan(project, "--format", "json", "--no-cache").stdout)
    assert doc["unparsed"] == []
    assert [f["rule"] for f in doc["findings"]] == ["command-injection"]


def test_a_real_syntax_error_beside_a_jsx_ampersand_is_still_reported(project: Path) -> None:
    """The look-alike: an unclosed tag after `A & B` is an error the `&` must not hide."""
    broken = "export const A = () => <p>A & B</p\nexport const b = 1\n"
    (project / "src" / "broken.tsx").write_text(broken, encoding="utf-8")
    doc = _json(run_scan(project, "--format", "json", "--no-cache").stdout)
    assert [(u["path"], u["reason"]) for u in doc["unparsed"]] == [
        ("src/broken.tsx", "syntax error")
    ]


def test_ignoring_a_rule_applies_to_javascript(project: Path) -> None:
    config = "[scan]\nignore = ['command-injection']\nexclude = ['src/vendor/']\n"
    (project / "netgain.toml").write_text(config, encoding="utf-8")
    (project / "src" / "vendor").mkdir()
    (project / "src" / "vendor" / "lib.mjs").write_text("syntax error (\n", encoding="utf-8")
    result = run_scan(project, "--format", "json", "--no-cache", cwd=project)
    assert result.exit_code == 0, result.output
    doc = _json(result.stdout)
    assert doc["findings"] == [] and doc["unparsed"] == []


def test_the_shipped_models_load_and_name_only_known_rules() -> None:
    from netgain.analysis.rules.base import get_rule

    models = default_js_models()
    assert {s.rule for s in models.sinks} == {
        "sql-injection",
        "command-injection",
        "code-injection",
        "path-traversal",
        "open-redirect",
    }
    assert all(get_rule(s.rule) is not None for s in models.sinks)
    assert MODELS_FILE.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[sink]]\nrule = 'x'\nargs = [0]\n", "sink[0].name must be given"),
        ("[[sink]]\nrule = 'x'\nname = 'a'\nargs = ['0']\n", "sink[0].args must be a list"),
        ("[[sink]]\nrule = 'x'\nmethod = 'a'\nreceiver = '('\n", "sink[0].receiver must be"),
        ("[[role]]\nname = 'r'\nwhole = 'yes'\n", "role[0].whole must be true or false"),
        ("[handlers]\nrequest_roles = ['nope']\n", "unknown role 'nope'"),
        ("[[sink]\n", "custom.toml"),
    ],
)
def test_a_malformed_models_file_names_the_key(text: str, message: str) -> None:
    with pytest.raises(JsModelError, match=r"custom\.toml") as error:
        parse_models(text, "custom.toml")
    assert message in str(error.value)


def test_a_reasoned_javascript_suppression_applies(project: Path) -> None:
    route = ROUTE.replace(
        "  const out = execSync(",
        "  // netgain: ignore[command-injection] the file name is checked by the upload proxy\n"
        "  const out = execSync(",
    )
    route += 'const s = "# netgain: ignore[sql-injection] inside a string";\n'
    route += "db.query(`x ${s}`); /* netgain: ignore[sql-injection] */\n"
    (project / "src" / "server.ts").write_text(route, encoding="utf-8")
    result = run_scan(project, "--format", "json", "--no-cache")
    assert result.exit_code == 0, result.output
    doc = _json(result.stdout)
    [finding] = doc["findings"]
    assert finding["suppressed"]["reason"] == "the file name is checked by the upload proxy"
    problems = [p["message"] for p in doc["problems"]]
    assert any("has no reason" in m for m in problems)  # the reasonless block comment


def test_javascript_suppression_comments_come_from_the_syntax_tree() -> None:
    from netgain.analysis.suppressions import parse_suppressions

    text = (
        'const s = "// netgain: ignore[sql-injection] not a comment";\n'
        "run(s); // netgain: ignore[sql-injection] trailing, reviewed\n"
        "/* netgain: ignore[xss, open-redirect] block */\n"
        "go();\n"
    )
    found = [
        (i.line, i.target, sorted(i.rule_ids), i.reason) for i in parse_suppressions(text, "a.ts")
    ]
    assert found == [
        (2, 2, ["sql-injection"], "trailing, reviewed"),
        (3, 4, ["open-redirect", "xss"], "block"),
    ]


def test_long_chains_are_analysed_and_absurd_nesting_is_reported(tmp_path: Path) -> None:
    chain = " + ".join(['"a"'] * 1500)
    (tmp_path / "long.js").write_text(
        f'app.get("/", (req, res) => db.query({chain} + req.query.x));\n', encoding="utf-8"
    )
    (tmp_path / "nested.js").write_text(
        "x = " + "[" * 20000 + "1" + "]" * 20000 + ";\n", encoding="utf-8"
    )
    doc = _json(run_scan(tmp_path, "--format", "json", "--no-cache").stdout)
    assert [(f["rule"], f["location"]["path"]) for f in doc["findings"]] == [
        ("sql-injection", "long.js")
    ]
    assert [(u["path"], u["reason"]) for u in doc["unparsed"]] == [
        ("nested.js", "nested too deeply to analyse")
    ]
