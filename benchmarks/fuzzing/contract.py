"""The contract every parser of hostile input keeps (issue 10), as checks a fuzz target applies.

A parser returns a result, possibly with problems, or raises its documented error (UsageError,
ConfigError, NoteFormatError...). The error and every problem name the file, and the line where
the input has lines. Any other exception escaping the parser is a crash, and a documented error
that does not say where is a `ContractError`.
"""

from __future__ import annotations

import re


class ContractError(AssertionError):
    """The parser answered, but not in the documented way (e.g. an error without file or line)."""


def check(condition: bool, message: str) -> None:
    """Raise ContractError(message) unless `condition` holds."""
    if not condition:
        raise ContractError(message)


def names_file(message: str, name: str, *, line: bool) -> None:
    """`message` starts with `name`, followed by `:LINE:` when `line` is required."""
    check(message.startswith(name), f"error does not start with the file {name!r}: {message!r}")
    if line:
        check(
            re.match(re.escape(name) + r":[1-9][0-9]*:", message) is not None,
            f"error does not name the line: {message!r}",
        )


def line_count(data: bytes) -> int:
    """Lines as editors and git count them: ended by `\n`, `\r\n` or `\r`, plus the last one.

    Not `str.splitlines()`, which also ends lines at form feeds, U+2028 and other separators,
    so a parser using it reports lines further down than the file has.
    """
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n") + 1


def line_in(line: int | None, last: int, what: object) -> None:
    """`line` is a line of the input, which has `last` lines (`line_count`, counted once).

    `what` (a problem, a message) is only turned into text when the check fails: targets check
    every problem of a file that may have millions.
    """
    if line is None or not 1 <= line <= last:
        raise ContractError(f"{what}: line {line!r} is not in 1..{last}")
