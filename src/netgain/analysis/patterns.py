"""Running pattern and semantic rules: one AST walk per module, dispatching by node type.

Rules that need no data flow (weak hashes, disabled TLS verification, cookies without flags, ...)
register checks in `rules.registry`; each node is visited once whatever the number of rules
(the Ruff approach).
"""

from __future__ import annotations

import ast
import sys
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

    def visit(node: ast.AST) -> None:
        for check in checks.get(type(node), ()):
            hits.extend(hit for hit in check(ctx, node) if enabled(hit.rule))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            ctx.function_stack.append(node)
            for child in ast.iter_child_nodes(node):
                visit(child)
            ctx.function_stack.pop()
        elif isinstance(node, ast.ClassDef):
            ctx.class_stack.append(node)
            for child in ast.iter_child_nodes(node):
                visit(child)
            ctx.class_stack.pop()
        else:
            for child in ast.iter_child_nodes(node):
                visit(child)

    limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(max(limit, 10_000))
        visit(tree)
    finally:
        sys.setrecursionlimit(limit)
    return hits
