"""Pull requests recovered from git alone, for repositories without a PR export.

- GitHub merge commits: "Merge pull request #N from owner/branch", PR title on the body's first
  line; GitLab merge commits: "See merge request group/project!N".
- Squash or rebase merges: a subject ending in "(#N)", as GitHub writes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

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
        return None
    s = _SQUASH.search(subject)
    if s:
        title = subject[: s.start()].rstrip()
        return RecoveredPR(int(s.group(1)), sha, title, "squash-subject", when, email)
    return None


def recover_pull_requests(session: Session, repository_id: int) -> int:
    """Rebuild the git-recovered rows of `pull_requests` from the stored commits.

    Rows from an export (`source = 'export'`) are kept. When a number appears twice (a PR merged,
    reverted and merged again), the latest merge wins. Returns how many PRs were recovered.
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
                commit_shas=[pr.merge_sha] if pr.source == "squash-subject" else [],
                labels=[],
            )
        )
    session.flush()
    return len(found)
