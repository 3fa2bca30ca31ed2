"""Which lines of a Python file carry code: comments and string statements are not code.

Python needs its own scanner because a triple-quoted string is a comment only when it stands
alone as a statement (a docstring), while the same quotes opened inside code (`f\"\"\"...`,
`query = \"\"\"`, an argument on its own line) start a string literal whose lines are code: a
change there changes behaviour. A classifier that treats every line-leading triple quote as a
comment block and ignores the ones opened after code gets out of step at the first such
literal and then calls the rest of the file a comment, so a fix there is never blamed.

The scan keeps three things across lines: the bracket depth (a string inside brackets is an
argument, not a statement), an open triple-quoted string and whether it is a statement, and a
backslash continuation. It reads tokens with one regular expression per line, so its cost stays
near a plain line split.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"[#'\"\\]")  # a line without these is plain code: only brackets to count
_TOKEN = re.compile(r"#|'''|\"\"\"|'|\"|[(\[{]|[)\]}]")
_CLOSE = {
    '"': re.compile(r'(?:[^"\\]|\\.)*"'),
    "'": re.compile(r"(?:[^'\\]|\\.)*'"),
    '"""': re.compile(r'(?:[^"\\]|\\.|"(?!""))*"""', re.S),
    "'''": re.compile(r"(?:[^'\\]|\\.|'(?!''))*'''", re.S),
}
_AFTER_STATEMENT = re.compile(r"\s*(?:#.*)?")
_PREFIX = re.compile(r"\s*[rRbBuUfFtT]{1,2}")  # r"""...: the letters belong to the string


class _State:
    """What a line leaves open for the next one."""

    __slots__ = ("continued", "depth", "doc", "quote")

    def __init__(self) -> None:
        self.depth = 0  # open brackets
        self.quote: str | None = None  # delimiter of a triple-quoted string still open
        self.doc = False  # that string is a statement (docstring), not part of code
        self.continued = False  # the last line ended with a backslash


def python_code_lines(lines: list[str]) -> list[bool]:
    """For each line: True when it holds code (not only a comment, docstring or whitespace)."""
    state = _State()
    out: list[bool] = []
    for raw in lines:
        if state.quote is None and _SPECIAL.search(raw) is None:
            out.append(bool(raw.strip()))  # the common case: plain code (or blank)
            opened = raw.count("(") + raw.count("[") + raw.count("{")
            closed = raw.count(")") + raw.count("]") + raw.count("}")
            state.depth = max(0, state.depth + opened - closed)
            state.continued = False
            continue
        out.append(_scan(raw, state))
    return out


def _scan(raw: str, state: _State) -> bool:
    """Classify one line and update `state` (see the module docstring)."""
    pos = 0
    has_code = False
    if state.quote is not None:
        closed = _CLOSE[state.quote].match(raw)
        if closed is None:
            return not state.doc and bool(raw.strip())
        pos = closed.end()
        has_code = not state.doc
        statement_rest = state.doc
        state.quote = None
        if statement_rest and _AFTER_STATEMENT.fullmatch(raw, pos) is None:
            has_code = True  # `""".format(x)`: the string is used, so it was code after all
    starts_statement = state.depth == 0 and not state.continued and pos == 0
    state.continued = False
    while True:
        m = _TOKEN.search(raw, pos)
        if m is None:
            if raw[pos:].strip():
                has_code = True
                state.continued = raw.rstrip().endswith("\\")
            return has_code
        tok = m.group()
        before = raw[pos : m.start()]
        if before.strip() and not (tok[0] in "'\"" and _PREFIX.fullmatch(before)):
            has_code = True
            state.continued = before.rstrip().endswith("\\")
        if tok == "#":
            return has_code
        if tok in "([{":
            state.depth += 1
            has_code = True
        elif tok in ")]}":
            state.depth = max(0, state.depth - 1)
            has_code = True
        else:
            is_statement = starts_statement and not has_code
            closed = _CLOSE[tok].match(raw, m.end())
            if closed is None:
                if len(tok) == 3:
                    state.quote = tok
                    state.doc = is_statement
                    return has_code or not is_statement
                return True  # an unterminated short string: let the code around it count
            pos = closed.end()
            if not (is_statement and _AFTER_STATEMENT.fullmatch(raw, pos)):
                has_code = True
            continue
        pos = m.end()
