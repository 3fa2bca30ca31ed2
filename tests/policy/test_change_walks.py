"""The gate's walks over a changed file: only the nodes on added lines, every import statement.

Both replace `ast.walk` over the whole file (most of a replayed change's signal search on large
files); each is checked against that full walk on code with the awkward shapes: decorators above
their `def`, imports nested in functions, `try`, `except` and `match`.
"""

from __future__ import annotations

import ast

from netgain.analysis.signals import find_signals, nodes_on_lines
from netgain.analysis.source import ParsedSource, parse_source
from netgain.policy.facts import _import_statements

SOURCE = """\
import os


@app.route(
    os.environ["ROUTE"],
)
def view(request):
    import jwt

    try:
        import pickle
    except ImportError:
        from json import loads
    else:
        pass
    finally:
        import hashlib
    match request.kind:
        case "a":
            from subprocess import run
        case _:
            pass
    if request:
        while True:
            with open("x") as fh:
                import yaml
    return jwt.decode(request.token, lambda: [x for x in os.listdir(".")])


class Store:
    @staticmethod
    def load(blob):
        return pickle.loads(blob)
"""


def _naive(tree: ast.AST, lines: set[int]) -> list[ast.AST]:
    out = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", None)
        if line is None:
            continue
        end = getattr(node, "end_lineno", None) or line
        if any(n in lines for n in range(line, end + 1)):
            out.append(node)
    return out


def test_nodes_on_lines_are_those_of_a_full_walk() -> None:
    tree = ast.parse(SOURCE)
    count = SOURCE.count("\n")
    for lines in [{1}, {4}, {5}, {7}, {11, 21}, {26}, {31}, {32}, set(range(1, count + 1)), set()]:
        fast = {id(n) for n in nodes_on_lines(tree, lines)}
        assert fast == {id(n) for n in _naive(tree, lines)}, lines


def test_every_import_statement_is_found_at_any_depth() -> None:
    tree = ast.parse(SOURCE)
    want = {id(n) for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)}
    found = {id(n) for n in _import_statements(tree)}
    assert found == want and len(want) == 7


def test_signals_from_parsed_sources_equal_those_from_bytes() -> None:
    data = SOURCE.encode()
    added = {"views.py": {4, 5, 8, 27, 33}}
    parsed = parse_source("views.py", data)
    assert isinstance(parsed, ParsedSource)
    from_bytes = find_signals({"views.py": data}, added)
    from_parsed = find_signals({"views.py": data}, added, {"views.py": parsed})
    assert from_parsed == from_bytes
    assert [(s.family, s.line) for s in from_bytes[0]] == [("jwt", 8), ("jwt", 27)]
