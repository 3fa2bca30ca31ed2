"""The terminal report."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from netgain.analysis.findings import Finding, Location, Severity
from netgain.report import text
from tests.report.sample import sample_report


def test_grouped_by_file_with_trace_summary_and_gaps(tmp_path: Path) -> None:
    out = text.render(sample_report(tmp_path))
    assert out.index("app/legacy.py") < out.index("app/views.py") < out.index("web/server.js")
    assert "HIGH" in out and "sql-injection" in out and "CWE-89" in out
    assert "app/views.py:6 [source] request.args (source)" in out
    assert "-> app/views.py:8 [sink] executed (sink)" in out
    assert "suppressed: checksum for cache keys, not security" in out
    assert "baselined: accepted in baseline" in out
    assert "Semgrep OSS:javascript.express" in out
    assert "Not analysed (1 files):" in out
    assert "app/broken.py:3: invalid syntax" in out
    assert "3 findings (critical 0, high 1, medium 2, low 0, note 0)" in out
    assert "1 suppressed inline; 1 baselined; 1 files not analysed" in out
    assert "FAILED: findings at or above high" in out


def test_passes_when_below_threshold(tmp_path: Path) -> None:
    report = sample_report(tmp_path)
    report.fail_on = Severity.CRITICAL
    assert "PASSED: nothing at or above critical" in text.render(report)


def test_colours_on_a_terminal_and_markup_in_code_is_not_interpreted(tmp_path: Path) -> None:
    report = sample_report(tmp_path)
    report.findings.append(
        Finding(
            rule_id="sql-injection",
            message="[red]fake[/red] message",
            severity=Severity.HIGH,
            confidence=report.findings[0].confidence,
            location=Location("app/x.py", 1, snippet="[bold]x[/bold]"),
        )
    )
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="truecolor", width=120)
    text.render_to(console, report)
    out = buffer.getvalue()
    assert "\x1b[" in out  # severity colours
    assert "[red]fake[/red] message" in out
    assert "[bold]x[/bold]" in out


def test_control_characters_from_scanned_code_are_shown_not_sent(tmp_path: Path) -> None:
    report = sample_report(tmp_path)
    report.findings.append(
        Finding(
            rule_id="xss",
            message="clears \x1b[2J the screen",
            severity=Severity.HIGH,
            confidence=report.findings[0].confidence,
            location=Location("app/\x1b]8;;evil\x07x.py", 1, snippet="s = '\x1b[31m\x9b'"),
        )
    )
    out = text.render(report)
    assert "\x1b" not in out and "\x9b" not in out
    assert "clears \\x1b[2J the screen" in out
    assert "s = '\\x1b[31m\\x9b'" in out
