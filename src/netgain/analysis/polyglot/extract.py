"""Calls and name references on the added lines of a parsed file, with their argument nodes.

Only nodes whose lines intersect the added lines are visited, so a one-line change in a large
file costs one pass over the nodes it touches. Comments are skipped and string literals yield no
names (only code inside an interpolation does), so neither can trigger a signal.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass

from tree_sitter import Node

from netgain.analysis.polyglot.grammars import Grammar
from netgain.analysis.polyglot.imports import qualify, text

_SKIP = frozenset({"comment", "line_comment", "block_comment", "heredoc_body"})


@dataclass(frozen=True, slots=True)
class Use:
    """A call (`arguments` set) or a reference to a name chain such as `Jwts.builder`."""

    line: int
    end: int
    chain: tuple[str, ...] | None  # None when the callee is not a plain name chain
    method: str  # the last name: the method called or member read
    arguments: tuple[Node, ...] | None


# Nested scope names (Java `a.b.C` types, PHP `A::B`) deeper than this are not followed; member
# chains and concatenations are walked in a loop, so no input depth exhausts the stack.
MAX_DEPTH = 100


def chain(grammar: Grammar, node: Node | None, depth: int = 0) -> tuple[str, ...] | None:
    """`a.b.C` as ("a", "b", "C") for member/scope chains of plain names, else None."""
    reversed_parts: list[str] = []
    while node is not None:
        kind = node.type
        if kind in ("parenthesized_expression", "argument"):
            inner = node.named_children
            node = inner[-1] if inner else None
            continue
        if kind in {"generic_name", "generic_type"}:
            node = node.named_children[0] if node.named_children else None
            continue
        if kind in grammar.names:
            name = qualify(text(node).removeprefix("global::"))
            if not name:
                return None
            reversed_parts.extend(reversed(name.split(".")))
            return tuple(reversed(reversed_parts))
        if kind in grammar.members:
            obj_field, member_field = grammar.members[kind]
            if not obj_field:  # a scope name of names: rare and shallow, recursion is bounded
                if depth > MAX_DEPTH:
                    return None
                parts: list[str] = []
                for child in node.named_children:
                    sub = chain(grammar, child, depth + 1)
                    if sub is None:
                        return None
                    parts.extend(sub)
                reversed_parts.extend(reversed(parts))
                return tuple(reversed(reversed_parts)) or None
            member = node.child_by_field_name(member_field)
            if member is None:
                return None
            reversed_parts.append(text(member))
            node = node.child_by_field_name(obj_field)
            continue
        if kind == "call" and node.child_by_field_name("arguments") is None:  # Ruby `a.b`
            method = node.child_by_field_name("method")
            if method is None:
                return None
            reversed_parts.append(text(method))
            node = node.child_by_field_name("receiver")
            if node is None:
                return tuple(reversed(reversed_parts))
            continue
        return None
    return None


def _callee(grammar: Grammar, node: Node) -> tuple[tuple[str, ...] | None, str, Node | None]:
    """(name chain of the callee, method name, arguments node) of a call node."""
    callee_field, args_field = grammar.calls[node.type]
    args = node.child_by_field_name(args_field) if args_field else None
    if not callee_field:  # PHP `new X(...)`: the class is the first named child
        named = [c for c in node.named_children if c.type != "arguments"]
        args = next((c for c in node.named_children if c.type == "arguments"), None)
        callee = named[0] if named else None
        names = chain(grammar, callee)
        return names, names[-1] if names else "", args
    target = node.child_by_field_name(callee_field)
    method_field = grammar.method_field.get(node.type)
    if method_field:
        method = text(node.child_by_field_name(method_field))
        if target is None:
            return (method,), method, args
        base = chain(grammar, target)
        return (None if base is None else (*base, method)), method, args
    names = chain(grammar, target)
    if names is not None:
        return names, names[-1], args
    # `f().g(...)`: the method is the member name of a member access that is no plain chain
    if target is not None and target.type in grammar.members:
        member = grammar.members[target.type][1]
        return None, text(target.child_by_field_name(member)) if member else "", args
    return None, "", args


def arguments(node: Node | None) -> tuple[Node, ...]:
    """The argument expressions (unwrapping PHP's and C#'s `argument` nodes)."""
    if node is None:
        return ()
    out = []
    for child in node.named_children:
        inner = (
            child.named_children[-1] if child.type == "argument" and child.named_children else child
        )
        if inner.type not in _SKIP:
            out.append(inner)
    return tuple(out)


def touches(added: list[int], start: int, end: int) -> bool:
    """Whether the sorted line numbers `added` hold one in start..end."""
    at = bisect_left(added, start)
    return at < len(added) and added[at] <= end


def _name_children(grammar: Grammar, node: Node) -> set[int]:
    """Ids of the children that only *name* something (a method, a member, a declared
    package): visiting them alone would read `x.digest` as a use of `digest`."""
    kind = node.type
    skip: set[int] = set()
    fields: list[str] = []
    if kind in grammar.calls:
        fields.append(grammar.method_field.get(kind, ""))
    if kind in grammar.members:
        fields.append(grammar.members[kind][1])
    for name in fields:
        child = node.child_by_field_name(name) if name else None
        if child is not None:
            skip.add(child.id)
    if kind in ("package_clause", "package_declaration"):
        skip.update(c.id for c in node.children)
    elif kind not in grammar.members and kind not in grammar.calls:
        # what a declaration or a named argument calls itself (`function encrypt()`,
        # `hash: $hash`, `namespace App\Auth`) is not a use of an API of that name
        declared = node.child_by_field_name("name")
        if declared is not None:
            skip.add(declared.id)
    return skip


def uses(grammar: Grammar, root: Node, added: set[int]) -> Iterator[Use]:
    """Calls and outermost name chains on lines that intersect the added lines.

    Only named nodes are visited (punctuation and keywords never name an API), and the line
    test is a range check when the added lines are contiguous (a new file).
    """
    lines = sorted(added)
    if not lines:
        return
    low, high = lines[0], lines[-1]
    contiguous = high - low + 1 == len(lines)
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, is_callee = stack.pop()
        kind = node.type
        if kind in _SKIP:
            continue
        start, end = node.start_point[0] + 1, node.end_point[0] + 1
        if end < low or start > high or not (contiguous or touches(lines, start, end)):
            continue
        if kind in grammar.calls:
            names, method, args = _callee(grammar, node)
            callee_end = start if args is None else max(start, args.start_point[0] + 1)
            yield Use(start, callee_end, names, method, arguments(args))
            callee_field = grammar.calls[kind][0]
            callee = node.child_by_field_name(callee_field) if callee_field else None
            children = _children(grammar, node)
            stack.extend((c, c == callee and names is not None) for c in reversed(children))
            continue
        if is_callee:
            continue  # a plain name chain, already reported as the call's name
        if kind in grammar.names or kind in grammar.members:
            names = chain(grammar, node)
            if names is not None:
                yield Use(start, end, names, names[-1], None)
                continue
        if node.named_child_count:
            stack.extend((c, False) for c in reversed(_children(grammar, node)))


def _children(grammar: Grammar, node: Node) -> list[Node]:
    skip = _name_children(grammar, node)
    children = node.named_children
    return [c for c in children if c.id not in skip] if skip else children
