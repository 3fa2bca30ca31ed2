"""Which lines carry code: blank and comment-only lines, language by file extension.

AG-SZZ and its successors ignore cosmetic lines in a fix (a reworded comment did not fix the bug),
so each line of a file is classified once, with block comments tracked across lines. Python
docstrings are not comments to the interpreter but are treated as one: they do not change
behaviour; Python has its own scanner (`netgain.szz.pylines`) because its strings and comments
share delimiters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from netgain.szz.pylines import python_code_lines


@dataclass(frozen=True, slots=True)
class CommentSyntax:
    """Line comment prefixes and block comment (open, close) pairs of one language family."""

    line: tuple[str, ...]
    block: tuple[tuple[str, str], ...] = ()


_HASH = CommentSyntax(("#",))
_C = CommentSyntax(("//",), (("/*", "*/"),))
_PYTHON = CommentSyntax(("#",))  # docstrings: netgain.szz.pylines
_SQL = CommentSyntax(("--",), (("/*", "*/"),))
_XML = CommentSyntax((), (("<!--", "-->"),))
_LISP = CommentSyntax((";",))

_BY_EXT: dict[str, CommentSyntax] = {
    ".py": _PYTHON,
    ".pyi": _PYTHON,
    ".sh": _HASH,
    ".bash": _HASH,
    ".rb": _HASH,
    ".pl": _HASH,
    ".r": _HASH,
    ".yml": _HASH,
    ".yaml": _HASH,
    ".toml": _HASH,
    ".cfg": _HASH,
    ".ini": CommentSyntax(("#", ";")),
    ".mk": _HASH,
    ".cmake": _HASH,
    ".dockerfile": _HASH,
    ".sql": _SQL,
    ".lua": CommentSyntax(("--",), (("--[[", "]]"),)),
    ".hs": CommentSyntax(("--",), (("{-", "-}"),)),
    ".html": _XML,
    ".xml": _XML,
    ".vue": CommentSyntax(("//",), (("/*", "*/"), ("<!--", "-->"))),
    ".clj": _LISP,
    ".el": _LISP,
    ".scm": _LISP,
    ".css": CommentSyntax((), (("/*", "*/"),)),
    ".php": CommentSyntax(("//", "#"), (("/*", "*/"),)),
}
_C_FAMILY = (
    ".c .h .cc .cpp .cxx .hpp .hh .java .js .jsx .mjs .cjs .ts .tsx .go .rs .kt .kts .swift .scala "
    ".cs .m .mm .dart .groovy .gradle .scss .less .proto .zig .sol"
)
for _ext in _C_FAMILY.split():
    _BY_EXT[_ext] = _C

_NAMES: dict[str, CommentSyntax] = {
    "Makefile": _HASH,
    "Dockerfile": _HASH,
    "CMakeLists.txt": _HASH,
    "Gemfile": _HASH,
    "Rakefile": _HASH,
}


def syntax_for(path: str) -> CommentSyntax | None:
    """The comment syntax of `path`, or None when the language is unknown (no line is a comment)."""
    p = PurePosixPath(path)
    return _NAMES.get(p.name) or _BY_EXT.get(p.suffix.lower())


def git_lines(text: str) -> list[str]:
    """The lines of `text` as git numbers them: split at `\\n` only.

    `str.splitlines` also splits at form feeds, lone carriage returns and other separators that
    real files contain (a `^L` page break in C or old Python sources), so its line numbers drift
    from the ones git's diffs and blames use.
    """
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def code_lines(text: str, path: str) -> list[bool]:
    """For each line of `text` (index 0 is line 1, as git numbers lines): True when it holds
    code, not only a comment or whitespace. Unknown languages: every non-blank line is code."""
    syntax = syntax_for(path)
    if syntax is _PYTHON:
        return python_code_lines(git_lines(text))
    out: list[bool] = []
    closing: str | None = None  # inside a block comment that ends with this
    markers = (*syntax.line, *(o for o, _ in syntax.block)) if syntax is not None else ()
    for raw in git_lines(text):
        line = raw.strip()
        if not line:
            out.append(False)
            continue
        if syntax is None or (closing is None and not any(m in line for m in markers)):
            out.append(True)  # no comment marker anywhere: code (the common case, made fast)
            continue
        is_code, closing = _classify(line, syntax, closing)
        out.append(is_code)
    return out


def _classify(line: str, syntax: CommentSyntax, closing: str | None) -> tuple[bool, str | None]:
    """Whether `line` (stripped, non-blank) has code outside comments, and the open block after."""
    rest = line
    has_code = False
    while rest:
        if closing is not None:
            end = rest.find(closing)
            if end < 0:
                return has_code, closing
            rest = rest[end + len(closing) :].strip()
            closing = None
            continue
        if any(rest.startswith(p) for p in syntax.line):
            return has_code, None
        opened = next(((o, c) for o, c in syntax.block if rest.startswith(o)), None)
        if opened is not None:
            closing = opened[1]
            rest = rest[len(opened[0]) :]
            continue
        has_code = True
        # Code followed by a trailing comment or a block opener: look for the next marker.
        positions = [rest.find(p) for p in syntax.line] + [rest.find(o) for o, _ in syntax.block]
        found = [p for p in positions if p > 0]
        if not found:
            return True, None
        rest = rest[min(found) :]
    return has_code, closing


_WS = re.compile(r"\s+")


def normalize(line: str) -> str:
    """A line with all whitespace removed: equal for lines that differ only in formatting."""
    return _WS.sub("", line)


def normalize_format(text: str) -> str:
    """Text with whitespace removed, quotes unified and trailing commas dropped.

    Two versions of a hunk with the same `normalize_format` differ only in what an auto-formatter
    (black, prettier, gofmt) changes: line breaks, indentation, quote style, magic trailing commas.
    """
    flat = _WS.sub("", text).replace("'", '"')
    return re.sub(r",([)\]}])", r"\1", flat)
