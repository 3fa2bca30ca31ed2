"""Options for one analysis run, built by the CLI from flags and the `[scan]` table of netgain.toml."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netgain.analysis.cache_memory import ScanMemory


class EntryMode(StrEnum):
    """How parameters of functions without a known caller are treated.

    `web` trusts only framework sources (request objects, route parameters); `library` also treats
    the parameters of public functions as untrusted input, at a lower confidence.
    """

    WEB = "web"
    LIBRARY = "library"


@dataclass(slots=True)
class ScanOptions:
    mode: EntryMode = EntryMode.LIBRARY
    select: frozenset[str] = frozenset()  # rule ids or families to run; empty = all
    ignore: frozenset[str] = frozenset()  # rule ids or families to skip
    extra_models: dict[str, Any] = field(default_factory=dict)  # `[scan.models]` from netgain.toml
    cache_dir: Path | None = None  # content-hash cache; None disables caching
    exclude: tuple[str, ...] = ()  # gitignore-style globs relative to the scan root
    # many scans in one process (a policy replay): the cache kept in memory between them
    memory: ScanMemory | None = field(default=None, compare=False)
