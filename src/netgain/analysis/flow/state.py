"""State shared by the parts of the function analyzer, and the contract between them.

`FunctionAnalyzer` is assembled from mixins, one per concern (parameters, expressions, calls,
statements, guards, sinks). Each mixin reads on its own: what it needs from the others is
declared here as `AnalyzerState`'s methods, which the final class overrides. The whole-program
`Program` and the per-function `AnalysisResult` live here too, so that every part (and the
engine and cache above them) imports them from one place.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from netgain.analysis.index import FunctionInfo, ModuleInfo, ProgramIndex
from netgain.analysis.options import EntryMode
from netgain.analysis.summaries import ParamSink, RawFinding, Summary
from netgain.analysis.taint_models import NameSinkModel, SinkModel, SourceModel, TaintModels
from netgain.analysis.values import Label, Step, Value, fast_pickle, join

Env = dict[str, Value]
_MISSING = object()
LOOP_ROUNDS = 3
MAX_CLOSURE_DEPTH = 3
REQUEST_TYPE = "netgain:request"
SESSION_TYPE = "netgain:session"
# a mapping whose entries are not tracked one by one (a comprehension, computed keys)
DICT_TYPE = "builtins.dict"
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass(frozen=True, slots=True)
class CallFacts:
    """What the taint models and the index say about one callee (qualified name, method name),
    whatever the arguments: looked up once per scan rather than at every call (prefix models
    are a scan over a list)."""

    sinks: tuple[SinkModel, ...]
    type_: str | None  # the type the call returns
    sanitizes: frozenset[str] | None  # rules a sanitizer clears
    source: SourceModel | None
    new_data: bool  # its result carries none of its inputs' taint
    scanned: bool  # a function or class of the scanned tree (its summary answers)


@dataclass(slots=True)
class Program:
    """Whole-program state shared by every function analysis."""

    index: ProgramIndex
    models: TaintModels
    mode: EntryMode
    summaries: dict[str, Summary] = field(default_factory=dict)
    globals: dict[str, Env] = field(default_factory=dict)
    # values functions assign to module globals (`global NAME`), per module, joined
    global_writes: dict[str, Env] = field(default_factory=dict)
    enabled_rules: frozenset[str] | None = None  # None = all
    # the summary of a function settled from the cache, loaded on first use (see `summary_of`)
    summary_loader: Callable[[str], Summary | None] | None = None

    # the module-level values of a module settled from the cache, loaded on first use
    globals_loader: Callable[[str], Env | None] | None = None
    # analyses a function not analysed yet, so that its caller reads its summary rather than
    # an empty one (the engine's callees-first order; see `engine._Fixpoint`)
    demand: Callable[[str], None] | None = None
    # per (qualified callee, method name): see `CallFacts`
    call_facts: dict[tuple[str | None, str | None], CallFacts] = field(default_factory=dict)
    # name models matching a text, per text (a name is matched at every assignment to it)
    _name_sinks: dict[str, tuple[NameSinkModel, ...]] = field(default_factory=dict)
    # facts read off a syntax tree alone, per tree (a body is analysed again when a callee's
    # summary changes, a module body twice): see `syntax_memo`
    _syntax_memo: dict[tuple[str, ast.AST], object] = field(default_factory=dict)

    def syntax_memo[T](self, what: str, node: ast.AST, compute: Callable[[], T]) -> T:
        """What `compute` reads off `node`'s syntax alone, computed once per scan: the engine
        analyses a body several times (its callees' summaries changed, a module body before and
        after the functions) and each analysis asked again. Keyed by the node itself, not its
        `id`: the memo keeps the tree alive, so a tree parsed again is a new key."""
        key = (what, node)
        found = self._syntax_memo.get(key, _MISSING)
        if found is _MISSING:
            found = compute()
            self._syntax_memo[key] = found
        return found  # type: ignore[return-value]

    def name_sinks_in(self, text: str) -> tuple[NameSinkModel, ...]:
        """The name models whose pattern matches `text` (RE2, once per distinct text)."""
        found = self._name_sinks.get(text)
        if found is None:
            found = tuple(ns for ns in self.models.name_sinks if ns.pattern.search(text))
            self._name_sinks[text] = found
        return found

    def globals_of(self, module: str) -> Env:
        """A module's module-level values: from its body's analysis, or cached."""
        found = self.globals.get(module)
        if found is None and self.globals_loader is not None:
            found = self.globals_loader(module)
            if found is not None:
                self.globals[module] = found
        return found or {}

    def summary_of(self, qual: str) -> Summary | None:
        """A function's summary as known now: computed in this run, or a cached one."""
        found = self.summaries.get(qual)
        if found is None and self.summary_loader is not None:
            found = self.summary_loader(qual)
            if found is not None:
                self.summaries[qual] = found
        if found is None and self.demand is not None:
            self.demand(qual)
            found = self.summaries.get(qual)
        return found


@fast_pickle
@dataclass(slots=True)
class AnalysisResult:
    summary: Summary
    findings: list[RawFinding]
    callees: set[str]
    global_writes: Env = field(default_factory=dict)  # `global NAME` assignments of the body

    @property
    def has_sinks(self) -> bool:
        return bool(self.summary.sinks)


def snake(name: str) -> str:
    """`sessionId` / `SESSION_ID` -> `session_id`: name models match on `_`-separated words."""
    return _CAMEL.sub("_", name).lower()


def step_at(path: str, node: ast.AST, message: str) -> Step:
    """A trace step at `node` (line, 1-based column) with a message for the reader."""
    return Step(path, getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1, message)


def join_envs(a: Env | None, b: Env | None) -> Env | None:
    """Join two branch environments; `None` is a path that ended (return, raise, abort)."""
    if a is None:
        return None if b is None else dict(b)
    if b is None:
        return dict(a)
    out = dict(a)
    for k, v in b.items():
        old = out.get(k)
        if old is None:
            out[k] = v
        elif old is not v:  # most names are untouched by either branch: the same object
            out[k] = join(old, v)
    return out


def short(node: ast.AST) -> str:
    """Source text of an expression for a message, cut to 60 characters."""
    try:
        text = ast.unparse(node)
    except Exception:
        return "expression"
    return text if len(text) <= 60 else text[:57] + "..."


class AnalyzerState:
    """Per-function state, and the methods one part of the analyzer calls in another.

    The stubs below are overridden by the mixin that owns each concern; they exist so that every
    mixin type-checks on its own and the cross-part calls are listed in one place.
    """

    def __init__(self, program: Program, module: ModuleInfo, fn: FunctionInfo | None) -> None:
        self.p = program
        self.m = program.models
        self.index = program.index
        self.module = module
        self.fn = fn
        self.scope = fn.qualname if fn is not None else None  # whose imports names resolve by
        self.path = module.path
        self.findings: dict[tuple[str, int, int], RawFinding] = {}
        self.param_sinks: dict[tuple[int, str, frozenset[str], Step], ParamSink] = {}
        self.callees: set[str] = set()
        self.ret: Value | None = None
        self.is_route = False
        self.html_route = False
        self.name_sink_return: list[str] = []
        self.locals_funcs: dict[str, str] = {}
        self.depth = 0
        # per truthy `return`: parameter index -> rules it is validated for on that path
        self.return_validations: list[dict[int, frozenset[str]]] = []
        self.global_names: set[str] = set()  # declared `global` in this body
        self.global_writes: Env = {}
        # variables holding the result of a check (`ok = is_safe_url(...)`): its effects
        self.guard_vars: dict[
            str,
            tuple[tuple[tuple[str, frozenset[str]], ...], tuple[tuple[str, frozenset[str]], ...]],
        ] = {}

    # --- provided by ExpressionMixin --------------------------------------------------------

    def ev(self, node: ast.expr, env: Env) -> Value:
        raise NotImplementedError

    def truth(self, v: Value) -> bool | None:
        raise NotImplementedError

    def element_of(self, seq: Value) -> Value:
        raise NotImplementedError

    def global_value(self, dotted: str) -> Value | None:
        raise NotImplementedError

    # --- provided by CallMixin --------------------------------------------------------------

    def call(self, node: ast.Call, env: Env) -> Value:
        raise NotImplementedError

    def sanitizer_rules(self, qual: str | None, method: str | None) -> frozenset[str] | None:
        raise NotImplementedError

    # --- provided by UnknownOriginMixin -----------------------------------------------------

    def audit_unknown(
        self, rule: str, value: Value, exprs: list[ast.expr], node: ast.AST, what: str
    ) -> None:
        raise NotImplementedError

    def local_assignments(self) -> dict[str, list[ast.expr]]:
        raise NotImplementedError

    # --- provided by MarkupMixin ------------------------------------------------------------

    def note_markup_store(self, key: str, v: Value, at: ast.AST, env: Env) -> None:
        raise NotImplementedError

    def check_template_context(self, qual: str | None, node: ast.Call, env: Env) -> None:
        raise NotImplementedError

    # --- provided by StatementMixin ---------------------------------------------------------

    def block(self, body: Iterable[ast.stmt], env: Env | None) -> Env | None:
        raise NotImplementedError

    def assign(self, target: ast.expr, v: Value, env: Env, at: ast.AST) -> None:
        raise NotImplementedError

    # --- provided by GuardMixin -------------------------------------------------------------

    def guard_effects(
        self, test: ast.expr, env: Env
    ) -> tuple[tuple[tuple[str, frozenset[str]], ...], tuple[tuple[str, frozenset[str]], ...]]:
        raise NotImplementedError

    def apply_guard(self, env: Env, effects: tuple[tuple[str, frozenset[str]], ...]) -> None:
        raise NotImplementedError

    def raising_check(self, call: ast.expr, env: Env) -> None:
        raise NotImplementedError

    def remember_guard(self, target: ast.expr, value: ast.expr, env: Env) -> None:
        raise NotImplementedError

    def note_return(self, node: ast.expr | None, v: Value, env: Env) -> None:
        raise NotImplementedError

    def no_return(self, call: ast.Call) -> bool:
        raise NotImplementedError

    # --- provided by SinkMixin --------------------------------------------------------------

    def report(self, rule: str, sink: Step, label: Label, sources: frozenset[str]) -> None:
        raise NotImplementedError

    def keep_finding(self, finding: RawFinding) -> None:
        raise NotImplementedError

    def keep_param_sink(self, ps: ParamSink) -> None:
        raise NotImplementedError

    def check_sink(
        self,
        rule: str,
        sources: frozenset[str],
        value: Value,
        node: ast.AST,
        what: str,
        *,
        first_element: bool = False,
        option_elements: bool = False,
    ) -> None:
        raise NotImplementedError

    def check_name_sinks(self, name: str, value: Value, node: ast.AST) -> None:
        raise NotImplementedError

    def apply_sink(
        self,
        sink: SinkModel,
        node: ast.Call,
        args: list[Value],
        kwargs: dict[str, Value],
        receiver: Value | None,
        name: str,
        starred: bool,
    ) -> None:
        raise NotImplementedError

    def response_body_write(self, target: ast.Attribute, v: Value, at: ast.AST, env: Env) -> None:
        raise NotImplementedError

    def session_store(self, v: Value, at: ast.AST) -> None:
        raise NotImplementedError

    def returned(self, v: Value, node: ast.AST) -> None:
        raise NotImplementedError
