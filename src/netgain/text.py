"""Text hygiene for values that came from hostile input and must be stored or printed."""

from __future__ import annotations


def storable(text: str) -> str:
    """Make `text` valid UTF-8 for a database or JSON.

    git paths are decoded with `surrogateescape` so they round-trip to git; lone surrogates cannot
    be stored, so they become `\\xNN` escapes (readable, and distinct from the valid characters).
    NUL bytes, which PostgreSQL rejects in text, become `\\x00`.
    """
    if text.isascii() and "\x00" not in text:
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that surrogateescape did not produce
        raw = text.encode("utf-8", "backslashreplace")
    cleaned = raw.decode("utf-8", "backslashreplace")
    return cleaned.replace("\x00", "\\x00")


def split_lines(text: str) -> list[str]:
    """The lines of `text`, ended by `\n`, `\r\n` or `\r`: the lines editors, git and GitHub number.

    `str.splitlines()` also ends a line at `\v`, `\f`, `\x1c`-`\x1e`, `\x85`, U+2028 and U+2029,
    so after one of those in a hostile file every line number a parser reports would point below
    the line the user sees. Like `splitlines()`, a final line ending adds no empty line.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines
