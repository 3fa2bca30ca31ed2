"""Who may see figures about people: the audience of one view, and the group-size rule.

Figures about people are team-level by default and shown only for groups of at least
`min_group` people; a person's own figures are visible to that person and to admins (the org
config's `privacy`, netgain.service.org_config). Per-person lists are never ranked: they are
sorted by name, so a page cannot be read as a leaderboard.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SUPPRESSED = "group smaller than the privacy minimum"


@dataclass(frozen=True, slots=True)
class Audience:
    """`people`: the identities whose own figures the viewer may see (None: everyone, an admin)."""

    people: frozenset[str] | None
    min_group: int = 5

    @classmethod
    def for_viewer(
        cls, identities: Iterable[str], *, admin: bool, min_group: int = 5, people: str = "self"
    ) -> Audience:
        """An admin sees everyone; others their own identities ("self") or none ("none")."""
        if admin:
            return cls(None, min_group)
        mine = frozenset(i.lower() for i in identities) if people == "self" else frozenset()
        return cls(mine, min_group)

    def may_see(self, person: str) -> bool:
        return self.people is None or person.lower() in self.people


def team_index(teams: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """Identity (lower case) -> the teams it belongs to (sorted)."""
    out: dict[str, list[str]] = {}
    for team, members in teams.items():
        for member in members:
            out.setdefault(member.lower(), []).append(team)
    return {k: sorted(v) for k, v in out.items()}
