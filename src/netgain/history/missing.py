"""What a blame-based figure does when some blobs are absent (a partial clone, a pruned mirror).

The range's files are listed without reading absent blobs (`netgain.git.partial`); only files
whose both sides are present are diffed for their text/binary nature. A file with a missing blob
is one problem (range, path, blob id) and its lines are unknown: never blamed, never counted as 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from netgain import git
from netgain.git.model import GitProblem
from netgain.git.partial import split_readable
from netgain.git.pathspec import exact_pathspecs


@dataclass(slots=True)
class RangeFiles:
    """The files a range changed at its head, split by what can be done with them."""

    text: list[str] = field(default_factory=list)
    binary: list[str] = field(default_factory=list)
    unavailable: list[GitProblem] = field(default_factory=list)  # one per missing blob


def range_files_checked(repo: Path, base: str, head: str, label: str) -> RangeFiles:
    """The range's changed files, reading no blob that is absent (the slow, safe path)."""
    readable, problems, unreadable = split_readable(repo, base, head, label)
    result = RangeFiles(unavailable=[_uncounted(p) for p in problems])
    if readable:
        out = git.run_git(
            repo,
            "diff",
            "--numstat",
            "-z",
            "--no-renames",
            "--no-ext-diff",
            "--no-textconv",
            base,
            head,
            "--",
            *exact_pathspecs(readable, unreadable),
        )
        for record in out.split(b"\0"):
            if not record:
                continue
            added, _deleted, raw_path = record.split(b"\t", 2)
            (result.binary if added == b"-" else result.text).append(git.decode_path(raw_path))
    return result


def _uncounted(problem: GitProblem) -> GitProblem:
    message = problem.message + "; its lines are unknown and not counted"
    return GitProblem(problem.kind, message, problem.sha, problem.path)


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
