"""Imports, requires and `using`s: which module each local name stands for.

`jwt.sign(...)` is only a JWT call if `jwt` came from `jsonwebtoken`; this module reads the
import forms of each language into `Imports` so that call names resolve to qualified names
(`jsonwebtoken.sign`, `io.jsonwebtoken.Jwts.builder`, `github.com/golang-jwt/jwt/v5.Parse`).
Namespace-wide imports (C# `using`, Java `.*`, PHP group prefixes) only qualify a name whose
qualified form the data lists below the namespace (see `signals.match`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from tree_sitter import Language, Node, Query, QueryCursor, Tree


@dataclass(frozen=True, slots=True)
class ImportLine:
    """One import of `module` written on lines `line`..`end` (1-based)."""

    line: int
    end: int
    module: str


@dataclass(slots=True)
class Imports:
    lines: list[ImportLine] = field(default_factory=list)
    bindings: dict[str, str] = field(default_factory=dict)  # local name -> qualified name
    namespaces: list[str] = field(default_factory=list)  # wildcard / namespace-wide imports


def qualify(name: str) -> str:
    """One spelling for qualified names: `::` and `\\` become `.` (PHP, Ruby, C# `global::`)."""
    return name.replace("::", ".").replace("\\", ".").strip(".")


def text(node: Node | None) -> str:
    return "" if node is None or node.text is None else node.text.decode("utf-8", "replace")


def string_value(node: Node | None) -> str | None:
    """The text of a string literal without quotes or interpolation, else None."""
    if node is None:
        return None
    parts = [
        text(c)
        for c in node.named_children
        if c.type.endswith(("_content", "_fragment")) or c.type == "string_content"
    ]
    if parts and len(parts) == len(node.named_children):
        return "".join(parts)
    raw = text(node)
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"`" and not node.named_children:
        return raw[1:-1]
    return None


@cache
def _query(language: Language, types: frozenset[str]) -> Query:
    return Query(language, "[" + " ".join(f"({t})" for t in sorted(types)) + "] @node")


Walk = Callable[[frozenset[str]], list[Node]]


def _walker(tree: Tree) -> Walk:
    """The nodes of given types in `tree`, in source order (matched in C: a whole-tree Python
    walk costs about ten times as much on a large file)."""

    def walk(types: frozenset[str]) -> list[Node]:
        found = QueryCursor(_query(tree.language, types)).captures(tree.root_node)
        return sorted(found.get("node", []), key=lambda n: n.start_byte)

    return walk


def _add(out: Imports, node: Node, module: str) -> None:
    out.lines.append(ImportLine(node.start_point[0] + 1, node.end_point[0] + 1, module))


def _js_module(name: str) -> str:
    return name.removeprefix("node:")


def _javascript(walk: Walk, out: Imports) -> None:
    for node in walk(frozenset({"import_statement", "export_statement", "call_expression"})):
        if node.type == "call_expression":
            func = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if func is None or args is None or text(func) not in ("require", "import"):
                continue
            first = args.named_children[0] if args.named_children else None
            module = string_value(first)
            if module is None:
                continue
            module = _js_module(module)
            _add(out, node, module)
            declarator = node.parent
            while declarator is not None and declarator.type in (
                "await_expression",
                "parenthesized_expression",
            ):
                declarator = declarator.parent
            if declarator is not None and declarator.type == "variable_declarator":
                _bind_pattern(declarator.child_by_field_name("name"), module, out)
            continue
        source = string_value(node.child_by_field_name("source"))
        if source is None:
            continue
        module = _js_module(source)
        _add(out, node, module)
        for clause in node.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":  # default import
                    out.bindings[text(part)] = module
                elif part.type == "namespace_import":
                    for ident in part.named_children:
                        out.bindings[text(ident)] = module
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        name = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias") or name
                        if name is not None:
                            out.bindings[text(alias)] = f"{module}.{text(name)}"


def _bind_pattern(pattern: Node | None, module: str, out: Imports) -> None:
    if pattern is None:
        return
    if pattern.type == "identifier":
        out.bindings[text(pattern)] = module
    elif pattern.type == "object_pattern":
        for prop in pattern.named_children:
            if prop.type == "shorthand_property_identifier_pattern":
                out.bindings[text(prop)] = f"{module}.{text(prop)}"
            elif prop.type == "pair_pattern":
                key, value = prop.child_by_field_name("key"), prop.child_by_field_name("value")
                if key is not None and value is not None and value.type == "identifier":
                    out.bindings[text(value)] = f"{module}.{text(key)}"


def _java(walk: Walk, out: Imports) -> None:
    for node in walk(frozenset({"import_declaration"})):
        names = [c for c in node.named_children if c.type in ("scoped_identifier", "identifier")]
        if not names:
            continue
        name = text(names[0])
        _add(out, node, name)
        if any(c.type == "asterisk" for c in node.named_children):
            out.namespaces.append(name)
        else:
            out.bindings[name.rsplit(".", 1)[-1]] = name


_GO_VERSION = re.compile(r"^v\d+$")


def go_package_name(path: str) -> str:
    """The name a Go import path binds by default (`.../jwt/v5` -> jwt, `stripe-go` -> stripe)."""
    parts = path.split("/")
    last = parts[-1]
    if _GO_VERSION.match(last) and len(parts) > 1:
        last = parts[-2]
    last = re.sub(r"\.v\d+$", "", last)
    last = last.removeprefix("go-").removesuffix("-go").removesuffix(".go")
    return last.replace("-", "_")


def _go(walk: Walk, out: Imports) -> None:
    for spec in walk(frozenset({"import_spec"})):
        path = string_value(spec.child_by_field_name("path"))
        if path is None:
            continue
        _add(out, spec, path)
        alias = spec.child_by_field_name("name")
        if alias is None:
            out.bindings[go_package_name(path)] = path
        elif alias.type == "dot":
            out.namespaces.append(path)
        elif alias.type == "package_identifier":
            out.bindings[text(alias)] = path


_RUBY_REQUIRES = frozenset({"require", "require_relative", "gem", "load", "autoload"})


def _ruby(walk: Walk, out: Imports) -> None:
    for call in walk(frozenset({"call"})):
        method = call.child_by_field_name("method")
        args = call.child_by_field_name("arguments")
        if call.child_by_field_name("receiver") is not None or args is None:
            continue
        if text(method) not in _RUBY_REQUIRES:
            continue
        for arg in args.named_children:
            value = string_value(arg)
            if value is not None:
                _add(out, call, value)
                break


def _php(walk: Walk, out: Imports) -> None:
    for decl in walk(frozenset({"namespace_use_declaration"})):
        prefix = ""
        group = decl.child_by_field_name("body")
        for child in decl.named_children:
            if child.type in ("namespace_name", "qualified_name") and group is not None:
                prefix = qualify(text(child)) + "."
        clauses = (group or decl).named_children
        for clause in clauses:
            if clause.type != "namespace_use_clause":
                continue
            parts = [c for c in clause.named_children if c.type in ("qualified_name", "name")]
            alias = clause.child_by_field_name("alias")
            named = [p for p in parts if p != alias]
            if not named:
                continue
            full = prefix + qualify(text(named[0]))
            _add(out, clause, full)
            local = text(alias) if alias is not None else full.rsplit(".", 1)[-1]
            out.bindings[local] = full


def _csharp(walk: Walk, out: Imports) -> None:
    for using in walk(frozenset({"using_directive"})):
        alias = using.child_by_field_name("name")
        targets = [
            c
            for c in using.named_children
            if c.type in ("qualified_name", "identifier") and c != alias
        ]
        if not targets:
            continue
        name = qualify(text(targets[-1]).removeprefix("global::"))
        _add(out, using, name)
        if alias is not None:
            out.bindings[text(alias)] = name
        else:
            out.namespaces.append(name)


READERS: dict[str, Callable[[Walk, Imports], None]] = {
    "javascript": _javascript,
    "java": _java,
    "go": _go,
    "ruby": _ruby,
    "php": _php,
    "csharp": _csharp,
}


def read_imports(grammar: str, tree: Tree) -> Imports:
    """The imports of a parsed file (`grammar` is the data file stem, e.g. "javascript")."""
    out = Imports()
    READERS[grammar](_walker(tree), out)
    return out
