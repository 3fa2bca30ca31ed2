"""What each merged change later caused, from the store: incidents and SZZ-linked defects.

The same sources `netgain metrics` reads (`netgain.metrics.collect`): incidents with the commits
they were linked to as causes (`netgain incidents import`), and the bug-introducing commits SZZ
found from later fix commits (`netgain szz`, or run here on fixes no run analysed yet). A source
that holds nothing for the repository is missing (None), never "nothing happened".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from netgain.metrics.inputs import Incident


@dataclass(frozen=True, slots=True)
class LaterOutcomes:
    """Per commit sha: the incidents it caused and the fixes that SZZ traced back to it."""

    incidents: dict[str, set[str]] | None  # sha -> incident ids; None: no incidents imported
    defects: dict[str, int] | None  # inducing sha -> fixes; None: SZZ never ran

    @classmethod
    def build(
        cls, incidents: Iterable[Incident] | None, inducing: dict[str, int] | None
    ) -> LaterOutcomes:
        caused: dict[str, set[str]] | None = None
        if incidents is not None:
            caused = defaultdict(set)
            for incident in incidents:
                for sha in incident.causes:
                    caused[sha].add(incident.id)
            caused = dict(caused)
        return cls(caused, inducing)

    def incidents_of(self, shas: Iterable[str]) -> int:
        """Distinct incidents caused by any of `shas` (0 when no incidents were imported)."""
        if self.incidents is None:
            return 0
        return len(set().union(*(self.incidents.get(s, set()) for s in shas)))

    def defects_of(self, shas: Iterable[str]) -> int:
        """Fix commits SZZ traced back to any of `shas`, counted per inducing commit."""
        if self.defects is None:
            return 0
        return sum(self.defects.get(s, 0) for s in shas)
