"""SQL text built at run time from a value the analysis cannot see the origin of.

A query assembled by string building (`"SELECT ... WHERE name = '" + name + "'"`, `%`,
`str.format`, f-strings) is injectable whatever the origin of `name`; the taint analysis only
reports it when `name` comes from a known source. When nothing is known about the value (a
module global set elsewhere, an attribute, the result of an unmodelled call), the built string
gets a `built-query` label at low confidence: SQL sinks report it as a place to look (the audit
finding Bandit's B608 and Semgrep's audit rules make), and the gate does not fail on it by
default (`--fail-on-confidence medium`). A value with any label (a source, a parameter, input
a guard cleaned) is left to the taint analysis; numeric conversions and `%d` placeholders are
not text.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

from netgain.analysis.findings import Confidence
from netgain.analysis.values import NOCONST, Label, Step, Value, merge_labels

BUILT_QUERY = "built-query"

# The statement shapes Bandit's B608 reads as SQL: a verb and the keyword that follows it.
_SQL = re.compile(
    r"\b(?:select\s.*\bfrom\s|delete\s+from\s|insert\s+into\s.*\bvalues\b|update\s.*\bset\s)",
    re.IGNORECASE | re.DOTALL,
)
# `%` placeholders, and the conversions that only produce numbers
_PERCENT = re.compile(r"%(?:\([^)]*\))?[-+ #0]*\d*(?:\.\d+)?([a-zA-Z%])")
_NUMERIC_CONVERSIONS = frozenset("dioxXeEfFgGc%")
# calls whose result is a number, never text an attacker shapes (shared with `unknown.py`)
NUMERIC_CALLS = frozenset({"int", "float", "len", "bool", "abs", "round", "ord"})


def looks_like_sql(text: object) -> bool:
    return isinstance(text, str) and len(text) >= 10 and _SQL.search(text) is not None


def only_numeric_placeholders(template: str) -> bool:
    """`"... LIMIT %d" % n`: every placeholder formats a number."""
    kinds = [m.group(1) for m in _PERCENT.finditer(template)]
    return all(k in _NUMERIC_CONVERSIONS for k in kinds)


def unknown_text(value: Value, node: ast.expr) -> bool:
    """A part of a built string that is not a constant, carries no label and is not a number."""
    if value.const is not NOCONST or not _unknown_origin(value):
        return False
    if isinstance(node, ast.FormattedValue):
        if node.format_spec is not None:
            return False  # `{n:d}`, `{x:.2f}`: formatted as a number
        node = node.value
    while (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "str"
        and len(node.args) == 1
    ):
        node = node.args[0]  # `str(int(x))` is still a number
    return not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in NUMERIC_CALLS
    )


def _unknown_origin(value: Value) -> bool:
    """No label at all. A label of a source, of a parameter (its callers decide: a tool's
    output or a constant passed in is not input), or one a guard or sanitizer cleaned, is the
    taint analysis's to judge."""
    return not value.tainted


def mark_built_query(built: Value, path: str, node: ast.AST) -> Value:
    """`built` with the low-confidence `built-query` label added at `node`."""
    step = Step(
        path,
        getattr(node, "lineno", 1),
        getattr(node, "col_offset", 0) + 1,
        "SQL text built from a value of unknown origin",
    )
    label = Label(BUILT_QUERY, Confidence.LOW, (step,))
    return Value(labels=merge_labels(built.labels, frozenset({label})), type=built.type)


def sql_shaped(expr: ast.expr, assignments: Mapping[str, list[ast.expr]], hops: int = 3) -> bool:
    """Whether an argument is SQL text built at run time: an f-string, `+`, `%` or `.format`
    whose constant text reads as a statement, directly or in a local name assigned one (`hops`
    assignments followed back). Why: a query method of a database driver has a name too common
    to read every argument as SQL (`pool.fetch(url)`, `conn.run(job)`); a built statement
    passed to it is SQL whatever the name of the method."""
    return looks_like_sql(_built_text(expr, assignments, hops))


def _built_text(expr: ast.expr, assignments: Mapping[str, list[ast.expr]], hops: int) -> str:
    """The constant text of a string built at run time ("" when it is not one)."""
    match expr:
        case ast.JoinedStr(values=values):
            return "".join(
                v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)
            )
        case ast.BinOp(left=left, op=ast.Add(), right=right):
            return _text(left, assignments, hops) + _text(right, assignments, hops)
        case ast.BinOp(left=left, op=ast.Mod()):
            return _text(left, assignments, hops)
        case ast.Call(func=ast.Attribute(value=template, attr="format")):
            return _text(template, assignments, hops)
        case ast.Name(id=name) if hops > 0:
            for assigned in assignments.get(name, ()):
                text = _built_text(assigned, assignments, hops - 1)
                if looks_like_sql(text):
                    return text
    return ""


def _text(expr: ast.expr, assignments: Mapping[str, list[ast.expr]], hops: int) -> str:
    """Constant text of a part of a built string, or of a template held in a local name."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, ast.Name) and hops > 0:
        for assigned in assignments.get(expr.id, ()):
            if isinstance(assigned, ast.Constant) and isinstance(assigned.value, str):
                return assigned.value
    return _built_text(expr, assignments, hops)
