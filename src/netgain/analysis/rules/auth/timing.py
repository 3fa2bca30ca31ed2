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
    r"(?i)(token|secret|signature|(^|_)sig($|_)|hmac|digest|passw(or)?d|passwd|api_?key|otp|mac$|nonce|csrf)"
)
_NOT_SECRET = re.compile(
    r"(?i)(_?(type|name|len|length|count|kind|url|id|field|header|prefix|format|mode|scheme|algorithm|alg|version)s?$|^is_|^has_)"
)
_DIGEST_CALLS = ("hexdigest", "digest")


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
    if _SECRET.search(name) and not _NOT_SECRET.search(name):
        return name
    return None


def _is_literal(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len":
        return True
    return (
        isinstance(node, ast.List | ast.Tuple | ast.Dict | ast.Set) and not node.elts
        if isinstance(node, ast.List | ast.Tuple | ast.Set)
        else False
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
    name = _secret_name(left) or _secret_name(right)
    if name:
        yield PatternHit(
            TIMING_UNSAFE_COMPARISON,
            node,
            f"`{name}` compared with `{(type(node.ops[0]).__name__ == 'Eq' and '==') or '!='}`: use hmac.compare_digest",
        )
