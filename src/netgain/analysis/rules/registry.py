"""The pattern-rule table: which checks run on which AST node types.

Rules that need no data flow (weak hashes, disabled TLS verification, cookies without flags, ...)
register a check for the node types they care about (the Ruff approach: each node is visited once,
whatever the number of rules). Checks receive a `PatternContext` that resolves names through the
program index, folds simple constants and knows the enclosing function.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

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


PatternCheck = Callable[["PatternContext", ast.AST], Iterator[PatternHit]]

_CHECKS: dict[type[ast.AST], list[tuple[RuleMeta, PatternCheck]]] = {}


def pattern_rule(
    meta: RuleMeta, *node_types: type[ast.AST]
) -> Callable[[PatternCheck], PatternCheck]:
    """Register `check` for `node_types` under the rule `meta`."""

    def register(check: PatternCheck) -> PatternCheck:
        for t in node_types:
            _CHECKS.setdefault(t, []).append((meta, check))
        return check

    return register


def registered_pattern_rules() -> set[str]:
    return {meta.id for checks in _CHECKS.values() for meta, _ in checks}


_NOT_CONST = object()


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
