"""Running pattern and semantic rules: one AST walk per module, dispatching by node type.

Rules that need no data flow (weak hashes, disabled TLS verification, cookies without flags, ...)
register checks in `rules.registry`; each node is visited once whatever the number of rules
(the Ruff approach).
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from netgain.analysis.index import ModuleInfo, ProgramIndex
from netgain.analysis.rules.base import RuleMeta
from netgain.analysis.rules.registry import _CHECKS, PatternCheck, PatternContext, PatternHit


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


def run_patterns(
    index: ProgramIndex, module: ModuleInfo, text: str, enabled: Callable[[RuleMeta], bool]
) -> list[PatternHit]:
    """Walk one module once, running every enabled pattern rule on the nodes it registered for."""
    tree = module.tree
    if tree is None:
        return []
    ctx = PatternContext(index, module, text, module_consts=_module_consts(tree))
    checks: dict[type[ast.AST], list[PatternCheck]] = {}
    for node_type, registered in _CHECKS.items():
        unique: list[PatternCheck] = []
        for _meta, check in registered:
            if check not in unique:
                unique.append(check)
        checks[node_type] = unique
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
        node_checks = get_checks(node_type)
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
