"""Weak key sizes (CWE-326): RSA and DSA keys under 2048 bits, elliptic curves under 224 bits."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import PatternContext, PatternHit, callee_names, pattern_rule

WEAK_KEY_SIZE = rule_meta(
    id="weak-key-size",
    name="KeyTooShort",
    family="crypto",
    cwe=(326,),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="Asymmetric key generated with too few bits",
    doc="""
    ## What it does
    Flags key generation with a constant size below current guidance: RSA and DSA keys under
    2048 bits (`cryptography`'s `rsa.generate_private_key` / `dsa.generate_private_key`,
    PyCryptodome's `RSA.generate` / `DSA.generate`) and elliptic curves under 224 bits
    (`SECP192R1`, `SECT163K1`, `SECT163R2`). Sizes read from configuration are not judged.

    ## Why is this bad?
    1024-bit RSA and DSA keys and 160-bit curves are within reach of well-funded attackers
    today; data encrypted or signed with them now can be broken later.

    ## Example
    ```python
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    ```

    ## Use instead
    ```python
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    ```

    ## References
    - [CWE-326: Inadequate Encryption Strength](https://cwe.mitre.org/data/definitions/326.html)
    - [NIST SP 800-57 Part 1: key sizes](https://csrc.nist.gov/pubs/sp/800/57/pt1/r5/final)
    """,
)

MIN_BITS = 2048
_ASYMMETRIC = "cryptography.hazmat.primitives.asymmetric"
# qualified call -> (position of the size argument, its keyword)
_SIZED: dict[str, tuple[int, str]] = {
    f"{_ASYMMETRIC}.rsa.generate_private_key": (1, "key_size"),
    f"{_ASYMMETRIC}.dsa.generate_private_key": (0, "key_size"),
    f"{_ASYMMETRIC}.dsa.generate_parameters": (0, "key_size"),
    **{f"{lib}.PublicKey.{alg}.generate": (0, "bits") for lib in ("Crypto", "Cryptodome") for alg in ("RSA", "DSA")},
}  # fmt: skip
_WEAK_CURVES = frozenset(
    f"{_ASYMMETRIC}.ec.{curve}" for curve in ("SECP192R1", "SECT163K1", "SECT163R2")
)


@pattern_rule(
    WEAK_KEY_SIZE, ast.Call, names=callee_names(_SIZED, [f"{_ASYMMETRIC}.ec.generate_private_key"])
)
def check_weak_key(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if not isinstance(node, ast.Call):
        return
    qual = ctx.qualname(node)
    if qual in _SIZED:
        position, keyword = _SIZED[qual]
        size_node = ctx.keyword(node, keyword)
        if size_node is None and len(node.args) > position:
            size_node = node.args[position]
        size = ctx.const(size_node)
        if isinstance(size, int) and not isinstance(size, bool) and size < MIN_BITS:
            yield PatternHit(WEAK_KEY_SIZE, node, f"{size}-bit key: use at least {MIN_BITS} bits")
    elif qual == f"{_ASYMMETRIC}.ec.generate_private_key":
        curve = ctx.keyword(node, "curve") or (node.args[0] if node.args else None)
        if isinstance(curve, ast.Call):
            curve = curve.func
        if isinstance(curve, ast.Name | ast.Attribute) and ctx.qualname(curve) in _WEAK_CURVES:
            name = ctx.qualname(curve).rsplit(".", 1)[-1]
            yield PatternHit(WEAK_KEY_SIZE, node, f"curve {name} is under 224 bits: use SECP256R1")
