"""A content-hash cache of per-file analysis results, for fast rescans.

One entry per file, keyed by the SHA-256 of the file's path, its bytes and everything else that
shapes the result (cache format, Python version, analyzer code, taint models, entry mode, enabled
rules). An entry holds
what the rest of the program needs from the file without parsing it: its index (imports,
definitions, functions, classes), its module-level values, its pattern-rule hits, and each
function's analysis result together with digests of the callee summaries it was computed from.

On a rescan, an unchanged file is not parsed; a function is re-analysed only when one of its
callees' summaries changed (its file is then parsed on demand). So a one-file change redoes that
file and the summaries that depend on it, not the tree.

The cache directory only ever holds netgain's own pickles (written atomically); an unreadable or
foreign entry is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from dataclasses import dataclass, field
from pathlib import Path

from netgain.analysis.dataflow import AnalysisResult, Env, Program
from netgain.analysis.index import ClassInfo, FunctionInfo, ModuleInfo, ProgramIndex, collect_module
from netgain.analysis.source import ParsedSource, parse_source
from netgain.analysis.summaries import Summary
from netgain.analysis.values import fast_pickle

CACHE_FORMAT = 7


def summary_digest(summary: Summary | None) -> str:
    """A digest of what callers depend on in a summary, stable across processes."""
    if summary is None:
        return "-"
    return hashlib.sha1(_canonical(summary.shape()).encode(), usedforsecurity=False).hexdigest()


def _canonical(obj: object) -> str:
    """A repr with every set sorted: set order depends on per-process string hashing, and a
    digest that changed between processes would make every rescan re-analyse its callers."""
    if isinstance(obj, frozenset | set):
        return "{" + ",".join(sorted(_canonical(x) for x in obj)) + "}"
    if isinstance(obj, tuple | list):
        return "(" + ",".join(_canonical(x) for x in obj) + ")"
    return repr(obj)


@fast_pickle
@dataclass(slots=True)
class CachedResult:
    result: AnalysisResult
    deps: dict[str, str]  # callee qualname -> summary digest when this result was computed
    digest: str = ""  # digest of `result.summary` (so a rescan need not recompute it)


@fast_pickle
@dataclass(slots=True)
class PatternRecord:
    rule: str
    line: int
    column: int
    message: str
    confidence: str | None
    mask: str | None


@fast_pickle
@dataclass(slots=True)
class FileEntry:
    rel: str
    line_count: int
    module: ModuleInfo
    functions: dict[str, FunctionInfo]
    classes: dict[str, ClassInfo]
    patterns: list[PatternRecord] | None = None
    results: dict[str, CachedResult] = field(default_factory=dict)
    globals: Env | None = None


class ScanCache:
    """Per-file entries under `directory`, valid for one analysis context (`context` digest)."""

    def __init__(self, directory: Path, context: str) -> None:
        tag = f"v{CACHE_FORMAT}-py{sys.version_info.major}{sys.version_info.minor}"
        self.directory = directory / tag
        self._dir = str(self.directory)
        self.context = context
        self.entries: dict[str, FileEntry] = {}  # rel -> entry (cached or fresh)
        self.keys: dict[str, str] = {}  # rel -> entry key
        self.dirty: set[str] = set()
        self.paths: dict[str, Path] = {}
        self.hits = 0
        self.misses = 0
        self.lazy_parses = 0
        self._digests: dict[int, tuple[Summary, str]] = {}

    # --- files -------------------------------------------------------------------------------

    def _entry_path(self, key: str) -> str:
        # plain strings: pathlib objects per cached file were a visible part of a warm rescan
        return f"{self._dir}/{key[:2]}/{key}.pickle"

    def load(self, path: Path, rel: str, data: bytes) -> FileEntry | None:
        """The cached entry for these bytes, or None (the caller then parses the file)."""
        # The path is part of the key: files with identical bytes (empty `__init__.py`, copied
        # migrations) have different module names, so they must not share one entry.
        key = hashlib.sha256(
            rel.encode() + b"\0" + self.context.encode() + b"\0" + data
        ).hexdigest()
        self.keys[rel] = key
        self.paths[rel] = path
        try:
            with open(self._entry_path(key), "rb") as fh:  # noqa: PTH123
                entry = pickle.loads(fh.read())  # noqa: S301 - netgain's own cache files
        except (
            OSError,
            pickle.UnpicklingError,
            EOFError,
            ValueError,
            TypeError,
            AttributeError,
            ImportError,
            IndexError,
        ):
            self.misses += 1
            return None
        if not isinstance(entry, FileEntry) or entry.rel != rel:
            self.misses += 1
            return None
        self.hits += 1
        self.entries[rel] = entry
        return entry

    def fresh(self, parsed: ParsedSource, module: ModuleInfo, index: ProgramIndex) -> None:
        """Start a new entry for a file that was parsed in this run."""
        functions = {q: index.functions[q] for q in index.function_names_of(module.name)}
        classes = {q: index.classes[q] for q in index.class_names_of(module.name)}
        self.entries[parsed.path] = FileEntry(
            parsed.path, parsed.line_count, module, functions, classes
        )
        self.dirty.add(parsed.path)

    def save(self) -> None:
        """Write every new or updated entry (without AST nodes, which are cheap to rebuild)."""
        for rel in sorted(self.dirty):
            entry = self.entries.get(rel)
            key = self.keys.get(rel)
            if entry is None or key is None:
                continue
            stripped = FileEntry(
                rel=entry.rel,
                line_count=entry.line_count,
                module=_strip_module(entry.module),
                functions={q: _strip_function(f) for q, f in entry.functions.items()},
                classes=entry.classes,
                patterns=entry.patterns,
                results=entry.results,
                globals=entry.globals,
            )
            target = Path(self._entry_path(key))
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_suffix(f".{id(self)}.tmp")
                with tmp.open("wb") as fh:
                    pickle.dump(stripped, fh, protocol=pickle.HIGHEST_PROTOCOL)
                tmp.replace(target)
            except (OSError, pickle.PicklingError, RecursionError, TypeError):
                continue

    # --- engine hooks --------------------------------------------------------------------------

    def digest(self, summary: Summary | None) -> str:
        if summary is None:
            return "-"
        cached = self._digests.get(id(summary))
        if cached is not None and cached[0] is summary:
            return cached[1]
        value = summary_digest(summary)
        self._digests[id(summary)] = (summary, value)
        return value

    def seed(self) -> dict[str, Summary]:
        seeded: dict[str, Summary] = {}
        for rel, entry in self.entries.items():
            if rel in self.dirty:
                continue
            for key, cached in entry.results.items():
                if not key.startswith("<module>:"):
                    summary = cached.result.summary
                    seeded[key] = summary
                    if cached.digest:
                        self._digests[id(summary)] = (summary, cached.digest)
        return seeded

    def cached_globals(self, module: ModuleInfo) -> Env | None:
        entry = self.entries.get(module.path)
        if entry is None or module.path in self.dirty:
            return None
        return entry.globals

    def reuse(self, key: str, program: Program) -> AnalysisResult | None:
        module_path = self._path_of(key, program)
        entry = self.entries.get(module_path) if module_path else None
        if entry is None:
            return None
        cached = entry.results.get(key)
        if cached is None:
            return None
        summaries, memo = program.summaries, self._digests
        for callee, digest in cached.deps.items():  # inlined `digest()`: 35k calls per rescan
            summary = summaries.get(callee)
            if summary is None:
                current = "-"
            else:
                known = memo.get(id(summary))
                current = known[1] if known is not None and known[0] is summary else ""
                current = current or self.digest(summary)
            if current != digest:
                return None
        if key.startswith("<module>:"):
            program.globals[entry.module.name] = entry.globals or {}
        return cached.result

    def _path_of(self, key: str, program: Program) -> str | None:
        if key.startswith("<module>:"):
            module = program.index.modules.get(key.removeprefix("<module>:"))
        else:
            fn = program.index.functions.get(key)
            module = program.index.modules.get(fn.module) if fn is not None else None
        return module.path if module is not None else None

    def ensure_ast(self, module: ModuleInfo) -> bool:
        """Parse a cached file and attach the fresh AST nodes to the existing index entries."""
        if module.tree is not None:
            return True
        path = self.paths.get(module.path)
        if path is None:
            return False
        try:
            parsed = parse_source(module.path, path.read_bytes())
        except OSError:
            return False
        if not isinstance(parsed, ParsedSource):
            return False
        self.lazy_parses += 1
        scratch = ModuleInfo(module.name, module.path, module.is_package)
        functions: dict[str, FunctionInfo] = {}
        classes: dict[str, ClassInfo] = {}
        collect_module(scratch, parsed.tree, functions, classes)
        module.tree = parsed.tree
        entry = self.entries.get(module.path)
        for qual, fresh in functions.items():
            known = entry.functions.get(qual) if entry is not None else None
            if known is not None:
                known.node = fresh.node
                known.decorators = fresh.decorators
        return True

    def store(self, key: str, module: ModuleInfo, program: Program, result: AnalysisResult) -> None:
        entry = self.entries.get(module.path)
        if entry is None:
            return
        deps = {callee: self.digest(program.summaries.get(callee)) for callee in result.callees}
        entry.results[key] = CachedResult(result, deps, self.digest(result.summary))
        if key.startswith("<module>:"):
            entry.globals = program.globals.get(module.name, {})
        self.dirty.add(module.path)


def _strip_module(module: ModuleInfo) -> ModuleInfo:
    return ModuleInfo(
        module.name,
        module.path,
        module.is_package,
        dict(module.imports),
        dict(module.definitions),
        None,
    )


def _strip_function(fn: FunctionInfo) -> FunctionInfo:
    return FunctionInfo(
        qualname=fn.qualname,
        module=fn.module,
        name=fn.name,
        params=list(fn.params),
        vararg=fn.vararg,
        kwarg=fn.kwarg,
        lineno=fn.lineno,
        cls=fn.cls,
        is_static=fn.is_static,
        nested=fn.nested,
    )
