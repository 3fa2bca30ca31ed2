"""Stored facts: a replayed change's gathered context, kept for the next replay.

A team replays the same history many times (the current policy, then one draft after another).
Gathering a change's facts (diff, blame-based AI share, scan of the head, signals, familiarity) is
a second or more; deciding a policy on them is milliseconds. The gathering depends only on the
two commits, the policy sections that define facts (`FACT_SECTIONS`), the configuration, the
stored provenance of the change's commits and netgain's own code, so it is kept per change
under `.netgain/cache/replay/` and reused when all of those are unchanged:

* the file name is a digest of (base, head, fact sections, the whole configuration, netgain's
  source files, the AI-share method): another configuration, another netgain build or a replay
  blaming with another copy search (`--exact-share`) never reads it;
* the entry records which commits' provenance the gathering read and a digest of those rows;
  a new ingest that attributes them differently (new notes, other markers) is a miss;
* entries are written atomically and carry a CRC-32; a damaged or foreign entry is a miss (and
  is counted), never an error.

Like the scan cache beside it, the directory only ever holds netgain's own pickles.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netgain.analysis.cache import PICKLE_ERRORS
from netgain.history.queries import CommitProvenance
from netgain.policy.facts import ChangeContext

FORMAT = 1


def code_digest() -> str:
    """A digest of netgain's own source files: a new build never reuses another's facts."""
    package = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(f"{FORMAT}".encode())
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.toml")]):
        try:
            h.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
        except OSError:
            continue
    return h.hexdigest()


def provenance_digest(rows: dict[str, CommitProvenance]) -> str:
    h = hashlib.sha256()
    for sha in sorted(rows):
        h.update(repr(rows[sha]).encode())
    return h.hexdigest()


@dataclass(slots=True)
class FactsCache:
    """Gathered contexts under `directory`, valid for one configuration and netgain build."""

    directory: Path
    context: str  # digest of the configuration and the code
    hits: int = 0
    misses: int = 0
    unreadable: int = 0
    written: int = 0

    @classmethod
    def open(
        cls, directory: Path, raw_config: dict[str, Any], code: str, method: str = ""
    ) -> FactsCache:
        """`method` names how the facts are gathered where a replay may choose (the AI-share
        blame's copy search, `share_method`): facts gathered one way are not read another."""
        settings = json.dumps(raw_config, sort_keys=True, default=str)
        context = hashlib.sha256(f"{code}\0{settings}\0{method}".encode()).hexdigest()
        return cls(directory, context)

    def _path(self, base: str, head: str, fact_key: str) -> Path:
        name = hashlib.sha256(f"{self.context}\0{base}\0{head}\0{fact_key}".encode()).hexdigest()
        return self.directory / name[:2] / f"{name[2:40]}.facts"

    def has(self, base: str, head: str, fact_key: str) -> bool:
        """Whether an entry exists (it may still turn out stale or damaged when loaded)."""
        return self._path(base, head, fact_key).is_file()

    def load(
        self,
        base: str,
        head: str,
        fact_key: str,
        provenance_for: Callable[[list[str]], dict[str, CommitProvenance]],
    ) -> ChangeContext | None:
        """The stored context, if its provenance is still what the store says; else None."""
        path = self._path(base, head, fact_key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self.misses += 1
            return None
        except OSError:
            self.unreadable += 1
            self.misses += 1
            return None
        try:
            crc, blob = int.from_bytes(data[:4], "big"), data[4:]
            if zlib.crc32(blob) != crc:
                raise ValueError("CRC mismatch")
            entry = pickle.loads(zlib.decompress(blob))  # noqa: S301 - netgain's own cache file
            shas, digest, ctx = entry["shas"], entry["provenance"], entry["context"]
            if not isinstance(ctx, ChangeContext):
                raise TypeError("not a change context")
        except (*PICKLE_ERRORS, OSError, zlib.error):
            self.unreadable += 1
            self.misses += 1
            return None
        if provenance_digest(provenance_for(list(shas))) != digest:
            self.misses += 1
            return None
        self.hits += 1
        return ctx

    def store(
        self,
        base: str,
        head: str,
        fact_key: str,
        shas: Sequence[str],
        provenance: dict[str, CommitProvenance],
        ctx: ChangeContext,
    ) -> None:
        """Keep the context (atomically: a reader sees the old entry or the new, never half)."""
        path = self._path(base, head, fact_key)
        entry = {"shas": list(shas), "provenance": provenance_digest(provenance), "context": ctx}
        try:
            blob = zlib.compress(pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL), 1)
        except (pickle.PicklingError, RecursionError, TypeError, AttributeError):
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(zlib.crc32(blob).to_bytes(4, "big") + blob)
            tmp.replace(path)
            self.written += 1
        except OSError:
            return

    def to_dict(self) -> dict[str, Any]:
        return {
            "hits": self.hits,
            "misses": self.misses,
            "unreadable": self.unreadable,
            "written": self.written,
        }
