"""Reading and parsing one scanned file, never importing or executing it.

Files are read as bytes and decoded per PEP 263 (coding cookie or BOM, UTF-8 by default); a file
that cannot be decoded or parsed becomes an `UnparsedFile` with the reason and line, so outputs can
report it instead of silently skipping it.
"""

from __future__ import annotations

import ast
import io
import tokenize
import warnings
from dataclasses import dataclass
from pathlib import Path

from netgain.analysis.findings import UnparsedFile
from netgain.analysis.notebook import NotebookCode, NotebookError, notebook_code


@dataclass(slots=True)
class ParsedSource:
    path: str  # POSIX path relative to the scan root
    text: str
    tree: ast.Module
    line_count: int
    notebook: NotebookCode | None = None  # a notebook's code cells: maps lines to its JSON

    def place(self, line: int) -> int:
        """The line of the file itself holding analysed line `line` (a notebook's JSON line)."""
        return self.notebook.json_line(line) if self.notebook is not None else line

    def line(self, number: int) -> str:
        """The stripped source text of a 1-indexed line ("" when out of range)."""
        lines = self.text.splitlines()
        if 1 <= number <= len(lines):
            return lines[number - 1].strip()
        return ""


def decode_source(data: bytes) -> str:
    """Decode bytes the way the interpreter would (PEP 263); raises SyntaxError or ValueError."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    text = data.decode(encoding)
    return text.removeprefix("\ufeff")


def is_notebook(rel: str) -> bool:
    return rel.endswith(".ipynb")


def read_notebook(data: bytes) -> NotebookCode:
    """A notebook's code cells as Python; raises NotebookError (JSON is UTF-8 by RFC 8259)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotebookError(f"cannot decode: {exc}", None) from None
    return notebook_code(text)


def source_text(rel: str, data: bytes) -> str:
    """The text netgain analyses: a Python file's decoded text, a notebook's code cells."""
    return read_notebook(data).text if is_notebook(rel) else decode_source(data)


def parse_source(rel: str, data: bytes) -> ParsedSource | UnparsedFile:
    """Parse file bytes; any decoding or syntax problem is returned as an UnparsedFile."""
    notebook = None
    try:
        if is_notebook(rel):
            notebook = read_notebook(data)
            text = notebook.text
        else:
            text = decode_source(data)
    except NotebookError as exc:
        return UnparsedFile(rel, f"cannot read the notebook: {exc}", exc.line)
    except (SyntaxError, LookupError, UnicodeDecodeError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        return UnparsedFile(rel, f"cannot decode: {exc}", line if isinstance(line, int) else None)
    try:
        tree = _parse(text, rel)
    except SyntaxError as exc:
        line = (
            exc.lineno if notebook is None or exc.lineno is None else notebook.json_line(exc.lineno)
        )
        return UnparsedFile(rel, f"syntax error: {exc.msg}", line)
    except RecursionError:
        return UnparsedFile(rel, "cannot parse: nesting too deep for the Python parser", None)
    except (ValueError, MemoryError) as exc:
        return UnparsedFile(rel, f"cannot parse: {type(exc).__name__}: {exc}", None)
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    return ParsedSource(rel, text, tree, lines, notebook)


_UNPARENTHESIZED = "multiple exception types must be parenthesized"
_OPENERS, _CLOSERS = "([{", ")]}"


def _parse(text: str, rel: str) -> ast.Module:
    """`ast.parse`, also for Python 3.14's `except A, B:` (PEP 758), which this interpreter
    rejects: fastapi/full-stack-fastapi-template's token check (`backend/app/api/deps.py`) was
    not analysed for it. Each such clause is read as `except (A, B):`, the same handler; its line
    numbers stay (a column on that line moves by one). `except A, B as e` stays an error, as in
    3.14."""
    source = text
    for _ in range(source.count("except") + 1):
        with warnings.catch_warnings():
            # invalid escape sequences in scanned code are the scanned code's business
            warnings.simplefilter("ignore")
            try:
                return ast.parse(source, filename=rel, type_comments=False)
            except SyntaxError as exc:
                fixed = _parenthesized(source, exc) if exc.msg == _UNPARENTHESIZED else None
                if fixed is None:
                    if source is text:
                        raise
                    raise SyntaxError(exc.msg, (rel, exc.lineno, exc.offset, exc.text)) from None
                source = fixed
    return ast.parse(text, filename=rel, type_comments=False)  # still failing: the first error


def _parenthesized(source: str, error: SyntaxError) -> str | None:
    """`source` with the unparenthesized exception list of the clause at `error` in brackets."""
    lines = source.splitlines(keepends=True)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    start = next(
        (i for i, t in enumerate(tokens) if t.string == "except" and t.start[0] == error.lineno),
        None,
    )
    if start is None:
        return None
    first = start + 1 + (tokens[start + 1].string == "*")
    depth, last = 0, None
    for i in range(first, len(tokens)):
        t = tokens[i]
        if t.string in _OPENERS:
            depth += 1
        elif t.string in _CLOSERS:
            depth -= 1
        elif depth == 0 and t.string in {":", "as"}:
            last = i - 1 if t.string == ":" else None
            break
    if last is None or last < first:
        return None
    (row_a, col_a), (row_b, col_b) = tokens[first].start, tokens[last].end
    lines[row_b - 1] = lines[row_b - 1][:col_b] + ")" + lines[row_b - 1][col_b:]
    lines[row_a - 1] = lines[row_a - 1][:col_a] + "(" + lines[row_a - 1][col_a:]
    return "".join(lines)


def read_source(path: Path, rel: str) -> ParsedSource | UnparsedFile:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return UnparsedFile(rel, f"cannot read: {exc.strerror or exc}", None)
    return parse_source(rel, data)


def read_text_inside(root: Path, rel: str) -> str | None:
    """The text of `root/rel`, or None when it is missing, unreadable or outside the root.

    `rel` comes from hostile input (an imported SARIF location, a finding's path), so it may climb
    out with `..`, point through a link, or hold a NUL byte (`ValueError` from the OS layer).
    """
    try:
        base = root.resolve()
        path = (base / rel).resolve()
        if not path.is_relative_to(base) or not path.is_file():
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except (OSError, ValueError):
        return None
