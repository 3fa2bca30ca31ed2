"""Risk of each replayed change, scored against the history before it in one pass.

`netgain check` scores one change with `netgain.risk.service.change_row`, which replays the whole
earlier history through a feature extractor: right for one change, quadratic for thousands. Here
the extractor advances through the stored changes once, oldest first, so each replayed change is
scored against exactly the commits older than its first one (the same rule as `change_row`), and
the folding of a change's commits is `fold_change`, shared with the gate.
"""

from __future__ import annotations

from typing import Any

from netgain.risk.features import ChangeRecord, FeatureExtractor
from netgain.risk.model import RiskModel
from netgain.risk.service import fold_change, score


class HistoryScorer:
    """Scores changes in order of their first commit; an out-of-order change restarts the pass."""

    def __init__(
        self,
        changes: list[ChangeRecord],
        zones: dict[str, list[str]] | None,
        model: RiskModel,
        thresholds: dict[str, float],
    ) -> None:
        self._ordered = sorted(changes, key=lambda c: c.time)
        self._by_sha = {c.sha: c for c in changes}
        self._zones = zones
        self._model = model
        self._thresholds = thresholds
        self._extractor = FeatureExtractor(zones)
        self._next = 0
        self._at = float("-inf")

    def first_time(self, shas: tuple[str, ...]) -> float | None:
        """When the change's first stored commit was written (None: none is stored)."""
        times = [self._by_sha[s].time for s in shas if s in self._by_sha]
        return min(times) if times else None

    def score(self, shas: tuple[str, ...], findings: int | None) -> dict[str, Any] | None:
        """Probability and tier of the change made of `shas` (None when none is stored)."""
        inside = [self._by_sha[s] for s in shas if s in self._by_sha]
        if not inside:
            return None
        inside.sort(key=lambda c: c.time)
        first = inside[0].time
        if first < self._at:
            self._extractor = FeatureExtractor(self._zones)
            self._next = 0
        self._at = first
        while self._next < len(self._ordered) and self._ordered[self._next].time < first:
            self._extractor.record(self._ordered[self._next])
            self._next += 1
        record = fold_change(inside, findings, None)
        return score(self._model, self._extractor.features(record), self._thresholds)
