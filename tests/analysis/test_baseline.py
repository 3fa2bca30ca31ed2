"""Baselines: write today's fingerprints, hide exactly those later."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netgain.analysis.baseline import apply_baseline, load_baseline, write_baseline
from netgain.analysis.findings import Confidence, Finding, Location, Severity
from netgain.errors import UsageError


def _finding(
    line: int, snippet: str, rule: str = "sql-injection", tool: str = "netgain"
) -> Finding:
    return Finding(
        rule,
        "m",
        Severity.HIGH,
        Confidence.HIGH,
        Location("app.py", line, snippet=snippet),
        tool=tool,
    )


def test_round_trip_survives_line_shifts(tmp_path: Path) -> None:
    path = tmp_path / "b" / "baseline.json"
    assert write_baseline(path, [_finding(3, "cur.execute(q)"), _finding(9, "os.system(c)")]) == 2
    later = [_finding(13, "cur.execute(q)"), _finding(19, "os.system(c)"), _finding(20, "eval(x)")]
    assert apply_baseline(later, load_baseline(path), "baseline.json") == 2
    assert [f.suppression_kind for f in later] == ["external", "external", None]
    assert later[0].suppressed == "accepted in baseline baseline.json"


def test_multiset_second_copy_of_a_flaw_is_new(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    write_baseline(path, [_finding(3, "cur.execute(q)")])
    now = [_finding(3, "cur.execute(q)"), _finding(30, "cur.execute(q)")]
    assert apply_baseline(now, load_baseline(path), "b") == 1
    assert now[1].suppressed is None


def test_inline_suppressed_findings_are_not_written(tmp_path: Path) -> None:
    inline = _finding(1, "a")
    inline.suppressed, inline.suppression_kind = "why", "inSource"
    assert write_baseline(tmp_path / "b.json", [inline, _finding(2, "b")]) == 1


def test_tool_namespaces_keys(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    write_baseline(path, [_finding(1, "x", rule="B602", tool="Bandit")])
    ours = [_finding(1, "x", rule="B602")]
    assert apply_baseline(ours, load_baseline(path), "b") == 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", r"b\.json:1:2: baseline is not valid JSON"),
        ("[]", "not a netgain baseline"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"version": 9, "findings": []}', "unsupported baseline version 9"),
        ('{"version": 1, "findings": [{"rule": "x"}]}', r"findings\[0\] has no 'fingerprint'"),
    ],
)
def test_bad_baseline_files_are_usage_errors_naming_the_file(
    tmp_path: Path, content: str, expected: str
) -> None:
    path = tmp_path / "b.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=expected):
        load_baseline(path)


def test_written_file_is_sorted_and_readable(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    write_baseline(path, [_finding(9, "b"), _finding(2, "a")])
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert [e["line"] for e in data["findings"]] == [2, 9]
