"""Inefficient regular expressions (CWE-1333): constant patterns with nested unbounded repeats.

The other half of ReDoS next to `regex-injection`: the pattern is the program's own, the text
comes from anywhere. Patterns are parsed with the standard library's own regex parser and
checked for the shape that backtracks exponentially: an unbounded repeat whose body is itself an
unbounded repeat with nothing else required around it (`(a+)+`, `(\\w+\\s?)*`).
"""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import PatternContext, PatternHit, callee_names, pattern_rule

INEFFICIENT_REGEX = rule_meta(
    id="inefficient-regex",
    name="CatastrophicBacktrackingRegex",
    family="injection",
    cwe=(1333, 730),
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="Regular expression with nested repeats that backtracks exponentially",
    doc="""
    ## What it does
    Parses the constant pattern given to `re.compile`, `re.match`, `re.search`,
    `re.fullmatch`, `re.findall`, `re.finditer`, `re.sub`, `re.subn` and `re.split` (a literal
    or a module-level constant) and flags an unbounded repeat (`*`, `+`, `{n,}`) whose body is
    another unbounded repeat with only optional items beside it: `(a+)+`, `(a*)*`,
    `(\\w+\\s?)*`. A required separator between the repetitions (`(\\s*,\\s*\\w+)*`) and
    possessive or atomic forms (`(a++)+`, `(?>a+)+`) do not backtrack this way and are not
    reported. Overlapping alternatives (`(a|a)*`) are not detected, and a pattern that does
    not compile is not judged (running it raises before any input is read), nor is a pattern
    compiled into a name that is never used to match (`p = re.compile(...)` followed only by
    reads of `p.pattern` or `p.flags` until `p` is bound again).

    ## Why is this bad?
    On a string that almost matches, the engine tries every way of splitting it between the
    inner and outer repeat: the time doubles with each extra character, and a request of a few
    dozen bytes keeps a worker busy for minutes.

    ## Example
    ```python
    EMAIL = re.compile(r"^([a-zA-Z0-9]+)+@example\\.com$")
    ```

    ## Use instead
    Remove the nesting (one repeat is enough), or make the inner repeat possessive:
    ```python
    EMAIL = re.compile(r"^[a-zA-Z0-9]+@example\\.com$")
    ```

    ## References
    - [CWE-1333: Inefficient Regular Expression Complexity](https://cwe.mitre.org/data/definitions/1333.html)
    - [OWASP: Regular expression Denial of Service](https://owasp.org/www-community/attacks/Regular_expression_Denial_of_Service_-_ReDoS)
    """,
)

# The standard library's own regex parser, so a pattern is read exactly as `re.compile` reads
# it. Private modules without type stubs (the public `sre_parse` alias warns on import).
sre_parse: Any = importlib.import_module("re._parser")
sre: Any = importlib.import_module("re._constants")

_RE_CALLS = frozenset(
    f"re.{fn}"
    for fn in (
        "compile",
        "match",
        "search",
        "fullmatch",
        "findall",
        "finditer",
        "sub",
        "subn",
        "split",
    )
)
_BACKTRACKING = (sre.MAX_REPEAT, sre.MIN_REPEAT)


def _unwrap(items: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """The items of a body, looking through capturing / non-capturing groups."""
    while len(items) == 1 and items[0][0] is sre.SUBPATTERN:
        items = list(items[0][1][3])
    return items


def _optional(item: tuple[Any, Any], state: Any) -> bool:
    low, _high = sre_parse.SubPattern(state, [item]).getwidth()
    return bool(low == 0)


def _nested_repeat(items: list[tuple[Any, Any]], state: Any) -> bool:
    for op, av in items:
        if op in _BACKTRACKING:
            _low, high, body = av
            inner = _unwrap(list(body))
            if high == sre.MAXREPEAT:
                for index, (inner_op, inner_av) in enumerate(inner):
                    if (
                        inner_op in _BACKTRACKING
                        and inner_av[1] == sre.MAXREPEAT
                        and all(
                            _optional(other, state) for j, other in enumerate(inner) if j != index
                        )
                    ):
                        return True
            if _nested_repeat(list(body), state):
                return True
        elif op is sre.SUBPATTERN or op is sre.BRANCH:
            bodies = [av[3]] if op is sre.SUBPATTERN else av[1]
            if any(_nested_repeat(list(b), state) for b in bodies):
                return True
    return False


@lru_cache(maxsize=4096)
def catastrophic(pattern: str) -> bool:
    """Whether `pattern` has the nested-repeat shape (False when it does not parse)."""
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError, ValueError):
        return False
    return _nested_repeat(list(parsed.data), parsed.state)


_MATCHING = frozenset(
    {"match", "search", "fullmatch", "findall", "finditer", "sub", "subn", "split", "scanner"}
)
_DECIDED = "inefficient-regex:decided"


def _never_matched(ctx: PatternContext, stmt: ast.Assign, name: str) -> bool:
    """`name = re.compile(...)` as a statement of the module or function body, whose later
    uses (until `name` is bound again) are all attribute reads or calls of methods that do not
    run the pattern on text. Passed on, returned or matched: it may be matched."""
    tree = ctx.module.tree
    body = ctx.function.body if ctx.function is not None else tree.body if tree else []
    if stmt not in body:
        return False
    uses = 0
    for later in body[body.index(stmt) + 1 :]:
        rebinds = isinstance(later, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in later.targets
        )
        read: ast.AST = later.value if rebinds and isinstance(later, ast.Assign) else later
        attrs = {
            id(sub.value): sub.attr
            for sub in ast.walk(read)
            if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name)
        }
        for sub in ast.walk(read):
            if isinstance(sub, ast.Name) and sub.id == name and isinstance(sub.ctx, ast.Load):
                uses += 1
                if attrs.get(id(sub), "") in _MATCHING or id(sub) not in attrs:
                    return False
        if rebinds:
            break
    return uses > 0


@pattern_rule(INEFFICIENT_REGEX, ast.Assign)
@pattern_rule(INEFFICIENT_REGEX, ast.Call, names=callee_names(_RE_CALLS))
def check_inefficient_regex(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if isinstance(node, ast.Assign):
        call = node.value
        if (
            isinstance(call, ast.Call)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and _is_catastrophic_call(ctx, call)
            and _never_matched(ctx, node, node.targets[0].id)
        ):
            ctx.notes[(_DECIDED, id(call))] = "never matched"
        return
    if not isinstance(node, ast.Call) or (_DECIDED, id(node)) in ctx.notes:
        return
    if _is_catastrophic_call(ctx, node):
        yield PatternHit(
            INEFFICIENT_REGEX,
            node,
            "nested unbounded repeats backtrack exponentially on almost-matching input",
        )


def _is_catastrophic_call(ctx: PatternContext, node: ast.Call) -> bool:
    if ctx.qualname(node) not in _RE_CALLS:
        return False
    pattern_node = ctx.keyword(node, "pattern") or (node.args[0] if node.args else None)
    pattern = ctx.const(pattern_node)
    return isinstance(pattern, str) and catastrophic(pattern)
