"""Secrets compared with `==` (CWE-208): the comparison time leaks how much matched."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import PatternContext, PatternHit, pattern_rule

TIMING_UNSAFE_COMPARISON = rule_meta(
    id="timing-unsafe-comparison",
    name="SecretComparedWithEquality",
    family="auth",
    cwe=(208,),
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="Secret compared with a non-constant-time comparison",
    doc="""
    ## What it does
    Flags `==` / `!=` comparisons where one side is a secret, token, signature, HMAC, digest or
    password (by name, or an `hmac`/`hashlib` digest call) and the other side is not a literal.

    ## Why is this bad?
    `==` on strings stops at the first differing character; measuring response times lets an
    attacker recover a signature or token byte by byte.

    ## Example
    ```python
    if hmac.new(key, body, "sha256").hexdigest() == request.headers["X-Signature"]:
        ...
    ```

    ## Use instead
    ```python
    if hmac.compare_digest(expected, request.headers["X-Signature"]):
        ...
    ```

    ## References
    - [CWE-208: Observable Timing Discrepancy](https://cwe.mitre.org/data/definitions/208.html)
    - [Python docs: hmac.compare_digest](https://docs.python.org/3/library/hmac.html#hmac.compare_digest)
    """,
)

_SECRET = re.compile(
    r"(^|_)(token|secret|signature|sig|hmac|digest|hexdigest|password|passwd|pwd|apikey|api_key|otp|mac|nonce|csrf)($|_)"
)
# A bare "digest" is often an unkeyed hash (a cache key, a checksum of public data): comparing it
# leaks nothing an attacker cannot compute. It counts only where the function computes an HMAC.
_STRONG = re.compile(
    r"(^|_)(token|secret|signature|sig|hmac|password|passwd|pwd|apikey|api_key|otp|mac|nonce|csrf)($|_)"
)
_NOT_SECRET = re.compile(
    r"(_?(type|name|len|length|count|kind|url|id|field|header|prefix|format|mode|scheme|algorithm|alg|version|path|dir|file|index|position|pos|start|end)s?$|^is_|^has_)"
)
_DIGEST_CALLS = ("hexdigest", "digest")


def snake_case(name: str) -> str:
    """`apiToken` / `API_TOKEN` -> `api_token`, so name checks can use `_` word boundaries."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _secret_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _DIGEST_CALLS:
            return f"{func.attr}()"
        return None
    if isinstance(node, ast.Name):
        name = node.id
    elif isinstance(node, ast.Attribute):
        name = node.attr
    elif (
        isinstance(node, ast.Subscript)
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, str)
    ):
        name = node.slice.value
    else:
        return None
    snake = snake_case(name)
    if _SECRET.search(snake) and not _NOT_SECRET.search(snake):
        return name
    return None


def _is_literal(node: ast.expr) -> bool:
    """A value that is not a secret: literals, displays, constants and enum-like names."""
    if isinstance(
        node,
        ast.Constant
        | ast.JoinedStr
        | ast.List
        | ast.Tuple
        | ast.Set
        | ast.Dict
        | ast.ListComp
        | ast.SetComp,
    ):
        return True
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("len", "type", "id", "bool", "int")
    ):
        return True
    if isinstance(node, ast.Name):
        return _constant_like(node.id)
    if isinstance(node, ast.Attribute):
        base = node.value
        return _constant_like(node.attr) or (
            isinstance(base, ast.Name) and base.id[:1].isupper() and not base.id.isupper()
        )
    return False


def _constant_like(name: str) -> bool:
    """`ALL_CAPS` constants and `CamelCase` classes or enum members."""
    stripped = name.lstrip("_")
    return bool(stripped) and (
        stripped.isupper() or (stripped[:1].isupper() and any(c.islower() for c in stripped))
    )


@pattern_rule(TIMING_UNSAFE_COMPARISON, ast.Compare)
def check_timing(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if (
        not isinstance(node, ast.Compare)
        or len(node.ops) != 1
        or not isinstance(node.ops[0], ast.Eq | ast.NotEq)
    ):
        return
    fn = ctx.function
    if fn is not None and fn.name in ("__eq__", "__ne__"):
        return  # value equality of a credential object, not an authentication check
    left, right = node.left, node.comparators[0]
    if _is_literal(left) or _is_literal(right):
        return
    if _uses_sqlalchemy(ctx) and (_is_table_column(left) or _is_table_column(right)):
        return  # builds a SQL expression: the database compares, Python's `==` never runs
    names = [n for n in (_secret_name(left), _secret_name(right)) if n]
    strong = [n for n in names if _STRONG.search(snake_case(n))]
    name = strong[0] if strong else names[0] if names and _computes_hmac(ctx) else None
    if name:
        yield PatternHit(
            TIMING_UNSAFE_COMPARISON,
            node,
            f"`{name}` compared with `{(type(node.ops[0]).__name__ == 'Eq' and '==') or '!='}`: use hmac.compare_digest",
        )


def _is_table_column(node: ast.expr) -> bool:
    """`table.c.name` / `table.columns.name`: a SQLAlchemy column, whose `==` returns a SQL
    expression for a WHERE clause instead of comparing two strings in this process."""
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr in ("c", "columns")
    )


def _uses_sqlalchemy(ctx: PatternContext) -> bool:
    """Whether the module imports SQLAlchemy, so `.c.` is a table's column collection."""
    return any(
        target == "sqlalchemy" or target.startswith("sqlalchemy.")
        for target in ctx.module.imports.values()
    )


def _computes_hmac(ctx: PatternContext) -> bool:
    """Whether the enclosing function (or module body) calls into `hmac`: a keyed digest."""
    scope: ast.AST | None = ctx.function or ctx.module.tree
    if scope is None:
        return False
    return any(
        isinstance(node, ast.Call) and ctx.qualname(node).startswith("hmac.")
        for node in ast.walk(scope)
    )
