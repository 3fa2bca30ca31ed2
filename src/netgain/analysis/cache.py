"""A content-hash cache of per-file analysis results, for fast rescans.

All entries live in one packed snapshot file per analysis context (one read per rescan instead
of one file per source file), with each file's stat signature so that an unchanged file is
neither read nor hashed. One entry per file, keyed by the SHA-256 of the file's path, its bytes and everything else that
shapes the result (cache format, Python version, analyzer code, taint models, entry mode, enabled
rules). An entry holds
what the rest of the program needs from the file without parsing it: its index (imports,
definitions, functions, classes), its module-level values, its pattern-rule hits, and each
function's analysis result together with digests of the callee summaries it was computed from.

On a rescan, an unchanged file is not parsed and its bodies are "settled": the engine does not
visit them. When a changed file's function comes out with a different summary (or is gone, or
newly defined), a reverse-dependency index (callee -> cached bodies computed from it, built
only then) names the bodies to check again; one whose callees' digests differ from those it
was computed from is re-analysed (its file parsed on demand, by the parse stage in `loading`).
So a one-file change redoes that file and what depends on its summaries, not the tree, and
an entry's per-body results stay pickled unless one of its bodies is checked. The cache is consulted at two points of the one-way scan: when files are loaded (an entry
instead of a parse) and when bodies are analysed (a result instead of an analysis); `save()`
writes what changed at the end.

The cache directory only ever holds netgain's own pickles (written atomically); an unreadable or
foreign snapshot or entry is ignored and rebuilt. Unreadable (a damaged disk, a truncated copy
from a CI cache) is also reported: `problems` says which file and how many entries, and the scan
lists it with its other input problems, so a cache that keeps breaking does not go unnoticed.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from netgain.analysis.cache_memory import Record, ScanMemory, write_snapshot
from netgain.analysis.flow.state import AnalysisResult, Env, Program
from netgain.analysis.index import ClassInfo, FunctionInfo, ModuleInfo, ProgramIndex
from netgain.analysis.summaries import EMPTY_SUMMARY, RawFinding, Summary
from netgain.analysis.values import fast_pickle, join

CACHE_FORMAT = 11
RACY_NS = 2_000_000_000  # files modified this recently are hashed again on the next scan
CONFLICT = "?"  # a recorded callee digest that matches no summary: its dependents are checked

_Record = Record  # see netgain.analysis.cache_memory
_PICKLE_ERRORS = (
    pickle.UnpicklingError,
    EOFError,
    ValueError,
    TypeError,
    AttributeError,
    ImportError,
    IndexError,
    KeyError,
    MemoryError,
)
PICKLE_ERRORS = _PICKLE_ERRORS  # what reading any of netgain's own cache pickles may raise


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
    """One body's analysis result as the cache keeps it (inside its file's `detail`).

    The summary, the bulk of a result, stays pickled until a re-analysed caller or library
    mode asks for it; an empty one is not stored.
    """

    deps: dict[str, str]  # callee qualname -> summary digest when this result was computed
    digest: str  # digest of the summary (so a rescan need not recompute it)
    findings: list[RawFinding]
    global_writes: Env
    has_sinks: bool  # the summary has parameter sinks (library mode reports uncalled ones)
    summary_blob: bytes = b""  # the pickled summary (filled when the entry is saved)
    _summary: Summary | None = None

    @classmethod
    def of(cls, result: AnalysisResult, deps: dict[str, str], digest: str) -> CachedResult:
        return cls(
            deps,
            digest,
            result.findings,
            result.global_writes,
            bool(result.summary.sinks),
            _summary=result.summary,
        )

    @property
    def callees(self) -> set[str]:
        return set(self.deps)  # the dependencies are exactly the callees

    @property
    def summary(self) -> Summary:
        found = self._summary
        if found is None and not self.summary_blob:
            return EMPTY_SUMMARY  # module bodies, and functions no caller learns anything from
        if found is None:
            # netgain: ignore[insecure-deserialization] netgain's own cache, written by this process
            found = pickle.loads(self.summary_blob)  # noqa: S301 - netgain's own cache file
            if not isinstance(found, Summary):
                raise TypeError("a cached summary is not a Summary")
            self._summary = found
        return found

    @property
    def result(self) -> AnalysisResult:
        return AnalysisResult(self.summary, self.findings, self.callees, self.global_writes)

    def freeze(self) -> None:
        """Pickle the summary for the snapshot (once: a reused result keeps its bytes)."""
        if not self.summary_blob and self._summary is not None and self._summary != EMPTY_SUMMARY:
            self.summary_blob = pickle.dumps(self._summary, protocol=pickle.HIGHEST_PROTOCOL)


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
    """A file's index, pattern hits and analysis results.

    What every rescan needs of an unchanged file is stored as it is: the summary digests of its
    functions, the findings, callees and `global` writes of all its bodies, which functions
    have parameter sinks. The per-body results (callee digests, summaries) and module-level
    values stay pickled in `detail` until a body of this file must be checked or a re-analysed
    caller reads them: unpickling them for every file was most of a one-file rescan.
    """

    rel: str
    line_count: int
    module: ModuleInfo
    functions: dict[str, FunctionInfo]
    classes: dict[str, ClassInfo]
    patterns: list[PatternRecord] | None = None
    digests: dict[str, str] = field(default_factory=dict)  # function key -> summary digest
    findings: list[RawFinding] = field(default_factory=list)  # of every body
    callees: frozenset[str] = frozenset()  # of every body
    sinks: tuple[str, ...] = ()  # functions whose summary has parameter sinks
    global_writes: Env | None = None  # `global NAME` writes of its functions, joined
    # callee -> the summary digest its bodies were computed from ("?" when they disagree): a
    # rescan compares it with the callee's entry as loaded now (see `ScanCache.seed`)
    deps: dict[str, str] = field(default_factory=dict)
    detail: bytes = b""  # pickled (results, module-level values)
    _results: dict[str, CachedResult] | None = None
    _globals: Env | None = None

    @classmethod
    def fresh(
        cls,
        rel: str,
        line_count: int,
        module: ModuleInfo,
        functions: dict[str, FunctionInfo],
        classes: dict[str, ClassInfo],
    ) -> FileEntry:
        return cls(rel, line_count, module, functions, classes, _results={})

    @property
    def results(self) -> dict[str, CachedResult]:
        results = self._results
        if results is None:
            results = self._load_detail()
        return results

    @property
    def globals(self) -> Env | None:
        if self._results is None:
            self._load_detail()
        return self._globals

    def set_globals(self, values: Env) -> None:
        self._globals = values

    def _load_detail(self) -> dict[str, CachedResult]:
        results: object = {}
        values: object = None
        try:
            # netgain: ignore[insecure-deserialization] netgain's own cache, written by this process
            results, values = pickle.loads(self.detail) if self.detail else ({}, None)  # noqa: S301
        except (*_PICKLE_ERRORS, ValueError):
            results, values = {}, None
        loaded: dict[str, CachedResult] = results if isinstance(results, dict) else {}
        self._results = loaded
        self._globals = values if isinstance(values, dict) else None
        return loaded

    def packed(self) -> FileEntry:
        """The entry as the snapshot stores it: overview fields filled in from the results,
        results and module-level values pickled into `detail`, no syntax trees."""
        results = self.results
        for cached in results.values():
            cached.freeze()
        findings: list[RawFinding] = []
        callees: set[str] = set()
        writes: Env = {}
        deps: dict[str, str] = {}
        for cached in results.values():
            findings.extend(cached.findings)
            callees.update(cached.deps)
            for callee, digest in cached.deps.items():
                deps[callee] = digest if deps.get(callee, digest) == digest else CONFLICT
            for name, value in cached.global_writes.items():
                old = writes.get(name)
                writes[name] = value if old is None else join(old, value)
        return FileEntry(
            rel=self.rel,
            line_count=self.line_count,
            module=_strip_module(self.module),
            functions={q: _strip_function(f) for q, f in self.functions.items()},
            classes=self.classes,
            patterns=self.patterns,
            digests={k: c.digest for k, c in results.items() if not k.startswith("<module>:")},
            findings=findings,
            callees=frozenset(callees),
            sinks=tuple(k for k, c in results.items() if c.has_sinks),
            global_writes=writes or None,
            deps=deps,
            detail=pickle.dumps((results, self.globals), protocol=pickle.HIGHEST_PROTOCOL),
        )


def _intact(record: _Record) -> bool:
    """Whether a record's entry has the checksum it was written with."""
    return len(record) == 4 and zlib.crc32(record[2]) == record[3]


class ScanCache:
    """One packed snapshot under `directory`, valid for one analysis context (`context` digest).

    The snapshot maps each file's path to its stat signature (size, mtime_ns, ctime_ns, inode), its
    content key and its pickled entry. A rescan reads that one file; a file whose stat matches
    is neither read nor hashed, and only entries that changed are pickled again on save.
    """

    def __init__(self, directory: Path, context: str, memory: ScanMemory | None = None) -> None:
        tag = f"v{CACHE_FORMAT}-py{sys.version_info.major}{sys.version_info.minor}"
        self.directory = directory / tag
        self._dir = str(self.directory)
        self.context = context
        self.memory = memory  # the records and earlier entries of this process's scans
        self.entries: dict[str, FileEntry] = {}  # rel -> entry (cached or fresh)
        self.keys: dict[str, str] = {}  # rel -> entry key
        self.dirty: set[str] = set()  # entries to write again
        self.fresh: set[str] = set()  # files parsed in this run (new or changed): not settled
        self.hits = 0
        self.misses = 0
        self.stat_hits = 0  # files whose stat matched the snapshot: not read, not hashed
        self.result_hits = 0  # whole-file results of another analysis reused (`lookup_result`)
        self._digests: dict[int, tuple[Summary, str]] = {}
        self._owners: dict[str, FileEntry] = {}  # result key -> entry holding it (see `seed`)
        self._settled: dict[str, str] = {}  # unchanged function -> digest of its cached summary
        self._dependents: dict[str, list[str]] | None = None  # see `_reverse_index`
        self._defined: set[str] = set()  # callees that were scanned functions when cached
        self._previous: dict[str, str] = {}  # changed files' functions -> their cached digest
        self._previous_unknown = False  # a changed file's previous entry could not be read
        self._by_module: dict[str, FileEntry] = {}  # unchanged module name -> its entry
        self._shared: list[FileEntry] = []  # unchanged entries whose module name is not unique
        self._unique: set[str] = set()  # files whose module name is theirs alone
        # callee -> the digest the settled bodies were computed from (CONFLICT when they differ)
        self._recorded: dict[str, str] = {}
        # a file modified this recently may change again within one mtime tick without its
        # stat changing ("racy clean" in git's words): its signature is not trusted next time
        self._racy_after = time.time_ns() - RACY_NS
        self._snapshot = f"{self._dir}/snapshot-{context[:32]}.pickle"
        self._unreadable: str | None = None  # why the snapshot could not be read, if it could not
        self._records: dict[str, _Record] = self._open_snapshot()
        self._sigs: dict[str, tuple[int, int, int, int] | None] = {}  # rel -> signature to record
        self._changed = False  # a record changed (new entry, or a stat signature only)
        self._bad_entries = 0  # entries of a readable snapshot that could not be unpickled

    def _open_snapshot(self) -> dict[str, _Record]:
        """The snapshot's records: from this process's memory when an earlier scan read them."""
        memory = self.memory
        if memory is None:
            return self._read_snapshot()
        records = memory.records(self._snapshot, CACHE_FORMAT, self.context)
        if records is None:
            records = self._read_snapshot()
            memory.adopt(self._snapshot, CACHE_FORMAT, self.context, records)
        return records

    def _read_snapshot(self) -> dict[str, _Record]:
        try:
            with open(self._snapshot, "rb") as fh:  # noqa: PTH123
                packed = pickle.loads(fh.read())  # noqa: S301 - netgain's own cache file
        except FileNotFoundError:
            return {}
        except (OSError, *_PICKLE_ERRORS) as exc:
            self._unreadable = f"{type(exc).__name__}: {exc}"
            return {}
        if not isinstance(packed, dict):
            self._unreadable = f"a {type(packed).__name__}, not a snapshot"
            return {}
        if (
            packed.get("format") != CACHE_FORMAT
            or packed.get("context") != self.context
            or not isinstance(packed.get("files"), dict)
        ):
            return {}
        records: dict[str, _Record] = packed["files"]
        return records

    def _identify(self, path: Path, rel: str) -> tuple[str, bytes | None, _Record | None]:
        """A file's content key (from its stat signature when that matches the snapshot, else
        from its bytes, then returned too) and its snapshot record, if any.

        Raises OSError when the file cannot be read.
        """
        st = os.stat(path)  # noqa: PTH116 - no pathlib object per file
        # ctime too: tools that restore an edited file's mtime (`touch -r`, rsync -t) cannot set it
        sig = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        record = self._records.get(rel)
        data: bytes | None = None
        # netgain: ignore[timing-unsafe-comparison] a file-stat signature, not a secret (known FP, see fixtures)
        if record is not None and record[0] is not None and record[0] == sig:
            key = record[1]
            self.stat_hits += 1
        else:
            data = path.read_bytes()
            # The path is part of the key: files with identical bytes (empty `__init__.py`,
            # copied migrations) have different module names, so they must not share one entry.
            key = hashlib.sha256(
                os.fsencode(rel) + b"\0" + self.context.encode() + b"\0" + data
            ).hexdigest()
        self.keys[rel] = key
        self._sigs[rel] = sig if st.st_mtime_ns < self._racy_after else None
        return key, data, record

    def _current[T](self, record: _Record | None, key: str, kind: type[T]) -> T | None:
        """The record's entry when it was stored under `key` and reads back as a `kind`; one
        stored under `key` that does not is counted as damaged."""
        if record is None or record[1] != key:
            return None
        found: object = None
        if _intact(record):
            try:
                # netgain: ignore[insecure-deserialization] netgain's own cache, written by this process
                found = pickle.loads(record[2])  # noqa: S301 - netgain's own cache file
            except _PICKLE_ERRORS:
                found = None
        if not isinstance(found, kind):
            self._bad_entries += 1
            return None
        return found

    def _retrust(self, rel: str, record: _Record, *, force: bool = False) -> None:
        """Record a reused entry's current stat signature when it differs from the stored one
        (always when `force`: the entry was recalled from memory, not read from the path's own
        record)."""
        trusted = self._sigs.get(rel)
        if force or record[0] != trusted:
            self._records[rel] = (trusted, record[1], record[2], record[3])
            self._changed = True

    def lookup_result[T](
        self, path: Path, rel: str, kind: type[T]
    ) -> tuple[T | None, bytes | None]:
        """For a file analysed as a whole by another analysis (JavaScript / TypeScript): its
        cached result of type `kind` (bytes None when unread), or (None, its bytes).

        Such results depend on the file alone, so they are kept under the same content key as
        a Python file's entry and never take part in the summary bookkeeping. Raises OSError
        when the file cannot be read.
        """
        key, data, record = self._identify(path, rel)
        found = self._current(record, key, kind)
        if record is None or not isinstance(found, kind):
            self._records.pop(rel, None)
            return None, data if data is not None else path.read_bytes()
        self._retrust(rel, record)
        self.result_hits += 1
        return found, data

    def store_result(self, rel: str, result: object) -> None:
        """Keep a whole-file result for `lookup_result` (the file was looked up in this run)."""
        key = self.keys.get(rel)
        if key is None:
            return
        try:
            blob = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, RecursionError, TypeError):
            return
        self._records[rel] = (self._sigs.get(rel), key, blob, zlib.crc32(blob))
        self._changed = True

    def lookup(self, path: Path, rel: str) -> tuple[FileEntry | None, bytes | None]:
        """The cached entry for this file (bytes None when unread), or (None, its bytes).

        Raises OSError when the file cannot be read; the caller reports it.
        """
        key, data, record = self._identify(path, rel)
        earlier = False
        if (record is None or record[1] != key) and self.memory is not None:
            record, earlier = self._recall(rel, key, record)
        entry = self._current(record, key, FileEntry)
        if entry is None or entry.rel != rel:
            self.misses += 1
            if record is not None and record[1] != key:
                if _intact(record):
                    self._remember_previous(record[2])
                else:
                    self._previous_unknown = True
            self._records.pop(rel, None)
            return None, data if data is not None else path.read_bytes()
        if record is not None:
            self._retrust(rel, record, force=earlier)
        self.hits += 1
        self.entries[rel] = entry
        return entry, data

    def _recall(self, rel: str, key: str, record: _Record | None) -> tuple[_Record | None, bool]:
        """The entry this process kept for `key` in place of the path's own record (which it
        keeps in turn), and whether it was found. The path's record then was another version:
        what its functions' summaries were is remembered as for a changed file."""
        memory = self.memory
        if memory is None:
            return record, False
        if record is not None and _intact(record):
            memory.remember(record[1], record[2], record[3])
        found = memory.recall(key)
        if found is None:
            return record, False
        if record is not None:
            if _intact(record):
                self._remember_previous(record[2])
            else:
                self._previous_unknown = True
        memory.content_hits += 1
        return (None, key, found[0], found[1]), True

    @property
    def problems(self) -> list[str]:
        """What could not be read from the cache (and was analysed again instead)."""
        found = []
        if self._unreadable is not None:
            found.append(
                f"analysis cache {self._snapshot} could not be read ({self._unreadable}); "
                "every file was analysed again and the cache rebuilt"
            )
        if self._bad_entries:
            found.append(
                f"{self._bad_entries} entr{'y' if self._bad_entries == 1 else 'ies'} of the "
                f"analysis cache {self._snapshot} could not be read; those files were analysed "
                "again"
            )
        return found

    def start_entry(
        self, rel: str, line_count: int, module: ModuleInfo, index: ProgramIndex
    ) -> None:
        """Start a new entry for a file parsed in this run (once it is indexed)."""
        functions = {q: index.functions[q] for q in index.function_names_of(module.name)}
        classes = {q: index.classes[q] for q in index.class_names_of(module.name)}
        self.entries[rel] = FileEntry.fresh(rel, line_count, module, functions, classes)
        self.dirty.add(rel)
        self.fresh.add(rel)

    def patterns(self, rel: str) -> list[PatternRecord] | None:
        """The pattern-rule hits cached for an unchanged file, or None."""
        entry = self.entries.get(rel)
        if entry is None or rel in self.fresh:
            return None
        return entry.patterns

    def store_patterns(self, rel: str, records: list[PatternRecord]) -> None:
        entry = self.entries.get(rel)
        if entry is not None:
            entry.patterns = records
            self.dirty.add(rel)

    def save(self) -> None:
        """Write the snapshot when an entry or a signature changed (entries without AST nodes,
        which are cheap to rebuild). Records of files not seen in this run are kept: a scan of
        one file must not throw away the rest of the tree's cache."""
        for rel in sorted(self.dirty):
            entry = self.entries.get(rel)
            key = self.keys.get(rel)
            if entry is None or key is None:
                continue
            try:
                blob = pickle.dumps(entry.packed(), protocol=pickle.HIGHEST_PROTOCOL)
            except (pickle.PicklingError, RecursionError, TypeError):
                self._records.pop(rel, None)
                continue
            self._records[rel] = (self._sigs.get(rel), key, blob, zlib.crc32(blob))
            self._changed = True
        if not self._changed:
            return
        if self.memory is not None:
            self.memory.saved(self._snapshot)  # written by the memory, now and then
            return
        packed = {"format": CACHE_FORMAT, "context": self.context, "files": self._records}
        write_snapshot(self._snapshot, packed)

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

    def _remember_previous(self, blob: bytes) -> None:
        """The summary digests a changed file's functions had when it was cached: a function
        whose summary comes out the same needs none of its callers checked again."""
        try:
            # netgain: ignore[insecure-deserialization] netgain's own cache, written by this process
            old = pickle.loads(blob)  # noqa: S301 - netgain's own cache file
        except _PICKLE_ERRORS:
            old = None
        if not isinstance(old, FileEntry):
            self._previous_unknown = True
            return
        self._previous.update(old.digests)

    def seed(self) -> dict[str, str]:
        """The summary digests of unchanged functions ("settled": their cached results stand
        until a callee's summary changes)."""
        settled = self._settled
        # key -> entry, so a key's entry is found without resolving its module; only for
        # modules whose name no other scanned file shares (a `.py` beside its `.pyi`)
        names: dict[str, int] = {}
        for entry in self.entries.values():
            names[entry.module.name] = names.get(entry.module.name, 0) + 1
        owners = self._owners
        for rel, entry in self.entries.items():
            unique = names[entry.module.name] == 1
            if unique:
                self._unique.add(rel)
            if rel in self.fresh:
                continue
            if not unique:
                self._shared.append(entry)
            if unique:
                owners.update(dict.fromkeys(entry.digests, entry))
                owners[f"<module>:{entry.module.name}"] = entry
                self._by_module[entry.module.name] = entry
            settled.update(entry.digests)
            recorded = self._recorded
            for callee, digest in entry.deps.items():
                recorded[callee] = digest if recorded.get(callee, digest) == digest else CONFLICT
        return settled

    def _entry_of(self, key: str) -> FileEntry | None:
        """The unchanged entry holding a body's cached result."""
        entry = self._owners.get(key)
        if entry is None:
            for other in self._shared:  # a module name shared by two files: rare
                if key in other.digests or key == f"<module>:{other.module.name}":
                    return other
        return entry

    def _reverse_index(self) -> dict[str, list[str]]:
        """callee -> the settled bodies computed from its summary; built on first need (a
        rescan whose changed functions keep their summaries never needs it)."""
        if self._dependents is None:
            dependents: dict[str, list[str]] = {}
            defined = self._defined
            for rel, entry in self.entries.items():
                if rel in self.fresh:
                    continue
                for key, cached in entry.results.items():
                    for callee, digest in cached.deps.items():
                        if digest != "-":
                            defined.add(callee)
                        found = dependents.get(callee)
                        if found is None:
                            dependents[callee] = [key]
                        else:
                            found.append(key)
            self._dependents = dependents
        return self._dependents

    def settled(self, key: str) -> CachedResult | None:
        """The cached result of an unchanged body, without checking its callees."""
        entry = self._entry_of(key)
        return entry.results.get(key) if entry is not None else None

    def summary(self, qual: str) -> Summary | None:
        """The summary of a settled function, unpickled on first use."""
        if qual not in self._settled:
            return None
        cached = self.settled(qual)
        return cached.summary if cached is not None else None

    def settled_modules(self) -> set[str]:
        """Modules whose body's cached result stands (unchanged files)."""
        return {e.module.name for rel, e in self.entries.items() if rel not in self.fresh}

    def settled_view(self, touched: set[str]) -> tuple[list[RawFinding], set[str], list[str]]:
        """Findings, callees and functions with parameter sinks of every settled body, except
        the `touched` ones (analysed or checked again in this run, reported by the engine)."""
        touched_entries = {id(e) for e in map(self._entry_of, touched) if e is not None}
        findings: list[RawFinding] = []
        callees: set[str] = set()
        sinks: list[str] = []
        for rel, entry in self.entries.items():
            if rel in self.fresh:
                continue
            if id(entry) not in touched_entries:
                findings.extend(entry.findings)
                callees.update(entry.callees)
                sinks.extend(entry.sinks)
                continue
            for key, cached in entry.results.items():
                if key not in touched:
                    findings.extend(cached.findings)
                    callees.update(cached.deps)
                    if cached.has_sinks:
                        sinks.append(key)
        return findings, callees, sinks

    def dependents(self, callee: str) -> list[str]:
        """Cached bodies computed from `callee`'s summary (to check again when it changed)."""
        return self._reverse_index().get(callee, [])

    def previous_digest(self, qual: str) -> str:
        """The digest of a function's summary that the settled bodies calling it were computed
        from ("-": not known then); the cached entry's own digest when none calls it."""
        recorded = self._recorded.get(qual)
        if recorded is not None:
            return recorded
        return self._settled.get(qual) or self._previous.get(qual, "-")

    def orphaned(self, index: ProgramIndex) -> list[str]:
        """Callees whose settled dependents must be checked again: those that were scanned
        functions and are gone (a changed file no longer defines them, a file was deleted or
        left out of this scan), and unchanged ones whose summary is not the one the dependents
        were computed from. The latter happens when the files of one snapshot are scanned in
        different subsets (the gate scans a change's files and their imports): a dependent's
        entry may have been saved against another version of its callee's file."""
        gone = [q for q, d in self._previous.items() if d != "-" and q not in index.functions]
        unseen = any(rel not in self.keys for rel in self._records)
        if unseen or self._previous_unknown:
            self._reverse_index()
            gone.extend(c for c in self._defined if c not in index.functions)
        settled = self._settled
        for callee, digest in self._recorded.items():
            if callee in settled:
                if settled[callee] != digest:
                    gone.append(callee)
            elif digest != "-" and callee not in index.functions:
                gone.append(callee)
        return gone

    def still_valid(self, key: str, program: Program) -> bool:
        cached = self.settled(key)
        return cached is not None and all(
            self.current_digest(callee, program) == digest for callee, digest in cached.deps.items()
        )

    def current_digest(self, callee: str, program: Program) -> str:
        summary = program.summaries.get(callee)
        if summary is None:
            return self._settled.get(callee, "-")
        known = self._digests.get(id(summary))
        if known is not None and known[0] is summary:
            return known[1]
        return self.digest(summary)

    def seed_global_writes(self) -> dict[str, Env]:
        out: dict[str, Env] = {}
        for rel, entry in self.entries.items():
            if rel in self.fresh or not entry.global_writes:
                continue
            known = out.setdefault(entry.module.name, {})
            for name, value in entry.global_writes.items():
                old = known.get(name)
                known[name] = value if old is None else join(old, value)
        return out

    def has_cached_globals(self, module: ModuleInfo) -> bool:
        entry = self.entries.get(module.path)
        return entry is not None and module.path not in self.fresh

    def module_globals(self, module: str) -> Env | None:
        """The module-level values of an unchanged module, unpickled on first use."""
        entry = self._by_module.get(module)
        return (entry.globals or {}) if entry is not None else None

    def reuse(self, key: str, program: Program) -> AnalysisResult | None:
        entry = self._entry_of(key)
        if entry is None:
            return None
        cached = entry.results.get(key)
        if cached is None:
            return None
        for callee, digest in cached.deps.items():
            if self.current_digest(callee, program) != digest:
                return None
        if key.startswith("<module>:"):
            program.globals[entry.module.name] = entry.globals or {}
        return cached.result

    def store(self, key: str, module: ModuleInfo, program: Program, result: AnalysisResult) -> None:
        entry = self.entries.get(module.path)
        if entry is None:
            return
        deps = {callee: self.current_digest(callee, program) for callee in result.callees}
        entry.results[key] = CachedResult.of(result, deps, self.digest(result.summary))
        if module.path in self._unique:
            self._owners[key] = entry  # a body analysed twice in this run may reuse its result
        if key.startswith("<module>:"):
            entry.set_globals(program.globals.get(module.name, {}))
        self.dirty.add(module.path)


def _strip_module(module: ModuleInfo) -> ModuleInfo:
    return ModuleInfo(
        module.name,
        module.path,
        module.is_package,
        dict(module.imports),
        dict(module.definitions),
        None,
        {scope: dict(names) for scope, names in module.scoped_imports.items()},
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
