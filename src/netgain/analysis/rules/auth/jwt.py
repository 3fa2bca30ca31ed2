"""JWT decoded without verifying its signature, or accepting the `none` algorithm (CWE-347)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import (
    NOT_CONST,
    PatternContext,
    PatternHit,
    callee_names,
    pattern_rule,
)

JWT_UNVERIFIED = rule_meta(
    id="jwt-unverified",
    name="JwtSignatureNotVerified",
    family="auth",
    cwe=(347,),
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    summary="JWT accepted without verifying its signature",
    doc="""
    ## What it does
    Flags PyJWT and python-jose calls that skip signature verification
    (`options={"verify_signature": False}`, `verify=False`), accept the `none` algorithm
    (`algorithms=["none"]`), or read claims without verification (`get_unverified_claims`,
    `get_unverified_header` used as identity). When the options dict is written to a local
    name first, the finding is on that statement (where verification is switched off).

    ## Why is this bad?
    Without the signature check, anyone can write a token with any claims (`"admin": true`,
    another user's id) and the application believes it.

    ## Example
    ```python
    claims = jwt.decode(token, options={"verify_signature": False})
    ```

    ## Use instead
    ```python
    claims = jwt.decode(token, key, algorithms=["HS256"])
    ```

    ## References
    - [CWE-347: Improper Verification of Cryptographic Signature](https://cwe.mitre.org/data/definitions/347.html)
    - [PyJWT: usage](https://pyjwt.readthedocs.io/en/stable/usage.html)
    """,
)

_DECODERS = {
    "jwt.decode",
    "jwt.decode_complete",
    "jwt.api_jwt.decode",
    "jose.jwt.decode",
    "jwt.PyJWT.decode",
}
_UNVERIFIED = {"jose.jwt.get_unverified_claims", "jwt.get_unverified_claims"}


def _has_none(value: object) -> bool:
    if isinstance(value, str):
        return value.lower() == "none"
    if isinstance(value, list | tuple | set | frozenset):
        return any(isinstance(v, str) and v.lower() == "none" for v in value)
    return False


def _binding(ctx: PatternContext, options: ast.expr | None, call: ast.Call) -> ast.Assign | None:
    """The statement that wrote the options dict (`opts = {"verify_signature": False}`) when
    the decode call gets it through a local name: the finding goes where the check is switched
    off, which is the line to change."""
    fn = ctx.function
    if fn is None or not isinstance(options, ast.Name):
        return None
    found: ast.Assign | None = None
    for stmt in fn.body:
        if stmt.lineno >= call.lineno:
            break
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and stmt.targets[0].id == options.id
            and isinstance(stmt.value, ast.Dict)
        ):
            found = stmt
    return found


@pattern_rule(
    JWT_UNVERIFIED,
    ast.Call,
    names={"decode", "decode_complete", *callee_names(_DECODERS, _UNVERIFIED)},
)
def check_jwt(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if not isinstance(node, ast.Call):
        return
    qual = ctx.qualname(node)
    if qual in _UNVERIFIED:
        yield PatternHit(
            JWT_UNVERIFIED, node, f"{qual}() returns claims without verifying the signature"
        )
        return
    if qual not in _DECODERS and not (
        isinstance(node.func, ast.Attribute)
        and node.func.attr in ("decode", "decode_complete")
        and qual.startswith(("jwt.", "jose."))
    ):
        return
    options_node = ctx.keyword(node, "options")
    options = ctx.const_here(options_node)
    if isinstance(options, dict) and options.get("verify_signature") is False:
        binding = _binding(ctx, options_node, node)
        yield PatternHit(
            JWT_UNVERIFIED,
            binding or node,
            "JWT decoded with verify_signature=False: any forged token is accepted"
            + (
                f" (these options are passed to the decode on line {node.lineno})"
                if binding
                else ""
            ),
        )
        return
    if ctx.is_const(ctx.keyword(node, "verify"), False):
        yield PatternHit(
            JWT_UNVERIFIED, node, "JWT decoded with verify=False: any forged token is accepted"
        )
        return
    algorithms = ctx.const(ctx.keyword(node, "algorithms"))
    if algorithms is not NOT_CONST and _has_none(algorithms):
        yield PatternHit(
            JWT_UNVERIFIED,
            node,
            "JWT decoding accepts the 'none' algorithm: unsigned tokens are accepted",
        )
