"""Passwords stored in plaintext or with a fast hash (CWE-916)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.index import dotted_name
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import PatternContext, PatternHit, pattern_rule

WEAK_PASSWORD_HASH = rule_meta(
    id="weak-password-hash",
    name="PasswordWithoutKeyDerivation",
    family="auth",
    cwe=(916, 256),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="Password stored in plaintext or hashed with a fast hash",
    doc="""
    ## What it does
    Flags passwords hashed with a fast general-purpose hash (`hashlib.sha256(password)`,
    `md5`, `sha1`, `sha512`, ...) and passwords stored as they are: assigned to a `password`
    attribute of a model, or passed as `password=` to a model constructor or `create()`, when
    the value is not the result of a password hashing function.

    ## Why is this bad?
    A leaked table of fast hashes is cracked at billions of guesses per second on one GPU; a
    plaintext password is simply read. Password hashes must be slow and salted.

    ## Example
    ```python
    user.password = hashlib.sha256(password.encode()).hexdigest()
    ```

    ## Use instead
    A password KDF: `bcrypt`, `argon2`, `scrypt`, PBKDF2 with many iterations, or the
    framework helper (`make_password`, `generate_password_hash`):
    ```python
    user.password = generate_password_hash(password)
    ```

    ## References
    - [CWE-916: Password Hash With Insufficient Computational Effort](https://cwe.mitre.org/data/definitions/916.html)
    - [OWASP Password Storage Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html)
    """,
)

_PASSWORD = re.compile(r"(?i)(passw(or)?d|passwd|(^|_)pwd($|_))")
_FAST = {
    "md5",
    "sha1",
    "sha224",
    "sha256",
    "sha384",
    "sha512",
    "sha3_256",
    "sha3_512",
    "blake2b",
    "blake2s",
}
_KDF_HINTS = re.compile(
    r"(?i)(bcrypt|argon2|scrypt|pbkdf2|make_password|generate_password_hash|set_password|hashpw|passlib|hasher|crypt_context|ph\.hash|password_hash\()"
)


def _mentions_password(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and _PASSWORD.search(sub.id):
            return True
        if isinstance(sub, ast.Attribute) and _PASSWORD.search(sub.attr):
            return True
        if (
            isinstance(sub, ast.Subscript)
            and isinstance(sub.slice, ast.Constant)
            and isinstance(sub.slice.value, str)
            and _PASSWORD.search(sub.slice.value)
        ):
            return True
    return False


_ACCOUNT = re.compile(
    r"(?i)(user|account|member|customer|profile|admin|person|employee|credential|login)"
)


def _stores_account(call: ast.Call) -> bool:
    """A user-model constructor or a create/update call on a user model or manager."""
    dotted = dotted_name(call.func)
    last = dotted.rsplit(".", 1)[-1]
    if last[:1].isupper():
        return bool(_ACCOUNT.search(last))
    if last in ("create", "update", "insert", "create_or_update", "get_or_create"):
        return bool(_ACCOUNT.search(dotted))
    return False


def _is_plain_value(node: ast.expr) -> bool:
    """A password value passed along untransformed (a name, attribute or request field)."""
    if isinstance(node, ast.Name | ast.Attribute | ast.Subscript):
        return _mentions_password(node)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
    ):
        return any(
            isinstance(a, ast.Constant) and isinstance(a.value, str) and _PASSWORD.search(a.value)
            for a in node.args
        )
    return False


@pattern_rule(WEAK_PASSWORD_HASH, ast.Assign, names=_PASSWORD)
# a fast hash by name, or a password keyword (`User(password=...)`)
@pattern_rule(WEAK_PASSWORD_HASH, ast.Call, names={*_FAST, "new"}, keywords=_PASSWORD)
def check_password_storage(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if isinstance(node, ast.Call):
        qual = ctx.qualname(node)
        algo = qual.removeprefix("hashlib.") if qual.startswith("hashlib.") else None
        data = node.args[0] if node.args else None
        if qual == "hashlib.new":
            name = ctx.const(node.args[0]) if node.args else None
            algo = name.lower() if isinstance(name, str) else None
            data = node.args[1] if len(node.args) > 1 else None
        if algo in _FAST and data is not None and _mentions_password(data):
            yield PatternHit(
                WEAK_PASSWORD_HASH,
                node,
                f"password hashed with fast hash {algo}: use bcrypt, argon2, scrypt or PBKDF2",
            )
            return
        # User(password=raw) / User.objects.create(password=raw)
        if _stores_account(node):
            for kw in node.keywords:
                if (
                    kw.arg
                    and _PASSWORD.search(kw.arg)
                    and not kw.arg.endswith(("hash", "_hash", "hashed"))
                    and _is_plain_value(kw.value)
                ):
                    yield PatternHit(
                        WEAK_PASSWORD_HASH,
                        kw.value,
                        f"password stored in plaintext via `{kw.arg}=`: hash it with a password KDF",
                    )
        return
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
        if isinstance(target, ast.Attribute) and _PASSWORD.search(target.attr):
            if isinstance(target.value, ast.Name) and target.value.id in ("self", "cls"):
                return
            if _is_plain_value(node.value) and not _KDF_HINTS.search(ast.unparse(node.value)):
                yield PatternHit(
                    WEAK_PASSWORD_HASH,
                    node,
                    f"password stored in plaintext in `{target.attr}`: hash it with a password KDF",
                )
