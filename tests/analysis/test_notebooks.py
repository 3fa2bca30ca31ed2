"""Jupyter notebooks are code: their code cells are analysed as Python and every location
points at the line of the `.ipynb` file (its JSON) that holds the code.

Found on rasbt/LLMs-from-scratch: 66 notebooks were classed as data, neither analysed nor
reported as not analysed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from netgain.analysis import ScanOptions, notebook, scan
from netgain.analysis.notebook import NotebookError, notebook_code
from tests.report.schema import validate_sarif

NETGAIN = Path(sys.executable).parent / "netgain"
FIXTURE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "rules" / "injection" / "notebook.ipynb"
)


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def _notebook(*cells: dict[str, object], metadata: dict[str, object] | None = None) -> str:
    doc = {"cells": list(cells), "metadata": metadata or {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(doc, indent=1) + "\n"


def _code(source: list[str] | str) -> dict[str, object]:
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": source,
    }


def test_each_code_line_sits_on_the_json_line_that_holds_it() -> None:
    text = _notebook(
        {"cell_type": "markdown", "metadata": {}, "source": ["import sys\n", "os.system(x)"]},
        _code(["%load_ext autoreload\n", "import os\n", "files = !ls\n", "os?\n", "x = 1"]),
    )
    code = notebook_code(text)
    lines = code.text.splitlines()
    assert lines[_line_of(text, '"import os\\n"') - 1] == "import os"
    assert lines[_line_of(text, '"x = 1"') - 1] == "x = 1"
    for magic in ("%load_ext", "!ls", "os?"):
        assert lines[_line_of(text, magic) - 1] == "pass"
    assert "os.system" not in code.text and "sys" not in code.text  # markdown is not code
    assert all(code.json_line(n) == n for n in range(1, len(lines) + 1))


def test_a_cell_whose_source_is_one_string_points_at_that_string() -> None:
    text = _notebook(_code("import os\nif True:\n    !rm -rf /tmp/x\nos.system(input())"))
    code = notebook_code(text)
    holder = _line_of(text, "os.system")
    python = code.text.splitlines()
    sink = python.index("os.system(input())") + 1
    assert python[sink - 2] == "    pass"  # the escape in a block keeps the block valid
    assert code.json_line(sink) == holder
    assert code.json_line(sink - 3) == holder


def test_nbformat_3_worksheets_are_read() -> None:
    text = json.dumps(
        {
            "metadata": {"name": "old"},
            "nbformat": 3,
            "worksheets": [{"cells": [{"cell_type": "code", "input": ["import os\n", "y = 2\n"]}]}],
        },
        indent=1,
    )
    code = notebook_code(text)
    assert code.text.splitlines()[_line_of(text, "y = 2") - 1] == "y = 2"


def test_a_cell_magic_running_another_language_is_not_python() -> None:
    code = notebook_code(_notebook(_code(["%%bash\n", 'rm -rf "$1"\n', "echo done"])))
    assert code.text.strip() == ""
    timed = notebook_code(_notebook(_code(["%%time\n", "total = sum(range(9))"])))
    assert "total = sum(range(9))" in timed.text


@pytest.mark.parametrize(
    ("text", "reason", "line"),
    [
        ('{\n "cells": [\n  {"cell_type": "code",\n', "not valid JSON: unexpected end of file", 4),
        ('{\n "cells": [\n  ]]\n}\n', "not valid JSON: expected , or }", 3),
        ("[1, 2]\n", "not a notebook", 1),
        ('{"metadata": {}}\n', "no `cells` list", 1),
    ],
)
def test_a_file_that_is_not_a_notebook_is_an_error_with_its_line(
    text: str, reason: str, line: int
) -> None:
    with pytest.raises(NotebookError) as caught:
        notebook_code(text)
    assert reason in str(caught.value)
    assert caught.value.line == line


def test_unreadable_and_other_kernel_notebooks_are_reported_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    (tmp_path / "stats.ipynb").write_text(
        _notebook(_code(["library(dplyr)"]), metadata={"kernelspec": {"language": "R"}}),
        encoding="utf-8",
    )
    (tmp_path / "syntax.ipynb").write_text(_notebook(_code(["x = 1\n", "def f(:\n"])))
    result = scan([tmp_path], root=tmp_path, options=ScanOptions())
    unparsed = {u.path: (u.reason, u.line) for u in result.unparsed}
    assert unparsed["broken.ipynb"][0].startswith("cannot read the notebook: not valid JSON")
    assert "kernel language is r, not Python" in unparsed["stats.ipynb"][0]
    syntax = (tmp_path / "syntax.ipynb").read_text()
    assert unparsed["syntax.ipynb"] == ("syntax error: invalid syntax", _line_of(syntax, "def f"))
    assert result.files_scanned == 0
    assert result.not_analysed == []


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(NETGAIN), "scan", *args],
        check=False,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_json_and_sarif_point_into_the_notebook_also_from_the_cache(tmp_path: Path) -> None:
    (tmp_path / "explore.ipynb").write_bytes(FIXTURE.read_bytes())
    text = FIXTURE.read_text(encoding="utf-8")
    shell = _line_of(text, "subprocess.run(cmd, shell=True)")
    source = _line_of(text, "cmd = sys.argv[1]")
    for _ in range(2):  # the second run restores the file from the analysis cache
        doc = json.loads(_cli(".", "--format", "json", cwd=tmp_path).stdout)
        found = {(f["rule"], f["location"]["line"]) for f in doc["findings"]}
        assert ("command-injection", shell) in found
        first = next(f for f in doc["findings"] if f["location"]["line"] == shell)
        assert [step["line"] for step in first["trace"]] == [source, shell]
        assert first["location"]["snippet"].startswith("subprocess.run(cmd, shell=True)  #")
        assert f"flows to line {shell}" in first["message"]
        assert doc["summary"]["files_scanned"] == 1
        assert doc["unparsed"] == [] and doc["not_analysed"] == []
    sarif = json.loads(_cli(".", "--format", "sarif", cwd=tmp_path).stdout)
    validate_sarif(sarif)
    places = {
        (r["ruleId"], loc["physicalLocation"]["artifactLocation"]["uri"],
         loc["physicalLocation"]["region"]["startLine"])
        for r in sarif["runs"][0]["results"]
        for loc in r["locations"]
    }  # fmt: skip
    assert ("command-injection", "explore.ipynb", shell) in places


def test_an_unparsable_notebook_is_counted_in_every_format(tmp_path: Path) -> None:
    (tmp_path / "half.ipynb").write_text('{\n "cells": [\n', encoding="utf-8")
    doc = json.loads(_cli(".", "--format", "json", cwd=tmp_path).stdout)
    assert doc["summary"]["unparsed"] == 1
    [item] = doc["unparsed"]
    assert item["path"] == "half.ipynb" and "not valid JSON" in item["reason"]
    text = _cli(".", cwd=tmp_path).stdout
    assert "half.ipynb:3: cannot read the notebook: not valid JSON" in text


def test_the_fast_reader_and_the_exact_reader_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    # a metadata key named `source` before the cell's own source must not be taken for it
    cell = {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {"source": ["not this\n"]},
        "outputs": [],
        "source": ["import os\n", "os.system(input())"],
    }
    texts = [FIXTURE.read_text(encoding="utf-8"), _notebook(cell), json.dumps({"cells": [cell]})]
    fast = [notebook_code(text) for text in texts]
    monkeypatch.setattr(notebook, "_located", lambda text: None)  # the exact reader only
    exact = [notebook_code(text) for text in texts]
    assert [(c.text, c.json_lines) for c in fast] == [(c.text, c.json_lines) for c in exact]
    sink = _line_of(texts[1], "os.system")
    assert fast[1].text.splitlines()[sink - 1] == "os.system(input())"
    assert [fast[2].json_line(n) for n in (1, 2)] == [1, 1]  # a one-line notebook


def test_an_inline_suppression_in_a_code_cell_applies(tmp_path: Path) -> None:
    reason = "  # netgain: ignore[command-injection] the notebook asks its own user"
    text = _notebook(
        {"cell_type": "markdown", "metadata": {}, "source": [f"eval(input()){reason}"]},
        _code(["import os\n", f"os.system(input()){reason}\n", "os.popen(input())"]),
    )
    (tmp_path / "ask.ipynb").write_text(text, encoding="utf-8")
    doc = json.loads(_cli(".", "--format", "json", "--no-cache", cwd=tmp_path).stdout)
    found = {f["location"]["line"]: f["suppressed"] for f in doc["findings"]}
    assert found == {
        _line_of(text, "os.system"): {"kind": "inline", "reason": "the notebook asks its own user"},
        _line_of(text, "os.popen"): None,
    }
