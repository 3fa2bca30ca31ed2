"""Inline `# netgain: ignore[RULE-ID] reason` suppressions."""

from __future__ import annotations

from pathlib import Path

from netgain.analysis.findings import Confidence, Finding, Location, Severity
from netgain.analysis.problems import ProblemLevel
from netgain.analysis.suppressions import apply_inline_suppressions, parse_suppressions


def _finding(line: int, rule: str = "sql-injection", end: int | None = None) -> Finding:
    return Finding(
        rule_id=rule,
        message="m",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        location=Location("app.py", line, end_line=end, snippet=f"code {line}"),
    )


SOURCE = """\
import os
os.system(cmd)  # netgain: ignore[command-injection] cmd is a constant from settings
# netgain: ignore[sql-injection, xss] -- query is built from an allow-list
cur.execute(q)
cur.execute(q2)  # netgain: ignore[sql-injection]
x = "# netgain: ignore[sql-injection] inside a string"
cur.execute(q3)
call(  # NETGAIN: Ignore[Weak-Hash]: legacy checksum
    a,
)
"""


def test_parse_targets_reasons_and_ids() -> None:
    parsed = parse_suppressions(SOURCE)
    assert [(s.line, s.target, sorted(s.rule_ids), s.reason) for s in parsed] == [
        (2, 2, ["command-injection"], "cmd is a constant from settings"),
        (3, 4, ["sql-injection", "xss"], "query is built from an allow-list"),
        (5, 5, ["sql-injection"], ""),
        (8, 8, ["weak-hash"], "legacy checksum"),
    ]


def test_apply_suppresses_only_reasoned_matching_rules(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(SOURCE, encoding="utf-8")
    same_line = _finding(2, "command-injection")
    line_above = _finding(4)
    no_reason = _finding(5)
    in_string = _finding(7)
    other_rule = _finding(2, "path-traversal")
    multi_line = _finding(8, "weak-hash", end=10)
    findings = [same_line, line_above, no_reason, in_string, other_rule, multi_line]
    problems = apply_inline_suppressions(findings, tmp_path)
    assert same_line.suppressed == "cmd is a constant from settings"
    assert same_line.suppression_kind == "inSource"
    assert line_above.suppressed == "query is built from an allow-list"
    assert multi_line.suppressed == "legacy checksum"
    assert no_reason.suppressed is None
    assert in_string.suppressed is None
    assert other_rule.suppressed is None
    [problem] = problems
    assert (problem.kind, problem.level, problem.path, problem.line) == (
        "suppression-without-reason",
        ProblemLevel.NOTE,
        "app.py",
        5,
    )


def test_comment_two_lines_above_does_not_apply(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "# netgain: ignore[sql-injection] reviewed\n\ncur.execute(q)\n", encoding="utf-8"
    )
    finding = _finding(3)
    apply_inline_suppressions([finding], tmp_path)
    assert finding.suppressed is None


def test_tool_prefixed_ids_for_imported_findings(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "subprocess.call(c, shell=True)  # netgain: ignore[bandit:b602] c is fixed\n",
        encoding="utf-8",
    )
    finding = _finding(1, "B602")
    finding.tool = "Bandit"
    apply_inline_suppressions([finding], tmp_path)
    assert finding.suppressed == "c is fixed"


def test_untokenizable_and_missing_files_do_not_crash(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        'x = """never closed\ncur.execute(q)  # netgain: ignore[sql-injection] ok here\n',
        encoding="utf-8",
    )
    finding = _finding(2)
    gone = Finding("sql-injection", "m", Severity.HIGH, Confidence.HIGH, Location("gone.py", 1))
    outside = Finding(
        "sql-injection", "m", Severity.HIGH, Confidence.HIGH, Location("../../etc/passwd", 1)
    )
    assert apply_inline_suppressions([finding, gone, outside], tmp_path) == []
    assert finding.suppressed == "ok here"
    assert gone.suppressed is None and outside.suppressed is None
