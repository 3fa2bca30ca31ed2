"""Scanning JavaScript / TypeScript files: parse, find handlers and flows, build `Finding`s.

The entry point `scan()` uses for the `.js/.jsx/.mjs/.cjs/.ts/.tsx/.mts/.cts` files it collects.
Findings have the same shape, rule ids, CWEs and severities as the Python engine's (a SQL
injection is `sql-injection` in either language), so SARIF, baselines, suppression review and
the gate treat them alike. The analysed code is parsed, never executed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from netgain.analysis.findings import Finding, Location, TraceStep, UnparsedFile
from netgain.analysis.js.flow import FileAnalysis, RawJsFinding
from netgain.analysis.js.models import JsModels, default_js_models
from netgain.analysis.js.syntax import first_error_line, parse
from netgain.analysis.rules.base import get_rule
from netgain.analysis.values import Step

MAX_FILE_BYTES = 2_000_000  # bundles and minified files beyond this are reported, not analysed


@dataclass(slots=True)
class JsScanResult:
    findings: list[Finding] = field(default_factory=list)
    unparsed: list[UnparsedFile] = field(default_factory=list)
    files: int = 0
    lines: int = 0


def _koa_pattern(models: JsModels) -> re.Pattern[bytes]:
    names = "|".join(re.escape(m) for m in sorted(models.handlers.koa_modules))
    return re.compile(rb"""(?:require\(\s*|from\s+)['"](?:""" + names.encode() + rb""")['"]""")


def analyse_source(data: bytes, rel: str, models: JsModels | None = None) -> list[RawJsFinding]:
    """The raw flows of one file's text (for tests and the corpus benchmark)."""
    return _analyse(data, rel, models or default_js_models())[0]


def _analyse(data: bytes, rel: str, models: JsModels) -> tuple[list[RawJsFinding], int | None]:
    tree = parse(data, rel)
    analysis = FileAnalysis(rel, models, koa=_koa_pattern(models).search(data) is not None)
    analysis.run_module(tree.root_node)
    found = sorted(analysis.findings.values(), key=lambda f: (f.sink.line, f.sink.column, f.rule))
    return found, first_error_line(tree)


class ResultCache(Protocol):
    """Whole-file results kept between scans (`ScanCache` is one), keyed by path and bytes."""

    def lookup_result[T](
        self, path: Path, rel: str, kind: type[T]
    ) -> tuple[T | None, bytes | None]: ...

    def store_result(self, rel: str, result: object) -> None: ...


@dataclass(slots=True)
class JsFileResult:
    """What one readable file adds to a scan. It depends on the file's bytes alone (and on the
    analyzer and enabled rules, which the cache context covers), so a rescan reuses it for an
    unchanged file instead of parsing and analysing it again."""

    analysed: bool  # counted as scanned (False: too large to analyse)
    lines: int
    findings: list[Finding]
    unparsed: list[UnparsedFile]


def scan_js(
    files: list[tuple[Path, str]],
    *,
    enabled: Callable[[str], bool],
    models: JsModels | None = None,
    cache: ResultCache | None = None,
) -> JsScanResult:
    """Analyse each (absolute path, relative path); unreadable or broken files are reported.

    With a `cache`, an unchanged file's result is reused (only with the default models: the
    cache context does not know other ones)."""
    if models is not None:
        cache = None
    models = models or default_js_models()
    result = JsScanResult()
    for path, rel in files:
        try:
            if cache is not None:
                found, data = cache.lookup_result(path, rel, JsFileResult)
            else:
                found, data = None, path.read_bytes()
        except OSError as exc:
            result.unparsed.append(UnparsedFile(rel, f"could not be read: {exc.strerror}"))
            continue
        if found is None:
            found = _scan_file(data or b"", rel, enabled, models)
            if cache is not None:
                cache.store_result(rel, found)
        result.files += found.analysed
        result.lines += found.lines
        result.findings += found.findings
        result.unparsed += found.unparsed
    return result


def _scan_file(
    data: bytes, rel: str, enabled: Callable[[str], bool], models: JsModels
) -> JsFileResult:
    if len(data) > MAX_FILE_BYTES:
        reason = f"larger than {MAX_FILE_BYTES} bytes (a bundle?): not analysed"
        return JsFileResult(False, 0, [], [UnparsedFile(rel, reason)])
    lines = data.decode("utf-8", "replace").splitlines()
    found = JsFileResult(True, len(lines), [], [])
    try:
        raw, error_line = _analyse(data, rel, models)
    except RecursionError:
        found.unparsed.append(UnparsedFile(rel, "nested too deeply to analyse"))
        return found
    if error_line is not None:
        found.unparsed.append(UnparsedFile(rel, "syntax error", error_line))
    found.findings += [_finding(r, lines) for r in raw if enabled(r.rule)]
    return found


def _location(step: Step, lines: list[str], end_line: int | None = None) -> Location:
    snippet = lines[step.line - 1].strip() if 0 < step.line <= len(lines) else ""
    return Location(step.path, step.line, step.column, end_line=end_line, snippet=snippet)


def _finding(raw: RawJsFinding, lines: list[str]) -> Finding:
    meta = get_rule(raw.rule)
    if meta is None:
        raise ValueError(f"the JavaScript models name the unknown rule {raw.rule!r}")
    trace = [TraceStep(_location(s, lines), s.message) for s in (*raw.trace, raw.sink)]
    origin = raw.trace[0].message.removeprefix("source: ") if raw.trace else "input"
    return Finding(
        rule_id=meta.id,
        message=f"{meta.summary}: {origin} flows to line {raw.sink.line}",
        severity=meta.severity,
        confidence=meta.confidence,
        location=_location(raw.sink, lines, raw.end_line),
        cwe=meta.cwe,
        trace=trace,
    )
