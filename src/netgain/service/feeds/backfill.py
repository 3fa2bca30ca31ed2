"""Backfill pull request timelines through the API: what happened before the webhooks flowed.

For the most recently closed pull requests of a repository (`GET /repos/{o}/{r}/pulls?state=
closed`, newest first, up to `limit`): the "opened" and "merged" events from the listing, the
reviews (`/pulls/{n}/reviews`), review requests and ready-for-review marks (`/issues/{n}/
timeline`) and the commits with their author dates (`/pulls/{n}/commits`). Rows have the same
natural keys as the webhooks', so a backfill after (or during) live delivery adds only what is
missing, and running it twice changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any
from urllib.parse import quote

from sqlalchemy import select, update

from netgain.service.context import ServiceContext
from netgain.service.feeds.github import (
    Recorded,
    commit_row,
    merged_row,
    opened_row,
    record,
    review_row,
    timeline_row,
)
from netgain.service.feeds.tables import deployments

DEFAULT_LIMIT = 500
_SHA = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True, slots=True)
class Backfilled:
    pull_requests: int
    rows: int  # rows found
    new: int  # rows stored now (the rest were stored already)


def backfill_timelines(
    ctx: ServiceContext, installation_id: int, repository: str, *, limit: int = DEFAULT_LIMIT
) -> Backfilled:
    gh = ctx.github
    name = repository.lower()
    pulls = gh.paginate(installation_id, f"/repos/{repository}/pulls", {"state": "closed"})
    seen = found = new = 0
    for pr in islice(pulls, limit):
        if not isinstance(pr, dict) or not isinstance(pr.get("number"), int):
            continue
        number = pr["number"]
        seen += 1
        rows = Recorded(events=[opened_row(name, pr)])
        if pr.get("merged_at"):
            rows.events.append(merged_row(name, pr))
        for path, convert in (
            (f"pulls/{number}/reviews", review_row),
            (f"issues/{number}/timeline", timeline_row),
            (f"pulls/{number}/commits", commit_row),
        ):
            items = gh.paginate(installation_id, f"/repos/{repository}/{path}")
            rows.events += _rows(items, convert, name, number)
        found += len(rows.events)
        new += record(ctx.engine, rows)
    return Backfilled(seen, found, new)


def record_pull_commits(
    ctx: ServiceContext, *, installation_id: int, repository: str, number: int
) -> str:
    """The job a merged pull request's webhook queues: its commits, for the first-commit stage
    (webhooks never list a pull request's commits)."""
    items = ctx.github.paginate(installation_id, f"/repos/{repository}/pulls/{number}/commits")
    rows = Recorded(events=_rows(items, commit_row, repository.lower(), number))
    new = record(ctx.engine, rows)
    return f"{repository}#{number}: {len(rows.events)} commit(s), {new} new"


def resolve_release_commit(
    ctx: ServiceContext, *, installation_id: int, repository: str, release_id: int, tag: str
) -> str:
    """The commit a published release's tag names (`GET /repos/{o}/{r}/commits/{tag}`), stored
    on its deployment row: the release payload names a branch or a tag, never the commit."""
    row = (
        deployments.c.repository == repository.lower(),
        deployments.c.source == "release",
        deployments.c.external_id == str(release_id),
    )
    with ctx.engine.connect() as conn:
        known = conn.execute(select(deployments.c.sha).where(*row)).scalar_one_or_none()
    if known is not None:
        return f"{repository} release {tag}: {known[:12]} (named by the payload)"
    path = f"/repos/{repository}/commits/{quote(tag, safe='')}"
    sha = ctx.github.request(installation_id, "GET", path).json().get("sha")
    if not isinstance(sha, str) or not _SHA.match(sha):
        raise ValueError(f"{path}: no commit id in the answer")
    with ctx.engine.begin() as conn:
        conn.execute(update(deployments).where(*row).values(sha=sha))
    return f"{repository} release {tag}: {sha[:12]}"


Convert = Callable[[str, int, dict[str, Any]], dict[str, Any] | None]


def _rows(items: Iterable[Any], convert: Convert, name: str, number: int) -> list[dict[str, Any]]:
    found = (convert(name, number, item) for item in items if isinstance(item, dict))
    return [row for row in found if row is not None]
