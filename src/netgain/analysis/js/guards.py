"""Conditions that validate a value on one side of a branch.

`if (!ALLOWED.includes(name)) return res.sendStatus(400)` leaves `name` safe for every rule
after the `if`; `if (file.includes("..")) return` leaves `file` safe for path traversal;
`if (!resolved.startsWith(ROOT)) return` confines `resolved` to a directory; an anchored regular
expression without wildcards (`/^[a-z0-9_-]+$/.test(id)`) is an allow-list. `refine()` says,
for a condition and the truth value it has on a branch, which variables (or member paths like
`req.query.file`) are validated for which rules. The predicates are data (`[guards]` in
models.toml); the shapes of the conditions (negation, `&&`, `||`, `indexOf(...) !== -1`) are
JavaScript's and live here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tree_sitter import Node

from netgain.analysis.js.models import Guards
from netgain.analysis.js.syntax import arguments, string_value, text, unwrap
from netgain.analysis.js.values import EVERY_RULE

PATH_RULE = "path-traversal"
# a pseudo-rule in `Taint.clean`: the value went through a path normaliser (`path.resolve`), so
# a prefix check on it confines it; `refine` asks for it with the path rule
NORMALISED = "~normalised"
PREFIX_CHECK = frozenset({PATH_RULE, NORMALISED})
Refinement = list[tuple[Node, frozenset[str]]]
CallName = Callable[[Node], str | None]  # a callee's qualified name in the current scope

_ALL = frozenset({EVERY_RULE})
_PATH = frozenset({PATH_RULE})
# what a regular expression must not contain to be an allow-list: wildcards, negated classes,
# "not" escapes, and the characters a path traversal needs
_LOOSE_REGEX = re.compile(r"(?<!\\)\.|\[\^|\\[SWDs]|/|\\\.")
_TRAVERSAL_REGEX = re.compile(r"\\\.\\\.|\\\.\{2\}|\[\.\]\{2\}")


def key_of(node: Node) -> str | None:
    """The name a validated value is stored under: a variable or a member path without calls."""
    node = unwrap(node)
    if node.type == "identifier":
        return text(node)
    if node.type == "member_expression":
        obj = node.child_by_field_name("object")
        prop = node.child_by_field_name("property")
        base = key_of(obj) if obj is not None else None
        if base is not None and prop is not None:
            return f"{base}.{text(prop)}"
    return None


def _is_allow_list_regex(pattern: str) -> bool:
    return pattern.startswith("^") and pattern.endswith("$") and not _LOOSE_REGEX.search(pattern)


def _regex_pattern(node: Node) -> str | None:
    node = unwrap(node)
    if node.type != "regex":
        return None
    pattern = node.child_by_field_name("pattern")
    return text(pattern) if pattern is not None else None


def _contains(call: Node, guards: Guards) -> tuple[Node, Node, str] | None:
    """`recv.includes(arg)` / `recv.has(arg)` / `recv.indexOf(arg)`: (receiver, argument, method)."""
    call = unwrap(call)
    if call.type != "call_expression":
        return None
    fn = call.child_by_field_name("function")
    args = arguments(call.child_by_field_name("arguments"))
    if fn is None or fn.type != "member_expression" or not args:
        return None
    prop = fn.child_by_field_name("property")
    obj = fn.child_by_field_name("object")
    if prop is None or obj is None or text(prop) not in guards.membership_methods:
        return None
    return obj, args[0], text(prop)


def _membership(receiver: Node, arg: Node, truth: bool, guards: Guards) -> Refinement:
    """What `receiver` containing `arg` (when `truth`) or not (when not) validates."""
    marker = string_value(arg)
    if marker is not None:
        if any(m in marker for m in guards.traversal_markers) and not truth:
            return [(receiver, _PATH)]
        return []
    if truth and key_of(arg) is not None and key_of(arg) != key_of(receiver):
        return [(arg, _ALL)]
    return []


def _both(a: Refinement, b: Refinement) -> Refinement:
    """What two alternatives both validate: a key checked on either path, for the rules both
    checks clear (`x === "a" || x === "b"`)."""
    rules_b: dict[str | None, frozenset[str]] = {key_of(n): r for n, r in b}
    out: Refinement = []
    for node, rules in a:
        shared = rules & rules_b.get(key_of(node), frozenset())
        if shared:
            out.append((node, shared))
    return out


def _lookup_index(node: Node) -> Node | None:
    """`k` in `TABLE[k]`, a lookup in a fixed table."""
    node = unwrap(node)
    if node.type != "subscript_expression":
        return None
    index = node.child_by_field_name("index")
    return index if index is not None and key_of(index) is not None else None


def _is_nothing(node: Node) -> bool:
    """`undefined`, `null`, `void 0`: what a lookup of a missing key gives."""
    return text(unwrap(node)).replace(" ", "") in ("undefined", "null", "void0", "void(0)")


_NOT_FOUND = {("===", "-1"), ("==", "-1"), ("<", "0")}
_FOUND = {("!==", "-1"), ("!=", "-1"), (">", "-1"), (">=", "0")}


def refine(cond: Node, truth: bool, guards: Guards, call_name: CallName) -> Refinement:
    """The values validated where `cond` evaluates to `truth`."""
    cond = unwrap(cond)
    kind = cond.type
    if kind == "unary_expression" and text(cond.child(0) or cond) == "!":
        arg = cond.child_by_field_name("argument")
        return refine(arg, not truth, guards, call_name) if arg is not None else []
    if kind == "binary_expression":
        return _binary(cond, truth, guards, call_name)
    if kind == "call_expression":
        return _call(cond, truth, guards, call_name)
    if not truth and key_of(cond) is not None:  # a falsy value ("", undefined) carries nothing
        return [(cond, _ALL)]
    return []


def _binary(cond: Node, truth: bool, guards: Guards, call_name: CallName) -> Refinement:
    op_node = cond.child_by_field_name("operator")
    left, right = cond.child_by_field_name("left"), cond.child_by_field_name("right")
    if op_node is None or left is None or right is None:
        return []
    op = text(op_node)
    if (op == "&&" and truth) or (op == "||" and not truth):
        return refine(left, truth, guards, call_name) + refine(right, truth, guards, call_name)
    if op in ("||", "&&"):  # either side may hold: what both sides validate
        return _both(
            refine(left, truth, guards, call_name), refine(right, truth, guards, call_name)
        )
    if op == "in" and truth and key_of(left) is not None:  # `name in ALLOWED`
        return [(left, _ALL)]
    if op in ("===", "==", "!==", "!="):
        equal = truth if op in ("===", "==") else not truth
        for a, b in ((left, right), (right, left)):
            if equal and string_value(b) is not None and key_of(a) is not None:
                return [(a, _ALL)]
            index = _lookup_index(a)
            if index is not None and _is_nothing(b) and not equal:  # ALLOWED[k] != undefined
                return [(index, _ALL)]
    found = (op, text(right).replace(" ", ""))
    if found in _NOT_FOUND or found in _FOUND:
        contains = _contains(left, guards)
        if contains is not None and contains[2] == "indexOf":
            present = truth if found in _FOUND else not truth
            return _membership(contains[0], contains[1], present, guards)
    return []


def _call(cond: Node, truth: bool, guards: Guards, call_name: CallName) -> Refinement:
    fn = cond.child_by_field_name("function")
    args = arguments(cond.child_by_field_name("arguments"))
    if fn is None or not args:
        return []
    contains = _contains(cond, guards)
    if contains is not None and contains[2] != "indexOf":
        return _membership(contains[0], contains[1], truth, guards)
    if fn.type == "member_expression":
        prop, obj = fn.child_by_field_name("property"), fn.child_by_field_name("object")
        if prop is None or obj is None:
            return []
        method = text(prop)
        if method in guards.prefix_methods and truth and key_of(obj) is not None:
            return [(obj, PREFIX_CHECK)]
        pattern = _regex_pattern(obj) if method == "test" else None
        if pattern is not None:
            if truth and _is_allow_list_regex(pattern):
                return [(args[0], _ALL)]
            if not truth and _TRAVERSAL_REGEX.search(pattern):
                return [(args[0], _PATH)]
            return []
    name = call_name(fn)
    if (name in guards.functions and truth) or (name in guards.rejecting_functions and not truth):
        return [(args[0], _ALL)]
    short = (name or "").rsplit(".", 1)[-1]
    named = guards.predicate_pattern
    if truth and named is not None and named.search(short) and key_of(args[0]) is not None:
        return [(args[0], _ALL)]
    return []
