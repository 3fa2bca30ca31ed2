"""SARIF import, baselines and suppression comments under hostile input.

The regressions below are the crashes the fuzz targets found, each in the real shape of its
input (a Semgrep SARIF log, a netgain baseline, Python source).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks.fuzzing.seeds import SARIF
from netgain.analysis.baseline import load_baseline
from netgain.analysis.sarif_import import import_sarif
from netgain.analysis.suppressions import apply_inline_suppressions, parse_suppressions
from netgain.errors import UsageError


def _semgrep() -> dict[str, Any]:
    log: dict[str, Any] = json.loads((SARIF / "semgrep-1.101.sarif").read_text(encoding="utf-8"))
    return log


def _first_result(log: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = log["runs"][0]["results"][0]
    return result


def _location(log: dict[str, Any]) -> dict[str, Any]:
    artifact: dict[str, Any] = _first_result(log)["locations"][0]["physicalLocation"]
    return artifact


def _set_uri(uri: str) -> dict[str, Any]:
    log = _semgrep()
    _location(log)["artifactLocation"]["uri"] = uri
    return log


def _with(key: str, value: Any) -> dict[str, Any]:
    log = _semgrep()
    _first_result(log)[key] = value
    return log


def _run_with(key: str, value: Any) -> dict[str, Any]:
    log = _semgrep()
    log["runs"][0][key] = value
    return log


@pytest.mark.parametrize(
    ("log", "was"),
    [
        # float(10**400) raised OverflowError in the security-severity score
        (_with("properties", {"security-severity": 10**400}), "OverflowError"),
        # int() of a 5,000-digit CWE id raised ValueError (CPython's int-conversion limit)
        (_with("taxa", [{"id": "CWE-" + "9" * 5000}]), "ValueError"),
        # Path.resolve() of a path with NUL raised ValueError while reading the snippet
        (_set_uri("app/\u0000db.py"), "ValueError"),
        (_set_uri("file:///app/db%00.py"), "ValueError"),
        # urllib.parse.urlsplit raised ValueError("Invalid IPv6 URL")
        (_set_uri("http://[x"), "ValueError"),
        # iterating run.artifacts = 5 raised TypeError
        (_run_with("artifacts", 5), "TypeError"),
    ],
)
def test_hostile_values_inside_a_real_log_are_problems_not_crashes(
    tmp_path: Path, log: dict[str, Any], was: str
) -> None:
    path = tmp_path / "semgrep.sarif"
    path.write_text(json.dumps(log), encoding="utf-8")
    imported = import_sarif(path, root=tmp_path)
    reported = [p for p in imported.problems if p.kind == "sarif-import"]
    assert imported.findings or reported, f"neither a finding nor a problem (was {was})"
    assert all(p.path == str(path) for p in reported)
    apply_inline_suppressions(imported.findings, tmp_path)


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("9" * 5000, "integer with more than 4300 digits"),
        ("1e999", "number 1e999 is out of range"),
        ("NaN", "NaN (JSON has no such number)"),
    ],
)
def test_numbers_json_cannot_hold_are_errors_naming_the_line(
    tmp_path: Path, token: str, message: str
) -> None:
    text = json.dumps(_semgrep(), indent=2).replace('"startLine": 7', f'"startLine": {token}', 1)
    line = text[: text.index(token)].count("\n") + 1
    path = tmp_path / "semgrep.sarif"
    path.write_text(text, encoding="utf-8")
    imported = import_sarif(path, root=tmp_path)
    [problem] = imported.problems
    assert not imported.readable
    assert (problem.path, problem.line) == (str(path), line)
    assert message in problem.message


def test_baseline_with_a_huge_version_number_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text('{\n  "version": ' + "1" * 5000 + ',\n  "findings": []\n}\n', encoding="utf-8")
    with pytest.raises(UsageError, match=r"baseline\.json:2:14: baseline is not valid JSON"):
        load_baseline(path)


def test_suppression_lines_are_counted_as_editors_count_them() -> None:
    """A form feed (pagination in old Python sources) is not a line break for a user or for
    tokenize; counting it as one made a trailing comment look standalone, so it suppressed the
    next line instead of its own."""
    source = "x = 1\x0c\nrun(q)  # netgain: ignore[sql-injection] reviewed\nrun(r)\n"
    [item] = parse_suppressions(source)
    assert (item.line, item.target) == (2, 2)
    broken = 'x = 1\x0c\n# netgain: ignore[xss] reviewed\ns = """\n'  # does not tokenize
    [item] = parse_suppressions(broken)
    assert (item.line, item.target) == (2, 3)


def test_a_source_file_with_a_nul_byte_falls_back_to_the_line_scan() -> None:
    """CPython 3.12's tokenize raised SystemError (wrapping its SyntaxError) on a NUL byte after
    an indented undecodable byte (files are read with errors="replace", hence the U+FFFD)."""
    source = "run(q)  # netgain: ignore[sql-injection] reviewed\n \ufffd\n=\x00\n"
    [item] = parse_suppressions(source)
    assert (item.line, item.target, item.reason) == (1, 1, "reviewed")
