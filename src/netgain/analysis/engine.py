"""Whole-program taint analysis: function summaries to a fixpoint, then findings.

Every function is analysed with the summaries known so far, callees before their callers (a
callee not analysed yet is analysed when a caller first asks for its summary); whenever a summary
changes shape, its known callers are analysed again (bounded per function, so recursion
terminates). Module bodies
run first (module-level values such as `app = Flask(...)` or `CMD = sys.argv[1]` are then visible
to functions) and again at the end (module-level calls see the final summaries).

A cache plugs in through `EngineHooks`: it seeds the summaries of unchanged functions and answers
for a function whose callees' summaries are unchanged. With no hooks every function is analysed.
A module indexed without its syntax tree (restored from the cache) is parsed through `parse`, the
parse stage's callback, when one of its bodies must be analysed again.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from netgain.analysis.dataflow import AnalysisResult, Env, Program, analyze_function
from netgain.analysis.findings import Confidence
from netgain.analysis.index import FunctionInfo, ModuleInfo, ProgramIndex
from netgain.analysis.options import EntryMode
from netgain.analysis.summaries import RawFinding, Summary, better_finding
from netgain.analysis.taint_models import TaintModels
from netgain.analysis.values import Step, join

MAX_ROUNDS_PER_FUNCTION = 6
# callees analysed on demand one inside the other (each keeps its callers' frames on the stack,
# a dozen or two per level; the recursion limit during a scan is 6,000)
MAX_DEMAND_DEPTH = 64
_EMPTY_SHAPE = Summary().shape()

# Sinks where a public parameter is the library's interface rather than evidence of input: a
# wrapper around `git` takes refs and paths and passes them on as arguments by design. Library
# mode reports these only from a request, never from a parameter with no caller.
CALLER_CHOSEN_RULES = frozenset({"argument-injection"})


def module_key(module: ModuleInfo) -> str:
    """The result key of a module body (functions use their qualified name)."""
    return f"<module>:{module.name}"


# gives a module restored from the cache its syntax tree; False when it cannot be parsed any more
ParseHook = Callable[[ModuleInfo], bool]


class BodyResult(Protocol):
    """What the engine reads of a body's result once the fixpoint is reached (a fresh
    `AnalysisResult` or a settled result from the cache)."""

    @property
    def findings(self) -> list[RawFinding]: ...

    @property
    def callees(self) -> set[str]: ...

    @property
    def summary(self) -> Summary: ...

    @property
    def has_sinks(self) -> bool: ...


class EngineHooks(Protocol):
    def seed(self) -> dict[str, str]:
        """Digests of the summaries of unchanged functions: their cached results stand
        ("settled") until a callee's summary changes, and are not visited otherwise."""
        ...

    def summary(self, qual: str) -> Summary | None:
        """A settled function's summary, loaded when a re-analysed caller needs it."""
        ...

    def dependents(self, callee: str) -> list[str]:
        """Cached bodies computed from `callee`'s summary (the reverse-dependency index)."""
        ...

    def previous_digest(self, qual: str) -> str:
        """The digest of a function's summary before this run ("-" when it is new)."""
        ...

    def orphaned(self, index: ProgramIndex) -> list[str]:
        """Callees of cached bodies that no longer exist in the scanned code."""
        ...

    def current_digest(self, callee: str, program: Program) -> str:
        """The digest of a callee's summary as the program knows it now."""
        ...

    def still_valid(self, key: str, program: Program) -> bool:
        """Whether a settled body's callees all have the summaries it was computed from."""
        ...

    def seed_global_writes(self) -> dict[str, Env]:
        """`global NAME` writes of unchanged functions, per module, known before any analysis
        (so a reader analysed early sees them, and a reused writer changes nothing)."""
        ...

    def has_cached_globals(self, module: ModuleInfo) -> bool:
        """Whether an unchanged module's module-level values are cached (else: analyse it)."""
        ...

    def module_globals(self, module: str) -> Env | None:
        """An unchanged module's module-level values, loaded when a body reads them."""
        ...

    def settled_modules(self) -> set[str]:
        """Modules whose body's cached result stands."""
        ...

    def settled_view(self, touched: set[str]) -> tuple[list[RawFinding], set[str], list[str]]:
        """Findings, callees and functions with parameter sinks of the settled bodies."""
        ...

    def reuse(self, key: str, program: Program) -> AnalysisResult | None:
        """A cached result whose callee summaries still match, or None."""
        ...

    def store(self, key: str, module: ModuleInfo, program: Program, result: AnalysisResult) -> None:
        """Record a fresh result with the callee summaries it was computed from."""
        ...


@dataclass(slots=True)
class EngineResult:
    findings: list[RawFinding]
    summaries: dict[str, Summary]
    callees: dict[str, set[str]] = field(default_factory=dict)
    analyses: int = 0
    reused: int = 0
    failures: list[tuple[str, int | None, str]] = field(
        default_factory=list
    )  # (path, line, reason)


class _TooDeepError(Exception):
    """A body analysed on demand ran out of stack inside its callers' analyses."""


class _Runner:
    def __init__(
        self, program: Program, hooks: EngineHooks | None, parse: ParseHook | None
    ) -> None:
        self.program = program
        self.index = program.index
        self.hooks = hooks
        self.parse = parse
        self.analyses = 0
        self.reused = 0
        self.failures: list[tuple[str, int | None, str]] = []

    def analyze(
        self, module: ModuleInfo, fn: FunctionInfo | None, *, nested: bool = False
    ) -> AnalysisResult | None:
        """Analyse one body; hostile nesting depth is reported, never fatal. A body analysed
        on demand inside its callers (`nested`) that runs out of stack is not reported: it is
        analysed again at the top level (`_TooDeepError`)."""
        try:
            result = analyze_function(self.program, module, fn)
        except RecursionError:
            if nested:
                raise _TooDeepError from None
            where = f"{fn.name}()" if fn is not None else "the module body"
            self.failures.append(
                (
                    module.path,
                    fn.lineno if fn is not None else None,
                    f"analysis incomplete in {where}: nesting too deep",
                )
            )
            return None
        self.analyses += 1
        return result

    def result_for(
        self,
        key: str,
        module: ModuleInfo,
        fn_qual: str | None,
        *,
        fresh: bool = False,
        nested: bool = False,
    ) -> AnalysisResult | None:
        """The body's result: reused from the cache when its callees' summaries are unchanged,
        unless `fresh` (a module global it may read was written since it was computed)."""
        hooks = self.hooks
        if hooks is not None:
            cached = None if fresh else hooks.reuse(key, self.program)
            if cached is not None:
                self.reused += 1
                return cached
        if module.tree is None and (self.parse is None or not self.parse(module)):
            return None
        fn = self.index.functions.get(fn_qual) if fn_qual else None
        if fn_qual is not None and (fn is None or fn.node is None):
            return None
        result = self.analyze(module, fn, nested=nested)
        if result is None:
            return None
        if hooks is not None:
            hooks.store(key, module, self.program, result)
        return result


def _merge_writes(program: Program, module: str, writes: Env) -> bool:
    """Join a function's `global NAME` assignments into the module's; True when that changed."""
    known = program.global_writes.setdefault(module, {})
    changed = False
    for name, value in writes.items():
        old = known.get(name)
        new = value if old is None else join(old, value)
        if old is None or new != old:
            known[name] = new
            changed = True
    return changed


class _Fixpoint:
    """The worklist of function bodies, analysed callees first, until no summary changes shape.

    Functions are queued in source order, but a function is analysed before the first caller
    that needs its summary: when a body's call reaches a function that has not been analysed
    yet, that function is analysed there and then (`demand`, through `Program.summary_of`), so
    the worklist follows a topological order of the call graph as calls are resolved (depth
    first, callees first). A callee already being analysed (recursion) answers with what is
    known, as before: its callers are queued again when its summary changes shape. Each
    function is then analysed once where possible, rather than once with an empty summary for
    each callee not yet seen and again when that summary arrives (a fifth of the analyses of a
    cold Django scan were such repeats)."""

    def __init__(
        self,
        program: Program,
        runner: _Runner,
        hooks: EngineHooks | None,
        settled: dict[str, str],
        ordered: Iterable[str],
    ) -> None:
        self.program = program
        self.index = program.index
        self.runner = runner
        self.hooks = hooks
        self.settled = settled
        self.results: dict[str, AnalysisResult] = {}
        # callers per callee in the order they were analysed (not a set: the order functions
        # are queued again must not depend on string hashing)
        self.callers: dict[str, dict[str, None]] = {}
        self.rounds: dict[str, int] = {}
        self.queue: deque[str] = deque(ordered)
        self.queued = set(self.queue)  # waiting for a visit (entries not in it are stale)
        self.stale_globals: set[str] = set()  # queued again: a module global they read changed
        self.recheck: set[str] = set()  # settled module bodies a changed summary may affect
        self.nesting = 0  # functions being analysed on demand, one inside the other
        self.deferred: set[str] = set()  # out of stack on demand: left for the top level

    def enqueue(self, keys: Iterable[str], *, modules: bool = False) -> None:
        """Queue functions to visit again; with `modules`, module bodies go to `recheck`
        (checked at the end)."""
        for key in keys:
            if modules and key.startswith("<module>:"):
                self.recheck.add(key)
            elif (
                key not in self.queued
                and key in self.index.functions
                and self.rounds.get(key, 0) < MAX_ROUNDS_PER_FUNCTION
            ):
                self.queue.append(key)
                self.queued.add(key)

    def run(self) -> None:
        hooks = self.hooks
        if hooks is not None:
            for gone in hooks.orphaned(self.index):
                self.enqueue(hooks.dependents(gone), modules=True)
        self.program.demand = self.demand
        try:
            while self.queue:
                qual = self.queue.popleft()
                if qual not in self.queued:
                    continue  # analysed on demand since it was queued
                self.queued.discard(qual)
                self.visit(qual)
        finally:
            self.program.demand = None

    def demand(self, qual: str) -> None:
        """Analyse `qual` now, before the caller that asks for its summary, if it is waiting
        for its first visit (not one being analysed: recursion keeps today's answer)."""
        if (
            self.nesting >= MAX_DEMAND_DEPTH
            or qual not in self.queued
            or qual in self.rounds
            or qual in self.deferred
        ):
            return
        self.queued.discard(qual)
        self.nesting += 1
        try:
            self.visit(qual)
        except _TooDeepError:
            # the stack of callers analysed on demand left too little room: analyse it at the
            # top level instead (where nesting too deep is reported as always)
            del self.rounds[qual]
            self.queued.add(qual)  # its entry is still in the queue
            self.deferred.add(qual)
        finally:
            self.nesting -= 1

    def visit(self, qual: str) -> None:
        program, index, hooks, settled = self.program, self.index, self.hooks, self.settled
        fn = index.functions[qual]
        self.rounds[qual] = self.rounds.get(qual, 0) + 1
        if (
            hooks is not None
            and qual in settled
            and qual not in self.stale_globals
            and hooks.still_valid(qual, program)
        ):
            return  # a dependent whose callees' summaries are as cached: it stays settled
        fresh = qual in self.stale_globals or qual in settled
        # before the analysis: a callee analysed on demand inside it may write a global it
        # reads and mark it stale again
        self.stale_globals.discard(qual)
        result = self.runner.result_for(
            qual, index.modules[fn.module], qual, fresh=fresh, nested=self.nesting > 0
        )
        settled.pop(qual, None)
        if result is None:
            return
        self.results[qual] = result
        for callee in result.callees:
            self.callers.setdefault(callee, {})[qual] = None
        if result.global_writes and _merge_writes(program, fn.module, result.global_writes):
            # a module global written here (`global NAME`) is read by the module's functions
            # (`from m import NAME` elsewhere binds the value at import time): analyse them again
            for reader in index.function_names_of(fn.module):
                if (
                    reader not in self.queued
                    and self.rounds.get(reader, 0) < MAX_ROUNDS_PER_FUNCTION
                ):
                    self.queue.append(reader)
                    self.queued.add(reader)
                    self.stale_globals.add(reader)
        old = program.summaries.get(qual)
        before = hooks.previous_digest(qual) if hooks is not None and old is None else ""
        program.summaries[qual] = result.summary
        if old is result.summary:  # a reused result: its summary is the seeded one
            return
        # a caller analysed before this function's first summary read an empty one
        old_shape = old.shape() if old is not None else _EMPTY_SHAPE
        if old_shape != result.summary.shape():
            self.enqueue(self.callers.get(qual, ()))
        elif old is not None:
            return
        if hooks is not None and before != hooks.current_digest(qual, program):
            self.enqueue(hooks.dependents(qual), modules=True)


def run_engine(
    index: ProgramIndex,
    models: TaintModels,
    mode: EntryMode,
    *,
    enabled_rules: frozenset[str] | None = None,
    hooks: EngineHooks | None = None,
    parse: ParseHook | None = None,
) -> EngineResult:
    """Analyse every function and module body of `index` and collect the findings."""
    program = Program(index=index, models=models, mode=mode, enabled_rules=enabled_rules)
    runner = _Runner(program, hooks, parse)
    settled: dict[str, str] = {}
    if hooks is not None:
        settled = dict(hooks.seed())
        program.summary_loader = hooks.summary
        program.globals_loader = hooks.module_globals
        for module_name, writes in hooks.seed_global_writes().items():
            _merge_writes(program, module_name, writes)
    modules = sorted(index.modules.values(), key=lambda m: m.name)
    for module in modules:
        if hooks is not None and hooks.has_cached_globals(module):
            continue  # its module-level values are loaded when a body reads them
        if module.tree is not None:
            runner.analyze(module, None)

    # functions of changed files first: their summaries are the ones that may differ. Settled
    # functions (unchanged, with a cached result) are visited only when a callee's summary
    # changed or a module global they read was written (the reverse-dependency index).
    ordered = sorted(
        (f for f in index.functions.values() if f.qualname not in settled),
        key=lambda f: (f.node is None, f.module, f.lineno),
    )
    fixpoint = _Fixpoint(program, runner, hooks, settled, (fn.qualname for fn in ordered))
    fixpoint.run()
    results, callers, recheck = fixpoint.results, fixpoint.callers, fixpoint.recheck

    findings: dict[tuple[str, str, int, int], RawFinding] = {}

    def add(f: RawFinding) -> None:
        key = (f.rule, f.sink.path, f.sink.line, f.sink.column)
        old = findings.get(key)
        if old is None or better_finding(f, old):
            findings[key] = f

    # module bodies: those of unchanged files stand unless a callee they used changed
    settled_modules = hooks.settled_modules() if hooks is not None else set()
    touched: set[str] = set(results)
    called: set[str] = set(callers)
    for module in modules:
        key = module_key(module)
        if module.name in settled_modules and key not in recheck:
            continue
        touched.add(key)
        top = runner.result_for(key, module, None)
        if top is None:
            continue
        for f in top.findings:
            add(f)
        called.update(top.callees)
    # with a library's parameters as input: functions with parameter sinks and no caller
    uncalled: list[tuple[str, BodyResult | None]] = []
    for qual, result in results.items():
        called.update(result.callees)
        for f in result.findings:
            add(f)
        if result.has_sinks:
            uncalled.append((qual, result))
    if hooks is not None:
        kept_findings, kept_callees, kept_sinks = hooks.settled_view(touched)
        kept_modules = sum(1 for m in settled_modules if f"<module>:{m}" not in touched)
        runner.reused += len(settled) + kept_modules
        for f in kept_findings:
            add(f)
        called.update(kept_callees)
        uncalled.extend((qual, None) for qual in kept_sinks)
    if mode is EntryMode.LIBRARY:
        for qual, body in uncalled:
            owner = index.functions.get(qual)
            if qual in called or owner is None or not owner.public:
                continue
            summary = body.summary if body is not None else program.summary_of(qual)
            for ps in summary.sinks if summary is not None else ():
                if (
                    (owner.is_method and ps.param == 0)
                    or "user" not in ps.sources
                    or ps.rule in CALLER_CHOSEN_RULES
                ):
                    continue
                first = ps.trace[0]
                entry = Step(
                    first.path,
                    first.line,
                    first.column,
                    first.message + " (no caller in the scanned code: treated as untrusted)",
                )
                add(
                    RawFinding(
                        ps.rule, ps.trace[-1], (entry, *ps.trace[1:]), Confidence.LOW, "param"
                    )
                )
    return EngineResult(
        findings=sorted(
            findings.values(), key=lambda f: (f.sink.path, f.sink.line, f.sink.column, f.rule)
        ),
        summaries=program.summaries,
        callees={q: r.callees for q, r in results.items()},
        analyses=runner.analyses,
        reused=runner.reused,
        failures=sorted(set(runner.failures), key=lambda f: (f[0], f[1] or 0)),
    )
