"""The parse stage of a scan: every collected file parsed, or restored from the cache.

A scan runs one way: collect files -> load them here (the cache wraps parsing: a file whose
stat or bytes match its cache entry is not parsed) -> index -> analyse -> findings. Files
restored from the cache carry their index entries but no syntax tree; when the analysis must
look inside one again (a callee's summary changed), `Sources.ensure_tree` parses it then. This
stage also owns the files' text, decoded lazily for the snippets of findings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from netgain.analysis.cache import FileEntry, ScanCache
from netgain.analysis.findings import UnparsedFile
from netgain.analysis.index import ModuleInfo, ProgramIndex
from netgain.analysis.notebook import NotebookCode, NotebookError
from netgain.analysis.source import (
    ParsedSource,
    is_notebook,
    parse_source,
    read_notebook,
    source_text,
)


@dataclass(slots=True)
class SourceFile:
    """One collected file: parsed in this run, or its cache entry (exactly one is set)."""

    rel: str
    path: Path
    parsed: ParsedSource | None
    cached: FileEntry | None

    @property
    def line_count(self) -> int:
        if self.parsed is not None:
            return self.parsed.line_count
        return self.cached.line_count if self.cached is not None else 0


class Sources:
    """The files of one scan and their text; parses cached files on demand."""

    def __init__(
        self,
        cache: ScanCache | None,
        preparsed: Mapping[str, tuple[bytes, ParsedSource]] | None = None,
    ) -> None:
        self.cache = cache
        # rel -> (bytes, their parse) a caller already made: used when the bytes are the same
        self.preparsed = preparsed or {}
        self.files: list[SourceFile] = []
        self.unparsed: list[UnparsedFile] = []
        self.parsed = 0  # files parsed while loading (new or changed)
        self.lazy_parses = 0  # cached files parsed later because the analysis needed them
        self._texts: dict[str, str] = {}
        self._raw: dict[str, bytes] = {}  # files read but not decoded (cache hits by content)
        self._paths: dict[str, Path] = {}
        self._split: dict[str, list[str]] = {}
        self._notebooks: dict[str, NotebookCode | None] = {}

    def load(self, files: Sequence[tuple[Path, str]]) -> None:
        """Read (or restore) and parse every file; problems are listed in `unparsed`."""
        cache = self.cache
        for path, rel in files:
            self._paths[rel] = path
            try:
                entry, data = cache.lookup(path, rel) if cache is not None else (None, None)
                if entry is None and data is None:
                    data = path.read_bytes()
            except OSError as exc:
                reason = f"cannot read: {exc.strerror or exc}"
                self.unparsed.append(UnparsedFile(rel, reason, None))
                continue
            if entry is not None:
                if data is not None:
                    self._raw[rel] = data  # read to compare: decoded only for a snippet
                self.files.append(SourceFile(rel, path, None, entry))
                continue
            data = data or b""  # a miss always has its bytes
            known = self.preparsed.get(rel)
            parsed = known[1] if known is not None and known[0] == data else parse_source(rel, data)
            if isinstance(parsed, UnparsedFile):
                self.unparsed.append(parsed)
                continue
            self.parsed += 1
            self._texts[rel] = parsed.text
            if parsed.notebook is not None:
                self._notebooks[rel] = parsed.notebook
            self.files.append(SourceFile(rel, path, parsed, None))

    def ensure_tree(self, module: ModuleInfo, index: ProgramIndex) -> bool:
        """Parse a file restored from the cache and attach its syntax tree to the index."""
        if module.tree is not None:
            return True
        path = self._paths.get(module.path)
        if path is None:
            return False
        try:
            parsed = parse_source(module.path, path.read_bytes())
        except OSError:
            return False
        if not isinstance(parsed, ParsedSource):
            return False
        self.lazy_parses += 1
        index.attach_tree(module, parsed.tree)
        return True

    def text(self, rel: str) -> str:
        """The decoded text of a file ("" when it cannot be read any more)."""
        found = self._texts.get(rel)
        if found is None:
            data = self._raw.get(rel)
            if data is None and rel in self._paths:
                try:
                    data = self._paths[rel].read_bytes()
                except OSError:
                    data = None
            try:
                found = source_text(rel, data) if data is not None else ""
            except (NotebookError, SyntaxError, LookupError, UnicodeDecodeError, ValueError):
                found = ""
            self._texts[rel] = found
        return found

    def line(self, rel: str, number: int) -> str:
        """The stripped text of a 1-indexed line, for snippets ("" when out of range)."""
        lines = self._split.get(rel)
        if lines is None:
            lines = self.text(rel).splitlines()
            self._split[rel] = lines
        return lines[number - 1].strip() if 1 <= number <= len(lines) else ""

    def place(self, rel: str, number: int) -> int:
        """The line of the file holding analysed line `number`: for a notebook, the JSON line
        of its code-cell source (read again for a file restored from the cache)."""
        if not is_notebook(rel):
            return number
        if rel not in self._notebooks:
            data = self._raw.get(rel)
            try:
                if data is None:
                    data = self._paths[rel].read_bytes()
                self._notebooks[rel] = read_notebook(data)
            except (KeyError, OSError, NotebookError):
                self._notebooks[rel] = None
        notebook = self._notebooks[rel]
        return notebook.json_line(number) if notebook is not None else number
