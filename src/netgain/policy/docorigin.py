"""Design before code, approved by an owner: when a linked design document may count.

A document written in the same pull request as the code (or generated a minute before it) records
no design decision anybody agreed to. With `[design_docs] must_predate_change`, a repository
document must already exist at the change's fork point (the merge base of base and head: the
commit the change's first commit was written on), and an external one must carry a date (a
`{date}` URL pattern) no later than the fork point's commit date. Both readings come from the base
branch's history, which the change cannot rewrite; the change's own commit dates are the author's
to set and are never read.

With `[design_docs] owner_approval`, an owner must have approved the document: an owner of a
touched design-doc zone or a CODEOWNERS owner of the document (both at base) wrote a commit to it,
is named in an `Approved-by:` or `Reviewed-by:` trailer of one (history at the fork point), or
approves this change, with a standing approval, by a review holding
`netgain: design-doc-approved <doc>` (or the attestation line). The author never counts.

Both only ever reject: a document they let through was accepted by the other checks first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path

from netgain import git
from netgain.policy.attestation import attested_targets, zone_owner_logins
from netgain.policy.designdoc import DesignDocCheck, doc_names
from netgain.policy.familiarity import commit_authors_and_reviewers
from netgain.policy.github import Review
from netgain.policy.globs import url_date
from netgain.policy.people import Directory, norm
from netgain.policy.schema import DesignDocs

_APPROVED_LINE = re.compile(
    r"^\s*netgain:\s*design-doc-approved\s+(\S+)\s*$", re.MULTILINE | re.IGNORECASE
)
_EMAIL = re.compile(r"<([^<>@\s]+@[^<>\s]+)>|([^<>\s]+@[^<>\s]+)")
_NOREPLY = re.compile(r"^(?:\d+\+)?([A-Za-z0-9-]+)@users\.noreply\.github\.com$")


def login_of(people: Directory, email: str) -> str:
    """The login behind a git email: `[people] aliases`, a GitHub no-reply address, else the
    email itself (CODEOWNERS may name owners by email)."""
    email = email.strip().lower()
    known = people.login_of_email(email)
    if known:
        return known
    noreply = _NOREPLY.match(email)
    return norm(noreply.group(1)) if noreply else email


def document_owners(
    people: Directory, zone_files: Mapping[str, Iterable[str]], check: DesignDocCheck
) -> set[str]:
    """Who may approve a document: owners of the touched design-doc zones, and for a repository
    document its CODEOWNERS owners (both at base)."""
    out = zone_owner_logins(people, zone_files)
    if check.path is not None:
        out |= people.owner_logins(people.codeowners.owners_of(check.path))
    return out


def fork_point(repo: Path, base: str, head: str) -> tuple[str | None, date | None]:
    """The merge base of `base` and `head` and its commit date (UTC), or (None, None)."""
    try:
        sha = git.run_git(repo, "merge-base", base, head).decode().strip()
        stamp = git.run_git(repo, "show", "-s", "--format=%ct", sha).decode().strip()
    except git.GitProblemError:
        return None, None
    if not sha or not stamp.isdigit():
        return None, None
    return sha, datetime.fromtimestamp(int(stamp), UTC).date()


def _reject(check: DesignDocCheck, why: str) -> None:
    check.accepted = False
    check.attestable = False  # no attestation moves a document in time or names its owner
    check.reason += f"; {why}"


def check_predates(
    checks: list[DesignDocCheck],
    repo: Path,
    fork: str | None,
    fork_date: date | None,
    config: DesignDocs,
) -> None:
    """Reject every accepted document that did not exist before the change's first commit."""
    for check in checks:
        if not check.accepted:
            continue
        if fork is None or fork_date is None:
            _reject(check, "the change has no fork point with its base: its age cannot be checked")
        elif check.kind == "repository" and check.path is not None:
            if git.read_blob(repo, fork, check.path) is None:
                _reject(
                    check,
                    f"{check.path} did not exist before the change's first commit (not at the "
                    f"fork point {fork[:12]}): a design document must come before the code",
                )
            else:
                check.predates = f"exists at the fork point {fork[:12]}"
        elif check.kind == "external":
            dated, when = url_date(config.urls, check.link)
            if dated and when is None:
                _reject(check, "the date in its URL is not a calendar date")
            elif when is not None and when > fork_date:
                _reject(
                    check,
                    f"dated {when.isoformat()} in its URL, after the change's fork point "
                    f"({fork_date.isoformat()}): a design document must come before the code",
                )
            elif when is not None:
                check.predates = f"dated {when.isoformat()}, fork point {fork_date.isoformat()}"
            else:
                check.predates = "not checked: no {date} in the URL pattern it matches"


def _trailer_logins(values: Iterable[str], login_of: Callable[[str], str | None]) -> set[str]:
    out: set[str] = set()
    for part in values:
        email = _EMAIL.search(part)
        if email:
            login = login_of(email.group(1) or email.group(2))
            if login:
                out.add(login)
        elif " " not in part:
            out.add(norm(part))
    return out


def history_approvers(
    repo: Path, fork: str, path: str, login_of: Callable[[str], str | None]
) -> set[str]:
    """Logins that wrote a commit to `path` (at `fork`) or are named in its approval trailers."""
    found: set[str] = set()
    for email, trailers in commit_authors_and_reviewers(repo, fork, path):
        login = login_of(email)
        if login:
            found.add(login)
        found |= _trailer_logins(trailers, login_of)
    return found


def review_approvers(
    check: DesignDocCheck, reviews: Iterable[Review], standing: dict[str, str]
) -> set[str]:
    """Logins whose standing approval of this change approves the document by name."""
    approving = {norm(u) for u, s in standing.items() if s == "APPROVED"}
    names = doc_names(check)
    out: set[str] = set()
    for review in reviews:
        if review.state != "APPROVED" or norm(review.login) not in approving:
            continue
        approved = {
            m.group(1).rstrip(".,;").strip("<>") for m in _APPROVED_LINE.finditer(review.body)
        }
        if names & (approved | attested_targets(review.body)):
            out.add(norm(review.login))
    return out


def check_owner_approval(
    checks: list[DesignDocCheck],
    repo: Path,
    fork: str | None,
    owners_of: Callable[[DesignDocCheck], set[str]],
    login_of: Callable[[str], str | None],
    reviews: list[Review],
    standing: dict[str, str],
    author: str | None,
) -> None:
    """Reject every accepted document no owner approved; name the owners who did."""
    author_norm = norm(author) if author else None
    for check in checks:
        if not check.accepted:
            continue
        owners = owners_of(check) - ({author_norm} if author_norm else set())
        found = review_approvers(check, reviews, standing)
        if check.kind == "repository" and check.path is not None and fork is not None:
            found |= history_approvers(repo, fork, check.path, login_of)
        approved = sorted(found & owners)
        if approved:
            check.owner_approved_by = approved
        else:
            who = ", ".join(sorted(owners)) or "nobody (no zone owner or CODEOWNERS entry)"
            _reject(
                check,
                f"no owner approved it (owners: {who}; an owner's commit to it, an Approved-by "
                "trailer naming one, or an owner's approving review with "
                "`netgain: design-doc-approved <doc>`)",
            )
