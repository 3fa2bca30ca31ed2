"""The application's secret key used as a Hashids salt, which Hashids outputs reveal (CWE-327)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import PatternContext, PatternHit, last_name, pattern_rule

SECRET_KEY_AS_SALT = rule_meta(
    id="secret-key-as-hashids-salt",
    name="SecretKeyUsedAsHashidsSalt",
    family="crypto",
    cwe=(327, 200),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="The application's secret key used as a Hashids salt",
    doc="""
    ## What it does
    Flags `Hashids(salt=...)` (or the salt as first argument) when the salt is the framework's
    signing key: Django's `settings.SECRET_KEY`, Flask's `app.config["SECRET_KEY"]` (on any
    application or `current_app`) or `app.secret_key`.

    ## Why is this bad?
    Hashids is an encoding, not encryption: its salt can be recovered from enough encoded ids,
    and ids are what it is made to show in URLs. The salt is then the key that signs the
    application's sessions, password-reset tokens and CSRF tokens, so whoever reads ids in
    URLs can forge those.

    ## Example
    ```python
    hashids = Hashids(salt=settings.SECRET_KEY, min_length=8)
    ```

    ## Use instead
    A salt of its own, which reveals nothing else:
    ```python
    hashids = Hashids(salt=settings.HASHIDS_SALT, min_length=8)
    ```

    ## References
    - [CWE-327: Use of a Broken or Risky Cryptographic Algorithm](https://cwe.mitre.org/data/definitions/327.html)
    - [CWE-200: Exposure of Sensitive Information](https://cwe.mitre.org/data/definitions/200.html)
    """,
)


def _is_signing_key(ctx: PatternContext, node: ast.expr) -> bool:
    if isinstance(node, ast.Attribute):
        if node.attr == "secret_key":
            return True
        return node.attr == "SECRET_KEY" and ctx.qualname(node.value).endswith("settings")
    return (
        isinstance(node, ast.Subscript)
        and ctx.is_const(node.slice, "SECRET_KEY")
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "config"
    )


@pattern_rule(SECRET_KEY_AS_SALT, ast.Call, names={"Hashids"})
def check_hashids_salt(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if not isinstance(node, ast.Call) or last_name(node.func) != "Hashids":
        return
    if not ctx.qualname(node).startswith(("hashids.", "Hashids")):
        return
    salt = ctx.keyword(node, "salt") or (node.args[0] if node.args else None)
    if salt is not None and _is_signing_key(ctx, salt):
        yield PatternHit(
            SECRET_KEY_AS_SALT,
            node,
            "the signing secret key is the Hashids salt, which encoded ids reveal",
        )
