"""The board answer (`netgain metrics --board`, `netgain.metrics.board`) per repository and for
the organisation or a team, as one viewer may see them.

The board measures throughput against each history's own pre-AI baseline, so it always reads
the whole history up to the end of the chosen range: a 90-day window holds no baseline. The
organisation's and a team's board are computed from the combined records of their readable
repositories (weekly counts summed, never per-repository figures averaged), like every other
organisation figure. Two things can make a combined answer mislead, and both are said on it:
repositories that adopted AI in different weeks (one adoption week for all blends them), and a
team's membership, which is today's organisation file (someone who joined after the adoption
reads as throughput gained).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from netgain.metrics.board import board
from netgain.metrics.inputs import Dataset
from netgain.metrics.items import build_items
from netgain.service.access import Principal
from netgain.service.catalog import CatalogEntry
from netgain.service.views.combine import combine
from netgain.service.views.context import ViewContext
from netgain.service.views.dataset import load_dataset, of_people, within
from netgain.service.views.scope import Window, chosen, org_entries, team_of

STAGGER_WEEKS = 8  # adoption weeks further apart than this make one combined adoption a blend


@dataclass(frozen=True)
class Boards:
    """The combined board of what the view covers and the board of each repository in it."""

    scope: str  # "organisation", "team" or "repository"
    name: str
    until: datetime | None
    combined: dict[str, Any] | None  # None when withheld
    repositories: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    withheld: str | None = None
    cautions: list[str] = field(default_factory=list)


def board_of(data: Dataset, view: ViewContext) -> dict[str, Any]:
    """The board document of one dataset, exactly as `netgain metrics --board` computes it."""
    return board(data, build_items(data), view.metrics)


def _load(view: ViewContext, entry: CatalogEntry) -> Dataset:
    owner, _, name = entry.full_name.partition("/")
    mirror = view.mirrors / owner / f"{name}.git"
    return load_dataset(
        view.engine, entry.repository_id, entry.full_name, view.metrics, mirror, "week"
    )


def staggered_adoption(repositories: list[tuple[str, dict[str, Any]]]) -> str | None:
    """Why one adoption week for the combined records blends different ones, or None."""
    weeks = sorted(
        (doc["adoption"]["date"], doc["adoption"]["week"], name)
        for name, doc in repositories
        if doc["adoption"].get("status") == "ok"
    )
    if len(weeks) < 2:
        return None
    first, last = datetime.fromisoformat(weeks[0][0]), datetime.fromisoformat(weeks[-1][0])
    if (last - first).days <= 7 * STAGGER_WEEKS:
        return None
    return (
        f"the repositories adopted AI in different weeks ({weeks[0][1]} for {weeks[0][2]} to "
        f"{weeks[-1][1]} for {weeks[-1][2]}): one adoption week for the combined records blends "
        "them, so read each repository's own row"
    )


def org_boards(
    view: ViewContext,
    principal: Principal,
    org: str,
    until: datetime | None,
    *,
    repositories: list[str] | None = None,
    team: str | None = None,
) -> Boards:
    """The board of the organisation's readable repositories (or the named ones), or of one
    team's changes in them; each repository's own board beside it."""
    entries = chosen(org_entries(view.engine, view.mirrors, principal, org), repositories)
    end = Window(until=until)
    cautions: list[str] = []
    identities: set[str] | None = None
    scope, name = "organisation", org.lower()
    if team is not None:
        group = team_of(view.orgs.for_org(org), team)
        scope, name = "team", group.name
        if group.withheld is not None:
            return Boards(scope, name, until, None, withheld=group.withheld)
        identities = set(group.identities)
        cautions.append(
            "a team is its members in today's organisation file: people who joined after the "
            "adoption add throughput the team did not gain from AI, and those who left remove it"
        )
    loaded: list[tuple[str, Dataset]] = []
    for entry in entries:
        data = within(_load(view, entry), end)
        loaded.append(
            (entry.full_name, data if identities is None else of_people(data, identities))
        )
    each = [(full_name, board_of(data, view)) for full_name, data in loaded]
    if len(each) == 1 and identities is None:
        combined = each[0][1]  # one repository: its own board, not recomputed
    else:
        combined = board_of(combine(loaded), view)
    stagger = staggered_adoption(each) if len(each) > 1 else None
    if stagger:
        cautions.append(stagger)
    return Boards(scope, name, until, combined, each, cautions=cautions)
