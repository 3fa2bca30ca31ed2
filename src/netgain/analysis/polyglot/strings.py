"""Is an argument a string built in code, and what literal text does it hold?

Raw SQL is a signal when a query method receives text assembled at run time: a template literal
or interpolated string with substitutions, a concatenation with a string literal, or a format
call (`String.format`, `fmt.Sprintf`, `sprintf`, `string.Format`) with a literal format and
arguments. A plain literal, with or without placeholders, is parameterised SQL and not built.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node

from netgain.analysis.polyglot.extract import MAX_DEPTH, arguments, chain
from netgain.analysis.polyglot.grammars import Grammar
from netgain.analysis.polyglot.imports import text

# A statement, not a keyword: "delete" in "/api/delete/${id}" is not SQL.
SQL_STATEMENT = re.compile(
    r"\b(select\b[\s\S]+?\bfrom|insert\s+into|update\b[\s\S]+?\bset|delete\s+from|"
    r"create\s+(table|index|view)|drop\s+(table|index|view)|alter\s+table|merge\s+into|"
    r"truncate\s+table|exec(ute)?\s+\w)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class StringShape:
    built: bool  # assembled at run time
    how: str  # "template", "concatenation", "format:<callee>", "literal"
    literal: str  # the literal text it contains (for the SQL test)


def _operands(grammar: Grammar, node: Node) -> tuple[list[Node], str] | None:
    """The operands of a chain of string joins (`a + b + c`), flattened in a loop, in order."""
    concat_type, operators = grammar.concat
    out: list[Node] = []
    how = "concatenation"
    stack = [node]
    while stack:
        current = _unwrap(stack.pop())
        if current.type != concat_type:
            out.append(current)
            continue
        operator = current.child_by_field_name("operator")
        left, right = current.child_by_field_name("left"), current.child_by_field_name("right")
        if operator is None or text(operator) not in operators or left is None or right is None:
            if current is node:
                return None
            out.append(current)  # another operator inside the chain: an opaque operand
            continue
        if text(operator) == "%":
            how = "format:%"
        stack.extend((right, left))  # left is popped first: source order
    return out, how


def _unwrap(node: Node) -> Node:
    while node.type in ("parenthesized_expression", "argument") and node.named_children:
        node = node.named_children[-1]
    return node


def shape(
    grammar: Grammar, node: Node, formats: frozenset[str], depth: int = 0
) -> StringShape | None:
    """The shape of `node` if it is string-valued as far as syntax shows, else None."""
    if depth > MAX_DEPTH:  # format calls nested this deep: hostile input, do not descend
        return StringShape(True, "nested", "")
    node = _unwrap(node)
    if node.type in grammar.strings:
        interpolated = any(c.type in grammar.interpolations for c in node.named_children)
        return StringShape(interpolated, "interpolation" if interpolated else "literal", text(node))
    if node.type == grammar.concat[0]:
        operands = _operands(grammar, node)
        if operands is None:
            return None
        nodes, how = operands
        sides = [shape(grammar, n, formats, depth + 1) for n in nodes]
        known = [s for s in sides if s is not None]
        if not known:
            return None
        built = any(s is None or s.built for s in sides)  # "a" + "b" is a constant
        return StringShape(built, how, " ".join(s.literal for s in known))
    if node.type in grammar.calls:
        callee_field, args_field = grammar.calls[node.type]
        method_field = grammar.method_field.get(node.type)
        target = node.child_by_field_name(callee_field) if callee_field else None
        names = chain(grammar, target)
        if method_field:
            method = text(node.child_by_field_name(method_field))
            names = (method,) if target is None else (None if names is None else (*names, method))
            if target is not None and method == "formatted":  # Java "...".formatted(x)
                inner = shape(grammar, target, formats, depth + 1)
                if inner is not None and not inner.built:
                    return StringShape(True, "format:formatted", inner.literal)
        args = arguments(node.child_by_field_name(args_field) if args_field else None)
        if names is None or ".".join(names) not in formats or len(args) < 2:
            return None
        first = shape(grammar, args[0], formats, depth + 1)
        if first is None:
            return None
        return StringShape(True, f"format:{'.'.join(names)}", first.literal)
    return None


# Functions bound a local variable's life: its assignments are searched there (not only in
# the enclosing block: `query = ...; try (...) { stmt.executeQuery(query); }`).
_SCOPES = frozenset(
    {"function_declaration", "function_expression", "arrow_function", "method_definition",
     "generator_function_declaration", "method_declaration", "constructor_declaration",
     "lambda_expression", "func_literal", "method", "singleton_method", "function_definition",
     "anonymous_function", "local_function_statement", "anonymous_method_expression", "do_block"}
)  # fmt: skip
_ASSIGNMENTS: dict[str, tuple[str, str]] = {
    "variable_declarator": ("name", "value"),
    "var_spec": ("name", "value"),
    "const_spec": ("name", "value"),
    "assignment_expression": ("left", "right"),
    "augmented_assignment_expression": ("left", "right"),
    "assignment": ("left", "right"),
    "operator_assignment": ("left", "right"),
    "assignment_statement": ("left", "right"),
    "short_var_declaration": ("left", "right"),
}
_VARIABLES = frozenset({"identifier", "variable_name"})


def _first(node: Node | None) -> Node | None:
    """The first expression of Go's `expression_list` (`q := "..." + x`), else the node."""
    if node is not None and node.type == "expression_list" and node.named_children:
        return node.named_children[0]
    return node


def _value(node: Node, value_field: str) -> Node | None:
    value = node.child_by_field_name(value_field)
    if value is None and node.type == "variable_declarator":  # C#: `name = <expr>` unnamed
        named = node.named_children
        value = named[-1] if len(named) > 1 else None
    return _first(value)


def through_variable(grammar: Grammar, node: Node, formats: frozenset[str]) -> StringShape | None:
    """The shape of the text a local variable holds when `node` reads it.

    Code that runs SQL rarely builds it inside the call: `query = "SELECT ... " + id` comes a
    line earlier. Every assignment to the variable before `node` in the same function counts
    (`sql += " AND id = " + id` builds it too). One level only: a variable assigned from another
    variable is not followed.
    """
    node = _unwrap(node)
    if node.type not in _VARIABLES:
        return None
    name = text(node)
    scope = node.parent
    while scope is not None and scope.type not in _SCOPES:
        scope = scope.parent
    if scope is None:
        return None
    shapes: list[StringShape] = []
    stack = [scope]
    while stack:
        current = stack.pop()
        if current.start_byte >= node.start_byte:
            continue
        fields = _ASSIGNMENTS.get(current.type)
        if fields is not None:
            target = _first(current.child_by_field_name(fields[0]))
            value = _value(current, fields[1])
            if target is not None and value is not None and text(target) == name:
                found = shape(grammar, value, formats)
                if found is not None:
                    shapes.append(found)
        stack.extend(current.children)
    if not shapes:
        return None
    return StringShape(
        any(s.built for s in shapes),
        next((s.how for s in shapes if s.built), "literal") + f" in {name}",
        " ".join(s.literal for s in shapes),
    )
