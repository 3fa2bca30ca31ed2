"""Credentials put into a JWT payload, which anyone holding the token can read (CWE-522)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import PatternContext, PatternHit, pattern_rule

CREDENTIALS_IN_JWT = rule_meta(
    id="credentials-in-jwt",
    name="CredentialInTokenPayload",
    family="auth",
    cwe=(522, 312),
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="Credential written into a JWT payload",
    doc="""
    ## What it does
    Flags a dictionary with a credential key (`password`, `passwd`, `pwd`, `*_password`,
    `secret`, `*_secret`, `private_key`) that is encoded into a JWT with `jwt.encode(...)`:
    the dictionary written in the call, or bound to a name in the same function or at module
    level. The finding is on the dictionary, where the credential is put in.

    ## Why is this bad?
    A signed JWT is not encrypted: its payload is base64 that any holder of the token (the
    browser, a proxy, a log) decodes. A password in it is disclosed to all of them.

    ## Example
    ```python
    token = jwt.encode({"user": name, "password": password}, key, algorithm="HS256")
    ```

    ## Use instead
    Put an identifier in the token and keep credentials on the server:
    ```python
    token = jwt.encode({"sub": user_id}, key, algorithm="HS256")
    ```

    ## References
    - [CWE-522: Insufficiently Protected Credentials](https://cwe.mitre.org/data/definitions/522.html)
    - [RFC 7519 section 12: privacy considerations](https://www.rfc-editor.org/rfc/rfc7519#section-12)
    """,
)

_CREDENTIAL_KEY = re.compile(
    r"(?i)^(pass|password|passwd|pwd|secret|private_?key|\w+_(password|passwd|secret))$"
)
_ENCODERS = frozenset({"jwt.encode", "jwt.api_jwt.encode", "jose.jwt.encode"})
_NOTE = "credentials-in-jwt"


def _bound_dict(ctx: PatternContext, name: str, before: int) -> ast.Dict | None:
    """The dict literal last bound to `name` before line `before`, in the enclosing function's
    own statements or else at module level."""
    scopes: list[list[ast.stmt]] = []
    if ctx.function is not None:
        scopes.append(ctx.function.body)
        args = ctx.function.args
        if name in {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}:
            return None  # the caller's dictionary, not one written here
    if ctx.module.tree is not None:
        scopes.append(ctx.module.tree.body)
    for body in scopes:
        found: ast.Dict | None = None
        for stmt in body:
            if (
                isinstance(stmt, ast.Assign)
                and stmt.lineno < before
                and any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets)
            ):
                found = stmt.value if isinstance(stmt.value, ast.Dict) else None
        if found is not None:
            return found
    return None


@pattern_rule(CREDENTIALS_IN_JWT, ast.Call, names={"encode"})
def check_credentials_in_jwt(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if not isinstance(node, ast.Call) or not node.args:
        return
    if not (isinstance(node.func, ast.Attribute) and node.func.attr == "encode"):
        return
    if ctx.qualname(node) not in _ENCODERS:
        return
    payload = node.args[0]
    found = (
        payload
        if isinstance(payload, ast.Dict)
        else _bound_dict(ctx, payload.id, node.lineno)
        if isinstance(payload, ast.Name)
        else None
    )
    if found is None or (_NOTE, id(found)) in ctx.notes:
        return
    for key in found.keys:
        name = ctx.const(key) if key is not None else None
        if isinstance(name, str) and _CREDENTIAL_KEY.match(name):
            ctx.notes[(_NOTE, id(found))] = name
            yield PatternHit(
                CREDENTIALS_IN_JWT,
                found,
                f"`{name}` is written into a JWT payload, which every holder of the token "
                "can decode",
            )
            return
