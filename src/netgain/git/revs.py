"""Revision ranges, refs and object existence: small questions answered by one git call each."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from netgain.errors import GitError
from netgain.git.runner import GitProblemError, run_git


def _check_revs(revs: Sequence[str]) -> None:
    for rev in revs:
        if not rev or rev.startswith("-"):
            raise GitError(f"refusing revision argument {rev!r} (empty or looks like an option)")


def rev_list(repo: Path, revs: Sequence[str]) -> list[str]:
    """Commit ids selected by `revs` (e.g. `["main..feature"]`, `["HEAD~20.."]`), newest first.

    Raises:
        GitError: a revision is invalid.
    """
    _check_revs(revs)
    if not revs:
        return []
    return run_git(repo, "rev-list", *revs, "--").decode("ascii").split()


def positive_revs(repo: Path, revs: Sequence[str]) -> list[str]:
    """The commit ids a range starts from (`a..b` -> [b], `x ^y` -> [x]), without exclusions."""
    _check_revs(revs)
    if not revs:
        return []
    out = run_git(repo, "rev-parse", "--revs-only", *revs, "--").decode("ascii").split()
    return list(dict.fromkeys(r for r in out if not r.startswith("^")))


def all_ref_names(repo: Path) -> list[str]:
    """Every branch and tag (full ref names), for `netgain ingest --all`."""
    out = run_git(repo, "for-each-ref", "--format=%(refname)", "refs/heads", "refs/tags")
    return out.decode("utf-8", "surrogateescape").split("\n")[:-1]


def object_exists(repo: Path, name: str) -> bool:
    """True when `name` resolves to an object that is present (never fetches)."""
    if not name or name.startswith("-"):
        return False
    try:
        run_git(repo, "cat-file", "-e", name)
    except GitError:
        return False
    return True


def read_object(repo: Path, name: str) -> bytes | None:
    """The content of any object (blob, or the raw body of a commit/tree/tag), or None.

    Raises:
        GitProblemError: the object is promised by a partial clone but missing.
    """
    if not name or name.startswith("-"):
        raise GitError(f"refusing object name {name!r}")
    try:
        kind = run_git(repo, "cat-file", "-t", name).strip().decode("ascii")
        return run_git(repo, "cat-file", kind, name)
    except GitProblemError:
        raise
    except GitError:
        return None
