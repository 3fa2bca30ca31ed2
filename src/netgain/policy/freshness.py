"""Which approvals still stand for the head being judged (`invalidate_on_push`, on by default).

A senior approves a clean diff; AI-written SQL arrives in the next push. An approval therefore
counts only for the diff it was given on: it stands at a later head when the change's own diff
(from the merge base with the base branch to the head) is the same as at the reviewed commit,
which is what merging the base branch in, or a rebase without edits, leaves. Any push that
changes the diff makes the approval stale, and the decision says so with the reason.

Diffs are compared by a patch identity (like `git patch-id`): the patch text without `index`
lines and hunk line numbers, so the same edits on a moved base compare equal.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from netgain import git
from netgain.errors import GitError
from netgain.policy.github import Review

_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@")


@dataclass(frozen=True, slots=True)
class StaleApproval:
    """An approval that no longer counts, and why."""

    login: str
    commit: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"login": self.login, "commit": self.commit, "reason": self.reason}


def _change_identity(root: Path, base: str, commit: str) -> str:
    """The patch identity of the change as of `commit`: its diff from the merge base with `base`."""
    merge_base = git.run_git(root, "merge-base", base, commit).decode().strip()
    patch = git.run_git(
        root,
        "diff",
        "--no-ext-diff",
        "--no-textconv",
        "--no-color",
        "--no-renames",
        "--binary",
        merge_base,
        commit,
        "--",
    )
    digest = hashlib.sha256()
    for line in patch.splitlines():
        if line.startswith(b"index "):
            continue
        digest.update(_HUNK.sub(b"@@", line) + b"\n")
    return digest.hexdigest()


def stale_approvals(root: Path, base: str, head: str, reviews: list[Review]) -> list[StaleApproval]:
    """Reviewers whose standing review is an approval given on a diff the head no longer has.

    Only approvals go stale: a request for changes stands until its author withdraws it. A
    review with no commit (`--approved-by`) is taken as given on the head.
    """
    standing: dict[str, Review] = {}
    for review in reviews:
        if review.state in {"APPROVED", "CHANGES_REQUESTED", "DISMISSED"}:
            standing[review.login] = review
    identities: dict[str, str | None] = {}
    head_identity: str | None = None
    stale: list[StaleApproval] = []
    for login, review in standing.items():
        commit = review.commit_id
        if review.state != "APPROVED" or commit is None or commit == head:
            continue
        if commit not in identities:
            identities[commit] = _identity_or_none(root, base, commit)
        if head_identity is None:
            head_identity = _change_identity(root, base, head)
        if identities[commit] is None:
            reason = (
                f"approval by {login} was given on an older head ({commit[:12]}), which is not "
                "in this repository (force-pushed away?)"
            )
        elif identities[commit] != head_identity:
            reason = (
                f"approval by {login} was given on an older head ({commit[:12]}); commits "
                "pushed since then change the diff"
            )
        else:
            continue  # only the base branch was merged in (or a rebase without edits)
        stale.append(StaleApproval(login, commit, reason))
    return stale


def _identity_or_none(root: Path, base: str, commit: str) -> str | None:
    if commit.startswith("-") or git.rev_parse(root, f"{commit}^{{commit}}") is None:
        return None
    try:
        return _change_identity(root, base, commit)
    except GitError:
        return None
