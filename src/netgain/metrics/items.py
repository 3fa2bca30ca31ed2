"""Work items: the unit a team ships. A pull request when PR data exists, else a single change.

Change failure rate and incidents per feature count shipped items, not commits: a PR of twelve
commits that caused one incident is one failed change, not one in twelve.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from netgain.metrics.inputs import Change, Dataset, share_bucket


@dataclass(frozen=True, slots=True)
class WorkItem:
    id: str  # "pr:123" or the commit sha
    date: datetime
    shas: tuple[str, ...]
    ai_lines: int
    human_lines: int
    unknown_lines: int
    lines_added: int
    is_feature: bool

    @property
    def group(self) -> str:
        return share_bucket(self.ai_lines, self.human_lines, self.unknown_lines)

    @property
    def provenance(self) -> str:
        group = self.group
        if group == "unknown":
            return group
        return "ai" if group in ("50-75", "75-100") else "human"


def _item(item_id: str, when: datetime, changes: list[Change], feature: bool) -> WorkItem:
    return WorkItem(
        id=item_id,
        date=when,
        shas=tuple(c.sha for c in changes),
        ai_lines=sum(c.ai_lines for c in changes),
        human_lines=sum(c.human_lines for c in changes),
        unknown_lines=sum(c.unknown_lines for c in changes),
        lines_added=sum(c.lines_added for c in changes),
        is_feature=feature or any(c.is_feature for c in changes),
    )


def build_items(data: Dataset) -> list[WorkItem]:
    """One item per merged PR (its commits), plus one per change that belongs to no PR.

    A PR whose commits were not ingested still counts as an item with no lines (unknown group).
    Bot changes are items like any other: a dependency bump can break production too.
    """
    by_sha = {c.sha: c for c in data.changes}
    items: list[WorkItem] = []
    claimed: set[str] = set()
    for pr in data.pull_requests or []:
        if pr.merged_at is None:
            continue
        changes = [by_sha[s] for s in pr.commits if s in by_sha and s not in claimed]
        claimed.update(c.sha for c in changes)
        items.append(_item(f"pr:{pr.number}", pr.merged_at, changes, pr.is_feature))
    items.extend(
        _item(c.sha, c.date, [c], c.is_feature) for c in data.changes if c.sha not in claimed
    )
    items.sort(key=lambda i: (i.date, i.id))
    return items
