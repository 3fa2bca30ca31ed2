"""What a blame-based figure does when some blobs are absent (a partial clone, a pruned mirror).

`git diff` of a range needs both sides of every changed file; one missing blob (a PNG, a large
JSON file dropped by `--filter=blob:limit=1m`) made the whole listing fail. Here the range's
changes are listed from tree entries alone (`git diff --raw`, which reads no blob), each blob is
checked for presence, and only files whose both sides are present are diffed for their
text/binary nature. A file with a missing blob is one problem (range, path, blob id) and its lines
are unknown: never blamed, never counted as 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from netgain import git
from netgain.git.model import FileDiff, GitProblem

_ZERO = "0" * 40
_GITLINK = "160000"


@dataclass(slots=True)
class RangeFiles:
    """The files a range changed at its head, split by what can be done with them."""

    text: list[str] = field(default_factory=list)
    binary: list[str] = field(default_factory=list)
    unavailable: list[GitProblem] = field(default_factory=list)  # one per missing blob


def _raw_changes(repo: Path, base: str, head: str) -> list[tuple[str, str, str, str]]:
    """(status, old blob, new blob, path) per changed file, read from trees only."""
    out = git.run_git(repo, "diff", "--raw", "-z", "--no-renames", "--no-abbrev", base, head, "--")
    fields = out.split(b"\0")
    result: list[tuple[str, str, str, str]] = []
    i = 0
    while i + 1 < len(fields):
        meta = fields[i].decode("ascii", "replace").lstrip(":").split()
        path = git.decode_path(fields[i + 1])
        i += 2
        if len(meta) < 5 or meta[1] == _GITLINK or meta[0] == _GITLINK:
            continue
        result.append((meta[4], meta[2], meta[3], path))
    return result


def present_objects(repo: Path, oids: list[str]) -> set[str]:
    """Which of `oids` are in the object store.

    Asking `cat-file --batch-check` for an absent object of a partial clone makes git try its
    promisor remote (and die, since netgain forbids that): the object store is listed instead.
    """
    if not oids:
        return set()
    out = git.run_git(repo, "cat-file", "--batch-all-objects", "--batch-check=%(objectname)")
    return set(oids) & set(out.decode("ascii", "replace").split())


def diff_present(
    repo: Path, base: str, head: str, label: str
) -> tuple[list[FileDiff], list[GitProblem]]:
    """`git diff base head` of the files whose blobs are all here, and one problem per file
    whose blob is absent (its lines are unknown). For when the whole diff died on a missing blob:
    git reads no absent blob, since only paths whose both sides are present are asked for."""
    changes = _raw_changes(repo, base, head)
    wanted = sorted({oid for _s, old, new, _p in changes for oid in (old, new) if oid != _ZERO})
    present = present_objects(repo, wanted)
    readable: list[str] = []
    problems: list[GitProblem] = []
    for _status, old, new, path in changes:
        missing = [oid for oid in (new, old) if oid != _ZERO and oid not in present]
        if missing:
            problems.append(_unavailable(path, missing[0], label, head))
        else:
            readable.append(path)
    if not readable:
        return [], problems
    return git.diff_between(repo, base, head, paths=readable), problems


def _unavailable(path: str, oid: str, label: str, head: str) -> GitProblem:
    return GitProblem(
        "missing-blob",
        f"{path}: blob {oid} is not in the repository (partial clone?); "
        f"its lines in {label} are unknown and not counted",
        head,
        path,
    )


def range_files_checked(repo: Path, base: str, head: str, label: str) -> RangeFiles:
    """The range's changed files, reading no blob that is absent (the slow, safe path)."""
    changes = [c for c in _raw_changes(repo, base, head) if c[0] != "D"]
    wanted = sorted({oid for _s, old, new, _p in changes for oid in (old, new) if oid != _ZERO})
    present = present_objects(repo, wanted)
    result = RangeFiles()
    readable: list[str] = []
    for _status, old, new, path in changes:
        missing = [oid for oid in (new, old) if oid != _ZERO and oid not in present]
        if missing:
            result.unavailable.append(_unavailable(path, missing[0], label, head))
        else:
            readable.append(path)
    if readable:
        out = git.run_git(
            repo,
            "--literal-pathspecs",
            "diff",
            "--numstat",
            "-z",
            "--no-renames",
            "--no-ext-diff",
            "--no-textconv",
            base,
            head,
            "--",
            *readable,
        )
        for record in out.split(b"\0"):
            if not record:
                continue
            added, _deleted, raw_path = record.split(b"\t", 2)
            (result.binary if added == b"-" else result.text).append(git.decode_path(raw_path))
    return result


BLOBLESS_HINT = (
    "this is a blobless partial clone (--filter=blob:none): blame-based figures need file "
    "contents. Clone with `--filter=blob:limit=1m` (or no filter), or run `git fetch "
    "--refetch origin` in CI; netgain never downloads objects by itself"
)


def blobless(repo: Path) -> bool:
    """A partial clone whose filter drops every blob (`--filter=blob:none`)."""
    out = git.run_git(
        repo, "config", "--get-regexp", r"^remote\..*\.partialclonefilter$", ok_codes=(0, 1)
    )
    return any(
        line.partition(" ")[2].strip() == "blob:none"
        for line in out.decode("utf-8", "replace").splitlines()
    )
