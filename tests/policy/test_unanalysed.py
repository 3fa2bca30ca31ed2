"""The gate never approves code nobody analysed: other languages wait for imported SARIF.

netgain analyses Python, JavaScript and TypeScript itself; Go stands for the languages it does
not analyse.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.gitrepo import GitRepo
from tests.policy.scenario import BOB, base_repo
from tests.policy.test_check import check, rule, validate_document

# A command built from the request: a flaw, but in no sensitive zone (string-built SQL would also
# put the change in the data-access zone through Go's raw-SQL signal, tested elsewhere).
ENDPOINT = (
    "func Run(w http.ResponseWriter, r *http.Request) {\n"
    '  out, _ := exec.Command("sh", "-c", r.URL.Query().Get("cmd")).Output()\n'
    "  w.Write(out)\n"
    "}\n"
)


def _sarif(path: Path, head: str, results: list[dict[str, Any]], rule_id: str) -> Path:
    """A Semgrep-shaped SARIF 2.1.0 log for `head` (rules named by language, as the registry does)."""
    log = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "Semgrep OSS", "rules": [{"id": rule_id}]}},
                "versionControlProvenance": [{"repositoryUri": "x", "revisionId": head}],
                "results": results,
            }
        ],
    }
    path.write_text(json.dumps(log), encoding="utf-8")
    return path


def _go_change(tmp_path: Path) -> GitRepo:
    repo = base_repo(tmp_path / "r")
    repo.branch("feature")
    repo.commit(
        {"src/api/users.go": ENDPOINT, "README.md": "# docs\n", "config.yaml": "a: 1\n"},
        "users endpoint",
        author=BOB,
    )
    return repo


def test_a_go_change_is_not_approved_unread(tmp_path: Path) -> None:
    repo = _go_change(tmp_path)
    doc = check(repo, tmp_path, "", approved_by=["carol"])
    validate_document(doc)
    scan = rule(doc, "security-scan")
    assert scan["status"] == "pending"
    assert "src/api/users.go: not analysed — netgain does not analyse Go" in scan["reason"]
    assert doc["verdict"] == "pending"
    assert doc["facts"]["unanalysed_files"] == ["src/api/users.go"]
    assert doc["facts"]["unanalysed_languages"] == ["Go"]
    kinds = {f["path"]: f["kind"] for f in doc["files"]}
    assert kinds["README.md"] == "docs" and kinds["config.yaml"] == "config"


def test_imported_sarif_for_the_head_covers_and_counts(tmp_path: Path) -> None:
    repo = _go_change(tmp_path)
    head = repo.git("rev-parse", "HEAD").strip()
    rule_id = "go.lang.security.audit.dangerous-exec-command"
    clean = _sarif(tmp_path / "clean.sarif", head, [], rule_id)
    doc = check(repo, tmp_path, "", approved_by=["carol"], imports=[clean])
    validate_document(doc)
    assert rule(doc, "security-scan")["status"] == "approved"
    assert doc["signals"] == []
    assert doc["verdict"] == "approved"
    users = next(f for f in doc["files"] if f["path"] == "src/api/users.go")
    assert users["analysed_by"] == ["Semgrep OSS"]

    finding = {
        "ruleId": rule_id,
        "level": "error",
        "message": {"text": "command built from request input"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "src/api/users.go"},
                    "region": {"startLine": 2},
                }
            }
        ],
    }
    dirty = _sarif(tmp_path / "dirty.sarif", head, [finding], rule_id)
    doc = check(repo, tmp_path, "", approved_by=["carol"], imports=[dirty])
    assert rule(doc, "security-scan")["status"] == "blocked"
    assert doc["verdict"] == "blocked"


def test_results_for_another_revision_or_language_do_not_cover(tmp_path: Path) -> None:
    repo = _go_change(tmp_path)
    head = repo.git("rev-parse", "HEAD").strip()
    stale = _sarif(tmp_path / "stale.sarif", "0" * 40, [], "go.x.y")
    doc = check(repo, tmp_path, "", approved_by=["carol"], imports=[stale])
    assert rule(doc, "security-scan")["status"] == "pending"
    assert "not the head" in " ".join(p["message"] for p in doc["problems"])
    python_only = _sarif(tmp_path / "py.sarif", head, [], "python.flask.security.x")
    doc = check(repo, tmp_path, "", approved_by=["carol"], imports=[python_only])
    assert rule(doc, "security-scan")["status"] == "pending"
    unreadable = tmp_path / "missing.sarif"
    doc = check(repo, tmp_path, "", approved_by=["carol"], imports=[unreadable])
    assert doc["verdict"] == "pending"
    assert any("missing.sarif" in p["message"] for p in doc["problems"])


def test_a_python_script_without_extension_is_code(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    repo.branch("feature")
    repo.commit({"bin/serve": "#!/usr/bin/env python3\nimport os\n"}, "script", author=BOB)
    doc = check(repo, tmp_path, "", approved_by=["carol"])
    serve = next(f for f in doc["files"] if f["path"] == "bin/serve")
    assert (serve["kind"], serve["language"]) == ("code", "Python")
    assert doc["verdict"] == "pending"
