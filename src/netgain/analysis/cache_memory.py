"""The scan cache held in memory across the many scans of one process (a policy replay).

`netgain policy replay` scans each merged change's files at its head, one change after another:
hundreds or thousands of small scans against one snapshot. Reading and rewriting the whole
snapshot for each of them costs more as it grows, and the snapshot keeps one entry per *path*:
when the replay's order goes back to an older version of a file (pull requests merged in
another order than their first commits, a revert, a branch that had not seen a change yet), its
entry was overwritten and the file is parsed and analysed again.

`ScanMemory` keeps, per snapshot, the records in memory (read once, written back by `flush`) and
the entries the snapshot no longer holds, by content key (the SHA-256 of the path, the analysis
context and the file's bytes, see `ScanCache.lookup`), up to a byte budget, least recently used
first out. A file whose path and bytes were scanned before in this process is then a cache hit
whatever happened to its path's entry since. Two paths with the same bytes still never share an
entry: the path is part of the key, and the entry's own path is checked on use.

It is per process: pickled (for a worker process), it arrives empty.
"""

from __future__ import annotations

import os
import pickle
from collections import OrderedDict
from pathlib import Path

# (size, mtime_ns, ctime_ns, inode) or None when untrusted, content key, pickled `FileEntry`
# ... and the CRC-32 of the pickled entry: an entry's results stay pickled inside it until they
# are needed, so damage there would surface in the middle of an analysis; it is found here
Record = tuple[tuple[int, int, int, int] | None, str, bytes, int]

VERSION_BUDGET = 256 * 1024 * 1024  # bytes of earlier entries kept by content key
FLUSH_EVERY = 25  # saves between two writes of a changed snapshot (a crash loses no more)


def write_snapshot(path: str, packed: dict[str, object]) -> None:
    """Write a snapshot atomically (a reader sees the old file or the new, never half)."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.{id(packed)}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(packed, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(target)
    except (OSError, pickle.PicklingError, RecursionError, TypeError):
        return


class ScanMemory:
    """Snapshots read once and entries kept by content key, for the scans of one process."""

    def __init__(self, budget: int = VERSION_BUDGET, flush_every: int = FLUSH_EVERY) -> None:
        self.budget = budget
        self.flush_every = flush_every
        self.snapshots: dict[str, tuple[int, str, dict[str, Record]]] = {}  # path -> packed
        self.dirty: set[str] = set()
        self.versions: OrderedDict[str, tuple[bytes, int]] = OrderedDict()
        self.version_bytes = 0
        self.content_hits = 0  # entries found by content after their path's entry had changed
        self._saves = 0

    def __reduce__(self) -> tuple[type[ScanMemory], tuple[int, int]]:
        return (ScanMemory, (self.budget, self.flush_every))  # a worker starts empty

    def records(self, path: str, cache_format: int, context: str) -> dict[str, Record] | None:
        """The records of the snapshot at `path` if it was read in this process, else None."""
        found = self.snapshots.get(path)
        if found is None or found[0] != cache_format or found[1] != context:
            return None
        return found[2]

    def adopt(self, path: str, cache_format: int, context: str, records: dict[str, Record]) -> None:
        """Keep a snapshot's records (read from disk, or new) for the next scans."""
        self.snapshots[path] = (cache_format, context, records)

    def saved(self, path: str) -> None:
        """A scan changed the snapshot at `path`: written now and then, and by `flush`."""
        self.dirty.add(path)
        self._saves += 1
        if self._saves % self.flush_every == 0:
            self.flush()

    def flush(self) -> None:
        """Write every snapshot changed since the last flush."""
        for path in sorted(self.dirty):
            cache_format, context, records = self.snapshots[path]
            write_snapshot(path, {"format": cache_format, "context": context, "files": records})
        self.dirty.clear()

    def remember(self, key: str, blob: bytes, crc: int) -> None:
        """Keep an entry its path's record no longer holds (the least recently used go first)."""
        if key in self.versions:
            self.versions.move_to_end(key)
            return
        self.versions[key] = (blob, crc)
        self.version_bytes += len(blob)
        while self.version_bytes > self.budget and self.versions:
            _key, (old, _crc) = self.versions.popitem(last=False)
            self.version_bytes -= len(old)

    def recall(self, key: str) -> tuple[bytes, int] | None:
        """The entry kept for a content key, if any."""
        found = self.versions.get(key)
        if found is not None:
            self.versions.move_to_end(key)
        return found
