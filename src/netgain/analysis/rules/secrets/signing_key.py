"""Hard-coded signing keys: a literal given as the key of `jwt.encode` / `jwt.decode`, or as a
web framework's session-signing secret (`app.secret_key`, `config["SECRET_KEY"]`).

These values sign sessions and tokens whatever they look like, so the entropy test of
`hardcoded-secret` does not apply: a short or readable key is the worst case, not a false alarm.
Reported under `hardcoded-secret`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from netgain.analysis.rules.registry import PatternContext, PatternHit, last_name, pattern_rule
from netgain.analysis.rules.secrets.hardcoded import _PLACEHOLDER, HARDCODED_SECRET, looks_random

_JWT = {"jwt.encode": 1, "jwt.decode": 1, "jwt.api_jwt.encode": 1, "jwt.api_jwt.decode": 1}
_SIGNING_NAMES = frozenset({"secret_key", "jwt_secret_key", "secret_key_hmac"})
# the targets `_signing_target` accepts, in any case
_SIGNING_TARGET = re.compile("(?i)^(?:" + "|".join(map(re.escape, sorted(_SIGNING_NAMES))) + ")$")


def _literal(ctx: PatternContext, node: ast.expr | None) -> str | None:
    # a key is often bound to a name first (`secret = "..."` then `jwt.encode(p, secret)`)
    value = ctx.const_here(node)
    return value if isinstance(value, str) and value else None


def _signing_target(target: ast.expr) -> str:
    """`app.secret_key` or `<x>.config["SECRET_KEY"]` (any receiver), else ""."""
    if isinstance(target, ast.Attribute) and target.attr.lower() in _SIGNING_NAMES:
        return target.attr
    if (
        isinstance(target, ast.Subscript)
        and isinstance(target.value, ast.Attribute)
        and target.value.attr == "config"
        and isinstance(target.slice, ast.Constant)
        and isinstance(target.slice.value, str)
        and target.slice.value.lower() in _SIGNING_NAMES
    ):
        return target.slice.value
    return ""


@pattern_rule(HARDCODED_SECRET, ast.Assign, names=_SIGNING_TARGET)
@pattern_rule(HARDCODED_SECRET, ast.Call, names={"encode", "decode"})
def check_signing_key(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if isinstance(node, ast.Call):
        func = node.func
        last = last_name(func)
        if last not in {"encode", "decode"}:
            return
        position = _JWT.get(ctx.qualname(node))
        if position is None:
            return
        key = ctx.keyword(node, "key")
        if key is None and len(node.args) > position:
            key = node.args[position]
        value = _literal(ctx, key)
        if key is not None and value is not None:
            yield PatternHit(HARDCODED_SECRET, key, "hard-coded JWT signing key", mask=value)
        return
    if not isinstance(node, ast.Assign):
        return
    names = [name for name in map(_signing_target, node.targets) if name]
    value = _literal(ctx, node.value) if names else None
    if value is None or _PLACEHOLDER.match(value) or looks_random(value):
        return  # random-looking values are reported by the named-secret check already
    for name in names:
        yield PatternHit(
            HARDCODED_SECRET, node.value, f"hard-coded session signing key `{name}`", mask=value
        )
