"""JSON read from files other people wrote: every way `json` can fail becomes one error with a line.

`json.loads` fails in more ways than `JSONDecodeError`: an integer of more than 4,300 digits
raises a plain `ValueError` (CPython's int-conversion limit), nesting deeper than about 1,500
levels raises `RecursionError`, and it accepts `NaN`, `Infinity` and `1e999`, which are not JSON
and which later code turns into `OverflowError` (`datetime.fromtimestamp(inf)`). Code that walks a
decoded document recursively (Atlassian Document Format, stored `raw` objects) would exceed
Python's recursion limit long before the decoder does. `loads` turns all of these into a
`JsonInputError` carrying the line and column, so every reader reports `FILE:LINE: ...`, and it
caps nesting at `MAX_DEPTH`, far above any real export (SARIF and Jira nest about 10 levels).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_DEPTH = 200
MAX_INT_DIGITS = 4300  # CPython's default int-conversion limit (sys.get_int_max_str_digits)
_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_DIGITS = re.compile(r"[0-9]+")


class JsonInputError(ValueError):
    """The text is not JSON netgain accepts; `line` and `column` are 1-based."""

    def __init__(self, msg: str, line: int, column: int) -> None:
        self.msg = msg
        self.line = line
        self.column = column
        super().__init__(f"{msg} (line {line}, column {column})")


class _NumberError(ValueError):
    def __init__(self, token: str, msg: str) -> None:
        self.token = token
        self.msg = msg
        super().__init__(msg)


def _parse_float(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        raise _NumberError(
            token, f"number {token[:20]}{'...' if len(token) > 20 else ''} is out of range"
        )
    return value


def _parse_constant(token: str) -> float:
    raise _NumberError(token, f"{token} (JSON has no such number)")


# Integers keep the C fast path (a hook per number doubles decoding time); the digit limit is
# caught as the ValueError CPython raises. Floats are rarer in exports, so a hook checks them.
DECODER = json.JSONDecoder(parse_float=_parse_float, parse_constant=_parse_constant)


def position(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of `text[index]`."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _too_deep(text: str, start: int) -> int | None:
    """Index where nesting first exceeds MAX_DEPTH, scanning from `start` (error path only)."""
    depth = 0
    for match in _STRUCTURE.finditer(text, start):
        char = match.group()
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return match.start()
        elif char in "]}":
            depth -= 1
    return None


def _depth_ok(value: Any) -> bool:
    """True when containers nest at most MAX_DEPTH deep (breadth-first, no recursion)."""
    level = [value] if isinstance(value, dict | list) else []
    depth = 0
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            return False
        below: list[Any] = []
        for node in level:
            items = node.values() if type(node) is dict else node
            below += [v for v in items if type(v) is dict or type(v) is list]
        level = below
    return True


def _nesting_error(text: str, start: int) -> JsonInputError:
    index = _too_deep(text, start)
    line, column = position(text, index if index is not None else start)
    return JsonInputError(f"nested too deeply (more than {MAX_DEPTH} levels)", line, column)


def decode_at(text: str, index: int) -> tuple[Any, int]:
    """The JSON value starting at `text[index]` and the index after it (`raw_decode`), checked.

    Raises:
        JsonInputError: invalid JSON, a number out of range, or nesting deeper than MAX_DEPTH.
    """
    try:
        value, end = DECODER.raw_decode(text, index)
    except json.JSONDecodeError as exc:
        raise JsonInputError(exc.msg, exc.lineno, exc.colno) from None
    except _NumberError as exc:
        found = text.find(exc.token, index)
        line, column = position(text, found if found >= 0 else index)
        raise JsonInputError(exc.msg, line, column) from None
    except ValueError:  # CPython's int-conversion limit (the only other ValueError json raises)
        long_int = next(
            (m.start() for m in _DIGITS.finditer(text, index) if len(m.group()) > MAX_INT_DIGITS),
            index,
        )
        line, column = position(text, long_int)
        raise JsonInputError(
            f"integer with more than {MAX_INT_DIGITS} digits", line, column
        ) from None
    except RecursionError:
        raise _nesting_error(text, index) from None
    if not _depth_ok(value):
        raise _nesting_error(text, index)
    return value, end


def loads(text: str) -> Any:
    """`json.loads` for hostile text (see the module docstring).

    Raises:
        JsonInputError: with the line and column of the problem.
    """
    start = len(text) - len(text.lstrip(" \t\n\r"))
    value, end = decode_at(text, start)
    rest = len(text) - len(text[end:].lstrip(" \t\n\r"))
    if rest != len(text):
        line, column = position(text, rest)
        raise JsonInputError("Extra data", line, column)
    return value
