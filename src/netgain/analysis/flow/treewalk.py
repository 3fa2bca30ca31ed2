"""A faster `ast.walk` for the analyzer's whole-body scans that look only at inner nodes.

Facts read off a whole module or function (the views a module registers by a call, the values
assigned to each local name) walk every node of it; `ast.walk` spends most of that time on the
leaves (names, constants, their load/store contexts: about half of all nodes) and on its
generic child iteration. `inner_nodes` yields the same nodes in the same order, leaves left out.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterator

# nodes that never hold another node worth visiting (a name's only child is its context)
LEAVES = frozenset(
    {
        ast.Name,
        ast.Constant,
        ast.alias,
        ast.Load,
        ast.Store,
        ast.Del,
        ast.Pass,
        ast.Break,
        ast.Continue,
    }
)
_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}


def _fields(node_type: type[ast.AST]) -> tuple[str, ...]:
    found = _FIELDS.get(node_type)
    if found is None:
        found = tuple(f for f in node_type._fields if f != "ctx")
        _FIELDS[node_type] = found
    return found


def inner_nodes(root: ast.AST) -> Iterator[ast.AST]:
    """Every node under `root` (and `root`) except leaves (`Name`, `Constant`, contexts,
    `alias`, `pass`, `break`, `continue`), breadth first in `ast.walk`'s order: a caller that
    keeps the first of several matches finds the same one."""
    todo: deque[ast.AST] = deque([root])
    pop, push = todo.popleft, todo.append
    leaves, node_type = LEAVES, ast.AST
    while todo:
        node = pop()
        for name in _FIELDS.get(type(node)) or _fields(type(node)):
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if type(item) not in leaves and isinstance(item, node_type):
                        push(item)
            elif type(value) not in leaves and isinstance(value, node_type):
                push(value)
        yield node
