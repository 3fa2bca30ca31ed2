"""Hard-coded passwords (CWE-259) in the shapes entropy cannot catch: short, memorable literals
given as a parameter's default, compared against, or passed as a `password=` argument.

`hardcoded-secret` looks for values that look random; a password such as `hunter2` does not,
but bound to a password name in one of these shapes it is a credential all the same.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import PatternContext, PatternHit, pattern_rule
from netgain.analysis.rules.secrets.hardcoded import _NOT_SECRET_NAME, _PLACEHOLDER, looks_random

HARDCODED_PASSWORD = rule_meta(
    id="hardcoded-password",
    name="HardcodedPasswordLiteral",
    family="secrets",
    cwe=(259, 798),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="Password given as a literal in the code",
    doc="""
    ## What it does
    Flags a string literal bound to a password-like name (`password`, `passwd`, `pwd`,
    `passphrase`) as a parameter's default value (`def login(password="hunter2")`), as the other
    side of a comparison that decides something (`if password == "admin123"`, a `while` or
    ternary test, a returned comparison; not an `assert` in a test) or as a keyword argument
    (`connect(password="root")`), and one assigned to a password name or stored under one
    (`DB_PASSWORD = "s3cretpw"`, `config["MAIL_PASSWORD"] = ...`, `{"password": "admin123"}`;
    not in test modules, and not a value that reads as a field name, path, URL or import
    path). Empty strings, placeholders (`changeme`, `<password>`, ...) and
    texts with spaces (messages) are not passwords; high-entropy values are reported by
    `hardcoded-secret` instead. The value is masked in every output.

    ## Why is this bad?
    A comparison with a literal is a back door anyone who reads the code can use; a default
    password is used whenever a caller forgets to pass one. Both ship in every copy of the code
    and cannot be rotated without a release.

    ## Example
    ```python
    def check_login(user, password):
        if password == "admin123":
            return True
    ```

    ## Use instead
    Compare against a salted hash kept outside the code, and require the password:
    ```python
    def check_login(user, password):
        return hmac.compare_digest(hash_password(password, user.salt), user.password_hash)
    ```

    ## References
    - [CWE-259: Use of Hard-coded Password](https://cwe.mitre.org/data/definitions/259.html)
    - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    """,
)

_PASSWORD_NAME = re.compile(r"(?i)(passw(or)?d|passwd|pwd|passphrase)")
MIN_LENGTH = 4


def _name_of(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return str(node.slice.value)
    return ""


def _is_password_name(name: str) -> bool:
    return bool(name) and bool(_PASSWORD_NAME.search(name)) and not _NOT_SECRET_NAME.search(name)


def _password_literal(node: ast.expr | None, *, high_entropy_too: bool) -> str | None:
    """The literal if it reads as a real password (not empty, a placeholder or a message)."""
    if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
        return None
    value = node.value
    if len(value) < MIN_LENGTH or any(ch.isspace() for ch in value) or _PLACEHOLDER.match(value):
        return None
    if not high_entropy_too and looks_random(value):
        return None  # `hardcoded-secret` reports it
    return value


def _defaults(node: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[tuple[str, ast.expr]]:
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    for arg, default in zip(
        positional[len(positional) - len(args.defaults) :], args.defaults, strict=True
    ):
        yield arg.arg, default
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        if kw_default is not None:
            yield arg.arg, kw_default


def _conditions(node: ast.AST) -> list[ast.expr]:
    """The expressions whose truth decides something: `if` / `while` / ternary tests and
    returned values. An `assert` in a test is a check, not a back door, so it is not one."""
    if isinstance(node, ast.If | ast.While | ast.IfExp):
        return [node.test]
    if isinstance(node, ast.Return) and node.value is not None:
        return [node.value]
    return []


def _compared(test: ast.expr) -> Iterator[ast.Compare]:
    """Comparisons of a condition, through `and` / `or` / `not`."""
    if isinstance(test, ast.BoolOp):
        for value in test.values:
            yield from _compared(value)
    elif isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        yield from _compared(test.operand)
    elif (
        isinstance(test, ast.Compare)
        and len(test.comparators) == 1
        and isinstance(test.ops[0], ast.Eq | ast.NotEq | ast.Is | ast.IsNot)
    ):
        yield test


@pattern_rule(
    HARDCODED_PASSWORD,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.If,
    ast.While,
    ast.IfExp,
    ast.Return,
)
@pattern_rule(HARDCODED_PASSWORD, ast.Call, keywords=_PASSWORD_NAME)  # `password="..."`
def check_hardcoded_password(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    found: list[tuple[str, ast.expr, str]] = []
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        for name, default in _defaults(node):
            value = _password_literal(default, high_entropy_too=True)
            if value is not None and _is_password_name(name):
                found.append((f"default value of `{name}`", default, value))
    for test in _conditions(node):
        for compare in _compared(test):
            left, right = compare.left, compare.comparators[0]
            for named, literal in ((left, right), (right, left)):
                value = _password_literal(literal, high_entropy_too=False)
                if value is not None and _is_password_name(_name_of(named)):
                    found.append((f"`{_name_of(named)}` compared with a literal", literal, value))
    if isinstance(node, ast.Call):
        for kw in node.keywords:
            value = _password_literal(kw.value, high_entropy_too=False)
            if kw.arg and value is not None and _is_password_name(kw.arg):
                found.append((f"literal passed as `{kw.arg}=`", kw.value, value))
    for what, literal, value in found:
        yield PatternHit(HARDCODED_PASSWORD, literal, f"hard-coded password: {what}", mask=value)
