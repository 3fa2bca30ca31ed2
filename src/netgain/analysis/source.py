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


@dataclass(slots=True)
class ParsedSource:
    path: str  # POSIX path relative to the scan root
    text: str
    tree: ast.Module
    line_count: int

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


def parse_source(rel: str, data: bytes) -> ParsedSource | UnparsedFile:
    """Parse file bytes; any decoding or syntax problem is returned as an UnparsedFile."""
    try:
        text = decode_source(data)
    except (SyntaxError, LookupError, UnicodeDecodeError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        return UnparsedFile(rel, f"cannot decode: {exc}", line if isinstance(line, int) else None)
    try:
        with warnings.catch_warnings():
            # invalid escape sequences in scanned code are the scanned code's business
            warnings.simplefilter("ignore")
            tree = ast.parse(text, filename=rel, type_comments=False)
    except SyntaxError as exc:
        return UnparsedFile(rel, f"syntax error: {exc.msg}", exc.lineno)
    except RecursionError:
        return UnparsedFile(rel, "cannot parse: nesting too deep for the Python parser", None)
    except (ValueError, MemoryError) as exc:
        return UnparsedFile(rel, f"cannot parse: {type(exc).__name__}: {exc}", None)
    return ParsedSource(rel, text, tree, text.count("\n") + (0 if text.endswith("\n") else 1))


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
