"""`netgain scan`: security findings for Python, JavaScript and TypeScript code, imported SARIF, suppressions and baselines.

The command is a thin shell: `run_scan` builds a ScanReport (reusable by `netgain check`) and the
formats in `netgain.report` render it. Exit codes: 0 nothing active at or above `--fail-on`, 1
otherwise, 2 on usage or configuration errors (including an `--import` file that cannot be read,
reported after every output has been written).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from netgain.errors import NetgainError, UsageError

if TYPE_CHECKING:
    from netgain.analysis.findings import Confidence, NotAnalysedFile, Severity
    from netgain.analysis.options import EntryMode
    from netgain.analysis.sarif_import import ImportedRun
    from netgain.report.scan_report import ScanReport


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    GITLAB = "gitlab"
    GITLAB_CODEQUALITY = "gitlab-codequality"


@dataclass(slots=True)
class ScanRequest:
    """Everything `run_scan` needs; flags left as None fall back to the `[scan]` config table."""

    paths: list[Path]
    diff_base: str | None = None
    imports: list[Path] = field(default_factory=list)
    baseline: Path | None = None
    fail_on: Severity | None = None
    fail_on_confidence: Confidence | None = None
    mode: EntryMode | None = None
    config: Path | None = None
    use_cache: bool = True


@dataclass(slots=True)
class ScanOutcome:
    report: ScanReport
    unreadable_imports: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.unreadable_imports:
            return 2
        return 1 if self.report.failed else 0


def scan_root(paths: list[Path]) -> tuple[Path, Path | None]:
    """The root that finding paths are relative to, and the git work tree when there is one.

    Inside a repository the root is its top level (paths in reports then match what git, GitHub and
    GitLab show); otherwise the current directory when it holds every path (paths then read as
    the user typed them), else the deepest folder holding every path.
    """
    from netgain.analysis.diff_filter import repository_root

    resolved = [p.resolve() for p in paths]
    repo = repository_root(resolved[0])
    if repo is not None:
        repo = repo.resolve()
        if all(p.is_relative_to(repo) for p in resolved):
            return repo, repo
    cwd = Path.cwd().resolve()
    if all(p.is_relative_to(cwd) for p in resolved):
        return cwd, repo
    folders = [p if p.is_dir() else p.parent for p in resolved]
    common = Path(os.path.commonpath([str(f) for f in folders]))
    return common, repo


def run_scan(request: ScanRequest) -> ScanOutcome:
    """Analyse, import, suppress, baseline and narrow to the diff; never writes any output."""
    import netgain.analysis.rules  # noqa: F401  (importing registers every rule)
    from netgain.analysis.baseline import apply_baseline, load_baseline
    from netgain.analysis.diff_filter import changed_lines_since, filter_to_changes
    from netgain.analysis.findings import Confidence, Severity
    from netgain.analysis.options import EntryMode, ScanOptions
    from netgain.analysis.problems import Problem, ProblemLevel
    from netgain.analysis.rules.base import all_rules
    from netgain.analysis.sarif_import import import_sarif
    from netgain.analysis.scanner import scan
    from netgain.analysis.suppressions import apply_inline_suppressions
    from netgain.cli.scan_config import check_rule_names, load_scan_config
    from netgain.config import ensure_state_dir, load_config
    from netgain.report.scan_report import ScanReport

    started = datetime.now(UTC)
    for path in request.paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
    for path in request.imports:
        if not path.is_file():
            raise UsageError(f"--import {path}: no such file")
    root, repo = scan_root(request.paths)
    raw = load_config(repo or root, request.config)
    config = load_scan_config(raw)
    if request.use_cache:
        ensure_state_dir(repo or root)
    rules = all_rules()
    check_rule_names(raw, config, (r.id for r in rules), (r.family for r in rules))
    baseline = load_baseline(request.baseline) if request.baseline is not None else None

    options = ScanOptions(
        mode=request.mode or config.mode or EntryMode.LIBRARY,
        select=frozenset(config.select),
        ignore=frozenset(config.ignore),
        extra_models=dict(config.models),
        cache_dir=((repo or root) / ".netgain" / "cache" / "scan") if request.use_cache else None,
        exclude=tuple(config.exclude),
    )
    result = scan([p.resolve() for p in request.paths], root=root, options=options)

    report = ScanReport(
        root=root,
        findings=list(result.findings),
        unparsed=list(result.unparsed),
        rules={r.id: r for r in rules},
        files_scanned=result.files_scanned,
        lines_scanned=result.lines_scanned,
        fail_on=request.fail_on or config.fail_on or Severity.HIGH,
        fail_on_confidence=request.fail_on_confidence
        or config.fail_on_confidence
        or Confidence.MEDIUM,
        diff_base=request.diff_base,
        started=started,
    )
    report.problems.extend(result.problems)
    unreadable: list[str] = []
    for source in request.imports:
        imported = import_sarif(source, root=root)
        report.problems.extend(imported.problems)
        report.imported.extend(imported.runs)
        report.findings.extend(imported.findings)
        if not imported.readable:
            unreadable.append(str(source))
    report.not_analysed = _not_covered(result.not_analysed, report.imported)

    report.problems.extend(apply_inline_suppressions(report.findings, root))
    if request.diff_base is not None:
        changed = changed_lines_since(root, request.diff_base)
        report.findings, report.outside_diff = filter_to_changes(report.findings, changed)
        report.not_analysed = [  # only the changed code matters to a change
            f for f in report.not_analysed if f.path in changed.whole or changed.ranges.get(f.path)
        ]
        report.problems.extend(
            Problem(
                "diff-degraded",
                ProblemLevel.WARNING,
                f"{why}; every finding in the file is reported as changed",
                path,
            )
            for path, why in sorted(changed.degraded.items())
        )
    if baseline is not None and request.baseline is not None:
        report.baselined = apply_baseline(report.findings, baseline, request.baseline.name)
    report.finished = datetime.now(UTC)
    return ScanOutcome(report, unreadable)


def _not_covered(
    files: list[NotAnalysedFile], imported: list[ImportedRun]
) -> list[NotAnalysedFile]:
    """The files in languages netgain does not read that no imported SARIF run analysed either
    (a gosec run covers the Go files, except those it reported an error for)."""
    from netgain.analysis.sarif_coverage import run_languages

    covered = [(run_languages(run), set(run.failed_paths)) for run in imported]
    return [
        f
        for f in files
        if not any(
            f.language in languages and f.path not in failed for languages, failed in covered
        )
    ]


def _parsed[T](value: str | None, parse: Callable[[str], T], flag: str) -> T | None:
    """A flag's value parsed, or a usage error naming the flag (exit 2)."""
    if value is None:
        return None
    try:
        return parse(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint=flag) from exc


def _write(path: Path, content: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--output {path}: cannot write: {exc.strerror or exc}") from exc


def _scan_command(
    paths: Annotated[
        list[Path], typer.Argument(metavar="PATH", help="Files or folders to analyse.")
    ],
    *,
    diff: Annotated[
        str | None,
        typer.Option(
            "--diff", metavar="BASE", help="Report only findings on lines changed since BASE."
        ),
    ] = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", help="Output format.")
    ] = OutputFormat.TEXT,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the report to FILE."),
    ] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            metavar="SEVERITY",
            help="Exit 1 at or above: critical|high|medium|low|note (default high).",
        ),
    ] = None,
    fail_on_confidence: Annotated[
        str | None,
        typer.Option(
            "--fail-on-confidence",
            metavar="LEVEL",
            help="Count only findings of this confidence or more for --fail-on: "
            "high|medium|low (default medium).",
        ),
    ] = None,
    imports: Annotated[
        list[Path] | None,
        typer.Option(
            "--import", metavar="SARIF", help="Merge another scanner's SARIF (repeatable)."
        ),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", metavar="FILE", help="Hide findings recorded in FILE."),
    ] = None,
    write_baseline: Annotated[
        Path | None,
        typer.Option(
            "--write-baseline",
            metavar="FILE",
            help="Record the current findings' fingerprints in FILE.",
        ),
    ] = None,
    mode: Annotated[
        str | None,
        typer.Option(
            "--mode",
            metavar="web|library",
            help="Untrusted entry points: framework sources only, or public parameters too.",
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", metavar="FILE", help="netgain.toml or pyproject.toml to use."),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Do not read or write the analysis cache.")
    ] = False,
) -> None:
    """Find security flaws in Python, JavaScript and TypeScript code (and merge other scanners'
    SARIF)."""
    from rich.text import Text

    from netgain.analysis.baseline import write_baseline as save_baseline
    from netgain.analysis.findings import Confidence, Severity
    from netgain.analysis.options import EntryMode
    from netgain.analysis.problems import ProblemLevel
    from netgain.cli.output import console, err_console
    from netgain.report import renderer
    from netgain.report.text import render_to, summary_text, verdict_text

    entry_mode: EntryMode | None = None
    if mode is not None:
        try:
            entry_mode = EntryMode(mode.strip().lower())
        except ValueError as exc:
            raise typer.BadParameter(
                f"unknown mode {mode!r} (expected web or library)", param_hint="--mode"
            ) from exc
    request = ScanRequest(
        paths=paths,
        diff_base=diff,
        imports=list(imports or []),
        baseline=baseline,
        fail_on=_parsed(fail_on, Severity.parse, "--fail-on"),
        fail_on_confidence=_parsed(fail_on_confidence, Confidence.parse, "--fail-on-confidence"),
        mode=entry_mode,
        config=config,
        use_cache=not no_cache,
    )
    try:
        outcome = run_scan(request)
        report = outcome.report
        if fmt is OutputFormat.TEXT and output is None:
            render_to(console, report)
        else:
            content = renderer(fmt.value)(report)
            if output is None:
                typer.echo(content, nl=False)
            else:
                _write(output, content)
                err_console.print(summary_text(report), soft_wrap=True)
                err_console.print(verdict_text(report), soft_wrap=True)
                err_console.print(Text(f"report written to {output}"), soft_wrap=True)
        if write_baseline is not None:
            count = save_baseline(write_baseline, report.findings)
            err_console.print(
                Text(f"baseline: {count} findings recorded in {write_baseline}"), soft_wrap=True
            )
    except NetgainError as exc:
        _error(str(exc))
        raise typer.Exit(exc.exit_code) from exc
    for problem in report.problems:
        if problem.level == ProblemLevel.ERROR:
            _error(str(problem))
    for source in outcome.unreadable_imports:
        _error(f"--import {source}: nothing could be read from this file")
    raise typer.Exit(outcome.exit_code)


def _error(message: str) -> None:
    """One error line on stderr; the message is plain text (it may quote hostile input)."""
    from rich.text import Text

    from netgain.cli.output import err_console
    from netgain.report.text import printable

    line = Text("error: ", style="red")
    line.append(printable(message))
    err_console.print(line, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Attach `netgain scan` to the root app."""
    app.command("scan")(_scan_command)
