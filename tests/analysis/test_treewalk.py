"""`inner_nodes` is `ast.walk` without the leaves: same nodes, same order (callers keep the
first of several assignments, so the order is part of the result)."""

from __future__ import annotations

import ast
from pathlib import Path

import netgain.analysis
from netgain.analysis.flow.treewalk import LEAVES, inner_nodes

_SAMPLE = """
import os
from a import b as c

x: int = 1
y = [i for i in range(3) if i]
if (n := len(y)) > 2:
    x += n
match y:
    case [1, *rest] if rest:
        pass
    case {"k": v, **kw}:
        del kw
    case Point(x=0) | None:
        pass
async def f(a, /, b=2, *args, c, **kw) -> None:
    async with g() as (h, i):
        async for j in h:
            await i(lambda q=1: q + j)
    try:
        raise ValueError from None
    except* OSError as e:
        yield e
    finally:
        global z
class K(Base, metaclass=M):
    @dec(1)
    def m(self):
        while True:
            break
        else:
            return f"{self!r:>{x}}"
type Alias[T] = list[T]
"""


def _expected(tree: ast.AST) -> list[ast.AST]:
    return [n for n in ast.walk(tree) if type(n) not in LEAVES]


def test_same_nodes_in_the_same_order_as_ast_walk() -> None:
    tree = ast.parse(_SAMPLE)
    assert list(inner_nodes(tree)) == _expected(tree)


def test_the_analysis_package_walks_alike() -> None:
    # real modules, whatever constructs they use
    for path in sorted(Path(netgain.analysis.__file__).parent.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert list(inner_nodes(tree)) == _expected(tree), path


def test_leaves_are_left_out() -> None:
    tree = ast.parse("a = b(1)\n")
    kinds = [type(n) for n in inner_nodes(tree)]
    assert kinds == [ast.Module, ast.Assign, ast.Call]


def test_syntax_memo_answers_once_per_tree() -> None:
    from netgain.analysis.flow.state import Program
    from netgain.analysis.index import ProgramIndex
    from netgain.analysis.options import EntryMode
    from netgain.analysis.taint_models import TaintModels

    program = Program(index=ProgramIndex(), models=TaintModels(), mode=EntryMode.LIBRARY)
    calls: list[ast.AST] = []

    def count(tree: ast.AST) -> int:
        calls.append(tree)
        return len(calls)

    first, again = ast.parse("a = 1\n"), ast.parse("a = 1\n")
    assert program.syntax_memo("n", first, lambda: count(first)) == 1
    assert program.syntax_memo("n", first, lambda: count(first)) == 1  # remembered
    assert program.syntax_memo("other", first, lambda: count(first)) == 2  # another fact
    # the same text parsed again is another tree (a module re-parsed from the cache)
    assert program.syntax_memo("n", again, lambda: count(again)) == 3
