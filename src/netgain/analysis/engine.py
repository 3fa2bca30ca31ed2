"""Whole-program taint analysis: function summaries to a fixpoint, then findings.

Every function is analysed once with empty callee summaries; whenever a summary changes shape,
its known callers are analysed again (bounded per function, so recursion terminates). Module
bodies run first (module-level values such as `app = Flask(...)` or `CMD = sys.argv[1]` are then
visible to functions) and again at the end (module-level calls see the final summaries).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from netgain.analysis.dataflow import AnalysisResult, Program, analyze_function
from netgain.analysis.findings import Confidence
from netgain.analysis.index import FunctionInfo, ProgramIndex
from netgain.analysis.options import EntryMode
from netgain.analysis.summaries import RawFinding, Summary
from netgain.analysis.taint_models import TaintModels
from netgain.analysis.values import Step

MAX_ROUNDS_PER_FUNCTION = 6
_RANK = {Confidence.HIGH: 2, Confidence.MEDIUM: 1, Confidence.LOW: 0}


@dataclass(slots=True)
class EngineResult:
    findings: list[RawFinding]
    summaries: dict[str, Summary]
    callees: dict[str, set[str]] = field(default_factory=dict)
    analyses: int = 0


def _better(a: RawFinding, b: RawFinding) -> bool:
    """Whether `a` should replace `b` for the same sink: stronger, then shorter trace."""
    if _RANK[a.confidence] != _RANK[b.confidence]:
        return _RANK[a.confidence] > _RANK[b.confidence]
    return len(a.trace) < len(b.trace)


def run_engine(
    index: ProgramIndex,
    models: TaintModels,
    mode: EntryMode,
    *,
    enabled_rules: frozenset[str] | None = None,
    reuse: Callable[[FunctionInfo, Program], AnalysisResult | None] | None = None,
    store: Callable[[FunctionInfo, Program, AnalysisResult], None] | None = None,
) -> EngineResult:
    """Analyse every function and module body of `index`.

    `reuse` may answer for a function from a cache (given the current callee summaries) and
    `store` records fresh results; both are optional.
    """
    program = Program(index=index, models=models, mode=mode, enabled_rules=enabled_rules)
    results: dict[str, AnalysisResult] = {}
    callers: dict[str, set[str]] = {}
    rounds: dict[str, int] = {}
    analyses = 0
    modules = sorted(index.modules.values(), key=lambda m: m.name)
    for module in modules:
        if module.tree is not None:
            analyze_function(program, module, None)
            analyses += 1

    functions = [fn for fn in index.functions.values() if fn.node is not None or reuse is not None]
    queue: deque[str] = deque(
        fn.qualname for fn in sorted(functions, key=lambda f: (f.module, f.lineno))
    )
    queued = set(queue)
    while queue:
        qual = queue.popleft()
        queued.discard(qual)
        fn = index.functions[qual]
        rounds[qual] = rounds.get(qual, 0) + 1
        result = reuse(fn, program) if reuse is not None else None
        if result is None:
            if fn.node is None:
                continue
            result = analyze_function(program, index.modules[fn.module], fn)
            analyses += 1
            if store is not None:
                store(fn, program, result)
        results[qual] = result
        for callee in result.callees:
            callers.setdefault(callee, set()).add(qual)
        old = program.summaries.get(qual)
        if old is None or old.shape() != result.summary.shape():
            program.summaries[qual] = result.summary
            if old is not None or result.summary.shape() != Summary().shape():
                for caller in callers.get(qual, ()):
                    if caller not in queued and rounds.get(caller, 0) < MAX_ROUNDS_PER_FUNCTION:
                        queue.append(caller)
                        queued.add(caller)
        else:
            program.summaries[qual] = result.summary

    findings: dict[tuple[str, str, int, int], RawFinding] = {}

    def add(f: RawFinding) -> None:
        key = (f.rule, f.sink.path, f.sink.line, f.sink.column)
        old = findings.get(key)
        if old is None or _better(f, old):
            findings[key] = f

    for module in modules:
        if module.tree is not None:
            top = analyze_function(program, module, None)
            analyses += 1
            for f in top.findings:
                add(f)
            for callee in top.callees:
                callers.setdefault(callee, set()).add(f"{module.name}.<module>")
    for result in results.values():
        for f in result.findings:
            add(f)
    if mode is EntryMode.LIBRARY:
        for qual, result in results.items():
            fn = index.functions[qual]
            if qual in callers or not fn.public:
                continue
            for ps in result.summary.sinks:
                if (fn.is_method and ps.param == 0) or "user" not in ps.sources:
                    continue
                first = ps.trace[0] if ps.trace else ps.trace[-1]
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
        analyses=analyses,
    )
