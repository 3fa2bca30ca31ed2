"""Constant folding for branch conditions and literal-shaped values, safe on hostile input.

Only small immutable results are kept (a string built to 10 MB, or `10 ** 10 ** 9`, is refused
rather than computed), and nothing but pure built-in operations ever runs.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import Any

from netgain.analysis.values import NOCONST

MAX_CONST_LEN = 10_000

BINOPS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
    ast.BitAnd: operator.and_,
    ast.BitOr: operator.or_,
    ast.BitXor: operator.xor,
    ast.Div: operator.truediv,
}

CMPOPS: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
    ast.In: lambda a, b: operator.contains(b, a),
    ast.NotIn: lambda a, b: not operator.contains(b, a),
}

UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Invert: operator.invert,
}

SAFE_CONST = (int, float, str, bytes, bool, type(None), tuple, frozenset)


def safe_fold(fn: Callable[[Any, Any], Any], a: object, b: object) -> object:
    """Fold a binary operation on constants, refusing anything large or slow (hostile input)."""
    if (
        isinstance(a, int)
        and isinstance(b, int)
        and fn is operator.pow
        and (abs(b) > 64 or abs(a) > 2**32)
    ):
        return NOCONST
    if fn is operator.mul and (
        isinstance(a, str | bytes | tuple) or isinstance(b, str | bytes | tuple)
    ):
        n = b if isinstance(b, int) else a
        if not isinstance(n, int) or n > MAX_CONST_LEN:
            return NOCONST
    try:
        result = fn(a, b)
    except Exception:
        return NOCONST
    if isinstance(result, str | bytes) and len(result) > MAX_CONST_LEN:
        return NOCONST
    return result if isinstance(result, SAFE_CONST) else NOCONST


PURE_BUILTINS: dict[str, Callable[..., Any]] = {
    "len": len, "str": str, "int": int, "float": float, "bool": bool, "abs": abs,
    "min": min, "max": max, "ord": ord, "chr": chr,
}  # fmt: skip
PURE_STR_METHODS = frozenset(
    {"upper", "lower", "strip", "lstrip", "rstrip", "startswith", "endswith", "isdigit", "replace"}
)


def safe_call(fn: Callable[..., Any], args: list[object]) -> object:
    """Call a pure built-in on constants; any exception or oversized result is "not a constant"."""
    try:
        result = fn(*args)
    except Exception:
        return NOCONST
    if isinstance(result, str | bytes) and len(result) > MAX_CONST_LEN:
        return NOCONST
    return result if isinstance(result, SAFE_CONST) else NOCONST
