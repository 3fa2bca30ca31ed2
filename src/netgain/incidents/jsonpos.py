"""Read the elements of a JSON array together with the line each one starts on.

Python's json module gives no positions for valid data, yet a bad record must be reported with
its line number. The array (top level, or one key of the top-level object) is walked element by
element with `raw_decode`, which returns where each value ends.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from typing import Any

from netgain.errors import UsageError
from netgain.jsoninput import DECODER, JsonInputError, decode_at, loads, position

_WS = " \t\n\r"


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WS:
        i += 1
    return i


def _invalid(name: str, exc: JsonInputError) -> UsageError:
    return UsageError(f"{name}:{exc.line}: not valid JSON: {exc.msg}")


def iter_array(
    text: str, name: str, key: str | None = None, *, stop: Callable[[int], bool] | None = None
) -> Iterator[tuple[int, Any]]:
    """(line, element) for each element of the array at the top level or under `key`.

    `stop(line)` is asked before each element; True ends the iteration (see `problem_limit`).

    Raises:
        UsageError: the file is not valid JSON or has no such array (naming file and line).
    """
    try:
        doc = loads(text)
    except JsonInputError as exc:
        raise _invalid(name, exc) from None
    i = _skip(text, 0)
    if isinstance(doc, dict):
        if key is None:
            raise UsageError(f"{name}:1: expected a JSON array")
        if not isinstance(doc.get(key), list):
            raise UsageError(f"{name}:1: expected a JSON array or an object with a {key!r} array")
        i = _find_key(text, i, key)
    elif not isinstance(doc, list):
        raise UsageError(f"{name}:1: expected a JSON array")
    yield from _elements(text, i, stop)


def _elements(
    text: str, i: int, stop: Callable[[int], bool] | None
) -> Generator[tuple[int, Any], None, bool]:
    """(line, element) of the already validated JSON array whose `[` is at index i.

    Lines are counted from one element to the next, so a file of n elements costs O(size), not
    O(n * size). Returns True when `stop` ended it.
    """
    line, counted = position(text, i)[0], i
    i = _skip(text, i + 1)  # past "["
    while i < len(text) and text[i] != "]":
        value, end = DECODER.raw_decode(text, i)
        line += text.count("\n", counted, i)
        counted = i
        if stop is not None and stop(line):
            return True
        yield line, value
        i = _skip(text, end)
        if i < len(text) and text[i] == ",":
            i = _skip(text, i + 1)
    return False


def iter_pages(
    text: str, name: str, *, stop: Callable[[int], bool] | None = None
) -> Iterator[tuple[int, Any]]:
    """Like `iter_array`, also accepting several arrays one after the other: what
    `gh api --paginate` prints for a list endpoint (one array per page, not one array).

    Raises:
        UsageError: not valid JSON, or a top-level value that is not an array (file and line).
    """
    i = _skip(text, 0)
    if i == len(text):
        raise UsageError(f"{name}:{position(text, i)[0]}: not valid JSON: Expecting value")
    while i < len(text):
        try:
            value, end = decode_at(text, i)
        except JsonInputError as exc:
            raise _invalid(name, exc) from None
        if not isinstance(value, list):
            raise UsageError(f"{name}:{position(text, i)[0]}: expected a JSON array (one per page)")
        if (yield from _elements(text, i, stop)):
            return
        i = _skip(text, end)


def _find_key(text: str, i: int, key: str) -> int:
    """Index of the `[` that starts `key`'s value in the validated top-level object at i.

    A key written twice counts once, with its last value, as in `json.loads`.
    """
    found: int | None = None
    i = _skip(text, i + 1)  # past "{"
    while i < len(text) and text[i] != "}":
        name, end = DECODER.raw_decode(text, i)
        i = _skip(text, end)
        i = _skip(text, i + 1)  # past ":"
        if name == key:
            found = i
        _, end = DECODER.raw_decode(text, i)
        i = _skip(text, end)
        if i < len(text) and text[i] == ",":
            i = _skip(text, i + 1)
    if found is None:  # pragma: no cover - loads() saw the key
        raise UsageError(f"key {key!r} not found")
    return found
