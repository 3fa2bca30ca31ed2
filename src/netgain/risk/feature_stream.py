"""Feature vectors of a first ingest, computed while git still streams the history.

Why: vectors are computed oldest first by author date (ties by commit id), but git's log
arrives in topological order, where most commits of a real history are out of author-date
order (62 % of pypa/pip's). Computing them only after the last commit was written made the
feature pass a serial step after git (about 1 s on a 30,000-commit history). With every
commit's author time known up front (a cheap second `git log`, `EarlyLog.author_times`), a
commit's vector can be computed as soon as no commit still to come can sort before it: the
oldest author time among the commits not written yet is a watermark, and everything written at
or before it (a later commit gets a larger id, so ties are safe) is final. That work runs on
the main thread while the reader thread waits for git, so it costs no wall time on a machine
with a core for each; what is left after git ends is the tail a late, old-dated branch holds
back.

Nothing here is trusted blindly. A commit the listing does not name, or names with another
time, turns streaming off (the feature pass then reads every commit as before); the vectors are
used only if the final order is strictly increasing in (author date, id), the order
`change_rows_from` sorts by, and the stored commits are exactly the ones seen here
(`netgain.risk.feature_store.update_features` checks the count). The result is the same bytes
the pass after the write would have computed.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from netgain.risk.data import change_record
from netgain.risk.feature_store import pack
from netgain.risk.features import ChangeRecord, FeatureExtractor
from netgain.store.written import WrittenCommit


@dataclass(slots=True)
class StreamedFeatures:
    """Vectors of every written commit in feature order, and the state after the last one."""

    rows: list[tuple[int, ChangeRecord]]
    vectors: list[bytes]  # packed (`feature_store.pack`)
    extractor: FeatureExtractor
    zones: dict[str, list[str]]


class FeatureStream:
    """Collects the commits an ingest writes and computes their vectors as early as it can.

    Passed to the ingest as its `written` sink (it has `extend`); `written` keeps every commit,
    so the feature pass can fall back to computing from them when streaming was turned off.
    """

    def __init__(self, author_times: dict[str, int] | None, zones: dict[str, list[str]]) -> None:
        self.written: list[WrittenCommit] = []
        self.zones = zones
        self._times = author_times  # sha -> author time, of the commits not written yet
        self._extractor = FeatureExtractor(zones)
        self._pending: list[tuple[datetime, int, WrittenCommit]] = []  # written, not computed
        self._unwritten: list[tuple[int, str]] = []  # (author time, sha) heap, lazily pruned
        if author_times is not None:
            self._unwritten = [(at, sha) for sha, at in author_times.items()]
            heapq.heapify(self._unwritten)
        self._rows: list[tuple[int, ChangeRecord]] = []
        self._vectors: list[bytes] = []
        self._last: tuple[datetime, int] | None = None
        self._ordered = True

    @property
    def active(self) -> bool:
        """Whether vectors are still being computed (False: the pass after the write does it)."""
        return self._times is not None

    @property
    def computed(self) -> int:
        """Vectors computed so far."""
        return len(self._vectors)

    def extend(self, commits: Iterable[WrittenCommit]) -> None:
        """Take a batch the ingest has stored, and compute every vector that is now final."""
        batch = list(commits)
        self.written.extend(batch)
        times = self._times
        if times is None:
            return
        for w in batch:
            at = times.pop(w.sha, None)
            date = w.author_date.replace(tzinfo=None)
            if at is None or w.author_date.timestamp() != at:
                self._stop()  # not in the listing, or another date: the listing is not this log
                return
            heapq.heappush(self._pending, (date, w.commit_id, w))
        unwritten = self._unwritten
        while unwritten and unwritten[0][1] not in times:
            heapq.heappop(unwritten)
        self._compute(unwritten[0][0] if unwritten else None)

    def _compute(self, watermark: int | None) -> None:
        """Vectors of the pending commits dated at or before `watermark` (all when None)."""
        pending = self._pending
        extractor = self._extractor
        while pending and (watermark is None or pending[0][2].author_date.timestamp() <= watermark):
            date, cid, written = heapq.heappop(pending)
            key = (date, cid)
            if self._last is not None and key <= self._last:
                self._ordered = False
            self._last = key
            change = change_record(written)
            self._vectors.append(pack(extractor.push(change)))
            self._rows.append((cid, change))

    def _stop(self) -> None:
        self._times = None
        self._pending = []
        self._unwritten = []
        self._rows = []
        self._vectors = []

    def finish(self) -> StreamedFeatures | None:
        """Every written commit's vector, in feature order; None when streaming was turned off.

        The commits still pending (held back by an old-dated commit near the end of the log, or
        named by the listing but never read) are computed now.
        """
        if self._times is None:
            return None
        self._compute(None)
        if not self._ordered or len(self._rows) != len(self.written):
            return None
        return StreamedFeatures(self._rows, self._vectors, self._extractor, self.zones)
