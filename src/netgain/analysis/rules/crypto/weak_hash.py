"""Weak hash (CWE-328): MD5/SHA-1 and friends used where security may depend on them."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import PatternContext, PatternHit, callee_names, pattern_rule

WEAK_HASH = rule_meta(
    id="weak-hash",
    name="WeakHashAlgorithm",
    family="crypto",
    cwe=(328, 327),
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="Weak hash algorithm",
    doc="""
    ## What it does
    Flags MD2, MD4, MD5 and SHA-1 (`hashlib.md5()`, `hashlib.sha1()`, `hashlib.new("md5")`,
    PyCryptodome `MD5.new()` / `MD2.new()` / `SHA.new()`, `cryptography` `hashes.MD5()`/`SHA1()`), unless the call says
    `usedforsecurity=False`.

    ## Why is this bad?
    Collisions for MD5 and SHA-1 are practical: signatures, integrity checks and identifiers
    built on them can be forged.

    ## Example
    ```python
    digest = hashlib.md5(data).hexdigest()
    ```

    ## Use instead
    ```python
    digest = hashlib.sha256(data).hexdigest()
    # or, for a non-security checksum:
    digest = hashlib.md5(data, usedforsecurity=False).hexdigest()
    ```

    ## References
    - [CWE-328: Use of Weak Hash](https://cwe.mitre.org/data/definitions/328.html)
    """,
)

_WEAK = {"md4", "md5", "sha1", "sha", "md5-sha1", "ripemd160"}
_WEAK_CALLS = {
    "hashlib.md5", "hashlib.sha1",
    *(f"{lib}.Hash.{alg}.new" for lib in ("Crypto", "Cryptodome") for alg in ("MD2", "MD4", "MD5", "SHA", "SHA1")),
    "cryptography.hazmat.primitives.hashes.MD5", "cryptography.hazmat.primitives.hashes.SHA1",
}  # fmt: skip


@pattern_rule(WEAK_HASH, ast.Call, names=callee_names(_WEAK_CALLS, ["hashlib.new"]))
def check_weak_hash(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if not isinstance(node, ast.Call):
        return
    qual = ctx.qualname(node)
    algo: str | None = None
    if qual in _WEAK_CALLS:
        algo = qual.rsplit(".", 2)[-2] if qual.endswith(".new") else qual.rsplit(".", 1)[-1]
    elif qual == "hashlib.new" and (node.args or ctx.keyword(node, "name") is not None):
        name = ctx.const(ctx.keyword(node, "name") or node.args[0])
        if isinstance(name, str) and name.lower() in _WEAK:
            algo = name
    if algo is None:
        return
    if ctx.is_const(ctx.keyword(node, "usedforsecurity"), False):
        return
    yield PatternHit(
        WEAK_HASH,
        node,
        f"weak hash algorithm {algo.upper()}: use SHA-256 or better (or usedforsecurity=False for non-security uses)",
    )
