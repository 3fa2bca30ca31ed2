"""`scan()`: the analyzer's entry point, from paths on disk to a `ScanResult`.

Files are collected (directories recursively, `ScanOptions.exclude` honoured), parsed once
(unparsable files are reported, never skipped silently), indexed as one program, analysed by the
taint engine and the pattern rules, and turned into `Finding`s with snippets and full traces.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import pathspec

import netgain.analysis.rules as _rules  # noqa: F401 - importing registers every rule
from netgain.analysis.cache import ScanCache
from netgain.analysis.engine import run_engine
from netgain.analysis.findings import Finding, Location, ScanResult, TraceStep
from netgain.analysis.index import ProgramIndex
from netgain.analysis.options import ScanOptions
from netgain.analysis.patterns import run_patterns
from netgain.analysis.rules.base import RuleMeta, all_rules, get_rule
from netgain.analysis.source import ParsedSource
from netgain.analysis.summaries import RawFinding
from netgain.analysis.taint_models import default_models, load_models
from netgain.analysis.values import Step

_SKIP_DIRS = frozenset({"__pycache__", "node_modules", "site-packages"})


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(os.path.relpath(path.resolve(), root.resolve())).as_posix()


def collect_files(
    paths: Sequence[Path], root: Path, exclude: Sequence[str] = ()
) -> list[tuple[Path, str]]:
    """(absolute path, POSIX path relative to root) of every Python file to scan, sorted, unique."""
    spec = pathspec.PathSpec.from_lines("gitwildmatch", exclude) if exclude else None
    seen: dict[str, Path] = {}

    def walk(directory: Path) -> Iterator[Path]:
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name.startswith(".") or entry.name in _SKIP_DIRS:
                    continue
                yield from walk(Path(entry.path))
            elif entry.name.endswith((".py", ".pyi")) and entry.is_file():
                yield Path(entry.path)

    for p in paths:
        candidates = walk(p) if p.is_dir() else iter([p])
        for file in candidates:
            rel = _relative(file, root)
            if spec is not None and spec.match_file(rel):
                continue
            seen.setdefault(rel, file)
    return sorted(((f, r) for r, f in seen.items()), key=lambda item: item[1])


def _selected(meta: RuleMeta, options: ScanOptions) -> bool:
    if options.select and meta.id not in options.select and meta.family not in options.select:
        return False
    return not (meta.id in options.ignore or meta.family in options.ignore)


def _location(step: Step, sources: dict[str, ParsedSource], mask: str | None = None) -> Location:
    src = sources.get(step.path)
    snippet = src.line(step.line) if src is not None else ""
    if mask and snippet:
        snippet = snippet.replace(mask, mask_secret(mask))
    return Location(step.path, step.line, step.column, snippet=snippet)


def mask_secret(secret: str) -> str:
    """Show at most the first 4 characters of a secret; the rest becomes asterisks."""
    keep = 4 if len(secret) > 8 else 0
    return secret[:keep] + "*" * max(4, min(len(secret) - keep, 12))


def _taint_finding(raw: RawFinding, meta: RuleMeta, sources: dict[str, ParsedSource]) -> Finding:
    trace = [TraceStep(_location(s, sources), s.message) for s in raw.trace]
    src = raw.trace[0] if raw.trace else raw.sink
    origin = src.message.removeprefix("source: ")
    message = f"{meta.summary}: {origin} flows to line {raw.sink.line}"
    return Finding(
        rule_id=meta.id,
        message=message,
        severity=meta.severity,
        confidence=raw.confidence,
        location=_location(raw.sink, sources),
        cwe=meta.cwe,
        trace=trace,
    )


def scan(paths: Sequence[Path], *, root: Path, options: ScanOptions) -> ScanResult:
    """Scan Python files under `paths`; locations are POSIX paths relative to `root`.

    Never imports or executes the scanned code. Unparsable files are listed in
    `ScanResult.unparsed` with the reason and line.
    """
    result = ScanResult()
    models = load_models(options.extra_models) if options.extra_models else default_models()
    cache = ScanCache(options.cache_dir) if options.cache_dir is not None else None
    files = collect_files(paths, root, options.exclude)
    index = ProgramIndex()
    sources: dict[str, ParsedSource] = {}
    for path, rel in files:
        parsed = cache.parse(path, rel) if cache is not None else None
        if parsed is None:
            from netgain.analysis.source import read_source

            parsed = read_source(path, rel)
        if isinstance(parsed, ParsedSource):
            sources[rel] = parsed
            result.files_scanned += 1
            result.lines_scanned += parsed.line_count
            index.add_module(rel, parsed.tree)
        else:
            result.unparsed.append(parsed)
    index.finish()

    enabled = {m.id for m in all_rules() if _selected(m, options)}
    engine = run_engine(index, models, options.mode, enabled_rules=frozenset(enabled))
    for raw in engine.findings:
        meta = get_rule(raw.rule)
        if meta is None or raw.rule not in enabled:
            continue
        result.findings.append(_taint_finding(raw, meta, sources))

    for rel, parsed in sources.items():
        module = index.by_path[rel]
        for hit in run_patterns(index, module, parsed.text, lambda m: m.id in enabled):
            step = Step(
                rel,
                getattr(hit.node, "lineno", 1),
                getattr(hit.node, "col_offset", 0) + 1,
                hit.message,
            )
            result.findings.append(
                Finding(
                    rule_id=hit.rule.id,
                    message=hit.message,
                    severity=hit.rule.severity,
                    confidence=hit.confidence or hit.rule.confidence,
                    location=_location(step, sources, hit.mask),
                    cwe=hit.rule.cwe,
                )
            )
    if cache is not None:
        cache.save()
    result.findings.sort(
        key=lambda f: (f.location.path, f.location.line, f.location.column, f.rule_id)
    )
    return result
