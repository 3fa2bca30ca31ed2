"""Hard-coded passwords bound to a password name: `DB_PASSWORD = "hunter22"`,
`app.config["MAIL_PASSWORD"] = "..."`, `{"user": "admin", "password": "admin123"}`.

The most common shape of CWE-259 after the ones `hardcoded_password.py` reads (defaults,
comparisons, keyword arguments). Reported under the same rule. Test modules are left out: a
test user's password written in a test is a fixture, not a credential. Values that read as
something other than a password are not reported either: a name that only starts with the
password word (`password_status`, `PASSWORD_FIELD`), a value that is a field or setting name
(`"user_password"`), a path or URL, a dotted import path.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from netgain.analysis.rules.registry import PatternContext, PatternHit, pattern_rule
from netgain.analysis.rules.secrets.hardcoded_password import (
    _PASSWORD_NAME,
    HARDCODED_PASSWORD,
    _is_password_name,
    _name_of,
    _password_literal,
)
from netgain.risk.paths import TEST_PATH

# a value that names something rather than being a secret: `auth.hashers.PBKDF2`, `a/b.html`
_NOT_A_PASSWORD = re.compile(r"[/\\]|^\.|^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$|^https?:")


# the name ends with the password word: `DB_PASSWORD`, `admin_pwd`; not `password_status`
_ENDS_AS_PASSWORD = re.compile(r"(?i)(passw(or)?d|passwd|pwd|passphrase)\d*$")


def _binding_literal(name: str, value: ast.expr | None) -> str | None:
    """The literal bound to a password name, if it reads as a password."""
    if not _is_password_name(name) or not _ENDS_AS_PASSWORD.search(name):
        return None
    literal = _password_literal(value, high_entropy_too=False)
    if literal is None or _NOT_A_PASSWORD.search(literal) or _PASSWORD_NAME.search(literal):
        return None
    return literal


@pattern_rule(HARDCODED_PASSWORD, ast.Assign, names=_ENDS_AS_PASSWORD)
@pattern_rule(HARDCODED_PASSWORD, ast.AnnAssign, ast.Dict)
def check_password_binding(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    """Assignments are selected by a target name ending with the password word; annotated
    assignments and dict literals are read whole (the dispatch selects plain assignments only)."""
    if TEST_PATH.search(ctx.path.replace("\\", "/")):
        return
    pairs: list[tuple[str, ast.expr | None]] = []
    if isinstance(node, ast.Assign):
        pairs = [(_name_of(t), node.value) for t in node.targets]
    elif isinstance(node, ast.AnnAssign):
        pairs = [(_name_of(node.target), node.value)]
    elif isinstance(node, ast.Dict):
        pairs = [
            (k.value, v)
            for k, v in zip(node.keys, node.values, strict=True)
            if isinstance(k, ast.Constant) and isinstance(k.value, str)
        ]
    for name, value in pairs:
        literal = _binding_literal(name, value)
        if literal is not None and value is not None:
            yield PatternHit(
                HARDCODED_PASSWORD,
                value,
                f"hard-coded password: literal bound to `{name}`",
                mask=literal,
            )
