"""Diffs that survive missing blobs (a partial clone, a mirror that dropped large files).

`git diff BASE HEAD` needs both sides of every changed file: one absent blob (a PNG, a large data
file left out by `--filter=blob:limit=1m`) fails the whole listing. Here the changes are listed
from tree entries alone (`git diff --raw` reads no blob), every blob is checked for presence
against the object store (asking `cat-file` for an absent object would make git try its promisor
remote), and only files whose blobs are all present are diffed. Each missing blob is one problem
naming the path and the blob; the caller decides what an unreadable file means for its figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from netgain.git.diff import diff_between
from netgain.git.model import FileDiff, GitProblem
from netgain.git.paths import decode_path
from netgain.git.runner import GitProblemError, run_git

_ZERO = frozenset({"0" * 40, "0" * 64})
_GITLINK = "160000"
_NONE = "0" * 40


def raw_changes(
    repo: Path, base: str, head: str | None, *, gitlinks: bool = False
) -> list[tuple[str, str, str, str]]:
    """(status, old blob, new blob, path) of each changed file, read from trees only.

    `head` None compares with the working tree (the new side's blob is then all zeros). With
    `gitlinks`, changed submodule pointers are listed too, their commit ids shown as zeros: they
    name another repository's commit, never a blob to read here.
    """
    revs = [base] if head is None else [base, head]
    out = run_git(repo, "diff", "--raw", "-z", "--no-renames", "--no-abbrev", *revs, "--")
    fields = out.split(b"\0")
    result: list[tuple[str, str, str, str]] = []
    i = 0
    while i + 1 < len(fields):
        meta = fields[i].decode("ascii", "replace").lstrip(":").split()
        path = decode_path(fields[i + 1])
        i += 2
        if len(meta) < 5 or (not gitlinks and _GITLINK in (meta[0], meta[1])):
            continue
        old = _NONE if meta[0] == _GITLINK else meta[2]
        new = _NONE if meta[1] == _GITLINK else meta[3]
        result.append((meta[4], old, new, path))
    return result


def present_objects(repo: Path, oids: Sequence[str]) -> set[str]:
    """Which of `oids` are in the object store (never fetched from a promisor remote)."""
    if not oids:
        return set()
    out = run_git(repo, "cat-file", "--batch-all-objects", "--batch-check=%(objectname)")
    return set(oids) & set(out.decode("ascii", "replace").split())


def split_readable(
    repo: Path,
    base: str,
    head: str | None,
    label: str,
    *,
    deleted: bool = False,
    gitlinks: bool = False,
) -> tuple[list[str], list[GitProblem], list[str]]:
    """The changed paths whose blobs are all present, one problem per other, and every changed
    path with an absent blob (to exclude from a diff of the readable ones: `exact_pathspecs`).

    Deleted paths are left out unless `deleted` (a blame at the head has nothing to read in them;
    a diff does: a deleted policy file is a change the gate must see).
    """
    every = raw_changes(repo, base, head, gitlinks=gitlinks)
    wanted = sorted({oid for _s, old, new, _p in every for oid in (old, new) if oid not in _ZERO})
    present = present_objects(repo, wanted)
    readable: list[str] = []
    problems: list[GitProblem] = []
    unreadable: list[str] = []
    for status, old, new, path in every:
        missing = [oid for oid in (new, old) if oid not in _ZERO and oid not in present]
        if missing:
            unreadable.append(path)
        if not deleted and status == "D":
            continue
        if missing:
            problems.append(
                GitProblem(
                    "missing-blob",
                    f"{path}: blob {missing[0]} is not in the repository (partial clone?); "
                    f"its changes in {label} could not be read",
                    head,
                    path,
                )
            )
        else:
            readable.append(path)
    return readable, problems, unreadable


def diff_between_available(
    repo: Path, base: str, head: str | None, label: str, *, deleted: bool = False
) -> tuple[list[FileDiff], list[GitProblem]]:
    """`diff_between`, except that files with a missing blob are left out and reported.

    Deleted files are kept only with `deleted` (the gate: a deleted policy file is a change);
    a scan of the new side has no use for them, nor for their absent blobs.
    """
    try:
        return diff_between(repo, base, head), []
    except GitProblemError:
        # gitlinks too: a submodule bump is a change the gate lists (facts.ChangeContext.submodules)
        readable, problems, unreadable = split_readable(
            repo, base, head, label, deleted=deleted, gitlinks=True
        )
        diffs = (
            diff_between(repo, base, head, paths=readable, excluded=unreadable) if readable else []
        )
        return diffs, problems
