"""`scan()`: the analyzer's entry point, from paths on disk to a `ScanResult`.

One way through, each stage handing its output to the next: files are collected (directories
recursively, `ScanOptions.exclude` honoured); loaded, the cache wrapping parsing (`loading`:
unchanged files are restored instead, unparsable ones reported, never skipped silently); indexed
as one program; analysed by the taint engine (the cache wrapping per-function results) and the
pattern rules; and turned into `Finding`s with snippets and full traces. The cache is written
last.
"""

from __future__ import annotations

import gc
import hashlib
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import netgain.analysis.rules as _rules  # noqa: F401 - importing registers every rule
from netgain.analysis.cache import CACHE_FORMAT, PatternRecord, ScanCache
from netgain.analysis.engine import EngineResult, run_engine
from netgain.analysis.findings import (
    Confidence,
    Finding,
    Location,
    NotAnalysedFile,
    ScanResult,
    TraceStep,
    UnparsedFile,
)
from netgain.analysis.flow.sqltext import BUILT_QUERY
from netgain.analysis.flow.unknown import UNKNOWN_ORIGIN
from netgain.analysis.index import ModuleInfo, ProgramIndex
from netgain.analysis.js.scan import scan_js
from netgain.analysis.js.syntax import JS_SUFFIXES, is_js_path
from netgain.analysis.languages import NETGAIN_LANGUAGES, FileKind, classify
from netgain.analysis.loading import Sources
from netgain.analysis.options import ScanOptions
from netgain.analysis.patterns import run_patterns
from netgain.analysis.problems import Problem, ProblemLevel
from netgain.analysis.rules.base import RuleMeta, all_rules, get_rule
from netgain.analysis.source import ParsedSource
from netgain.analysis.summaries import RawFinding
from netgain.analysis.taint_models import TaintModels, default_models, load_models
from netgain.analysis.values import Step

RECURSION_LIMIT = 6000  # deeply nested expressions in scanned code; pure-Python frames only
_SKIP_DIRS = frozenset({"__pycache__", "node_modules", "site-packages"})
# Python (and Jupyter notebooks' code cells), and JavaScript / TypeScript
SCANNED_SUFFIXES = (".py", ".pyi", ".ipynb", *JS_SUFFIXES)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(os.path.relpath(path.resolve(), root.resolve())).as_posix()


def collect_files(
    paths: Sequence[Path], root: Path, exclude: Sequence[str] = ()
) -> list[tuple[Path, str]]:
    """(absolute path, POSIX path relative to root) of every Python, JavaScript and TypeScript
    file to scan, sorted, unique."""
    return collect(paths, root, exclude)[0]


def collect(
    paths: Sequence[Path], root: Path, exclude: Sequence[str] = ()
) -> tuple[list[tuple[Path, str]], list[NotAnalysedFile]]:
    """`collect_files`, and the code in other languages found on the way (sorted by path).

    Netgain reads Python, JavaScript and TypeScript; a Go or Ruby file under the scanned folders
    is not skipped silently but returned as not analysed, so that every format can say so.
    """
    spec = None
    if exclude:
        from netgain.globs import gitignore_spec  # pathspec costs ~15 ms: only with excludes

        spec = gitignore_spec(tuple(exclude))
    seen: dict[str, Path] = {}
    other: dict[str, NotAnalysedFile] = {}
    real_root = root.resolve()

    def walk(directory: str, rel_dir: str | None) -> Iterator[tuple[str, str, str]]:
        # `rel_dir` is the folder's path relative to the root when it is known without resolving
        # symlinks (no realpath() per file: that was most of a warm rescan's file collection)
        try:
            with os.scandir(directory) as it:  # unsorted: the whole list is sorted once at the end
                entries = list(it)
        except OSError:
            return
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name.startswith(".") or entry.name in _SKIP_DIRS:
                    continue
                child = None if rel_dir is None else f"{rel_dir}/{entry.name}".lstrip("/")
                yield from walk(entry.path, child)
                continue
            if entry.name.endswith(SCANNED_SUFFIXES):
                language = ""
            else:
                language = _other_language(entry)
                if not language:
                    continue
            if entry.is_file():
                if rel_dir is None or entry.is_symlink():
                    yield entry.path, _relative(Path(entry.path), root), language
                else:
                    yield entry.path, f"{rel_dir}/{entry.name}".lstrip("/"), language

    for p in paths:
        if p.is_dir():
            real = p.resolve()
            rel_dir: str | None = None
            if real.is_relative_to(real_root):
                rel_dir = real.relative_to(real_root).as_posix()
                rel_dir = "" if rel_dir == "." else rel_dir
            candidates = walk(str(real), rel_dir)
        else:  # a file named on the command line is read as Python unless it is other code
            language = classify(p.name).language
            language = "" if language in NETGAIN_LANGUAGES else language
            candidates = iter([(str(p), _relative(p, root), language)])
        for file, rel, language in candidates:
            if spec is not None and spec.match_file(rel):
                continue
            if language:
                other.setdefault(rel, NotAnalysedFile(rel, language, _why_not_scanned(language)))
            elif rel not in seen:
                seen[rel] = Path(file)
    files = sorted(((f, r) for r, f in seen.items()), key=lambda item: item[1])
    return files, [other[rel] for rel in sorted(other)]


def _other_language(entry: os.DirEntry[str]) -> str:
    """The language of a file the walk does not scan, or "" when it is not code. A file without
    an extension is code when its `#!` line names an interpreter (read from regular files only)."""
    kind = classify(entry.name)
    if kind.kind is FileKind.OTHER and "." not in entry.name:
        try:
            if entry.is_file(follow_symlinks=False):
                with Path(entry.path).open("rb") as handle:
                    kind = classify(entry.name, handle.read(256))
        except OSError:
            return ""
    return kind.language if kind.is_code else ""


def _why_not_scanned(language: str) -> str:
    if language == "Python":  # a file named on the command line is read as Python
        return (
            "Python in a file without a suffix netgain reads in folders "
            f"({', '.join(SCANNED_SUFFIXES)}): name the file on the command line to scan it"
        )
    if language in NETGAIN_LANGUAGES:
        return f"{language} in a file without a suffix netgain reads: give it a {language} suffix"
    return f"netgain does not analyse {language}: import another scanner's SARIF with --import"


def _selected(meta: RuleMeta, options: ScanOptions) -> bool:
    if options.select and meta.id not in options.select and meta.family not in options.select:
        return False
    return not (meta.id in options.ignore or meta.family in options.ignore)


def _location(step: Step, lines: Sources, mask: str | None = None) -> Location:
    snippet = lines.line(step.path, step.line)
    if mask and snippet:
        snippet = snippet.replace(mask, mask_secret(mask))
    return Location(step.path, lines.place(step.path, step.line), step.column, snippet=snippet)


def mask_secret(secret: str) -> str:
    """Show at most the first 4 characters of a secret; the rest becomes asterisks."""
    keep = 4 if len(secret) > 8 else 0
    return secret[:keep] + "*" * max(4, min(len(secret) - keep, 12))


def _taint_finding(raw: RawFinding, meta: RuleMeta, lines: Sources) -> Finding:
    trace = [TraceStep(_location(s, lines), s.message) for s in raw.trace]
    src = raw.trace[0] if raw.trace else raw.sink
    origin = src.message.removeprefix("source: ")
    sink_line = lines.place(raw.sink.path, raw.sink.line)  # a notebook's JSON line
    message = f"{meta.summary}: {origin} flows to line {sink_line}"
    if raw.source_kind == BUILT_QUERY:
        message = (
            f"SQL text built from a value of unknown origin is run at line {sink_line}: "
            "pass the value as a query parameter, or confirm it is not input"
        )
    elif raw.source_kind == UNKNOWN_ORIGIN:
        message = (
            f"A shell runs text of unknown origin at line {sink_line}: pass an argument "
            "list without a shell, quote the parts (shlex.quote), or confirm it is not input"
        )
    return Finding(
        rule_id=meta.id,
        message=message,
        severity=meta.severity,
        confidence=raw.confidence,
        location=_location(raw.sink, lines),
        cwe=meta.cwe,
        trace=trace,
    )


# The analyzer's own code that shapes cached results: editing any of it invalidates the cache.
# Only these files are hashed, so work elsewhere in the package (e.g. `signals.py`, used by the
# review policy, or the SARIF importer) does not throw away every cached file. A test checks
# that every `netgain.analysis` module `scan()` imports is covered.
ANALYZER_SOURCES = (
    "__init__.py",
    "cache.py",
    "cache_memory.py",
    "dataflow.py",
    "engine.py",
    "findings.py",
    "guard_models.py",
    "index.py",
    "languages.py",
    "loading.py",
    "notebook.py",
    "options.py",
    "patterns.py",
    "problems.py",
    "scanner.py",
    "source.py",
    "summaries.py",
    "taint_models.py",
    "values.py",
)
ANALYZER_FOLDERS = ("flow", "rules", "models", "js")


def analyzer_source_files() -> list[Path]:
    """The files whose bytes go into the cache context digest."""
    package = Path(__file__).resolve().parent
    files = [package / name for name in ANALYZER_SOURCES]
    for folder in ANALYZER_FOLDERS:
        files.extend(sorted((package / folder).rglob("*.py")))
        files.extend(sorted((package / folder).rglob("*.toml")))
    return files


_ANALYZER_DIGESTS: dict[tuple[tuple[str, int, int], ...], str] = {}


def _analyzer_digest() -> str:
    """A digest of the analyzer's source files, read again only when one's stat changed: a
    process that scans many times (a policy replay) read and hashed ~100 files per scan."""
    files = analyzer_source_files()
    signature: list[tuple[str, int, int]] = []
    for source in files:
        try:
            st = source.stat()
        except OSError:
            continue
        signature.append((str(source), st.st_mtime_ns, st.st_size))
    key = tuple(signature)
    found = _ANALYZER_DIGESTS.get(key)
    if found is None:
        h = hashlib.sha256()
        for source in files:
            try:
                h.update(source.name.encode() + b"\0" + source.read_bytes())
            except OSError:
                continue
        found = _ANALYZER_DIGESTS[key] = h.hexdigest()
    return found


def _context_digest(models_key: str, options: ScanOptions, enabled: set[str]) -> str:
    """Everything besides a file's path and bytes that shapes its cached results."""
    h = hashlib.sha256()
    h.update(f"{CACHE_FORMAT}\0{options.mode}\0{sorted(enabled)}\0{models_key}".encode())
    h.update(_analyzer_digest().encode())
    return h.hexdigest()


@dataclass(slots=True)
class ScanStats:
    """How much work a scan did (for benchmarks and cache tests)."""

    files_parsed: int = 0
    cache_hits: int = 0
    lazy_parses: int = 0
    functions_analysed: int = 0
    functions_reused: int = 0
    files_unread: int = 0  # cached files whose stat matched: neither read nor hashed
    js_reused: int = 0  # JavaScript / TypeScript files whose cached result was reused


def scan(
    paths: Sequence[Path],
    *,
    root: Path,
    options: ScanOptions,
    preparsed: Mapping[str, tuple[bytes, ParsedSource]] | None = None,
) -> ScanResult:
    """Scan Python, JavaScript and TypeScript files under `paths`; locations are POSIX paths
    relative to `root`.

    Never imports or executes the scanned code. Unparsable files are listed in
    `ScanResult.unparsed` with the reason and line. With `options.cache_dir`, unchanged files
    are neither parsed nor re-analysed unless a function they call changed. `preparsed` maps
    a relative path to bytes the caller already parsed and their parse (`netgain check` parses
    the changed files for their imports): a file with exactly those bytes is not parsed again.
    """
    return scan_with_stats(paths, root=root, options=options, preparsed=preparsed)[0]


def scan_with_stats(
    paths: Sequence[Path],
    *,
    root: Path,
    options: ScanOptions,
    preparsed: Mapping[str, tuple[bytes, ParsedSource]] | None = None,
) -> tuple[ScanResult, ScanStats]:
    """`scan()` plus counters of the work done.

    The cyclic garbage collector is paused for the run: a scan allocates millions of AST nodes
    and abstract values that stay alive until it ends (and form no reference cycles), and every
    full collection would walk all of them again; on a 500k-line tree that was a third of the
    CPU time, almost all of it spent "in" `ast.parse`.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _scan_with_stats(paths, root=root, options=options, preparsed=preparsed)
    finally:
        if was_enabled:
            gc.enable()


def _scan_with_stats(
    paths: Sequence[Path],
    *,
    root: Path,
    options: ScanOptions,
    preparsed: Mapping[str, tuple[bytes, ParsedSource]] | None = None,
) -> tuple[ScanResult, ScanStats]:
    """One way through: collect -> parse (cached) -> index -> analyse -> findings."""
    models = load_models(options.extra_models) if options.extra_models else default_models()
    enabled = {m.id for m in all_rules() if _selected(m, options)}
    cache: ScanCache | None = None
    if options.cache_dir is not None:
        models_key = repr(sorted(options.extra_models.items())) if options.extra_models else ""
        context = _context_digest(models_key, options, enabled)
        cache = ScanCache(options.cache_dir, context, options.memory)

    collected, not_analysed = collect(paths, root, options.exclude)
    files = [f for f in collected if not is_js_path(f[1])]
    with _deep_recursion():  # long `"a" + "b" + ...` chains in scanned code
        js = scan_js(
            [f for f in collected if is_js_path(f[1])], enabled=enabled.__contains__, cache=cache
        )
    sources = Sources(cache, preparsed)
    sources.load(files)
    index = _build_index(sources, cache)
    engine = _analyse(index, models, options, enabled, cache, sources)
    patterns = {
        module.path: _pattern_records(index, module, sources, enabled, cache)
        for module in sorted(index.modules.values(), key=lambda m: m.path)
    }
    result = _findings(engine, patterns, enabled, sources, js.findings)

    result.files_scanned = len(sources.files) + js.files
    result.not_analysed = not_analysed
    result.lines_scanned = sum(f.line_count for f in sources.files) + js.lines
    result.unparsed[:0] = sources.unparsed + js.unparsed
    stats = ScanStats(
        files_parsed=sources.parsed,
        lazy_parses=sources.lazy_parses,
        functions_analysed=engine.analyses,
        functions_reused=engine.reused,
    )
    if cache is not None:
        cache.save()
        result.problems.extend(Problem("cache", ProblemLevel.WARNING, m) for m in cache.problems)
        stats.cache_hits, stats.files_unread = cache.hits, cache.stat_hits
        stats.js_reused = cache.result_hits
    return result, stats


def _build_index(sources: Sources, cache: ScanCache | None) -> ProgramIndex:
    """Index every loaded file as one program (cached files from their entries, without ASTs)."""
    index = ProgramIndex()
    for file in sources.files:
        if file.cached is not None:
            entry = file.cached
            index.add_cached(entry.module, entry.functions, entry.classes)
        elif file.parsed is not None:
            module = index.add_module(file.rel, file.parsed.tree)
            if cache is not None:
                cache.start_entry(file.rel, file.parsed.line_count, module, index)
    index.finish()
    return index


def _analyse(
    index: ProgramIndex,
    models: TaintModels,
    options: ScanOptions,
    enabled: set[str],
    cache: ScanCache | None,
    sources: Sources,
) -> EngineResult:
    """The taint engine over the whole program (deep nesting in scanned code is reported)."""
    with _deep_recursion():
        return run_engine(
            index,
            models,
            options.mode,
            enabled_rules=frozenset(enabled),
            hooks=cache,
            parse=lambda module: sources.ensure_tree(module, index),
        )


@contextmanager
def _deep_recursion() -> Iterator[None]:
    """Room for deeply nested expressions in scanned code; beyond it a file is reported."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, RECURSION_LIMIT))
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


def _findings(
    engine: EngineResult,
    patterns: dict[str, list[PatternRecord]],
    enabled: set[str],
    sources: Sources,
    js_findings: list[Finding],
) -> ScanResult:
    """Taint flows and pattern hits as `Finding`s with snippets, sorted by place."""
    result = ScanResult(findings=list(js_findings))
    result.unparsed.extend(
        UnparsedFile(path, reason, line if line is None else sources.place(path, line))
        for path, line, reason in engine.failures
    )
    for raw in engine.findings:
        meta = get_rule(raw.rule)
        if meta is None or raw.rule not in enabled:
            continue
        result.findings.append(_taint_finding(raw, meta, sources))
    for path, records in patterns.items():
        for rec in records:
            meta = get_rule(rec.rule)
            if meta is None or rec.rule not in enabled:
                continue
            step = Step(path, rec.line, rec.column, rec.message)
            result.findings.append(
                Finding(
                    rule_id=meta.id,
                    message=rec.message,
                    severity=meta.severity,
                    confidence=Confidence(rec.confidence) if rec.confidence else meta.confidence,
                    location=_location(step, sources, rec.mask),
                    cwe=meta.cwe,
                )
            )
    result.findings.sort(
        key=lambda f: (f.location.path, f.location.line, f.location.column, f.rule_id)
    )
    return result


def _pattern_records(
    index: ProgramIndex,
    module: ModuleInfo,
    sources: Sources,
    enabled: set[str],
    cache: ScanCache | None,
) -> list[PatternRecord]:
    """A module's pattern-rule hits: cached for an unchanged file, else one walk of its tree."""
    cached = cache.patterns(module.path) if cache is not None else None
    if cached is not None:
        return cached
    if not sources.ensure_tree(module, index):
        return []
    records = [
        PatternRecord(
            hit.rule.id,
            getattr(hit.node, "lineno", 1),
            getattr(hit.node, "col_offset", 0) + 1,
            hit.message,
            hit.confidence.value if hit.confidence else None,
            hit.mask,
        )
        for hit in run_patterns(index, module, sources.text(module.path), lambda m: m.id in enabled)
    ]
    if cache is not None:
        cache.store_patterns(module.path, records)
    return records
