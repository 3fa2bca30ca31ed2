"""Code signals in JavaScript/TypeScript, Java, Go, Ruby, PHP and C# (tree-sitter).

The same families as for Python (`analysis.signals`), on the added lines only: an import of a
listed module, a call or reference whose name resolves (through the file's imports) under a
listed API, a listed member name, and raw SQL (a query method given text built in code).
A file tree-sitter cannot parse cleanly is reported with the line of its first error; signals
are still read from the parts that did parse, since a signal only ever asks for more review.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tree_sitter import Node

from netgain.analysis.js.syntax import parse as parse_js
from netgain.analysis.polyglot.definitions import LanguageDefs, load
from netgain.analysis.polyglot.extract import Use, touches, uses
from netgain.analysis.polyglot.grammars import GRAMMARS, Grammar, grammar_for, parser
from netgain.analysis.polyglot.imports import Imports, read_imports
from netgain.analysis.polyglot.strings import SQL_STATEMENT, shape, through_variable
from netgain.analysis.signals import Signal


@dataclass(frozen=True, slots=True)
class NotParsed:
    """A file the signal layer could not (fully) read: counted and reported, never skipped."""

    path: str
    reason: str
    line: int | None


def _matches(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith((prefix + ".", prefix + "/"))


def _candidates(
    names: tuple[str, ...], imports: Imports, defs: LanguageDefs
) -> list[tuple[str, str | None]]:
    """(qualified name, namespace it was guessed from or None) for a name chain."""
    head, rest = names[0], names[1:]
    bound = imports.bindings.get(head)
    if bound is not None:
        return [(".".join((bound, *rest)), None)]
    joined = ".".join(names)
    guesses: list[tuple[str, str | None]] = [(f"{ns}.{joined}", ns) for ns in imports.namespaces]
    if defs.resolve_unbound or head in defs.globals:
        return [(joined, None), *guesses]
    return guesses


def _api_families(
    defs: LanguageDefs, candidates: Iterable[tuple[str, str | None]], *, on_import: bool = False
) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for name, namespace in candidates:
        for family in defs.families.values():
            prefixes = (*family.apis, *family.imports) if on_import else family.apis
            for prefix in prefixes:
                # through a namespace-wide import, only an API listed *inside* the namespace
                # counts: `using System.Security.Cryptography;` does not make every call crypto
                if namespace is not None and (
                    prefix == namespace or not _matches(prefix, namespace)
                ):
                    continue
                if _matches(name, prefix):
                    found.append((family.name, name))
                    break
    return found


def _raw_sql(grammar: Grammar, defs: LanguageDefs, use: Use) -> tuple[str, int] | None:
    """(detail, last line) when `use` runs SQL that is built in code."""
    sql = defs.raw_sql
    method = use.method
    if use.arguments is None or not method:
        return None
    label = ".".join(use.chain) if use.chain else method
    if method in sql.raw_methods:
        return f"{label}()", use.end
    fragment = method in sql.fragment_methods
    if not fragment and method not in sql.query_methods:
        return None
    # a clause method's SQL is its first argument; the rest are bound values, which may well
    # be built strings (`Where("name LIKE ?", "%" + q + "%")` is parameterised)
    for argument in use.arguments[:1] if fragment else use.arguments:
        found = shape(grammar, argument, sql.format_functions) or through_variable(
            grammar, argument, sql.format_functions
        )
        if found is None or not found.built:
            continue
        if fragment or SQL_STATEMENT.search(found.literal):
            return f"{label}({found.how})", argument.end_point[0] + 1
    return None


_JS_KEYS = frozenset({"JavaScript", "TypeScript", "TSX"})


def _first_error(root: Node) -> int | None:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            return node.start_point[0] + 1
        if node.has_error:
            stack.extend(reversed(node.children))
    return None


def signals_in(path: str, data: bytes, added: set[int]) -> tuple[list[Signal], NotParsed | None]:
    """Signals on `added` lines of one file; the second item says if it did not parse cleanly."""
    key = grammar_for(path)
    if key is None:
        return [], NotParsed(path, "no parser for this kind of file (signals not searched)", None)
    grammar = GRAMMARS[key]
    defs = load(grammar.name)
    # JavaScript and TypeScript parse as the scan parses them (a bare `&` in JSX text is valid)
    tree = parse_js(data, path) if key in _JS_KEYS else parser(key).parse(data)
    problem = None
    if tree.root_node.has_error:
        line = _first_error(tree.root_node)
        problem = NotParsed(path, f"{key} syntax error: signals may be incomplete", line)
    imports = read_imports(grammar.name, tree)
    lines = sorted(added)
    found: dict[tuple[str, int], Signal] = {}

    def add(family: str, line: int, detail: str) -> None:
        found.setdefault((family, line), Signal(family, path, line, detail))

    for imported in imports.lines:
        if touches(lines, imported.line, imported.end):
            for family_name, _name in _api_families(
                defs, [(imported.module, None)], on_import=True
            ):
                add(family_name, imported.line, f"import {imported.module}")
    for use in uses(grammar, tree.root_node, added):
        on_added = touches(lines, use.line, use.end)
        call = "()" if use.arguments is not None else ""
        if on_added and use.chain is not None:
            for family_name, name in _api_families(defs, _candidates(use.chain, imports, defs)):
                add(family_name, use.line, f"{name}{call}")
        if on_added:
            for family in defs.families.values():
                if use.method in family.members:
                    add(family.name, use.line, f"{'.'.join(use.chain or (use.method,))}{call}")
        sql = _raw_sql(grammar, defs, use)
        if sql is not None and touches(lines, use.line, sql[1]):
            add("raw_sql", use.line, sql[0])
    return sorted(found.values(), key=lambda s: (s.line, s.family)), problem


def find_signals(
    sources: Mapping[str, bytes], added: Mapping[str, set[int]]
) -> tuple[list[Signal], list[NotParsed]]:
    """Signals on the added lines of the given files (any of the languages above)."""
    signals: list[Signal] = []
    problems: list[NotParsed] = []
    for path in sorted(sources):
        lines = added.get(path, set())
        if not lines:
            continue
        found, problem = signals_in(path, sources[path], lines)
        signals.extend(found)
        if problem is not None:
            problems.append(problem)
    return signals, problems
