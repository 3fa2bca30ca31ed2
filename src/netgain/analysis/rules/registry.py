"""The pattern-rule table: which checks run on which AST nodes.

Rules that need no data flow (weak hashes, disabled TLS verification, cookies without flags, ...)
register a check for the node types they care about (the Ruff approach: each node is visited once,
whatever the number of rules). Checks receive a `PatternContext` that resolves names through the
program index, folds simple constants and knows the enclosing function.

A module has about ten times more calls than any rule can fire on, so a check registered for
`ast.Call` (or `ast.Attribute`) also says, as data next to the rule, on which calls it can fire:

    @pattern_rule(WEAK_HASH, ast.Call, names=callee_names(_WEAK_CALLS))
    def check_weak_hash(ctx, node): ...

- `names`: for `ast.Call`, the last name of the callee (`md5` for `hashlib.md5(...)`,
  `h.md5(...)` and, through `from hashlib import md5 as m`, `m(...)`). The walk resolves each
  callee once and matches both the name written and the resolved one's last part, so a rule
  that compares `ctx.qualname(node)` with a table declares that table's last parts
  (`callee_names`) and a rule that looks at `node.func.attr` declares those attributes. For
  `ast.Attribute`, the attribute's name. For `ast.Assign`, the name of a target: `x` for
  `x = ...`, `debug` for `app.debug = ...`, `DEBUG` for `cfg["DEBUG"] = ...` (a constant key,
  also through a module constant). A set of names, or a compiled pattern searched in each.
- `keywords`: keyword argument names (`verify` for `get(url, verify=False)`), or a compiled
  pattern searched in each keyword's name (`password=...`), for rules that fire whatever is called.
- `arguments`: the last name of a value passed to the call, positionally or by keyword
  (`PROTOCOL_TLSv1` for `wrap(sock, ssl.PROTOCOL_TLSv1)`), whatever is called.

A check runs on a node when one of its names, keywords or arguments matches (any is enough). A
check that declares none runs on every node of its types: correct, but every call pays for it,
so declare what the rule's own tests (`ctx.qualname(node) in ...`, `node.func.attr == ...`, a
keyword it reads) already require. `names` only selects calls, attributes and assignments,
and the others only calls: register the check a second time, without them, for its other node
types.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

from netgain.analysis.findings import Confidence
from netgain.analysis.index import ModuleInfo, ProgramIndex, dotted_name
from netgain.analysis.rules.base import RuleMeta

# Node types `ast.literal_eval` can turn into a value (containers, signed and complex numbers).
_LITERAL_NODES = (ast.Tuple, ast.List, ast.Set, ast.Dict, ast.UnaryOp, ast.BinOp)


@dataclass(frozen=True, slots=True)
class PatternHit:
    """One finding from a pattern rule (the scanner adds the snippet and the rule's metadata)."""

    rule: RuleMeta
    node: ast.AST
    message: str
    confidence: Confidence | None = None
    mask: str | None = None  # text to mask in the snippet (hard-coded secrets)


# usually a generator; a check that runs on very many nodes (every constant) may return a tuple
PatternCheck = Callable[["PatternContext", ast.AST], Iterable[PatternHit]]


@dataclass(frozen=True, slots=True)
class Trigger:
    """The calls, attributes or assignments a check can fire on; all empty: every node of its
    type."""

    names: frozenset[str] = frozenset()
    name_pattern: re.Pattern[str] | None = None
    keywords: frozenset[str] = frozenset()
    keyword_pattern: re.Pattern[str] | None = None
    arguments: frozenset[str] = frozenset()

    @property
    def everywhere(self) -> bool:
        return self == EVERYWHERE


EVERYWHERE = Trigger()


@dataclass(frozen=True, slots=True)
class Registration:
    """One `pattern_rule` entry: the rule, its check and when the check can fire."""

    meta: RuleMeta
    check: PatternCheck
    trigger: Trigger


_CHECKS: dict[type[ast.AST], list[Registration]] = {}
_SELECTABLE = (ast.Call, ast.Attribute, ast.Assign)
# bumped on every registration, so a dispatch table built from `_CHECKS` knows it is stale
_VERSION = [0]


def pattern_rule(
    meta: RuleMeta,
    *node_types: type[ast.AST],
    names: Iterable[str] | re.Pattern[str] = (),
    keywords: Iterable[str] | re.Pattern[str] = (),
    arguments: Iterable[str] = (),
) -> Callable[[PatternCheck], PatternCheck]:
    """Register `check` for `node_types` under the rule `meta`; `names`, `keywords` and
    `arguments` say on which nodes it can fire (see the module docstring)."""
    trigger = Trigger(arguments=frozenset(arguments))
    if isinstance(names, re.Pattern):
        trigger = replace(trigger, name_pattern=names)
    else:
        trigger = replace(trigger, names=frozenset(names))
    if isinstance(keywords, re.Pattern):
        trigger = replace(trigger, keyword_pattern=keywords)
    else:
        trigger = replace(trigger, keywords=frozenset(keywords))
    if not trigger.everywhere and any(t not in _SELECTABLE for t in node_types):
        raise ValueError("names / keywords / arguments only select calls, attributes, assignments")
    by_name_only = replace(trigger, names=frozenset(), name_pattern=None) == EVERYWHERE
    if not by_name_only and any(t is not ast.Call for t in node_types):
        raise ValueError("an attribute or an assignment is selected by its names only")

    def register(check: PatternCheck) -> PatternCheck:
        for t in node_types:
            _CHECKS.setdefault(t, []).append(Registration(meta, check, trigger))
        _VERSION[0] += 1
        return check

    return register


def callee_names(*qualified: Iterable[str]) -> frozenset[str]:
    """The last parts of qualified callee names (`{"hashlib.md5", "hashlib.new"}` ->
    `{"md5", "new"}`): the `names` of a rule that compares `ctx.qualname(call)` with them."""
    return frozenset(q.rpartition(".")[2] for table in qualified for q in table)


def registrations() -> dict[type[ast.AST], list[Registration]]:
    """Every registered check by node type, in registration order."""
    return _CHECKS


def registry_version() -> int:
    return _VERSION[0]


def registered_pattern_rules() -> set[str]:
    return {r.meta.id for checks in _CHECKS.values() for r in checks}


_NOT_CONST = object()
_UNSEEN = object()


@dataclass(slots=True)
class PatternContext:
    index: ProgramIndex
    module: ModuleInfo
    text: str
    function_stack: list[ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=list)
    class_stack: list[ast.ClassDef] = field(default_factory=list)
    module_consts: dict[str, object] = field(default_factory=dict)
    _names: dict[int, str] = field(default_factory=dict, repr=False)
    _scopes: dict[int, str] = field(default_factory=dict, repr=False)
    _read_locals: bool = field(default=False, repr=False)
    # containers and operators already folded (several rules ask about the same assigned value)
    _folded: dict[int, object] = field(default_factory=dict, repr=False)
    # what a rule notes while the walk goes by, for nodes it meets later in the same module
    # (the walk is in source order: a binding is seen before the calls that use it)
    notes: dict[object, str] = field(default_factory=dict, repr=False)
    _locals: dict[int, dict[str, list[tuple[int, object]]]] = field(
        default_factory=dict, repr=False
    )
    _bound: dict[int, frozenset[str]] = field(default_factory=dict, repr=False)

    @property
    def path(self) -> str:
        return self.module.path

    @property
    def module_basename(self) -> str:
        return self.module.name.rsplit(".", 1)[-1]

    def qualname(self, node: ast.expr) -> str:
        """The qualified name a Name/Attribute/Call-func refers to, or its dotted text."""
        key = id(node)
        found = self._names.get(key)
        if found is None:
            dotted = dotted_name(node.func if isinstance(node, ast.Call) else node)
            found = self.index.qualify(self.module, dotted, self._scope()) or dotted
            self._names[key] = found
        return found

    def _scope(self) -> str | None:
        """The qualified name of the enclosing function, when the module imports inside
        functions (the only case where a name's meaning depends on where it is used)."""
        if not self.module.scoped_imports or not self.function_stack:
            return None
        if not self._scopes:
            for qual in self.index.function_names_of(self.module.name):
                fn = self.index.functions.get(qual)
                if fn is not None and fn.node is not None:
                    self._scopes[id(fn.node)] = qual
        return self._scopes.get(id(self.function_stack[-1]))

    def keyword(self, call: ast.Call, name: str) -> ast.expr | None:
        for kw in call.keywords:
            if kw.arg == name:
                return kw.value
        return None

    def const(self, node: ast.expr | None) -> object:
        """A literal's value (recursing into containers), a module constant, or _NOT_CONST."""
        if node is None:
            return _NOT_CONST
        # fast paths: most nodes asked about are names, calls or attributes, and literal_eval
        # raising for each of them is the most expensive part of the pattern walk
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if self._read_locals:
                local = self._local_const(node)
                if local is not _NOT_CONST:
                    return local
            return self.module_consts.get(node.id, _NOT_CONST)
        if not isinstance(node, _LITERAL_NODES):
            return _NOT_CONST
        if self._read_locals:  # depends on where it is read: not kept
            return self._fold(node)
        key = id(node)
        found = self._folded.get(key, _UNSEEN)
        if found is _UNSEEN:
            found = self._folded[key] = self._fold(node)
        return found

    def _fold(self, node: ast.expr) -> object:
        try:
            return ast.literal_eval(node)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            pass
        return self._container(node)

    def const_here(self, node: ast.expr | None) -> object:
        """`const`, also reading names the enclosing function binds to constants before the
        read (see `_local_const`). Only for rules whose values are usually bound to a name
        first (options dicts, URLs): reading a function's bindings costs a walk of its body."""
        self._read_locals = True
        try:
            return self.const(node)
        finally:
            self._read_locals = False

    def _container(self, node: ast.expr) -> object:
        """A list, tuple, set or dict display whose items are constants through names
        (`{"verify_signature": flag}` with `flag = False` earlier in the function)."""
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            items = [self.const(e) for e in node.elts]
            if any(i is _NOT_CONST for i in items):
                return _NOT_CONST
            return {ast.List: list, ast.Tuple: tuple}.get(type(node), list)(items)
        if isinstance(node, ast.Dict):
            keys = [self.const(k) for k in node.keys]
            values = [self.const(v) for v in node.values]
            if any(x is _NOT_CONST for x in (*keys, *values)):
                return _NOT_CONST
            try:
                return dict(zip(keys, values, strict=True))
            except TypeError:  # an unhashable key
                return _NOT_CONST
        return _NOT_CONST

    def _local_const(self, node: ast.Name) -> object:
        """The constant a name holds where it is read, when the enclosing function binds it
        only in straight-line statements of its own body (`opts = {...}` then
        `decode(..., options=opts)`, also when `opts` is bound again further down): the last
        binding before the read. Parameters, and names bound in a branch, a loop, a `with` or
        by any other statement, are not constants."""
        fn = self.function
        if fn is None:
            return _NOT_CONST
        table = self._locals.get(id(fn))
        if table is None:
            table = self._locals[
                id(fn)
            ] = {}  # filled in source order: a binding may use an earlier one
            self._bind_locals(fn, table)
        best: object = _NOT_CONST
        for line, value in table.get(node.id, ()):
            if line >= node.lineno:
                break
            best = value
        return best

    def _bind_locals(
        self,
        fn: ast.FunctionDef | ast.AsyncFunctionDef,
        table: dict[str, list[tuple[int, object]]],
    ) -> None:
        stores: dict[str, int] = {}
        for sub in _own_nodes(fn):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store | ast.Del):
                stores[sub.id] = stores.get(sub.id, 0) + 1
        # a binding counts when it is the name's only one (wherever it is: `url = ...` inside a
        # `with` block), or when every binding of the name is a top-level statement
        top_level = {id(stmt) for stmt in fn.body}
        binds: dict[str, list[ast.Assign]] = {}
        for sub in _own_nodes(fn):
            if (
                isinstance(sub, ast.Assign)
                and len(sub.targets) == 1
                and isinstance(sub.targets[0], ast.Name)
            ):
                binds.setdefault(sub.targets[0].id, []).append(sub)
        params = {a.arg for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)}
        chosen: list[ast.Assign] = []
        for name, found in binds.items():
            if name in params or len(found) != stores.get(name):
                continue
            if len(found) == 1 or all(id(b) in top_level for b in found):
                chosen.extend(found)
        for stmt in sorted(chosen, key=lambda b: (b.lineno, b.col_offset)):  # source order
            target = stmt.targets[0]
            if isinstance(target, ast.Name):
                line = 0 if len(binds[target.id]) == 1 else stmt.lineno
                table.setdefault(target.id, []).append((line, self.const(stmt.value)))

    def bound_here(self, name: str) -> bool:
        """Whether the enclosing function binds `name` itself (a parameter or an assignment):
        then `name.attr` is that local object, not a module of the same name. Computed once
        per function, and only for the rules that ask (a walk of the body)."""
        fn = self.function
        if fn is None:
            return False
        names = self._bound.get(id(fn))
        if names is None:
            a = fn.args
            params = [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]
            names = frozenset(p.arg for p in params if p is not None) | frozenset(
                sub.id
                for sub in _own_nodes(fn)
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store)
            )
            self._bound[id(fn)] = names
        return name in names

    def is_const(self, node: ast.expr | None, value: object) -> bool:
        c = self.const(node)
        return c is not _NOT_CONST and type(c) is type(value) and c == value

    @property
    def function(self) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        return self.function_stack[-1] if self.function_stack else None


NOT_CONST = _NOT_CONST


def _own_nodes(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.AST]:
    """The nodes of a function's body, not those of functions and classes nested in it."""
    stack: list[ast.AST] = list(fn.body)
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
            ):
                stack.append(child)


def last_name(node: ast.AST | None) -> str:
    """`b` for `a.b` or `b`, "" otherwise: a cheap test before resolving a qualified name."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""
