"""`netgain scan` end to end with netgain's own findings: the installed console script in a
subprocess (as CI runs it) and the CLI in-process for suppressions, modes, cache and --diff."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.analysis.scan_helpers import commit_all, init_repo, run_scan
from tests.report.schema import validate_sarif

NETGAIN = Path(sys.executable).parent / "netgain"

VIEWS = """\
from flask import Flask, request
import sqlite3

app = Flask(__name__)


@app.route("/search")
def search():
    name = request.args["name"]
    query = "SELECT * FROM users WHERE name = '" + name + "'"
    cur = sqlite3.connect("db").cursor()
    cur.execute(query)
    return "ok"
"""

HELPER = """\
import os


def run(cmd):
    os.system("ls " + cmd)
"""


def _netgain(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(NETGAIN), *[str(a) for a in args]],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "app").mkdir(parents=True)
    (root / "app" / "views.py").write_text(VIEWS, encoding="utf-8")
    (root / "app" / "broken.py").write_text("def broken(:\n    pass\n", encoding="utf-8")
    return root


def test_console_script_sarif_end_to_end(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    done = _netgain("scan", "app", "--format", "sarif", "--no-cache", cwd=root)
    assert done.returncode == 1, done.stderr
    log = json.loads(done.stdout)
    validate_sarif(log)
    run = log["runs"][0]
    [result] = [r for r in run["results"] if r["ruleId"] == "sql-injection"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app/views.py"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 12
    flow = result["codeFlows"][0]["threadFlows"][0]["locations"]
    lines = [s["location"]["physicalLocation"]["region"]["startLine"] for s in flow]
    assert (lines[0], lines[-1]) == (9, 12)
    rule = run["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert rule["id"] == "sql-injection"
    assert rule["properties"]["tags"][0] == "external/cwe/cwe-89"
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notes] == [
        "app/broken.py"
    ]


def test_console_script_usage_error(tmp_path: Path) -> None:
    done = _netgain("scan", "missing_dir", cwd=tmp_path)
    assert done.returncode == 2
    assert "missing_dir: no such file or directory" in done.stderr


def test_console_script_text_report(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    done = _netgain("scan", "app", "--no-cache", cwd=root)
    assert done.returncode == 1
    assert "app/views.py" in done.stdout
    assert "sql-injection" in done.stdout
    assert "app/broken.py:1" in done.stdout
    assert "FAILED" in done.stdout


def test_inline_suppression_of_an_engine_finding(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    views = root / "app" / "views.py"
    views.write_text(
        VIEWS.replace(
            "    cur.execute(query)\n",
            "    # netgain: ignore[sql-injection] demo database, read-only and throw-away\n"
            "    cur.execute(query)\n",
        ),
        encoding="utf-8",
    )
    result = run_scan(root / "app", "--format", "json", "--no-cache", cwd=root)
    assert result.exit_code == 0, result.output
    [finding] = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "sql-injection"]
    assert finding["suppressed"]["reason"] == "demo database, read-only and throw-away"


def test_mode_web_trusts_helper_parameters_library_does_not(tmp_path: Path) -> None:
    (tmp_path / "helper.py").write_text(HELPER, encoding="utf-8")
    library = json.loads(
        run_scan("helper.py", "--format", "json", "--no-cache", cwd=tmp_path).stdout
    )
    assert [f["rule"] for f in library["findings"]] == ["command-injection"]
    assert library["findings"][0]["confidence"] == "low"
    web = run_scan("helper.py", "--mode", "web", "--format", "json", "--no-cache", cwd=tmp_path)
    assert json.loads(web.stdout)["findings"] == []
    (tmp_path / "netgain.toml").write_text("[scan]\nmode = 'web'\n", encoding="utf-8")
    configured = run_scan("helper.py", "--format", "json", "--no-cache", cwd=tmp_path)
    assert json.loads(configured.stdout)["findings"] == []


def test_low_confidence_library_findings_are_reported_but_do_not_fail_the_gate(
    tmp_path: Path,
) -> None:
    """Library mode guesses that a public parameter is attacker input: the finding is shown at
    low confidence and fails the run only when asked with --fail-on-confidence low."""
    (tmp_path / "helper.py").write_text(HELPER, encoding="utf-8")
    (tmp_path / "views.py").write_text(VIEWS, encoding="utf-8")
    both = run_scan("helper.py", "views.py", "--format", "json", "--no-cache", cwd=tmp_path)
    assert both.exit_code == 1, both.output  # the route's SQL injection is high confidence
    only_library = run_scan("helper.py", "--no-cache", cwd=tmp_path)
    assert only_library.exit_code == 0, only_library.output
    assert "command-injection" in only_library.stdout
    assert "1 at or above high with lower confidence not counted" in only_library.stdout
    doc = json.loads(run_scan("helper.py", "--format", "json", "--no-cache", cwd=tmp_path).stdout)
    assert doc["summary"]["below_confidence"] == 1 and doc["summary"]["failed"] is False
    asked = run_scan("helper.py", "--fail-on-confidence", "low", "--no-cache", cwd=tmp_path)
    assert asked.exit_code == 1, asked.output
    (tmp_path / "netgain.toml").write_text("[scan]\nfail_on_confidence = 'low'\n", "utf-8")
    configured = run_scan("helper.py", "--no-cache", cwd=tmp_path)
    assert configured.exit_code == 1, configured.output
    bad = run_scan("helper.py", "--fail-on-confidence", "sure", "--no-cache", cwd=tmp_path)
    assert bad.exit_code == 2 and "unknown confidence 'sure'" in bad.output


def test_cache_lives_under_the_repository_and_keeps_results(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    (repo / "app").mkdir()
    (repo / "app" / "views.py").write_text(VIEWS, encoding="utf-8")
    commit_all(repo, "base")
    first = run_scan(repo / "app", "--format", "json", cwd=repo)
    assert (repo / ".netgain" / "cache" / "scan").is_dir()
    second = run_scan(repo / "app", "--format", "json", cwd=repo)
    rules = [[f["fingerprint"] for f in json.loads(r.stdout)["findings"]] for r in (first, second)]
    assert rules[0] == rules[1] and rules[0]


def test_diff_keeps_an_old_sink_reached_from_a_changed_source(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    (repo / "app").mkdir()
    safe = VIEWS.replace('name = request.args["name"]', 'name = "alice"')
    (repo / "app" / "views.py").write_text(safe, encoding="utf-8")
    base = commit_all(repo, "safe constant")
    (repo / "app" / "views.py").write_text(VIEWS, encoding="utf-8")  # only line 9 changes
    result = run_scan(repo, "--diff", base, "--format", "json", "--no-cache")
    doc = json.loads(result.stdout)
    assert [f["rule"] for f in doc["findings"]] == ["sql-injection"]
    assert doc["findings"][0]["location"]["line"] == 12  # the sink line itself is unchanged
    commit_all(repo, "introduce flaw")
    (repo / "app" / "views.py").write_text(
        VIEWS + "\n\ndef unrelated():\n    return 1\n", encoding="utf-8"
    )
    later = json.loads(run_scan(repo, "--diff", "HEAD", "--format", "json", "--no-cache").stdout)
    assert later["findings"] == []
    assert later["summary"]["outside_diff"] == 1


def test_select_and_ignore_from_config(tmp_path: Path) -> None:
    (tmp_path / "helper.py").write_text(HELPER, encoding="utf-8")
    config = tmp_path / "netgain.toml"

    def rules() -> list[str]:
        result = run_scan("helper.py", "--format", "json", "--no-cache", cwd=tmp_path)
        return [f["rule"] for f in json.loads(result.stdout)["findings"]]

    config.write_text("[scan]\nselect = ['injection']\n", encoding="utf-8")
    assert rules() == ["command-injection"]
    config.write_text("[scan]\nselect = ['crypto']\n", encoding="utf-8")
    assert rules() == []
    config.write_text("[scan]\nignore = ['command-injection']\n", encoding="utf-8")
    assert rules() == []


BUILT_SQL = (
    "import sqlite3\n\n"
    "from flask import Flask, request\n\n"
    "app = Flask(__name__)\n"
    "db = sqlite3.connect('app.db')\n\n\n"
    "def archive():\n"
    '    db.execute("DELETE FROM events WHERE day < \'" + RETENTION_DAY + "\'")\n\n\n'
    "@app.route('/find')\n"
    "def find():\n"
    "    db.execute(\"SELECT * FROM t WHERE a = '\" + request.args['a'] + \"'\")\n"
    "    return 'ok'\n"
)


def test_sql_built_from_unknown_text_is_low_confidence_and_input_wins(tmp_path: Path) -> None:
    """SQL built from a value of unknown origin is an audit finding at low confidence: shown,
    not failing the gate by default; the same shape built from request input stays high."""
    (tmp_path / "app.py").write_text(BUILT_SQL, encoding="utf-8")
    result = run_scan("app.py", "--mode", "web", "--format", "json", "--no-cache", cwd=tmp_path)
    doc = json.loads(result.stdout)
    found = sorted((f["location"]["line"], f["rule"], f["confidence"]) for f in doc["findings"])
    assert found == [(10, "sql-injection", "low"), (15, "sql-injection", "high")]
    assert result.exit_code == 1  # the request flow
    (tmp_path / "app.py").write_text(
        BUILT_SQL.split("\n\n\n@app", maxsplit=1)[0] + "\n", encoding="utf-8"
    )
    audit_only = run_scan("app.py", "--mode", "web", "--no-cache", cwd=tmp_path)
    assert audit_only.exit_code == 0, audit_only.output
    assert "sql-injection" in audit_only.stdout


UNKNOWN_COMMAND = (
    "import os\n"
    "from flask import Flask, request\n"
    "from deploy import build_command\n\n"
    "app = Flask(__name__)\n\n\n"
    "def nightly():\n"
    "    os.system(build_command())\n\n\n"
    "@app.route('/run')\n"
    "def run():\n"
    "    os.system('echo ' + request.args['msg'])\n"
    "    return 'ok'\n"
)


def test_shell_text_of_unknown_origin_is_low_confidence_and_input_wins(tmp_path: Path) -> None:
    """A shell command of unknown origin is an audit finding at low confidence with its own
    message: shown, not failing the gate by default; request input in a shell stays high."""
    (tmp_path / "app.py").write_text(UNKNOWN_COMMAND, encoding="utf-8")
    result = run_scan("app.py", "--mode", "web", "--format", "json", "--no-cache", cwd=tmp_path)
    doc = json.loads(result.stdout)
    found = sorted((f["location"]["line"], f["rule"], f["confidence"]) for f in doc["findings"])
    assert found == [(9, "command-injection", "low"), (14, "command-injection", "high")]
    audit = next(f for f in doc["findings"] if f["confidence"] == "low")
    assert "unknown origin" in audit["message"]
    assert result.exit_code == 1  # the request flow
    (tmp_path / "app.py").write_text(
        UNKNOWN_COMMAND.split("\n\n\n@app", maxsplit=1)[0] + "\n", "utf-8"
    )
    audit_only = run_scan("app.py", "--mode", "web", "--no-cache", cwd=tmp_path)
    assert audit_only.exit_code == 0, audit_only.output
    strict = run_scan(
        "app.py", "--mode", "web", "--no-cache", "--fail-on-confidence", "low", cwd=tmp_path
    )
    assert strict.exit_code == 1, strict.output
