"""Where a key is set in a TOML file, for error messages (tomllib keeps no positions).

A light line scanner, not a parser: it follows table headers (`[a.b]`), arrays of tables
(`[[rules]]`, counted so that `rules[2]` is the third one), dotted and quoted keys, and skips the
inside of multi-line strings and arrays. It is only used after tomllib has accepted the file, so the
text is known to be valid TOML.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from netgain.text import split_lines

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+))*)\s*="""
)
_PART = re.compile(r"""\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)\s*""")

KeyPath = tuple[str | int, ...]

# Texts of configuration files read from git objects rather than disk (`SHA:PATH` labels), so
# that errors about the gate's base-revision configuration still name the line.
_TEXTS: dict[Path, str] = {}


def remember_text(label: Path, text: str) -> None:
    """Make `line_of(label, ...)` find keys in `text` (a file read from a revision, not disk)."""
    _TEXTS[label] = text


def _split(dotted: str) -> list[str]:
    parts = []
    for match in _PART.finditer(dotted):
        token = match.group(1)
        parts.append(token[1:-1] if token[0] in "\"'" else token)
    return parts


def key_lines(text: str) -> dict[KeyPath, int]:
    """Map every table header and key path found in `text` to its 1-based line number."""
    found: dict[KeyPath, int] = {}
    counters: dict[tuple[str, ...], int] = {}
    current: KeyPath = ()
    in_string: str | None = None
    depth = 0  # open brackets of a multi-line array or inline table
    for number, line in enumerate(split_lines(text), start=1):
        if in_string is not None:
            if in_string in line:
                in_string = None
            continue
        if depth > 0:
            depth += _bracket_balance(line)
            continue
        header = _HEADER.match(line)
        if header and not _KEY.match(line):
            names = tuple(_split(header.group(2)))
            if header.group(1) == "[[":
                index = counters.get(names, -1) + 1
                counters[names] = index
                # nested arrays of tables refer to the latest element of their parents
                current = (*_with_indices(names[:-1], counters), names[-1], index)
            else:
                current = tuple(_with_indices(names, counters))
            found.setdefault(current, number)
            continue
        key = _KEY.match(line)
        if key:
            path = (*current, *_split(key.group(1)))
            found.setdefault(path, number)
            rest = line[key.end() :]
            for quote in ('"""', "'''"):
                if rest.count(quote) == 1:
                    in_string = quote
            if in_string is None:
                depth = max(0, _bracket_balance(rest))
    return found


def _with_indices(names: Sequence[str], counters: dict[tuple[str, ...], int]) -> list[str | int]:
    out: list[str | int] = []
    for i, name in enumerate(names):
        out.append(name)
        index = counters.get(tuple(names[: i + 1]))
        if index is not None:
            out.append(index)
    return out


def _bracket_balance(text: str) -> int:
    return _brackets(text)[0]


def _brackets(text: str) -> tuple[int, int]:
    """(net bracket balance of a line, deepest point within it), outside strings and comments."""
    balance = peak = 0
    quote: str | None = None
    for ch in text:
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            break
        elif ch in "[{":
            balance += 1
            peak = max(peak, balance)
        elif ch in "]}":
            balance -= 1
    return balance, peak


def deepest_line(text: str) -> int:
    """The first line where brackets (arrays, inline tables) are nested deepest, for errors."""
    depth = best = 0
    best_line = 1
    for number, line in enumerate(split_lines(text), start=1):
        balance, peak = _brackets(line)
        if depth + peak > best:
            best, best_line = depth + peak, number
        depth += balance
    return best_line


def line_of(source: Path | None, path: KeyPath, prefix: KeyPath = ()) -> int | None:
    """The line setting `path` (or its closest enclosing key or table) in `source`."""
    if source is None:
        return None
    text = _TEXTS.get(source)
    if text is None:
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
    table = key_lines(text)
    full = (*prefix, *path)
    for end in range(len(full), len(prefix), -1):
        number = table.get(full[:end])
        if number is not None:
            return number
    return None


def config_line(source: Path, path: KeyPath) -> int | None:
    """`line_of` a key of netgain's configuration: `netgain.toml`, or `[tool.netgain]` when
    `source` is a pyproject.toml."""
    prefix: KeyPath = ("tool", "netgain") if source.name == "pyproject.toml" else ()
    return line_of(source, path, prefix)
