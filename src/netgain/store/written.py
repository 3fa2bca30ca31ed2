"""The values of a commit an ingest has just stored, for the derived tables computed after it.

Kept here, below both `history` (which writes commits) and `risk` (which derives feature vectors
from them), so that neither imports the other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(slots=True)
class WrittenCommit:
    """A non-merge commit this run stored, with the values as stored (`storable`, UTC date).

    What a derived table (netgain.risk's feature vectors) would otherwise read back from the
    store right after the ingest wrote it: a first ingest of a long history spent about a third
    of its feature pass on that read.
    """

    commit_id: int
    sha: str
    author_email: str
    author_date: datetime
    message: str
    files: list[tuple[str, int | None, int | None, str | None]]  # path, added, deleted, old path
    ai_lines: int
    human_lines: int
    unknown_lines: int
    tools: list[str]


class WrittenSink(Protocol):
    """Where an ingest hands each batch of commits it stored: a list, or a consumer that
    derives data from them while the ingest goes on (netgain.risk.feature_stream)."""

    def extend(self, commits: Iterable[WrittenCommit], /) -> None: ...
