"""Intra-procedural taint analysis of one function body (or module body) to a fixpoint.

The analyzer is an abstract interpreter over the AST: it walks statements in order with an
environment mapping names (and dotted paths such as `self.x`) to abstract `Value`s. Branches are
analysed separately and joined; branches whose condition folds to a constant are skipped; loops are
iterated until the environment stops changing (bounded). Calls consult, in order, the sanitizer,
source and sink models, then the callee's summary when the callee is in the scanned tree, and fall
back to "the result carries the taint of every input".
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from netgain.analysis.findings import Confidence
from netgain.analysis.index import FunctionInfo, ModuleInfo, ProgramIndex, dotted_name
from netgain.analysis.options import EntryMode
from netgain.analysis.summaries import EMPTY_SUMMARY, ParamFlow, ParamSink, RawFinding, Summary
from netgain.analysis.taint_models import SinkModel, TaintModels
from netgain.analysis.values import (
    CLEAN,
    MAX_TRACE,
    NOCONST,
    Label,
    Step,
    Value,
    add_step,
    combine,
    const_value,
    fast_pickle,
    head_of,
    join,
    lower_confidence,
    merge_labels,
    sanitize,
    taint,
)

Env = dict[str, Value]
LOOP_ROUNDS = 3
MAX_CLOSURE_DEPTH = 3
# calls that never return normally: code after `abort(400)` runs only when the check passed
_NO_RETURN = frozenset(
    {
        "flask.abort",
        "werkzeug.exceptions.abort",
        "sys.exit",
        "exit",
        "quit",
        "os._exit",
        "fastapi.HTTPException",
    }
)
# validating predicates: qualified name -> index of the validated argument
_VALIDATORS = {
    "re.fullmatch": 1, "re.match": 1, "url_has_allowed_host_and_scheme": 0,
    "django.utils.http.url_has_allowed_host_and_scheme": 0, "isinstance": 0,
}  # fmt: skip
_VALIDATING_METHODS = frozenset(
    {"isdigit", "isnumeric", "isdecimal", "isalnum", "isalpha", "isidentifier", "fullmatch"}
)
MAX_CONST_LEN = 10_000

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_TYPED_ROUTE_PARAM = re.compile(
    r"<(int|float|uuid)(?:\([^)]*\))?:(\w+)>|\{(\w+):(int|float|uuid)\}"
)
REQUEST_TYPE = "netgain:request"
SESSION_TYPE = "netgain:session"

_BINOPS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
    ast.BitAnd: operator.and_,
    ast.BitOr: operator.or_,
    ast.BitXor: operator.xor,
    ast.Div: operator.truediv,
}
_CMPOPS: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
    ast.In: lambda a, b: operator.contains(b, a),
    ast.NotIn: lambda a, b: not operator.contains(b, a),
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Invert: operator.invert,
}
_SAFE_CONST = (int, float, str, bytes, bool, type(None), tuple, frozenset)


_MAX_RETURN_HEAD = 4  # leading elements of a returned list kept in a summary


def _safe_fold(fn: Callable[[Any, Any], Any], a: object, b: object) -> object:
    """Fold a binary operation on constants, refusing anything large or slow (hostile input)."""
    if (
        isinstance(a, int)
        and isinstance(b, int)
        and fn is operator.pow
        and (abs(b) > 64 or abs(a) > 2**32)
    ):
        return NOCONST
    if fn is operator.mul and (
        isinstance(a, str | bytes | tuple) or isinstance(b, str | bytes | tuple)
    ):
        n = b if isinstance(b, int) else a
        if not isinstance(n, int) or n > MAX_CONST_LEN:
            return NOCONST
    try:
        result = fn(a, b)
    except Exception:
        return NOCONST
    if isinstance(result, str | bytes) and len(result) > MAX_CONST_LEN:
        return NOCONST
    return result if isinstance(result, _SAFE_CONST) else NOCONST


_PURE_BUILTINS: dict[str, Callable[..., Any]] = {
    "len": len, "str": str, "int": int, "float": float, "bool": bool, "abs": abs,
    "min": min, "max": max, "ord": ord, "chr": chr,
}  # fmt: skip
_PURE_STR_METHODS = frozenset(
    {"upper", "lower", "strip", "lstrip", "rstrip", "startswith", "endswith", "isdigit", "replace"}
)


def _safe_call(fn: Callable[..., Any], args: list[object]) -> object:
    try:
        result = fn(*args)
    except Exception:
        return NOCONST
    if isinstance(result, str | bytes) and len(result) > MAX_CONST_LEN:
        return NOCONST
    return result if isinstance(result, _SAFE_CONST) else NOCONST


@dataclass(slots=True)
class Program:
    """Whole-program state shared by every function analysis."""

    index: ProgramIndex
    models: TaintModels
    mode: EntryMode
    summaries: dict[str, Summary] = field(default_factory=dict)
    globals: dict[str, Env] = field(default_factory=dict)
    enabled_rules: frozenset[str] | None = None  # None = all


@fast_pickle
@dataclass(slots=True)
class AnalysisResult:
    summary: Summary
    findings: list[RawFinding]
    callees: set[str]


def _response_body(v: Value, node: ast.AST) -> Value | None:
    """The part of a route's return value served as HTML, or None when it is serialised as JSON.

    Flask (and Quart, Bottle) turn a returned dict or list into a JSON response; a returned
    tuple is `(body, status[, headers])`.
    """
    value = node.value if isinstance(node, ast.Return) else None
    if isinstance(value, ast.Tuple) and v.elems:
        v, value = v.elems[0], value.elts[0] if value.elts else None
    if v.keys is not None or isinstance(value, ast.Dict | ast.List | ast.DictComp | ast.ListComp):
        return None
    return v


def _snake(name: str) -> str:
    """`sessionId` / `SESSION_ID` -> `session_id`: name models match on `_`-separated words."""
    return _CAMEL.sub("_", name).lower()


def _step(path: str, node: ast.AST, message: str) -> Step:
    return Step(path, getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1, message)


def _join_envs(a: Env | None, b: Env | None) -> Env | None:
    if a is None:
        return None if b is None else dict(b)
    if b is None:
        return dict(a)
    out = dict(a)
    for k, v in b.items():
        old = out.get(k)
        out[k] = v if old is None else join(old, v)
    return out


def _short(node: ast.AST) -> str:
    try:
        text = ast.unparse(node)
    except Exception:
        return "expression"
    return text if len(text) <= 60 else text[:57] + "..."


class FunctionAnalyzer:
    """Analyse one function (or a module body when `fn` is None)."""

    def __init__(self, program: Program, module: ModuleInfo, fn: FunctionInfo | None) -> None:
        self.p = program
        self.m = program.models
        self.index = program.index
        self.module = module
        self.fn = fn
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

    # --- entry -------------------------------------------------------------------------------

    def run(self) -> AnalysisResult:
        env: Env = {}
        body: list[ast.stmt]
        if self.fn is None:
            body = self.module.tree.body if self.module.tree is not None else []
        else:
            node = self.fn.node
            if node is None:
                return AnalysisResult(EMPTY_SUMMARY, [], set())
            env = self._initial_env(self.fn, node)
            body = node.body
            self.name_sink_return = [
                ns.rule for ns in self.m.name_sinks if ns.pattern.search(self.fn.name)
            ]
        end = self.block(body, env)
        summary = self._summary(end if end is not None else {})
        if self.fn is None and end is not None:
            self.p.globals[self.module.name] = {k: v for k, v in end.items() if "." not in k}
        return AnalysisResult(summary, list(self.findings.values()), self.callees)

    def _initial_env(self, fn: FunctionInfo, node: ast.FunctionDef | ast.AsyncFunctionDef) -> Env:
        env: Env = {}
        route_owner = self._route_owner(node)
        self.is_route = route_owner is not None
        self.html_route = route_owner in self.m.html_route_types if route_owner else False
        view = not self.is_route and self._is_view(fn)
        defaults = self._param_defaults(node)
        typed_params = self._typed_route_params(node) if self.is_route else set()
        annotations = self._param_annotations(node)
        for i, name in enumerate(fn.params):
            ann = annotations.get(name)
            ann_q = (self.index.qualify(self.module, ann) or ann) if ann else None
            if (
                ann and (ann in self.m.request_annotations or ann_q in self.m.request_annotations)
            ) or (
                name in self.m.request_param_names
                and ann is None
                and (self.is_route or view or i <= 1)
            ):
                env[name] = Value(type=REQUEST_TYPE)
                continue
            if fn.is_method and i == 0:
                env[name] = Value(labels=frozenset({self._param_label(i, name, node)}), type=fn.cls)
                continue
            if name in typed_params:
                env[name] = CLEAN  # `<int:uid>`: the framework converts and validates it
                continue
            if self.is_route or view:
                default = defaults.get(name)
                dq = dotted_name(default) if default is not None else ""
                if dq and (
                    dq in self.m.safe_param_defaults
                    or (self.index.qualify(self.module, dq) or "") in self.m.safe_param_defaults
                ):
                    env[name] = CLEAN
                    continue
                label = Label(
                    kind="user",
                    confidence=Confidence.HIGH,
                    trace=(
                        _step(
                            self.path, node, f"route parameter `{name}` of {fn.name}() (user input)"
                        ),
                    ),
                )
                env[name] = Value(labels=frozenset({label}))
                continue
            env[name] = Value(labels=frozenset({self._param_label(i, name, node)}))
        return env

    def _typed_route_params(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
        typed: set[str] = set()
        for deco in node.decorator_list:
            if (
                isinstance(deco, ast.Call)
                and deco.args
                and isinstance(deco.args[0], ast.Constant)
                and isinstance(deco.args[0].value, str)
            ):
                typed.update(
                    m.group(2) or m.group(3)
                    for m in _TYPED_ROUTE_PARAM.finditer(deco.args[0].value)
                )
        return typed

    def _param_label(self, i: int, name: str, node: ast.AST) -> Label:
        fname = self.fn.name if self.fn is not None else "<module>"
        return Label(
            kind="param",
            confidence=Confidence.HIGH,
            trace=(_step(self.path, node, f"parameter `{name}` of {fname}()"),),
            param=i,
        )

    def _param_defaults(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, ast.expr]:
        a = node.args
        positional = [*a.posonlyargs, *a.args]
        out: dict[str, ast.expr] = {}
        for arg, default in zip(
            positional[len(positional) - len(a.defaults) :], a.defaults, strict=True
        ):
            out[arg.arg] = default
        for arg, kw_default in zip(a.kwonlyargs, a.kw_defaults, strict=True):
            if kw_default is not None:
                out[arg.arg] = kw_default
        return out

    def _param_annotations(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, str]:
        a = node.args
        out: dict[str, str] = {}
        for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs]:
            if arg.annotation is not None:
                out[arg.arg] = dotted_name(arg.annotation)
        return out

    def _route_owner(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
        """The type of the object whose route decorator registers this function ("" if unknown)."""
        for deco in node.decorator_list:
            if (
                isinstance(deco, ast.Call)
                and isinstance(deco.func, ast.Attribute)
                and deco.func.attr in self.m.route_decorators
            ):
                owner = deco.func.value
                if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
                    continue
                owner_value = self._global_value(dotted_name(owner))
                return owner_value.type if owner_value is not None and owner_value.type else ""
        return None

    def _is_view(self, fn: FunctionInfo) -> bool:
        last = fn.module.rsplit(".", 1)[-1]
        if last not in self.m.view_modules:
            return False
        params = fn.params[1:] if fn.is_method else fn.params
        return bool(params) and params[0] in self.m.request_param_names

    # --- findings ----------------------------------------------------------------------------

    def _rule_on(self, rule: str) -> bool:
        enabled = self.p.enabled_rules
        return enabled is None or rule in enabled

    def report(self, rule: str, sink: Step, label: Label, sources: frozenset[str]) -> None:
        """A label reaching a sink: a finding for a real source, a summary entry for a parameter."""
        if label.is_clean_for(rule) or not self._rule_on(rule):
            return
        trace = (*label.trace, sink)
        if len(trace) > MAX_TRACE + 1:
            trace = trace[:1] + trace[-MAX_TRACE:]
        if label.kind == "param":
            key = (label.param, rule, label.cleaned, sink)
            if key not in self.param_sinks:
                self.param_sinks[key] = ParamSink(label.param, rule, sources, label.cleaned, trace)
            return
        if label.kind not in sources:
            return
        fkey = (rule, sink.line, sink.column)
        old = self.findings.get(fkey)
        if old is None or len(trace) < len(old.trace):
            self.findings[fkey] = RawFinding(rule, sink, trace, label.confidence, label.kind)

    def check_sink(
        self,
        rule: str,
        sources: frozenset[str],
        value: Value,
        node: ast.AST,
        what: str,
        *,
        first_element: bool = False,
    ) -> None:
        if first_element:
            head = head_of(value)
            if head is not None:
                value = head[0] if head else CLEAN
        labels = value.all_labels()
        if not labels:
            return
        sink = _step(self.path, node, f"reaches {what} ({rule})")
        for label in labels:
            self.report(rule, sink, label, sources)

    def check_name_sinks(self, name: str, value: Value, node: ast.AST) -> None:
        if not name or not value.tainted:
            return
        snake = _snake(name)
        for ns in self.m.name_sinks:
            if ns.pattern.search(snake):
                self.check_sink(ns.rule, ns.sources, value, node, f"`{name}`")

    # --- statements --------------------------------------------------------------------------

    def block(self, body: Iterable[ast.stmt], env: Env | None) -> Env | None:
        for stmt in body:
            if env is None:
                return None
            env = self.stmt(stmt, env)
        return env

    def stmt(self, s: ast.stmt, env: Env) -> Env | None:
        match s:
            case ast.Expr(value=value):
                self.ev(value, env)
                if isinstance(value, ast.Call) and self._no_return(value):
                    return None
            case ast.Assign(targets=targets, value=value):
                v = self.ev(value, env)
                for t in targets:
                    self.assign(t, v, env, s)
            case ast.AnnAssign(target=target, value=value) if value is not None:
                self.assign(target, self.ev(value, env), env, s)
            case ast.AugAssign(target=target, op=op, value=value):
                new = self.ev(value, env)
                old = self.ev(target, env)
                if isinstance(op, ast.Add) and old.elems is not None and new.elems is not None:
                    v = Value(
                        labels=merge_labels(old.labels, new.labels), elems=old.elems + new.elems
                    )
                else:
                    fn = _BINOPS.get(type(op))
                    const = (
                        _safe_fold(fn, old.const, new.const)
                        if fn and old.const is not NOCONST and new.const is not NOCONST
                        else NOCONST
                    )
                    v = (
                        combine([old, new])
                        if const is NOCONST
                        else replace(combine([old, new]), const=const)
                    )
                self.assign(target, v, env, s)
            case ast.Return(value=value):
                v = self.ev(value, env) if value is not None else CLEAN
                self._returned(v, s)
                return None
            case ast.If(test=test, body=body, orelse=orelse):
                truth = self._truth(self.ev(test, env))
                if truth is True:
                    return self.block(body, env)
                if truth is False:
                    return self.block(orelse, env)
                body_env, else_env = dict(env), dict(env)
                guard = self._guard(test, env)
                if guard is not None:
                    name, positive = guard
                    validated = sanitize(env[name], frozenset({"*"}))
                    (body_env if positive else else_env)[name] = validated
                a = self.block(body, body_env)
                b = self.block(orelse, else_env)
                return _join_envs(a, b)
            case (
                ast.For(target=target, iter=it, body=body, orelse=orelse)
                | ast.AsyncFor(target=target, iter=it, body=body, orelse=orelse)
            ):
                seq = self.ev(it, env)
                item = self._element_of(seq)
                return self._loop(env, lambda e: self.assign(target, item, e, s), body, orelse)
            case ast.While(test=test, body=body, orelse=orelse):
                truth = self._truth(self.ev(test, env))
                if truth is False:
                    return self.block(orelse, env)
                return self._loop(env, lambda e: None, body, orelse)
            case ast.With(items=items, body=body) | ast.AsyncWith(items=items, body=body):
                for w_item in items:
                    ctx_v = self.ev(w_item.context_expr, env)
                    if w_item.optional_vars is not None:
                        self.assign(w_item.optional_vars, ctx_v, env, s)
                return self.block(body, env)
            case (
                ast.Try(body=body, handlers=handlers, orelse=orelse, finalbody=finalbody)
                | ast.TryStar(body=body, handlers=handlers, orelse=orelse, finalbody=finalbody)
            ):
                start = dict(env)
                after_body = self.block(body, env)
                after_else = self.block(orelse, after_body) if after_body is not None else None
                merged = after_else
                for h in handlers:
                    h_env = _join_envs(start, after_body) or dict(start)
                    if h.name:
                        h_env[h.name] = CLEAN
                    merged = _join_envs(merged, self.block(h.body, h_env))
                if finalbody:
                    fin_env = _join_envs(merged, start) or dict(start)
                    fin = self.block(finalbody, fin_env)
                    return None if merged is None or fin is None else fin
                return merged
            case ast.Match(subject=subject, cases=cases):
                subj = self.ev(subject, env)
                m_env: Env | None = None
                for case in cases:
                    c_env = dict(env)
                    self._bind_pattern(case.pattern, subj, c_env)
                    if case.guard is not None:
                        self.ev(case.guard, c_env)
                    m_env = _join_envs(m_env, self.block(case.body, c_env))
                return _join_envs(m_env, env)
            case ast.Raise(exc=exc):
                if exc is not None:
                    self.ev(exc, env)
                return None
            case ast.Continue() | ast.Break():
                return None
            case ast.FunctionDef(name=name) | ast.AsyncFunctionDef(name=name):
                qual = self._nested_qualname(name)
                env[name] = Value(func=qual) if qual else CLEAN
                for deco in s.decorator_list:
                    self.ev(deco, env)
                if self.fn is not None and qual is not None and self.depth < MAX_CLOSURE_DEPTH:
                    self._closure(qual, env)
            case ast.ClassDef(name=name):
                prefix = self.fn.qualname if self.fn else self.module.name
                env[name] = Value(func=f"{prefix}.{name}")
            case ast.Delete(targets=targets):
                for t in targets:
                    key = dotted_name(t) if isinstance(t, ast.Name | ast.Attribute) else ""
                    if key:
                        env.pop(key, None)
            case ast.Assert(test=test):
                self.ev(test, env)
            case _:
                pass
        return env

    def _no_return(self, call: ast.Call) -> bool:
        dotted = dotted_name(call.func)
        qual = self.index.qualify(self.module, dotted) if dotted else None
        return (qual or dotted) in _NO_RETURN

    def _guard(self, test: ast.expr, env: Env) -> tuple[str, bool] | None:
        """A validation check on a tainted variable: (name, whether `test` true means valid).

        Recognised: allow-list membership (`x in ALLOWED`), full-match regular expressions,
        `str.isdigit()`-style predicates and host checks, possibly negated with `not`.
        """
        positive = True
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            test, positive = test.operand, False
        target: ast.expr | None = None
        if (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and isinstance(test.ops[0], ast.In | ast.NotIn)
        ):
            allowed = self.ev(test.comparators[0], env)
            if allowed.tainted:
                return None
            target = test.left
            if isinstance(test.ops[0], ast.NotIn):
                positive = not positive
        elif isinstance(test, ast.Call):
            dotted = dotted_name(test.func)
            qual = (self.index.qualify(self.module, dotted) if dotted else None) or dotted
            if qual in _VALIDATORS and len(test.args) >= _VALIDATORS[qual] + 1:
                target = test.args[_VALIDATORS[qual]]
            elif isinstance(test.func, ast.Attribute) and test.func.attr in _VALIDATING_METHODS:
                target = test.func.value
        if target is None:
            return None
        for node in ast.walk(target):
            if isinstance(node, ast.Name) and node.id in env and env[node.id].tainted:
                return node.id, positive
        return None

    def _closure(self, qual: str, env: Env) -> None:
        """Analyse a nested function against the enclosing environment (its free variables).

        Its own parameters are left clean here (the nested function's summary covers them);
        what this catches is taint captured from the enclosing scope.
        """
        nested = self.index.functions.get(qual)
        if nested is None or nested.node is None:
            return
        sub = FunctionAnalyzer(self.p, self.module, nested)
        sub.depth = self.depth + 1
        closure_env = dict(env)
        for param in nested.params:
            closure_env[param] = CLEAN
        sub.block(nested.node.body, closure_env)
        for key, finding in sub.findings.items():
            self.findings.setdefault(key, finding)
        for pkey, ps in sub.param_sinks.items():
            self.param_sinks.setdefault(pkey, ps)
        self.callees |= sub.callees

    def _nested_qualname(self, name: str) -> str | None:
        prefix = self.fn.qualname if self.fn else self.module.name
        qual = f"{prefix}.{name}"
        return qual if qual in self.index.functions else None

    def _loop(
        self, env: Env, bind: Callable[[Env], None], body: list[ast.stmt], orelse: list[ast.stmt]
    ) -> Env:
        state = dict(env)
        for _ in range(LOOP_ROUNDS):
            round_env = dict(state)
            bind(round_env)
            after = self.block(body, round_env)
            merged = _join_envs(state, after) or state
            if merged == state:
                break
            state = merged
        out = self.block(orelse, dict(state))
        return _join_envs(state, out) or state

    def _bind_pattern(self, pattern: ast.pattern, subj: Value, env: Env) -> None:
        for node in ast.walk(pattern):
            name = getattr(node, "name", None)
            if isinstance(name, str):
                env[name] = subj.flat()
            if isinstance(node, ast.MatchStar) and node.name:
                env[node.name] = subj.flat()

    def _returned(self, v: Value, node: ast.AST) -> None:
        if self.html_route and v.tainted:
            body = _response_body(v, node)
            if body is not None and body.tainted:
                self.check_sink(
                    self.m.html_return_rule,
                    frozenset({"user"}),
                    body,
                    node,
                    "an HTML response of a route",
                )
        for rule in self.name_sink_return:
            for ns in self.m.name_sinks:
                if ns.rule == rule and self.fn is not None:
                    self.check_sink(rule, ns.sources, v, node, f"the result of {self.fn.name}()")
        self.ret = v if self.ret is None else join(self.ret, v)

    # --- assignment --------------------------------------------------------------------------

    def assign(self, target: ast.expr, v: Value, env: Env, at: ast.AST) -> None:
        if isinstance(target, ast.Name):
            stepped = (
                add_step(v, _step(self.path, at, f"assigned to `{target.id}`")) if v.labels else v
            )
            env[target.id] = stepped
            self.check_name_sinks(target.id, v, at)
        elif isinstance(target, ast.Attribute):
            key = dotted_name(target)
            if key and not isinstance(target.value, ast.Call):
                env[key] = (
                    add_step(v, _step(self.path, at, f"assigned to `{key}`")) if v.labels else v
                )
                base_key = dotted_name(target.value)
                base = env.get(base_key)
                if base is not None and v.tainted and base.type != REQUEST_TYPE:
                    env[base_key] = replace(
                        base, labels=merge_labels(base.labels, v.all_labels()), _all=None
                    )
            else:
                self.ev(target.value, env)
            self.check_name_sinks(target.attr, v, at)
        elif isinstance(target, ast.Subscript):
            base = self.ev(target.value, env)
            idx = self.ev(target.slice, env)
            if base.type == SESSION_TYPE:
                self._session_store(v, at)
            if isinstance(idx.const, str):
                self.check_name_sinks(idx.const, v, at)
            key = (
                dotted_name(target.value)
                if isinstance(target.value, ast.Name | ast.Attribute)
                else ""
            )
            if not key:
                return
            if base.keys is not None and idx.const is not NOCONST:
                entries = [(k, val) for k, val in base.keys if k != idx.const]
                env[key] = replace(base, keys=(*entries, (idx.const, v)), _all=None)
            elif (
                base.elems is not None
                and isinstance(idx.const, int)
                and -len(base.elems) <= idx.const < len(base.elems)
            ):
                elems = list(base.elems)
                elems[idx.const] = v
                env[key] = replace(base, elems=tuple(elems), _all=None)
            elif v.tainted:
                env[key] = Value(
                    labels=merge_labels(base.all_labels(), v.all_labels()), type=base.type
                )
        elif isinstance(target, ast.Tuple | ast.List):
            starred = any(isinstance(e, ast.Starred) for e in target.elts)
            if v.elems is not None and not starred and len(v.elems) == len(target.elts):
                for t, ev in zip(target.elts, v.elems, strict=True):
                    self.assign(t, ev, env, at)
            else:
                flat = v.flat()
                for t in target.elts:
                    self.assign(t.value if isinstance(t, ast.Starred) else t, flat, env, at)
        elif isinstance(target, ast.Starred):
            self.assign(target.value, v.flat(), env, at)

    def _session_store(self, v: Value, at: ast.AST) -> None:
        for sink in self.m.sinks_for(f"{SESSION_TYPE}.__setitem__", None):
            self.check_sink(sink.rule, sink.sources, v, at, "the session store")

    # --- expressions -------------------------------------------------------------------------

    def _truth(self, v: Value) -> bool | None:
        if v.const is NOCONST:
            return None
        try:
            return bool(v.const)
        except Exception:
            return None

    def _element_of(self, seq: Value) -> Value:
        if seq.elems is not None:
            if not seq.elems:
                return CLEAN
            out = seq.elems[0]
            for e in seq.elems[1:]:
                out = join(out, e)
            return Value(labels=merge_labels(out.all_labels(), seq.labels))
        if seq.keys is not None:
            return CLEAN if not seq.keys else Value(labels=seq.labels)
        return Value(labels=seq.all_labels())

    def ev(self, node: ast.expr, env: Env) -> Value:
        match node:
            case ast.Constant(value=c):
                return (
                    const_value(c)
                    if isinstance(c, _SAFE_CONST)
                    and not (isinstance(c, str | bytes) and len(c) > MAX_CONST_LEN)
                    else CLEAN
                )
            case ast.Name(id=name):
                return self._name(name, node, env)
            case ast.Attribute():
                return self._attribute(node, env)
            case ast.Subscript(value=base_node, slice=sl):
                base = self.ev(base_node, env)
                idx = self.ev(sl, env)
                if base.type == REQUEST_TYPE:
                    return CLEAN
                if isinstance(sl, ast.Slice):
                    return Value(labels=base.all_labels()) if base.tainted else CLEAN
                if idx.const is not NOCONST:
                    if (
                        base.elems is not None
                        and isinstance(idx.const, int)
                        and -len(base.elems) <= idx.const < len(base.elems)
                    ):
                        return base.elems[idx.const]
                    if (
                        base.head is not None
                        and isinstance(idx.const, int)
                        and 0 <= idx.const < len(base.head)
                    ):
                        return base.head[idx.const]
                    found = base.get_key(idx.const)
                    if found is not None:
                        return found
                    if base.keys is not None:
                        return Value(labels=base.labels)
                    if isinstance(base.const, str | bytes | tuple) and isinstance(idx.const, int):
                        return const_value(_safe_fold(operator.getitem, base.const, idx.const))
                return Value(labels=base.all_labels()) if base.tainted else CLEAN
            case ast.Call():
                return self._call(node, env)
            case ast.BinOp(left=left, op=op, right=right):
                a, b = self.ev(left, env), self.ev(right, env)
                if a.const is not NOCONST and b.const is not NOCONST:
                    fn = _BINOPS.get(type(op))
                    folded = _safe_fold(fn, a.const, b.const) if fn else NOCONST
                    if folded is not NOCONST:
                        return const_value(folded)
                if isinstance(op, ast.Add) and a.elems is not None and b.elems is not None:
                    return Value(labels=merge_labels(a.labels, b.labels), elems=a.elems + b.elems)
                if isinstance(op, ast.Add) and head_of(a):
                    return replace(combine([a, b]), head=head_of(a))
                return combine([a, b], type_=a.type if isinstance(op, ast.Div) else None)
            case ast.JoinedStr(values=values):
                parts = [self.ev(v, env) for v in values]
                if all(isinstance(p.const, str) for p in parts):
                    return const_value("".join(str(p.const) for p in parts))
                return combine(parts)
            case ast.FormattedValue(value=value, format_spec=spec):
                v = self.ev(value, env)
                if spec is not None:
                    self.ev(spec, env)
                if isinstance(v.const, str) and node.conversion == -1 and spec is None:
                    return v
                return Value(labels=v.all_labels()) if v.tainted else CLEAN
            case ast.BoolOp(op=op, values=values):
                return self._boolop(isinstance(op, ast.And), values, env)
            case ast.Compare(left=left, ops=ops, comparators=comps):
                cvals = [self.ev(left, env), *(self.ev(c, env) for c in comps)]
                result: object = True
                for i, cmp in enumerate(ops):
                    a, b = cvals[i], cvals[i + 1]
                    if a.const is NOCONST or b.const is NOCONST:
                        return CLEAN
                    r = _safe_fold(_CMPOPS[type(cmp)], a.const, b.const)
                    if r is NOCONST:
                        return CLEAN
                    result = result and r
                return const_value(bool(result))
            case ast.UnaryOp(op=op, operand=operand):
                v = self.ev(operand, env)
                if isinstance(op, ast.Not):
                    t = self._truth(v)
                    return const_value(not t) if t is not None else CLEAN
                if v.const is not NOCONST:
                    ufn = _UNARY.get(type(op))
                    if (
                        ufn is not None
                        and isinstance(v.const, int | float)
                        and not isinstance(v.const, bool)
                    ):
                        return const_value(ufn(v.const))
                return Value(labels=v.all_labels()) if v.tainted else CLEAN
            case ast.IfExp(test=test, body=body, orelse=orelse):
                truth = self._truth(self.ev(test, env))
                if truth is True:
                    return self.ev(body, env)
                if truth is False:
                    return self.ev(orelse, env)
                return join(self.ev(body, env), self.ev(orelse, env))
            case ast.List(elts=elts) | ast.Tuple(elts=elts):
                if any(isinstance(e, ast.Starred) for e in elts):
                    inner = [
                        self.ev(e.value if isinstance(e, ast.Starred) else e, env) for e in elts
                    ]
                    first_star = next(i for i, e in enumerate(elts) if isinstance(e, ast.Starred))
                    known = tuple(inner[:first_star]) if first_star else head_of(inner[0])
                    return replace(combine(inner), head=known or None)
                vals = tuple(self.ev(e, env) for e in elts)
                if isinstance(node, ast.Tuple) and all(v.const is not NOCONST for v in vals):
                    return Value(elems=vals, const=tuple(v.const for v in vals))
                return Value(elems=vals)
            case ast.Set(elts=elts):
                vals2 = [self.ev(e, env) for e in elts]
                if vals2 and all(
                    v.const is not NOCONST and v.const.__hash__ is not None for v in vals2
                ):
                    try:
                        return Value(
                            const=frozenset(v.const for v in vals2), labels=combine(vals2).labels
                        )
                    except TypeError:
                        pass
                return combine(vals2)
            case ast.Dict(keys=keys, values=values):
                entries: list[tuple[object, Value]] = []
                extra: list[Value] = []
                for k, val in zip(keys, values, strict=True):
                    vv = self.ev(val, env)
                    kv = self.ev(k, env) if k is not None else None
                    if kv is not None and kv.const is not NOCONST and not kv.tainted:
                        entries.append((kv.const, vv))
                        if isinstance(kv.const, str):
                            self.check_name_sinks(kv.const, vv, val)
                    else:
                        extra.append(vv if kv is None else combine([vv, kv]))
                if extra:
                    return combine([*(v for _, v in entries), *extra])
                return Value(keys=tuple(entries))
            case (
                ast.ListComp(elt=elt, generators=gens)
                | ast.SetComp(elt=elt, generators=gens)
                | ast.GeneratorExp(elt=elt, generators=gens)
            ):
                c_env = self._comprehension(gens, env)
                v = self.ev(elt, c_env)
                return Value(labels=v.all_labels()) if v.tainted else CLEAN
            case ast.DictComp(key=key, value=value, generators=gens):
                c_env = self._comprehension(gens, env)
                return combine([self.ev(key, c_env), self.ev(value, c_env)])
            case ast.Lambda(args=args, body=body):
                l_env = dict(env)
                for l_arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
                    l_env[l_arg.arg] = CLEAN
                v = self.ev(body, l_env)
                return Value(labels=v.all_labels(), func="<lambda>")
            case ast.Await(value=value) | ast.YieldFrom(value=value):
                v = self.ev(value, env)
                if isinstance(node, ast.YieldFrom):
                    self._returned(v, node)
                    return CLEAN
                return v
            case ast.Yield(value=value):
                if value is not None:
                    self._returned(self.ev(value, env), node)
                return CLEAN
            case ast.NamedExpr(target=target, value=value):
                v = self.ev(value, env)
                self.assign(target, v, env, node)
                return v
            case ast.Starred(value=value):
                return self.ev(value, env).flat()
            case ast.Slice(lower=lo, upper=up, step=st):
                for part in (lo, up, st):
                    if part is not None:
                        self.ev(part, env)
                return CLEAN
            case _:
                return CLEAN

    def _boolop(self, is_and: bool, values: list[ast.expr], env: Env) -> Value:
        out: Value | None = None
        for expr in values:
            v = self.ev(expr, env)
            truth = self._truth(v)
            if truth is not None:
                if is_and and not truth:
                    return v if out is None else join(out, v)
                if not is_and and truth:
                    return v if out is None else join(out, v)
                if out is None and expr is values[-1]:
                    return v
                continue
            out = v if out is None else join(out, v)
        return out if out is not None else CLEAN

    def _comprehension(self, gens: list[ast.comprehension], env: Env) -> Env:
        c_env = dict(env)
        for gen in gens:
            item = self._element_of(self.ev(gen.iter, c_env))
            self.assign(gen.target, item, c_env, gen.iter)
            for cond in gen.ifs:
                self.ev(cond, c_env)
        return c_env

    # --- names and attributes -------------------------------------------------------------------

    def _global_value(self, dotted: str) -> Value | None:
        """The module-level value of a (possibly imported) name, if the module body set it."""
        if not dotted or "." in dotted:
            return None
        own = self.p.globals.get(self.module.name, {})
        if dotted in own:
            return own[dotted]
        target = self.module.imports.get(dotted)
        if target:
            mod, _, name = target.rpartition(".")
            mod_info = self.index.modules.get(mod)
            if mod_info is not None:
                found = self.p.globals.get(mod_info.name, {}).get(name)
                if found is not None:
                    return found
                again = mod_info.imports.get(name)
                if again:
                    m2, _, n2 = again.rpartition(".")
                    return self.p.globals.get(m2, {}).get(n2)
        return None

    def _resolved_value(self, qual: str, node: ast.AST) -> Value | None:
        """Models answering for a qualified name being read (sources, request objects, types)."""
        src = self.m.source_reads.get(qual)
        if src is not None:
            label = Label(
                src.kind,
                src.confidence,
                (_step(self.path, node, f"source: {qual} ({src.description or src.kind})"),),
            )
            return Value(labels=frozenset({label}))
        if qual in self.m.request_objects:
            return Value(type=REQUEST_TYPE)
        t = self.m.types_on_read.get(qual)
        if t is not None:
            return Value(type=t)
        return None

    def _name(self, name: str, node: ast.AST, env: Env) -> Value:
        found = env.get(name)
        if found is not None:
            return found
        g = self._global_value(name)
        if g is not None:
            return g
        qual = self.index.qualify(self.module, name)
        if qual is None:
            return CLEAN
        modeled = self._resolved_value(qual, node)
        if modeled is not None:
            return modeled
        if qual in self.index.functions or qual in self.index.classes:
            return Value(func=qual)
        return CLEAN

    def _attribute(self, node: ast.Attribute, env: Env) -> Value:
        key = dotted_name(node)
        if key and key in env and not isinstance(node.value, ast.Call):
            return env[key]
        head = key.split(".", 1)[0] if key else ""
        if key and head not in env and not isinstance(node.value, ast.Call):
            qual = self.index.qualify(self.module, key)
            if qual is not None:
                modeled = self._resolved_value(qual, node)
                if modeled is not None:
                    return modeled
                if qual in self.index.functions or qual in self.index.classes:
                    return Value(func=qual)
        base = self.ev(node.value, env)
        if base.type == REQUEST_TYPE:
            if node.attr in self.m.request_attributes:
                label = Label(
                    "user",
                    Confidence.HIGH,
                    (_step(self.path, node, f"source: request.{node.attr} (user input)"),),
                )
                return Value(labels=frozenset({label}))
            if node.attr in self.m.request_session_attributes:
                return Value(type=SESSION_TYPE)
            return CLEAN
        if base.type and base.type in self.index.classes:
            method = self.index.find_method(base.type, node.attr)
            if method:
                return Value(labels=base.labels, func=method)
        return Value(labels=base.all_labels()) if base.tainted else CLEAN

    # --- calls -------------------------------------------------------------------------------

    def _callee(self, func: ast.expr, env: Env) -> tuple[str | None, Value | None, str | None]:
        """(qualified callee, receiver value, method name) for a call's function expression."""
        if isinstance(func, ast.Name):
            local = env.get(func.id)
            if local is not None:
                return local.func, None, None
            g = self._global_value(func.id)
            if g is not None and g.func:
                return g.func, None, None
            return self.index.qualify(self.module, func.id) or func.id, None, None
        if isinstance(func, ast.Attribute):
            key = dotted_name(func)
            head = key.split(".", 1)[0] if key else ""
            if (
                key
                and head not in env
                and self._global_value(head) is None
                and not isinstance(func.value, ast.Call)
            ):
                qual = self.index.qualify(self.module, key)
                if qual is not None:
                    if qual in self.index.functions and not self.index.functions[qual].is_method:
                        return qual, None, func.attr
                    receiver = self.ev(func.value, env)
                    if receiver.type and receiver.type not in self.index.classes:
                        return f"{receiver.type}.{func.attr}", receiver, func.attr
                    return qual, receiver, func.attr
            receiver = self.ev(func.value, env)
            if receiver.type:
                if receiver.type in self.index.classes:
                    method = self.index.find_method(receiver.type, func.attr)
                    return method or f"{receiver.type}.{func.attr}", receiver, func.attr
                return f"{receiver.type}.{func.attr}", receiver, func.attr
            if receiver.func and receiver.func in self.index.classes:
                # Class.method(...) on the class itself
                method = self.index.find_method(receiver.func, func.attr)
                return method, None, func.attr
            return None, receiver, func.attr
        value = self.ev(func, env)
        return value.func, value if value.tainted else None, None

    def _call(self, node: ast.Call, env: Env) -> Value:
        qual, receiver, method = self._callee(node.func, env)
        args = [self.ev(a, env) for a in node.args]
        starred = any(isinstance(a, ast.Starred) for a in node.args)
        kwargs: dict[str, Value] = {}
        extra_kw: list[Value] = []
        for kw in node.keywords:
            v = self.ev(kw.value, env)
            if kw.arg is None:
                extra_kw.append(v)
            else:
                kwargs[kw.arg] = v
                self.check_name_sinks(kw.arg, v, node)
        name = qual or (f"<expr>.{method}" if method else "<call>")

        folded = self._fold_call(qual, method, receiver, args, kwargs)
        if folded is not None:
            return folded
        # request objects: `request.get_json()`, `await request.post()`
        if (
            receiver is not None
            and receiver.type == REQUEST_TYPE
            and method in self.m.request_attributes
        ):
            label = Label(
                "user",
                Confidence.HIGH,
                (_step(self.path, node, f"source: request.{method}() (user input)"),),
            )
            return Value(labels=frozenset({label}))
        # sinks
        for sink in self.m.sinks_for(
            qual, method if qual is None or qual not in self.index.functions else None
        ):
            self._apply_sink(sink, node, args, kwargs, receiver, name, starred)

        type_ = (self.m.type_of_call(qual) if qual else None) or (
            self.m.types_on_method.get(method) if method else None
        )
        # sanitizers (a builder such as SQLAlchemy's `select()` keeps its type for chained calls)
        rules = self._sanitizer_rules(qual, method)
        if rules is not None:
            inputs = [*args, *kwargs.values(), *extra_kw]
            if (
                method
                and receiver is not None
                and (qual is None or qual not in self.m.sanitizers_by_name)
            ):
                inputs.append(receiver)
            cleaned = sanitize(combine(inputs), rules)
            return replace(cleaned, type=type_) if type_ else cleaned

        # sources
        src = self.m.source_for_call(qual) if qual else None
        if (
            src is None
            and method
            and method in self.m.source_methods
            and (qual is None or qual not in self.index.functions)
        ):
            src = self.m.source_methods[method]
        if src is not None:
            label = Label(
                src.kind,
                src.confidence,
                (_step(self.path, node, f"source: {name}() ({src.description or src.kind})"),),
            )
            return Value(labels=frozenset({label}))

        # calls whose result is new data, not derived from their arguments (a child process's
        # output does not carry the taint of its `env=` or `cwd=`)
        if qual and self.m.propagators_by_name.get(qual) == "nothing":
            return Value(type=type_) if type_ else CLEAN
        # calls into the scanned tree
        if qual and (qual in self.index.functions or qual in self.index.classes):
            return self._call_known(qual, node, args, kwargs, extra_kw, receiver, starred)

        # propagators into the receiver
        if (
            method
            and receiver is not None
            and method in self.m.propagators_by_method
            and isinstance(node.func, ast.Attribute)
        ):
            self._propagate_to_receiver(
                node.func.value, receiver, method, [*args, *kwargs.values(), *extra_kw], env
            )
            return CLEAN
        # precise dict access and copies
        if (
            method in ("get", "pop")
            and receiver is not None
            and receiver.keys is not None
            and args
            and args[0].const is not NOCONST
        ):
            found = receiver.get_key(args[0].const)
            default = args[1] if len(args) > 1 else CLEAN
            return (
                join(found, default)
                if found is not None
                else join(Value(labels=receiver.labels), default)
            )
        if method == "copy" and receiver is not None:
            return receiver
        if qual in ("str", "list", "tuple") and len(args) == 1 and not kwargs:
            return args[0] if qual != "str" or args[0].elems is None else args[0].flat()

        inputs = [*args, *kwargs.values(), *extra_kw]
        if receiver is not None:
            inputs.append(receiver)
        result = combine(inputs, type_=type_)
        if (
            method in ("format", "join", "format_map")
            and receiver is not None
            and isinstance(receiver.const, str)
            and not result.tainted
        ):
            return CLEAN
        return result

    def _fold_call(
        self,
        qual: str | None,
        method: str | None,
        receiver: Value | None,
        args: list[Value],
        kwargs: dict[str, Value],
    ) -> Value | None:
        """Fold calls on constants (`len("abc")`, `"a".upper()`) so branch conditions fold too."""
        if kwargs or any(a.const is NOCONST for a in args):
            return None
        consts = [a.const for a in args]
        if receiver is None and qual in _PURE_BUILTINS and consts:
            return const_value(_safe_call(_PURE_BUILTINS[qual], consts))
        if (
            method in _PURE_STR_METHODS
            and receiver is not None
            and isinstance(receiver.const, str)
            and not receiver.tainted
        ):
            return const_value(_safe_call(getattr(str, method), [receiver.const, *consts]))
        return None

    def _sanitizer_rules(self, qual: str | None, method: str | None) -> frozenset[str] | None:
        if qual:
            rules = self.m.sanitizers_by_name.get(qual)
            if rules is not None:
                return rules
            for prefix, r in self.m.sanitizer_prefixes:
                if qual.startswith(prefix):
                    return r
            if qual in self.index.functions:
                return None
        if method:
            return self.m.sanitizers_by_method.get(method)
        return None

    def _apply_sink(
        self,
        sink: SinkModel,
        node: ast.Call,
        args: list[Value],
        kwargs: dict[str, Value],
        receiver: Value | None,
        name: str,
        starred: bool,
    ) -> None:
        kw_nodes = {kw.arg: kw.value for kw in node.keywords if kw.arg}
        for kw, expected in sink.when_keyword:
            if not self._kw_matches(kwargs.get(kw), kw_nodes.get(kw), expected):
                return
        for kw, expected in sink.unless_keyword:
            if self._kw_matches(kwargs.get(kw), kw_nodes.get(kw), expected):
                return
        if sink.receiver_attr:
            func = node.func
            if not (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Attribute)
                and func.value.attr == sink.receiver_attr
            ):
                return
        values: list[Value] = []
        for i in sink.args:
            if i < len(args):
                values.append(args[i])
            elif starred and args:
                values.append(args[-1])
        values.extend(kwargs[k] for k in sink.keywords if k in kwargs)
        if sink.receiver and receiver is not None:
            values.append(receiver)
        for v in values:
            self.check_sink(
                sink.rule, sink.sources, v, node, f"{name}()", first_element=sink.first_element
            )

    def _kw_matches(self, value: Value | None, node: ast.expr | None, expected: object) -> bool:
        if value is None or node is None:
            return False
        if expected == "safe":
            text = dotted_name(node)
            return any(part in text for part in ("Safe", "BaseLoader"))
        if expected == "entity-safe-parser":
            return isinstance(node, ast.Call) and any(
                kw.arg == "resolve_entities"
                and isinstance(kw.value, ast.Constant)
                and kw.value.value is False
                for kw in node.keywords
            )
        return (
            value.const is not NOCONST
            and value.const == expected
            and type(value.const) is type(expected)
        )

    def _propagate_to_receiver(
        self, recv_node: ast.expr, receiver: Value, method: str, inputs: list[Value], env: Env
    ) -> None:
        key = dotted_name(recv_node) if isinstance(recv_node, ast.Name | ast.Attribute) else ""
        if receiver.type == SESSION_TYPE:
            for sink in self.m.sinks_for(f"{SESSION_TYPE}.{method}", None):
                for v in inputs:
                    self.check_sink(sink.rule, sink.sources, v, recv_node, "the session store")
        if not key:
            return
        if method == "append" and receiver.elems is not None and len(inputs) == 1:
            env[key] = replace(
                receiver, elems=(*receiver.elems, inputs[0]), const=NOCONST, _all=None
            )
        elif (
            method == "extend"
            and receiver.elems is not None
            and len(inputs) == 1
            and inputs[0].elems is not None
        ):
            env[key] = replace(
                receiver, elems=receiver.elems + inputs[0].elems, const=NOCONST, _all=None
            )
        elif (
            method == "update"
            and receiver.keys is not None
            and len(inputs) == 1
            and inputs[0].keys is not None
        ):
            merged = dict(receiver.keys)
            merged.update(inputs[0].keys)
            env[key] = replace(receiver, keys=tuple(merged.items()), _all=None)
        else:
            labels = merge_labels(receiver.labels, *(v.all_labels() for v in inputs))
            if receiver.elems is not None or receiver.keys is not None:
                env[key] = Value(
                    labels=merge_labels(labels, receiver.all_labels()), type=receiver.type
                )
            elif labels != receiver.labels:
                env[key] = replace(receiver, labels=labels, const=NOCONST)

    def _call_known(
        self,
        qual: str,
        node: ast.Call,
        args: list[Value],
        kwargs: dict[str, Value],
        extra_kw: list[Value],
        receiver: Value | None,
        starred: bool,
    ) -> Value:
        cls_type: str | None = None
        if qual in self.index.classes:
            cls_type = qual
            init = self.index.find_method(qual, "__init__")
            if init is None:
                return combine([*args, *kwargs.values()], type_=qual)
            fn_q = init
            receiver = Value(type=qual)
        else:
            fn_q = qual
        fn = self.index.functions[fn_q]
        self.callees.add(fn_q)
        summary = self.p.summaries.get(fn_q, EMPTY_SUMMARY)
        bound: dict[int, Value] = {}
        offset = 0
        if fn.is_method and (receiver is not None or cls_type is not None):
            bound[0] = receiver if receiver is not None else CLEAN
            offset = 1
        rest: list[Value] = []
        for i, v in enumerate(args):
            pi = i + offset
            if fn.vararg >= 0 and pi >= fn.vararg:
                rest.append(v)
            elif pi < len(fn.params):
                bound[pi] = v
        if fn.vararg >= 0 and rest:
            bound[fn.vararg] = combine(rest)
        overflow: list[Value] = list(extra_kw)
        for k, v in kwargs.items():
            if k in fn.params:
                bound[fn.params.index(k)] = v
            else:
                overflow.append(v)
        if fn.kwarg >= 0 and overflow:
            bound[fn.kwarg] = combine(overflow)
        if starred and fn.params:
            star = combine(args)
            for i in range(offset, len(fn.params)):
                bound.setdefault(i, star)
        call_step = _step(self.path, node, f"passed to {fn.name}()")
        # parameter -> sink inside the callee
        for ps in summary.sinks:
            arg = bound.get(ps.param)
            if arg is None:
                continue
            for label in arg.all_labels():
                combined = Label(
                    kind=label.kind,
                    confidence=label.confidence,
                    trace=(*label.trace, call_step, *ps.trace[:-1]),
                    param=label.param,
                    cleaned=label.cleaned | ps.cleaned,
                )
                if label.kind == "param" or label.kind in ps.sources:
                    self.report(ps.rule, ps.trace[-1], combined, ps.sources)
        # parameter -> return, source -> return
        out_labels: list[Label] = []
        ret_step = _step(self.path, node, f"returned from {fn.name}()")
        for flow in summary.returns:
            arg = bound.get(flow.param)
            if arg is None:
                continue
            out_labels.extend(
                replace(
                    lb,
                    cleaned=lb.cleaned | flow.cleaned,
                    trace=((*lb.trace, call_step, *flow.trace))[-MAX_TRACE:]
                    if len(lb.trace) + len(flow.trace) + 1 > MAX_TRACE
                    else (*lb.trace, call_step, *flow.trace),
                )
                for lb in arg.all_labels()
            )
        out_labels.extend(lb.with_step(ret_step) for lb in summary.source_returns)
        if cls_type is not None:
            for flow in summary.self_flows:
                arg = bound.get(flow.param)
                if arg is not None:
                    out_labels.extend(
                        replace(lb, cleaned=lb.cleaned | flow.cleaned, trace=(*lb.trace, call_step))
                        for lb in arg.all_labels()
                    )
            return Value(labels=merge_labels(frozenset(out_labels)), type=cls_type)
        labels = merge_labels(frozenset(out_labels)) if out_labels else frozenset()
        head: tuple[Value, ...] | None = None
        if summary.return_head is not None:
            head = tuple(
                Value(
                    labels=merge_labels(
                        frozenset(
                            lb.with_step(call_step)
                            for p in params
                            if p in bound
                            for lb in bound[p].all_labels()
                        ),
                        frozenset(lb.with_step(ret_step) for lb in sources),
                    )
                )
                for params, sources in summary.return_head
            )
        return Value(labels=labels, type=summary.return_type, head=head)

    # --- summary -----------------------------------------------------------------------------

    def _summary(self, end: Env) -> Summary:
        if self.fn is None:
            return EMPTY_SUMMARY
        returns: dict[tuple[int, frozenset[str]], ParamFlow] = {}
        sources: list[Label] = []
        ret = self.ret or CLEAN
        for label in ret.all_labels():
            if label.kind == "param":
                flow = ParamFlow(label.param, label.cleaned, label.trace[1:])
                k = (label.param, label.cleaned)
                if k not in returns or len(flow.trace) < len(returns[k].trace):
                    returns[k] = flow
            else:
                sources.append(label)
        self_flows: dict[tuple[int, frozenset[str]], ParamFlow] = {}
        if self.fn.is_method and self.fn.params:
            prefix = self.fn.params[0] + "."
            for key, value in end.items():
                if key.startswith(prefix):
                    for label in value.all_labels():
                        if label.kind == "param" and label.param != 0:
                            self_flows.setdefault(
                                (label.param, label.cleaned),
                                ParamFlow(label.param, label.cleaned, label.trace[1:]),
                            )
        return_head: tuple[tuple[frozenset[int], frozenset[Label]], ...] | None = None
        head = head_of(ret)
        if head:
            return_head = tuple(
                (
                    frozenset(lb.param for lb in e.all_labels() if lb.kind == "param"),
                    frozenset(lb for lb in e.all_labels() if lb.kind != "param"),
                )
                for e in head[:_MAX_RETURN_HEAD]
            )
        return Summary(
            return_head=return_head,
            returns=tuple(returns.values()),
            sinks=tuple(self.param_sinks.values()),
            source_returns=merge_labels(frozenset(sources)) if sources else frozenset(),
            self_flows=tuple(self_flows.values()),
            return_type=ret.type,
        )


def analyze_function(
    program: Program, module: ModuleInfo, fn: FunctionInfo | None
) -> AnalysisResult:
    """Analyse one function (or the module body when `fn` is None)."""
    return FunctionAnalyzer(program, module, fn).run()


def lower(a: Confidence, b: Confidence) -> Confidence:
    return lower_confidence(a, b)


__all__ = ["AnalysisResult", "FunctionAnalyzer", "Program", "analyze_function", "taint"]
