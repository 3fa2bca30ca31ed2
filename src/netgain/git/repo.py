"""Facts about a repository that decide how far its history can be trusted."""

from __future__ import annotations

import os
from pathlib import Path

from netgain.errors import GitError
from netgain.git.runner import run_git


def repo_root(path: Path | str) -> Path:
    """The top of the work tree containing `path` (the git directory itself for a bare repository).

    Raises:
        GitError: `path` is not inside a git repository.
    """
    start = Path(path)
    if start.is_file():
        start = start.parent
    out = run_git(start, "rev-parse", "--is-bare-repository", "--absolute-git-dir")
    bare, git_dir = out.decode("utf-8", "surrogateescape").splitlines()[:2]
    if bare == "true":
        return Path(git_dir)
    top = run_git(start, "rev-parse", "--show-toplevel").decode("utf-8", "surrogateescape")
    return Path(top.rstrip("\n"))


def is_shallow(repo: Path | str) -> bool:
    """True when history is truncated (`git clone --depth`): older commits are simply absent,
    so ages, first-commit facts and blame beyond the cut are unknown, not zero."""
    return run_git(repo, "rev-parse", "--is-shallow-repository").strip() == b"true"


def is_partial_clone(repo: Path | str) -> bool:
    """True for a partial clone (`--filter=...`), where blobs may be missing and are never fetched."""
    out = run_git(
        repo,
        "config",
        "--get-regexp",
        r"^(extensions\.partialclone|remote\..*\.promisor)$",
        ok_codes=(0, 1),
    )
    for line in out.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(" ")
        if key == "extensions.partialclone" or value.strip().lower() in ("true", "yes", "on", "1"):
            return True
    return False


def rev_parse(repo: Path | str, rev: str) -> str | None:
    """The full object id `rev` names, or None when it names nothing.

    Raises:
        GitError: `rev` looks like an option (hostile input must not become a git flag), or
            `repo` is not a repository.
    """
    if rev.startswith("-"):
        raise GitError(f"refusing revision that looks like an option: {rev!r}")
    out = run_git(repo, "rev-parse", "--verify", "--quiet", rev, ok_codes=(0, 1))
    sha = out.decode("ascii", "replace").strip()
    return sha or None


def head_sha(repo: Path | str) -> str | None:
    """The commit HEAD points to, or None in a repository without commits."""
    return rev_parse(repo, "HEAD^{commit}")


def git_dir(repo: Path | str) -> Path:
    """The absolute git directory (`.git`, or the repository itself when bare)."""
    out = run_git(repo, "rev-parse", "--absolute-git-dir")
    return Path(os.fsdecode(out.rstrip(b"\n")))
