"""Weak cipher or mode (CWE-327): DES, RC4, Blowfish, ECB mode and similar."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import PatternContext, PatternHit, pattern_rule

WEAK_CIPHER = rule_meta(
    id="weak-cipher",
    name="WeakCipherOrMode",
    family="crypto",
    cwe=(327,),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="Broken or risky cipher or mode",
    doc="""
    ## What it does
    Flags broken ciphers (DES, 3DES, RC4/ARC4, RC2, Blowfish, IDEA, CAST5, SEED, XOR) from
    PyCryptodome and `cryptography`, and ECB mode (`AES.new(key, AES.MODE_ECB)`, `modes.ECB()`).

    ## Why is this bad?
    Short keys and blocks make these ciphers breakable; ECB encrypts equal blocks to equal
    ciphertext, leaking the structure of the data.

    ## Example
    ```python
    cipher = AES.new(key, AES.MODE_ECB)
    ```

    ## Use instead
    An authenticated mode of a modern cipher:
    ```python
    cipher = AES.new(key, AES.MODE_GCM)
    ```

    ## References
    - [CWE-327: Use of a Broken or Risky Cryptographic Algorithm](https://cwe.mitre.org/data/definitions/327.html)
    """,
)

_BROKEN = {
    "DES",
    "DES3",
    "ARC4",
    "ARC2",
    "Blowfish",
    "CAST",
    "XOR",
    "TripleDES",
    "IDEA",
    "CAST5",
    "SEED",
}
_PREFIXES = (
    "Crypto.Cipher.",
    "Cryptodome.Cipher.",
    "cryptography.hazmat.primitives.ciphers.algorithms.",
    "cryptography.hazmat.decrepit.ciphers.algorithms.",
)


@pattern_rule(WEAK_CIPHER, ast.Attribute, names={"MODE_ECB"})
# a broken cipher's class or module, its `new`, or `modes.ECB`
@pattern_rule(WEAK_CIPHER, ast.Call, names={*_BROKEN, "new", "ECB"})
def check_weak_cipher(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if isinstance(node, ast.Attribute):
        if node.attr == "MODE_ECB" and ctx.qualname(node).startswith(("Crypto.", "Cryptodome.")):
            yield PatternHit(
                WEAK_CIPHER,
                node,
                "ECB mode leaks the structure of the plaintext: use GCM or another authenticated mode",
            )
        return
    if not isinstance(node, ast.Call):
        return
    qual = ctx.qualname(node)
    if qual == "cryptography.hazmat.primitives.ciphers.modes.ECB":
        yield PatternHit(
            WEAK_CIPHER,
            node,
            "ECB mode leaks the structure of the plaintext: use GCM or another authenticated mode",
        )
        return
    for prefix in _PREFIXES:
        if qual.startswith(prefix):
            rest = qual[len(prefix) :].split(".")
            if rest and rest[0] in _BROKEN and (len(rest) == 1 or rest[-1] == "new"):
                yield PatternHit(
                    WEAK_CIPHER,
                    node,
                    f"{rest[0]} is a broken or risky cipher: use AES-GCM or ChaCha20-Poly1305",
                )
            return
