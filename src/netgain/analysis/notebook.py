"""A Jupyter notebook's code cells as one Python text, laid out on the notebook's own lines.

Notebooks are code (rasbt/LLMs-from-scratch holds 66 of them): classed as data they were neither
analysed nor reported as not analysed. The code cells (not markdown or raw cells) become one
Python text in which each source line sits on the line of the `.ipynb` JSON file that holds it, so
every finding, trace step and syntax error points into the notebook as a user opens it. The usual
pretty-printed nbformat writes one source line per JSON line; a cell whose source is one string
(or a notebook written on one line) puts several Python lines on one JSON line: they are laid out
one after another and `json_lines` maps each back to the JSON line holding the string.

IPython syntax is not Python: magics (`%x`, `%%x` cells), shell escapes (`!cmd`, `x = !cmd`) and
help (`obj?`) become `pass` at their indentation, so a block holding one stays valid. A cell magic
whose body is Python (`%%time`) keeps its body. Never executes anything.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

# JSON tokens: a whole string in one match (a megabyte of base64 output is one regex step)
_TOKEN = re.compile(
    r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null',
    re.DOTALL,
)
_SPACE = re.compile(r"[ \t\r\n]*")
_LINE_MAGIC = re.compile(r"^\s*(?:[%!]|\?)")
_ASSIGNED_ESCAPE = re.compile(r"^\s*[\w.,\s()\[\]*]+=\s*[!%]")
_HELP = re.compile(r"^\s*[\w.\[\]()'\"]+\?{1,2}\s*$")
# cell magics whose body is Python, run in a particular way
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "memit"})


class NotebookError(ValueError):
    """The file is not a notebook netgain can read; `line` is the JSON line at fault."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


class _Str(str):
    """A JSON string with the line it starts on."""

    line: int


@dataclass(slots=True)
class NotebookCode:
    """The Python text of a notebook's code cells; `json_lines[n - 1]` is the `.ipynb` line
    holding Python line n."""

    text: str
    json_lines: list[int]

    def json_line(self, line: int) -> int:
        if 1 <= line <= len(self.json_lines):
            return self.json_lines[line - 1]
        return line


class _Parser:
    """A small JSON reader that remembers the line of every string (json.loads forgets it)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.counted = 0

    def _line_at(self, pos: int) -> int:
        self.line += self.text.count("\n", self.counted, pos)
        self.counted = pos
        return self.line

    def _next(self) -> tuple[str, int]:
        self.pos = _SPACE.match(self.text, self.pos).end()  # type: ignore[union-attr]
        match = _TOKEN.match(self.text, self.pos)
        if match is None:
            where = "end of file" if self.pos >= len(self.text) else repr(self.text[self.pos])
            raise NotebookError(f"not valid JSON: unexpected {where}", self._line_at(self.pos))
        self.pos = match.end()
        return match.group(), self._line_at(match.start())

    def value(self, token: tuple[str, int] | None = None) -> Any:
        text, line = token or self._next()
        if text == "{":
            out: dict[str, Any] = {}
            token = self._next()
            while token[0] != "}":
                key = self.value(token)
                if not isinstance(key, str) or self._next()[0] != ":":
                    raise NotebookError("not valid JSON: bad object member", token[1])
                out[key] = self.value()
                token = self._next()
                if token[0] == ",":
                    token = self._next()
                elif token[0] != "}":
                    raise NotebookError("not valid JSON: expected , or }", token[1])
            return out
        if text == "[":
            items: list[Any] = []
            token = self._next()
            while token[0] != "]":
                items.append(self.value(token))
                token = self._next()
                if token[0] == ",":
                    token = self._next()
                elif token[0] != "]":
                    raise NotebookError("not valid JSON: expected , or ]", token[1])
            return items
        if text.startswith('"'):
            try:
                decoded = _Str(json.loads(text) if "\\" in text else text[1:-1])
            except ValueError as exc:
                raise NotebookError(f"not valid JSON: {exc}", line) from None
            decoded.line = line
            return decoded
        if text in "}],:":
            raise NotebookError(f"not valid JSON: unexpected {text!r}", line)
        return json.loads(text)

    def document(self) -> Any:
        found = self.value()
        if _SPACE.match(self.text, self.pos).end() != len(self.text):  # type: ignore[union-attr]
            raise NotebookError("not valid JSON: text after the document", self._line_at(self.pos))
        return found


def _cells(notebook: Any) -> list[dict[str, Any]]:
    """The cells of nbformat 4 (`cells`) or 3 (`worksheets[].cells`)."""
    if not isinstance(notebook, dict):
        raise NotebookError("not a notebook: the document is not a JSON object", 1)
    cells: Any = notebook.get("cells")
    if cells is None and isinstance(notebook.get("worksheets"), list):
        cells = [
            c for w in notebook["worksheets"] if isinstance(w, dict) for c in w.get("cells", [])
        ]
    if not isinstance(cells, list):
        raise NotebookError("not a notebook: no `cells` list (nbformat 4) or `worksheets` (3)", 1)
    return [c for c in cells if isinstance(c, dict)]


def notebook_language(notebook: Any) -> str:
    """The kernel's language ("python" when the notebook does not say)."""
    meta = notebook.get("metadata") if isinstance(notebook, dict) else None
    if not isinstance(meta, dict):
        return "python"
    for holder, key in (("language_info", "name"), ("kernelspec", "language")):
        part = meta.get(holder)
        if isinstance(part, dict) and isinstance(part.get(key), str):
            return str(part[key]).lower()
    return "python"


def _source_lines(cell: dict[str, Any]) -> list[tuple[str, int]]:
    """(Python line, JSON line) of a code cell's source, in order."""
    source = cell.get("source", cell.get("input"))  # nbformat 3 names it `input`
    parts = [source] if isinstance(source, str) else source if isinstance(source, list) else []
    out: list[tuple[str, int]] = []
    for part in parts:
        if not isinstance(part, str):
            continue
        line = part.line if isinstance(part, _Str) else 1
        out.extend((text, line) for text in part.splitlines())
    return out


def _python_lines(lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A cell's lines with IPython syntax replaced by `pass`; a non-Python cell magic blanks
    the whole cell."""
    if lines and lines[0][0].lstrip().startswith("%%"):
        name = lines[0][0].lstrip()[2:].split(maxsplit=1)
        keep = bool(name) and name[0] in _PYTHON_CELL_MAGICS
        return [("" if i == 0 or not keep else text, line) for i, (text, line) in enumerate(lines)]
    return [(_without_ipython(text), line) for text, line in lines]


def _without_ipython(text: str) -> str:
    if _LINE_MAGIC.match(text) or _ASSIGNED_ESCAPE.match(text) or _HELP.match(text):
        return text[: len(text) - len(text.lstrip())] + "pass"
    return text


_SOURCE_KEY = re.compile(r'"(?:source|input)"\s*:\s*')
_STRING = re.compile(r'\s*("(?:[^"\\]|\\.)*")\s*,?')
_DECODER = json.JSONDecoder()


def _located(text: str) -> Any | None:
    """The document with each cell's source strings located, found fast: `json.loads` reads the
    document (C speed) and each cell's `"source"` (nbformat 3: `"input"`) key is then found in
    the text, in order, and checked to decode to that cell's source. None when a check fails (an
    odd writer): the caller falls back to the slow reader."""
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as exc:
        _Parser(text).document()  # raises with its own words, the same line
        raise NotebookError(f"not valid JSON: {exc.msg}", exc.lineno) from None
    except RecursionError:
        raise NotebookError("not valid JSON: nesting too deep", None) from None
    pos, line = 0, 1
    for cell in _cells(notebook):
        key = "input" if "input" in cell and "source" not in cell else "source"
        value = cell.get(key)
        if not isinstance(value, (str, list)):
            continue
        while True:
            match = _SOURCE_KEY.search(text, pos)
            if match is None:
                return None
            try:
                found, _ = _DECODER.raw_decode(text, match.end())
            except json.JSONDecodeError:
                return None
            line += text.count("\n", pos, match.end())
            pos = match.end()
            if found == value and match.group().startswith(f'"{key}"'):
                break
        located = _located_strings(text, pos, line, value)
        if located is None:
            return None
        cell[key] = located
    return notebook


def _located_strings(text: str, pos: int, line: int, value: str | list[Any]) -> Any:
    """`value` (a string, or a list of them, starting at `pos` on `line`) as `_Str`s."""
    if isinstance(value, str):
        located = _Str(value)
        located.line = line
        return located
    out: list[Any] = []
    pos += 1  # past "["
    for item in value:
        match = _STRING.match(text, pos)
        if match is None or not isinstance(item, str):
            return None
        line += text.count("\n", pos, match.start(1))
        string = _Str(item)
        string.line = line
        out.append(string)
        line += text.count("\n", match.start(1), match.end())
        pos = match.end()
    return out


def notebook_code(text: str) -> NotebookCode:
    """The Python of a notebook's code cells on the notebook's lines; raises NotebookError for a
    file that is not a notebook or whose kernel is not Python."""
    notebook = _located(text)
    if notebook is None:
        notebook = _Parser(text).document()
    cells = _cells(notebook)
    language = notebook_language(notebook)
    if language not in {"python", "python3", "python2", "ipython"}:
        raise NotebookError(f"the notebook's kernel language is {language}, not Python", 1)
    rows: list[str] = []
    json_lines: list[int] = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        for source, line in _python_lines(_source_lines(cell)):
            while len(rows) + 1 < line:  # lines of JSON structure or other cells: empty
                rows.append("")
                json_lines.append(len(rows))
            rows.append(source)
            json_lines.append(line)
    return NotebookCode("\n".join(rows) + "\n", json_lines)
