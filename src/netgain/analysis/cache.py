"""A content-hash cache of parsed files, so a rescan does not re-parse unchanged files.

Entries are keyed by the SHA-256 of a file's bytes (plus the Python version and the cache format),
so any change to a file, however small, misses. The cache only ever holds netgain's own pickles in
a directory netgain created; a corrupt or foreign entry is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from pathlib import Path

from netgain.analysis.findings import UnparsedFile
from netgain.analysis.source import ParsedSource, parse_source

CACHE_FORMAT = 1
_TAG = f"v{CACHE_FORMAT}-py{sys.version_info.major}{sys.version_info.minor}"


class ScanCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory / _TAG
        self.hits = 0
        self.misses = 0

    def _entry(self, digest: str) -> Path:
        return self.directory / digest[:2] / f"{digest}.pickle"

    def parse(self, path: Path, rel: str) -> ParsedSource | UnparsedFile:
        """Parse `path`, reusing a cached tree when the bytes are unchanged."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            return UnparsedFile(rel, f"cannot read: {exc.strerror or exc}", None)
        digest = hashlib.sha256(data).hexdigest()
        entry = self._entry(digest)
        try:
            with entry.open("rb") as fh:
                text, tree, line_count = pickle.load(fh)  # noqa: S301 - netgain's own cache files
            self.hits += 1
            return ParsedSource(rel, text, tree, line_count)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            pass
        self.misses += 1
        parsed = parse_source(rel, data)
        if isinstance(parsed, ParsedSource):
            try:
                entry.parent.mkdir(parents=True, exist_ok=True)
                tmp = entry.with_suffix(".tmp")
                with tmp.open("wb") as fh:
                    pickle.dump(
                        (parsed.text, parsed.tree, parsed.line_count),
                        fh,
                        protocol=pickle.HIGHEST_PROTOCOL,
                    )
                tmp.replace(entry)
            except OSError:
                pass
        return parsed

    def save(self) -> None:
        """Entries are written as they are made; nothing is pending."""
