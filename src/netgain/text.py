"""Text hygiene for values that came from hostile input and must be stored or printed."""

from __future__ import annotations

import re


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


def _escaped_surrogate(match: re.Match[str]) -> str:
    """The JSON source of `storable`'s escape for one lone surrogate: the backslash doubled, so
    the document decodes to the same `\\xNN` text `storable` gives."""
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that `surrogateescape` could not decode
        return f"\\\\x{code - 0xDC00:02x}"
    return f"\\\\u{code:04x}"


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def json_storable(rendered: str) -> str:
    """A JSON document rendered with `ensure_ascii=False` made writable as UTF-8.

    A file name git could not decode as UTF-8 (a latin-1 name) reaches reports as a string with
    lone surrogates, which no UTF-8 file or terminal accepts; every string in the document shows
    it the way `storable` stores it (`caf\\xe9.py`), while analysis keeps the raw name, so a
    finding still matches the changed file it belongs to.
    """
    if rendered.isascii():
        return rendered
    return _LONE_SURROGATE.sub(_escaped_surrogate, rendered)


# `\udcNN` as `json.dumps` (ensure_ascii) writes a surrogate, after an even run of backslashes
# (an odd run means the backslash itself was escaped: literal text). A high surrogate followed by
# a low one is a character outside the BMP (an emoji), valid JSON: matched whole and kept.
_ASCII_SURROGATE = re.compile(
    r"(?<!\\)((?:\\\\)*)(?:\\ud[89ab][0-9a-f]{2}\\ud[c-f][0-9a-f]{2}|\\u(d[89a-f][0-9a-f]{2}))"
)


def ascii_json_storable(rendered: str) -> str:
    """A JSON document rendered with `ensure_ascii=True` (the default) whose lone surrogates
    read as `storable` stores them: `caf\\udce9.py` becomes `caf\\\\xe9.py`, the same text
    `netgain scan` and the reports give, and a document any strict JSON parser accepts (many
    reject a lone surrogate escape)."""
    if "\\ud" not in rendered:
        return rendered

    def escaped(match: re.Match[str]) -> str:
        lone = match.group(2)
        if lone is None:
            return match.group()  # a surrogate pair: one valid character
        return match.group(1) + _escaped_surrogate_code(int(lone, 16))

    return _ASCII_SURROGATE.sub(escaped, rendered)


def _escaped_surrogate_code(code: int) -> str:
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\\\x{code - 0xDC00:02x}"
    return f"\\\\u{code:04x}"
