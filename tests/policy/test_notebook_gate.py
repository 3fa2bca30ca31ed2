"""A notebook change at the gate: its code cells are analysed like a `.py` change.

`.ipynb` was classed as data, so `netgain check` approved a notebook that ran a shell command
from `sys.argv` without reading it. Now: a finding on a changed code-cell line blocks; a change
to outputs and execution counts only is no code change (an older finding in the notebook is not
this change's); a notebook that is not valid JSON is not analysed and holds the verdict.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.gitrepo import GitRepo
from tests.policy.scenario import ADA, BOB, base_repo
from tests.policy.test_check import check, rule, validate_document

NOTEBOOK = "analysis/explore.ipynb"


def notebook(code: list[str], *, count: int = 1, output: str = "") -> str:
    """A notebook as Jupyter writes it (nbformat 4, one source line per JSON line)."""
    outputs = [{"name": "stdout", "output_type": "stream", "text": [output]}] if output else []
    cells = [
        {"cell_type": "markdown", "id": "intro", "metadata": {}, "source": ["# Explore\n"]},
        {
            "cell_type": "code",
            "execution_count": count,
            "id": "run",
            "metadata": {},
            "outputs": outputs,
            "source": [line + "\n" for line in code[:-1]] + code[-1:],
        },
    ]
    doc = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(doc, indent=1) + "\n"


SAFE = ["%matplotlib inline", "import subprocess", "subprocess.run(['ls', '-l'])"]
UNSAFE = ["%matplotlib inline", "import subprocess, sys", "subprocess.run(sys.argv[1], shell=True)"]
HASHING = ["import hashlib", "digest = hashlib.md5(b'x').hexdigest()"]


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def _repo(tmp_path: Path, base_notebook: str) -> GitRepo:
    repo = base_repo(tmp_path / "r")
    repo.commit({NOTEBOOK: base_notebook}, "Add the exploration notebook", author=ADA)
    repo.git("branch", "-f", "base")
    repo.branch("feature")
    return repo


def _file(doc: dict[str, Any], path: str) -> dict[str, Any]:
    return next(f for f in doc["files"] if f["path"] == path)


def test_a_notebook_code_change_running_argv_in_a_shell_is_blocked(tmp_path: Path) -> None:
    repo = _repo(tmp_path, notebook(SAFE))
    changed = notebook(UNSAFE)
    repo.commit({NOTEBOOK: changed}, "Run the given command", author=BOB)
    doc = check(repo, tmp_path, "", approved_by=["carol"])
    validate_document(doc)
    assert doc["verdict"] != "approved"
    assert rule(doc, "security-scan")["status"] == "blocked"
    [finding] = doc["findings"]
    assert (finding["rule_id"], finding["path"], finding["line"]) == (
        "command-injection",
        NOTEBOOK,
        _line_of(changed, "shell=True"),
    )
    assert _file(doc, NOTEBOOK)["analysed_by"] == ["netgain"]
    assert doc["facts"]["unanalysed_files"] == []


def test_an_output_only_change_is_not_a_code_change(tmp_path: Path) -> None:
    repo = _repo(tmp_path, notebook(UNSAFE))
    repo.commit({NOTEBOOK: notebook(UNSAFE, count=7, output="done\n")}, "Re-run", author=BOB)
    doc = check(repo, tmp_path, "", approved_by=["carol"])
    validate_document(doc)
    assert doc["findings"] == []
    assert rule(doc, "security-scan")["status"] == "approved"
    assert _file(doc, NOTEBOOK)["analysed_by"] == ["netgain"]


def test_a_notebook_that_is_not_json_is_not_analysed(tmp_path: Path) -> None:
    repo = _repo(tmp_path, notebook(SAFE))
    repo.commit({NOTEBOOK: notebook(SAFE)[:-40]}, "Truncated by a bad merge", author=BOB)
    doc = check(repo, tmp_path, "", approved_by=["carol"])
    validate_document(doc)
    assert doc["verdict"] == "pending"
    scan = rule(doc, "security-scan")
    assert scan["status"] == "pending"
    assert f"{NOTEBOOK}: not analysed" in scan["reason"]
    assert "not valid JSON" in scan["reason"]
    assert doc["facts"]["unanalysed_files"] == [NOTEBOOK]


def test_signals_are_read_from_a_notebooks_changed_code_cells(tmp_path: Path) -> None:
    repo = _repo(tmp_path, notebook(SAFE))
    repo.commit({NOTEBOOK: notebook(SAFE[:2] + HASHING)}, "Hash the output", author=BOB)
    doc = check(repo, tmp_path, "", approved_by=["carol"])
    validate_document(doc)
    assert "crypto" in doc["facts"]["signals"]
