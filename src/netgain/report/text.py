"""The terminal report: findings grouped by file, each with its data flow, then what was not read.

Everything taken from the scanned code (snippets, messages, paths) is added as plain `Text`, never
as markup, so hostile source text cannot restyle or hide parts of the report.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text

from netgain.analysis.findings import Confidence, Finding, Severity
from netgain.report.scan_report import NETGAIN, ScanReport
from netgain.text import storable

SEVERITY_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.NOTE: "dim",
}
_LEVEL_STYLE = {"error": "red", "warning": "yellow", "note": "dim"}
# C0 controls (but tab), DEL and C1 controls: a scanned file must not drive the reader's terminal.
_CONTROL = {c: f"\\x{c:02x}" for c in [*range(0x09), *range(0x0A, 0x20), *range(0x7F, 0xA0)]}


def printable(value: str) -> str:
    """Show control characters from scanned code as `\\xNN` instead of sending them raw."""
    return value.translate(_CONTROL)


def _out(console: Console, *items: Text | str) -> None:
    """Print without hard wrapping: long paths and messages stay greppable in CI logs."""
    safe = [Text(printable(i)) if isinstance(i, str) else _safe_text(i) for i in items]
    console.print(*safe, soft_wrap=True, highlight=False)


def _safe_text(text: Text) -> Text:
    """The same styled text with every control character made visible (spans keep their ends
    because each span is rebuilt from the sanitised pieces)."""
    out = Text(style=text.style, end=text.end)
    for piece in text.divide(sorted({s.start for s in text.spans} | {s.end for s in text.spans})):
        out.append(printable(piece.plain), style=piece.spans[0].style if piece.spans else None)
    return out


def _finding(console: Console, finding: Finding) -> None:
    loc = finding.location
    rule = finding.rule_id if finding.tool == NETGAIN else f"{finding.tool}:{finding.rule_id}"
    head = Text("  ")
    head.append(f"{str(finding.severity).upper():<8}", style=SEVERITY_STYLE[finding.severity])
    head.append(f" {loc.line}:{loc.column} ", style="bold")
    head.append(rule, style="bold")
    if finding.cwe:
        head.append(f" CWE-{finding.cwe[0]}", style="magenta")
    head.append(f" ({finding.confidence} confidence)", style="dim")
    _out(console, head)
    _out(console, Text(f"      {finding.message}"))
    if loc.snippet:
        _out(console, Text(f"      {loc.line} | {loc.snippet}", style="dim"))
    for index, step in enumerate(finding.trace):
        role = "source" if index == 0 else ("sink" if index == len(finding.trace) - 1 else "step")
        arrow = "      " if index == 0 else "   -> "
        line = Text(f"    {arrow}")
        line.append(f"{step.location.path}:{step.location.line}", style="bold")
        line.append(f" [{role}] ", style="dim")
        line.append(step.message or step.location.snippet)
        _out(console, line)
    if finding.suppressed is not None:
        kind = "baselined" if finding.suppression_kind == "external" else "suppressed"
        _out(console, Text(f"      {kind}: {finding.suppressed}", style="dim italic"))


def render_to(console: Console, report: ScanReport) -> None:
    """Print the report to a rich console (colours when the console is a terminal)."""
    current: str | None = None
    for finding in report.sorted_findings():
        if finding.location.path != current:
            current = finding.location.path
            _out(console)
            _out(console, Text(current, style="bold underline"))
        _finding(console, finding)
    not_analysed = len(report.unparsed) + len(report.not_analysed)
    if not_analysed:
        _out(console)
        _out(console, Text(f"Not analysed ({not_analysed} files):", style="bold yellow"))
        for item in sorted(report.unparsed, key=lambda u: u.path):
            where = f"{item.path}:{item.line}" if item.line else item.path
            _out(console, Text(f"  {where}: {item.reason}"))
        for gap in report.not_analysed_by_language():
            shown = ", ".join(gap.paths[:3]) + (", ..." if len(gap.paths) > 3 else "")
            _out(console, Text(f"  {gap.headline} ({shown})"))
    if report.problems:
        _out(console)
        _out(console, Text(f"Problems ({len(report.problems)}):", style="bold yellow"))
        for problem in report.problems:
            line = Text("  ")
            line.append(f"{problem.level}", style=_LEVEL_STYLE.get(str(problem.level), ""))
            line.append(f" {problem}")
            _out(console, line)
    _out(console)
    _out(console, summary_text(report))
    _out(console, verdict_text(report))


def summary_text(report: ScanReport) -> Text:
    """One paragraph of counts, then the gate's verdict."""
    counts = report.counts_by_severity()
    text = Text("Summary: ", style="bold")
    text.append(f"{len(report.active)} findings")
    text.append(" (" + ", ".join(f"{name} {n}" for name, n in counts.items()) + ")")
    inline = len(report.suppressed) - report.baselined
    extras = [
        f"{inline} suppressed inline",
        f"{report.baselined} baselined",
        f"{len(report.unparsed) + len(report.not_analysed)} files not analysed",
        f"{len(report.problems)} problems",
    ]
    if report.diff_base is not None:
        extras.append(f"{report.outside_diff} outside the diff against {report.diff_base}")
    text.append("; " + "; ".join(extras))
    text.append(f"; {report.files_scanned} files, {report.lines_scanned} lines scanned.")
    return text


def verdict_text(report: ScanReport) -> Text:
    """The gate's verdict on its own line (a newline inside a Text would be escaped as \\x0a)."""
    threshold = f"{report.fail_on}"
    if report.fail_on_confidence is not Confidence.LOW:
        threshold += f" with {report.fail_on_confidence} confidence or more"
    below = report.below_confidence
    note = (
        f" ({below} at or above {report.fail_on} with lower confidence not counted; "
        "--fail-on-confidence low counts them)"
        if below
        else ""
    )
    if report.failed:
        return Text(f"FAILED: findings at or above {threshold}{note}", style="bold red")
    gaps = report.not_analysed_by_language()
    if gaps:  # a pass over the files read says nothing about the code nobody read
        unread = ", ".join(f"{len(g.paths)} {g.language}" for g in gaps)
        if not report.files_scanned:
            return Text(
                f"NOTHING ANALYSED: no file netgain reads; not analysed: {unread} file(s)",
                style="bold yellow",
            )
        note += f" in the {report.files_scanned} files analysed; not analysed: {unread} file(s)"
    return Text(f"PASSED: nothing at or above {threshold}{note}", style="bold green")


def render(report: ScanReport) -> str:
    """Plain text without colours, for `--output FILE`."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=120, no_color=True, highlight=False, soft_wrap=True)
    render_to(console, report)
    # A file name git could not decode (latin-1) cannot be written as UTF-8 as it is.
    return storable(buffer.getvalue())
