"""Read the elements of a JSON array together with the line each one starts on.

Python's json module gives no positions for valid data, yet a bad record must be reported with
its line number. The array (top level, or one key of the top-level object) is walked element by
element with `raw_decode`, which returns where each value ends.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from netgain.errors import UsageError

_DECODER = json.JSONDecoder()
_WS = " \t\n\r"


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WS:
        i += 1
    return i


def _line(text: str, i: int) -> int:
    return text.count("\n", 0, i) + 1


def iter_array(text: str, name: str, key: str | None = None) -> Iterator[tuple[int, Any]]:
    """(line, element) for each element of the array at the top level or under `key`.

    Raises:
        UsageError: the file is not valid JSON or has no such array (naming file and line).
    """
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{name}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    i = _skip(text, 0)
    if isinstance(doc, dict):
        if key is None:
            raise UsageError(f"{name}:1: expected a JSON array")
        if not isinstance(doc.get(key), list):
            raise UsageError(f"{name}:1: expected a JSON array or an object with a {key!r} array")
        i = _find_key(text, i, key)
    elif not isinstance(doc, list):
        raise UsageError(f"{name}:1: expected a JSON array")
    yield from _elements(text, i)


def _elements(text: str, i: int) -> Iterator[tuple[int, Any]]:
    """(line, element) of the valid JSON array whose `[` is at index i."""
    i = _skip(text, i + 1)  # past "["
    while i < len(text) and text[i] != "]":
        value, end = _DECODER.raw_decode(text, i)
        yield _line(text, i), value
        i = _skip(text, end)
        if i < len(text) and text[i] == ",":
            i = _skip(text, i + 1)


def iter_pages(text: str, name: str) -> Iterator[tuple[int, Any]]:
    """Like `iter_array`, also accepting several arrays one after the other: what
    `gh api --paginate` prints for a list endpoint (one array per page, not one array).

    Raises:
        UsageError: not valid JSON, or a top-level value that is not an array (file and line).
    """
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise UsageError(f"{name}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    else:
        yield from iter_array(text, name)
        return
    i = _skip(text, 0)
    while i < len(text):
        try:
            value, end = _DECODER.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{name}:{exc.lineno}: not valid JSON: {exc.msg}") from None
        if not isinstance(value, list):
            raise UsageError(f"{name}:{_line(text, i)}: expected a JSON array (one per page)")
        yield from _elements(text, i)
        i = _skip(text, end)


def _find_key(text: str, i: int, key: str) -> int:
    """Index of the `[` that starts `key`'s value in the top-level object starting at i."""
    i = _skip(text, i + 1)  # past "{"
    while i < len(text):
        name, end = _DECODER.raw_decode(text, i)
        i = _skip(text, end)
        i = _skip(text, i + 1)  # past ":"
        if name == key:
            return i
        _, end = _DECODER.raw_decode(text, i)
        i = _skip(text, end)
        if text[i] == ",":
            i = _skip(text, i + 1)
    raise UsageError(f"key {key!r} not found")  # pragma: no cover - json.loads saw it
