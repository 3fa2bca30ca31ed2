"""Pull requests recovered from git alone, for repositories without a PR export.

- GitHub merge commits: "Merge pull request #N from owner/branch", PR title on the body's first
  line, or a merge commit titled like its PR, "Fix parsing (#N)" (GitHub's "pull request
  title" merge message); GitLab merge commits: "See merge request group/project!N".
- Squash or rebase merges: a subject ending in "(#N)", as GitHub writes it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from netgain.store.models import Commit
from netgain.store.outcome_models import PullRequest

_GITHUB_MERGE = re.compile(r"^Merge pull request #(\d+) from \S+")
_GITLAB_MERGE = re.compile(r"^See merge request \S*!(\d+)\s*$", re.MULTILINE)
_SQUASH = re.compile(r"\(#(\d+)\)\s*$")


@dataclass(frozen=True, slots=True)
class RecoveredPR:
    number: int
    merge_sha: str
    title: str
    source: str  # merge-commit | squash-subject
    merged_at: datetime
    author_email: str


def recover_from_message(
    sha: str, subject: str, message: str, is_merge: bool, when: datetime, email: str
) -> RecoveredPR | None:
    """The PR a commit merged, when its message says so."""
    if is_merge:
        m = _GITHUB_MERGE.match(subject)
        if m:
            body = message.split("\n\n", 1)[1].strip() if "\n\n" in message else ""
            title = body.splitlines()[0] if body else subject
            return RecoveredPR(int(m.group(1)), sha, title, "merge-commit", when, email)
        g = _GITLAB_MERGE.search(message)
        if g:
            return RecoveredPR(int(g.group(1)), sha, subject, "merge-commit", when, email)
        t = _SQUASH.search(subject)
        if t:  # a merge commit titled like the PR ("Fix parsing (#12)"), as werkzeug's are
            title = subject[: t.start()].rstrip()
            return RecoveredPR(int(t.group(1)), sha, title, "merge-commit", when, email)
        return None
    s = _SQUASH.search(subject)
    if s:
        title = subject[: s.start()].rstrip()
        return RecoveredPR(int(s.group(1)), sha, title, "squash-subject", when, email)
    return None


def merged_commits(
    graph: Mapping[str, tuple[Sequence[str], datetime]],
    head: str,
    owners: Collection[str] | None = None,
) -> dict[str, list[str]]:
    """Merge sha -> the non-merge commits it brought in (newest first), for every merge on
    `head`'s first-parent line and, with `owners`, for every merge in `owners` inside a branch,
    from the stored graph (no git call).

    Lines are walked first-parent, oldest merge first: a merge brings in the first-parent line of
    each other parent down to what is already claimed, then, recursively, what the merges on that
    line bring in. For a merge on HEAD's line this is exactly `git rev-list --no-merges P1..P2`
    (every ancestor of P1 is on the line or was brought in by an earlier merge). A merge inside a
    branch hands its commits to the merge that brought the branch in, unless it is one of
    `owners` (a pull request merged into another PR's branch, as werkzeug's early history has):
    then it keeps them, and the outer one leaves them out, so each commit is one PR's. Commits
    missing from the store (shallow history) stop a line. The walk keeps its own stack: a hostile
    history nests merges deeper than Python's recursion limit.
    """
    seen: set[str] = set()

    def claim(start: str) -> list[str]:
        chain: list[str] = []
        current: str | None = start
        while current is not None and current in graph and current not in seen:
            chain.append(current)
            seen.add(current)
            firsts = graph[current][0]
            current = firsts[0] if firsts else None
        return chain

    out: dict[str, list[str]] = {}
    # Work items, last in first out: ("line", commits newest first, sink), ("merge", sha, sink),
    # ("side", parent, brought) and ("done", sha, brought, sink); sink None is HEAD's line.
    stack: list[tuple[Any, ...]] = [("line", claim(head), None)]
    while stack:
        task = stack.pop()
        if task[0] == "line":
            _, line, sink = task
            stack.extend(("merge", m, sink) for m in line if len(graph[m][0]) > 1)
        elif task[0] == "merge":
            _, merge, sink = task
            brought: list[str] = []
            stack.append(("done", merge, brought, sink))
            stack.extend(("side", p, brought) for p in reversed(graph[merge][0][1:]))
        elif task[0] == "side":
            _, parent, brought = task
            side = claim(parent)
            brought.extend(sha for sha in side if len(graph[sha][0]) < 2)
            stack.append(("line", side, brought))
        else:
            _, merge, brought, sink = task
            if sink is None or (owners is not None and merge in owners):
                brought.sort(key=lambda sha: (graph[sha][1], sha), reverse=True)
                out[merge] = brought
            else:
                sink.extend(brought)
    return out


def load_graph(session: Session, repository_id: int) -> dict[str, tuple[list[str], datetime]]:
    """sha -> (parents, committer date) of every stored commit of the repository."""
    return {
        sha: (parents.split(), when)
        for sha, parents, when in session.execute(
            select(Commit.sha, Commit.parents, Commit.committer_date).where(
                Commit.repository_id == repository_id
            )
        )
    }


def recover_pull_requests(session: Session, repository_id: int, head: str | None = None) -> int:
    """Rebuild the git-recovered rows of `pull_requests` from the stored commits.

    Rows from an export (`source = 'export'`) are kept. When a number appears twice (a PR merged,
    reverted and merged again), the latest merge wins. With `head` (the ingested tip), a merge
    commit's PR lists the commits its branch brought in (`merged_commits`; a PR merged into
    another PR's branch keeps its own); without it, none.
    Returns how many PRs were recovered.
    """
    rows = session.execute(
        select(
            Commit.sha,
            Commit.subject,
            Commit.message,
            Commit.is_merge,
            Commit.committer_date,
            Commit.author_email,
        )
        .where(Commit.repository_id == repository_id)
        .order_by(Commit.committer_date)
    )
    found: dict[int, RecoveredPR] = {}
    for sha, subject, message, is_merge, when, email in rows:
        pr = recover_from_message(sha, subject, message, is_merge, when, email)
        if pr is not None:
            found[pr.number] = pr
    exported = set(
        session.scalars(
            select(PullRequest.number).where(
                PullRequest.repository_id == repository_id, PullRequest.source == "export"
            )
        )
    )
    session.execute(
        delete(PullRequest).where(
            PullRequest.repository_id == repository_id, PullRequest.source != "export"
        )
    )
    owners = {pr.merge_sha for pr in found.values() if pr.source == "merge-commit"}
    merged = merged_commits(load_graph(session, repository_id), head, owners) if head else {}
    for pr in found.values():
        if pr.number in exported:
            continue
        session.add(
            PullRequest(
                repository_id=repository_id,
                number=pr.number,
                merge_sha=pr.merge_sha,
                title=pr.title,
                source=pr.source,
                merged_at=pr.merged_at,
                author_email=pr.author_email,
                commit_shas=[pr.merge_sha]
                if pr.source == "squash-subject"
                else merged.get(pr.merge_sha, []),
                labels=[],
            )
        )
    session.flush()
    return len(found)
