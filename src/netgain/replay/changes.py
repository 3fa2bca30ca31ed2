"""The merged changes of a window: every first-parent step of the mainline, as of its merge.

A step is a pull request's merge commit (the change is `merge^1..merge`, exactly what the merge
brought in), a squash or rebase commit named `(#N)`, or a direct push. Pull request numbers come
from the store's `pull_requests` rows (`netgain.incidents.pulls`, recovered from git or
exported), so a merge and a squash commit of the same repository read alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from netgain import git


@dataclass(frozen=True, slots=True)
class MergedChange:
    """One change as it was merged: `base..head` and the commits it brought in."""

    id: str  # "pr:123", else the head sha
    base: str
    head: str
    merged_at: datetime
    shas: tuple[str, ...]  # non-merge commits of the change (the head itself for a squash)
    title: str
    body: str
    pull_request: int | None = None


@dataclass(frozen=True, slots=True)
class PullRequestRef:
    number: int
    title: str


def _mainline(
    root: Path, head: str, since: datetime | None
) -> tuple[list[tuple[list[str], datetime, str]], int]:
    """(sha and parents, commit date, message) of each first-parent commit of `head` committed at
    or after `since`, oldest first, in one git call; and how many root commits were left out (a
    root commit has no base to compare with)."""
    out = git.run_git(root, "log", "--first-parent", "--format=%H %P%x00%cI%x00%B%x00", head)
    steps: list[tuple[list[str], datetime, str]] = []
    roots = 0
    fields = out.decode("utf-8", "replace").split("\0")
    for ids, when, message in zip(fields[0::3], fields[1::3], fields[2::3], strict=False):
        parts = ids.split()
        if not parts:
            continue
        moment = datetime.fromisoformat(when.strip())
        if since is not None and moment < since:
            break  # first-parent order is newest first: the rest is older
        if len(parts) == 1:
            roots += 1
            continue
        steps.append((parts, moment, message.strip()))
    steps.reverse()
    return steps, roots


def merged_changes(
    root: Path,
    head: str,
    since: datetime | None,
    pull_requests: Mapping[str, PullRequestRef],
    brought: Mapping[str, Sequence[str]],
    last: int | None = None,
) -> tuple[list[MergedChange], int]:
    """The window's merged changes (oldest first) and the number of root commits left out.

    `pull_requests` maps a merge (or squash) sha to its pull request; `brought` maps each merge
    on the mainline to the non-merge commits it brought in (`netgain.incidents.pulls.
    merged_commits` over the stored graph). `last` keeps only the most recent changes.
    """
    steps, roots = _mainline(root, head, since)
    if last is not None:
        steps = steps[-last:] if last else []
    changes: list[MergedChange] = []
    for parts, moment, message in steps:
        sha, base = parts[0], parts[1]
        shas = tuple(brought.get(sha, ())) if len(parts) > 2 else (sha,)
        subject, _, body = message.partition("\n")
        pr = pull_requests.get(sha)
        changes.append(
            MergedChange(
                id=f"pr:{pr.number}" if pr else sha,
                base=base,
                head=sha,
                merged_at=moment,
                shas=shas,
                title=pr.title if pr and pr.title else subject,
                body=body.strip(),
                pull_request=pr.number if pr else None,
            )
        )
    return changes, roots
