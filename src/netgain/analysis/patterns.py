"""Running pattern and semantic rules: one AST walk per module, dispatching by node type and,
for calls and attributes, by name.

Rules that need no data flow (weak hashes, disabled TLS verification, cookies without flags, ...)
register checks in `rules.registry`; each node is visited once whatever the number of rules
(the Ruff approach). A call runs only the checks that declared its callee's name or one of its
keyword arguments (plus the few declared for every call): a module has about ten times more
calls than any rule can fire on, and calling each check's generator on each of them was most of
the pattern phase.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field

from netgain.analysis.index import ModuleInfo, ProgramIndex
from netgain.analysis.rules.base import RuleMeta
from netgain.analysis.rules.registry import (
    PatternCheck,
    PatternContext,
    PatternHit,
    Registration,
    Trigger,
    registrations,
    registry_version,
)


def _module_consts(tree: ast.Module) -> dict[str, object]:
    consts: dict[str, object] = {}
    for stmt in tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
        ):
            try:
                consts[stmt.targets[0].id] = ast.literal_eval(stmt.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                continue
    return consts


_MEMO_LIMIT = 200_000


@dataclass(slots=True)
class _Selector:
    """The checks of one node type that declared what they fire on, by name, keyword and
    argument (see `rules.registry`); the others run on every node (`always`).

    Checks are numbered in registration order (`checks`); a node's selection is returned in
    that order, so hits come out as they did when every check ran on every node."""

    checks: tuple[PatternCheck, ...]
    always: tuple[int, ...]
    by_name: dict[str, tuple[int, ...]]
    by_keyword: dict[str, tuple[int, ...]]
    by_argument: dict[str, tuple[int, ...]]
    patterns: tuple[tuple[int, Trigger], ...]
    # name / keyword -> checks, filled on first sight (patterns are searched once per name)
    _name_memo: dict[str, tuple[int, ...]] = field(default_factory=dict)
    _keyword_memo: dict[str, tuple[int, ...]] = field(default_factory=dict)
    always_checks: tuple[PatternCheck, ...] = ()

    def __post_init__(self) -> None:
        self.always_checks = tuple(self.checks[i] for i in self.always)

    def name(self, name: str) -> tuple[int, ...]:
        found = self._name_memo.get(name)
        if found is None:
            found = self._name_memo[name] = self._matching(name, self.by_name, keyword=False)
        return found

    def keyword(self, name: str) -> tuple[int, ...]:
        found = self._keyword_memo.get(name)
        if found is None:
            found = self._keyword_memo[name] = self._matching(name, self.by_keyword, keyword=True)
        return found

    def _matching(
        self, name: str, exact: dict[str, tuple[int, ...]], *, keyword: bool
    ) -> tuple[int, ...]:
        if len(self._name_memo) + len(self._keyword_memo) > _MEMO_LIMIT:
            # subscript keys are any string: a long-lived process must not keep them all
            self._name_memo.clear()
            self._keyword_memo.clear()
        chosen = set(exact.get(name, ()))
        for position, trigger in self.patterns:
            pattern = trigger.keyword_pattern if keyword else trigger.name_pattern
            if pattern is not None and pattern.search(name):
                chosen.add(position)
        return tuple(sorted(chosen))

    def select(self, *groups: tuple[int, ...]) -> tuple[PatternCheck, ...]:
        """The always-run checks and those in `groups`, in registration order."""
        chosen = set(self.always)
        for group in groups:
            chosen.update(group)
        if len(chosen) == len(self.always):
            return self.always_checks
        return tuple(self.checks[i] for i in sorted(chosen))

    def for_call(self, ctx: PatternContext, node: ast.Call) -> tuple[PatternCheck, ...]:
        """Checks for a call: by the callee's name as written and as resolved, and by keyword."""
        func = node.func
        func_type = type(func)
        written = (
            func.attr  # type: ignore[attr-defined]
            if func_type is ast.Attribute
            else func.id  # type: ignore[attr-defined]
            if func_type is ast.Name
            else ""
        )
        qual = ctx.qualname(node)
        resolved = qual[qual.rfind(".") + 1 :]
        memo = self._name_memo
        first = memo.get(written)
        if first is None:
            first = self.name(written)
        second: tuple[int, ...] = ()
        if resolved != written:
            second = memo.get(resolved) or self.name(resolved)
        if node.keywords:
            keyword = self.keyword
            third = tuple(i for kw in node.keywords if kw.arg is not None for i in keyword(kw.arg))
        else:
            third = ()
        fourth = self._arguments(node) if self.by_argument else ()
        if not (first or second or third or fourth):
            return self.always_checks
        return self.select(first, second, third, fourth)

    def _arguments(self, node: ast.Call) -> tuple[int, ...]:
        found: tuple[int, ...] = ()
        get = self.by_argument.get
        for value in node.args:
            value_type = type(value)
            if value_type is ast.Attribute:
                found += get(value.attr, ())  # type: ignore[attr-defined]
            elif value_type is ast.Name:
                found += get(value.id, ())  # type: ignore[attr-defined]
        for kw in node.keywords:
            value = kw.value
            value_type = type(value)
            if value_type is ast.Attribute:
                found += get(value.attr, ())  # type: ignore[attr-defined]
            elif value_type is ast.Name:
                found += get(value.id, ())  # type: ignore[attr-defined]
        return found

    def for_attribute(self, node: ast.Attribute) -> tuple[PatternCheck, ...]:
        found = self._name_memo.get(node.attr)
        if found is None:
            found = self.name(node.attr)
        return self.select(found) if found else self.always_checks

    def for_assign(self, ctx: PatternContext, node: ast.Assign) -> tuple[PatternCheck, ...]:
        """Checks for an assignment, by its targets' names (a subscript's constant key)."""
        groups = []
        for target in node.targets:
            target_type = type(target)
            if target_type is ast.Name:
                name = target.id  # type: ignore[attr-defined]
            elif target_type is ast.Attribute:
                name = target.attr  # type: ignore[attr-defined]
            elif target_type is ast.Subscript:
                key = ctx.const(target.slice)  # type: ignore[attr-defined]
                if not isinstance(key, str):
                    continue
                name = key
            else:
                continue
            found = self._name_memo.get(name)
            if found is None:
                found = self.name(name)
            if found:
                groups.append(found)
        return self.select(*groups) if groups else self.always_checks


def _selector(registered: list[Registration]) -> _Selector:
    checks: list[PatternCheck] = []
    triggers: list[Trigger | None] = []  # None: runs on every node
    for entry in registered:
        if entry.check in checks:
            position = checks.index(entry.check)
            before = triggers[position]
            if before is None or entry.trigger.everywhere:
                triggers[position] = None
            elif before != entry.trigger:
                raise ValueError(f"{entry.check.__name__} is registered with two triggers")
            continue
        checks.append(entry.check)
        triggers.append(None if entry.trigger.everywhere else entry.trigger)
    by_name: dict[str, list[int]] = {}
    by_keyword: dict[str, list[int]] = {}
    by_argument: dict[str, list[int]] = {}
    patterns: list[tuple[int, Trigger]] = []
    for position, trigger in enumerate(triggers):
        if trigger is None:
            continue
        for name in trigger.names:
            by_name.setdefault(name, []).append(position)
        for name in trigger.keywords:
            by_keyword.setdefault(name, []).append(position)
        for name in trigger.arguments:
            by_argument.setdefault(name, []).append(position)
        if trigger.keyword_pattern is not None or trigger.name_pattern is not None:
            patterns.append((position, trigger))
    return _Selector(
        checks=tuple(checks),
        always=tuple(i for i, t in enumerate(triggers) if t is None),
        by_name={k: tuple(v) for k, v in by_name.items()},
        by_keyword={k: tuple(v) for k, v in by_keyword.items()},
        by_argument={k: tuple(v) for k, v in by_argument.items()},
        patterns=tuple(patterns),
    )


# (registry version, selectors) of the last build
_DISPATCH: list[tuple[int, dict[type[ast.AST], _Selector]]] = []


def _dispatch() -> dict[type[ast.AST], _Selector]:
    """One selector per node type, rebuilt only when a rule was registered since."""
    version = registry_version()
    if not _DISPATCH or _DISPATCH[0][0] != version:
        _DISPATCH[:] = [(version, {t: _selector(r) for t, r in registrations().items()})]
    return _DISPATCH[0][1]


def run_patterns(
    index: ProgramIndex, module: ModuleInfo, text: str, enabled: Callable[[RuleMeta], bool]
) -> list[PatternHit]:
    """Walk one module once, running every enabled pattern rule on the nodes it registered for."""
    tree = module.tree
    if tree is None:
        return []
    ctx = PatternContext(index, module, text, module_consts=_module_consts(tree))
    dispatch = _dispatch()
    checks = {t: selector.always_checks for t, selector in dispatch.items()}
    call_selector = dispatch.get(ast.Call)
    attribute_selector = dispatch.get(ast.Attribute)
    assign_selector = dispatch.get(ast.Assign)
    hits: list[PatternHit] = []
    exits: list[bool] = []
    skip = _LEAVES - checks.keys()

    functions = ctx.function_stack
    classes = ctx.class_stack
    get_checks = checks.get
    push = None  # a None marker pops the function/class entered before its children
    # iterative walk in source order: children are pushed last field first (and each list
    # reversed), straight onto the stack, so they are popped in field order
    stack: list[ast.AST | None] = [tree]
    pop, append = stack.pop, stack.append
    while stack:
        node = pop()
        if node is None:
            popped = functions.pop() if exits.pop() else classes.pop()
            del popped
            continue
        node_type = type(node)
        if node_type is ast.Call and call_selector is not None:
            node_checks = call_selector.for_call(ctx, node)  # type: ignore[arg-type]
        elif node_type is ast.Attribute and attribute_selector is not None:
            node_checks = attribute_selector.for_attribute(node)  # type: ignore[arg-type]
        elif node_type is ast.Assign and assign_selector is not None:
            node_checks = assign_selector.for_assign(ctx, node)  # type: ignore[arg-type]
        else:
            node_checks = get_checks(node_type, ())
        if node_checks:
            for check in node_checks:
                for hit in check(ctx, node):
                    if enabled(hit.rule):
                        hits.append(hit)
        if node_type is ast.FunctionDef or node_type is ast.AsyncFunctionDef:
            functions.append(node)  # type: ignore[arg-type]
            exits.append(True)
            append(push)
        elif node_type is ast.ClassDef:
            classes.append(node)  # type: ignore[arg-type]
            exits.append(False)
            append(push)
        elif node_type in _LEAVES:
            continue  # no children (a constant's value, a name's context)
        for name in _fields(node_type):
            value = getattr(node, name, None)
            if value is None:
                continue
            if type(value) is list:
                for item in reversed(value):
                    if type(item) not in skip and isinstance(item, ast.AST):
                        append(item)
            elif type(value) not in skip and isinstance(value, ast.AST):
                append(value)
    return hits


_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}
# Leaves no rule registers for: not pushed on the walk stack at all (about half of all nodes).
_LEAVES = frozenset({ast.Name, ast.Constant, ast.alias, ast.Load, ast.Store, ast.Del, ast.Pass})


def _fields(node_type: type[ast.AST]) -> tuple[str, ...]:
    """The fields that may hold child nodes, last first (the order they are pushed)."""
    found = _FIELDS.get(node_type)
    if found is None:
        found = tuple(f for f in reversed(node_type._fields) if f != "ctx")
        _FIELDS[node_type] = found
    return found
