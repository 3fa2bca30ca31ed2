"""Plain data types produced by the git engine.

Every higher layer (provenance, analysis, szz, risk, store) consumes these types, so they carry no
behaviour that needs a repository: they can be built by hand in tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Identity:
    """A git identity as written in the commit object (name and email, decoded leniently)."""

    name: str
    email: str

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


@dataclass(frozen=True, slots=True)
class FileStat:
    """One file touched by a commit, from `git log --numstat -z`.

    `added`/`deleted` are None for binary files (git prints `-`), which carry no line counts.
    `old_path` is set for renames and copies.
    """

    path: str
    added: int | None
    deleted: int | None
    old_path: str | None = None

    @property
    def is_binary(self) -> bool:
        return self.added is None


@dataclass(frozen=True, slots=True)
class Trailer:
    """A `Key: value` trailer as git's own trailer rules parse it from the message's last paragraph."""

    key: str
    value: str


@dataclass(slots=True)
class Commit:
    """A commit as streamed from `git log`.

    Merge commits carry no file stats: lines authored on a branch are counted on the branch's own
    commits, never a second time through the merge.
    """

    sha: str
    parents: tuple[str, ...]
    author: Identity
    author_date: datetime
    committer: Identity
    committer_date: datetime
    message: str
    files: list[FileStat] = field(default_factory=list)
    trailers: list[Trailer] = field(default_factory=list)
    # False when line counts could not be computed (blobs missing from a partial clone): `files`
    # then lists the touched paths with None counts, and a GitProblem says why.
    stats_available: bool = True

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0]

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    @property
    def is_root(self) -> bool:
        return not self.parents

    @property
    def lines_added(self) -> int:
        return sum(f.added or 0 for f in self.files)

    @property
    def lines_deleted(self) -> int:
        return sum(f.deleted or 0 for f in self.files)


@dataclass(frozen=True, slots=True)
class LineRange:
    """An inclusive, 1-indexed range of lines."""

    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start + 1

    def __contains__(self, line: object) -> bool:
        return isinstance(line, int) and self.start <= line <= self.end


@dataclass(slots=True)
class FileDiff:
    """The changed lines of one file in a unified diff (`-U0` or any context size).

    `added` ranges are line numbers in the new file; `removed` ranges in the old file.
    """

    path: str
    old_path: str | None
    added: list[LineRange] = field(default_factory=list)
    removed: list[LineRange] = field(default_factory=list)
    is_binary: bool = False
    status: str = "M"  # A added, D deleted, M modified, R renamed, C copied, T type change
    # A submodule pointer (gitlink) change: not lines of a file, so `added`/`removed` stay empty.
    is_submodule: bool = False
    old_mode: str | None = None  # set only when the mode changed (e.g. 100644 -> 100755)
    new_mode: str | None = None

    @property
    def added_count(self) -> int:
        return sum(len(r) for r in self.added)

    @property
    def removed_count(self) -> int:
        return sum(len(r) for r in self.removed)


@dataclass(frozen=True, slots=True)
class BlameLine:
    """One line of `git blame --porcelain` output at the blamed revision."""

    final_line: int
    sha: str
    orig_path: str
    orig_line: int
    boundary: bool


@dataclass(slots=True)
class GitProblem:
    """Something in the repository that could not be read. Counted and reported, never fatal."""

    kind: str  # e.g. "unreadable-commit", "missing-blob", "bad-encoding", "shallow-history"
    message: str
    sha: str | None = None
    path: str | None = None


@dataclass(frozen=True, slots=True)
class GitObject:
    """One object read through `git cat-file --batch`."""

    oid: str
    type: str  # "blob", "tree", "commit" or "tag"
    data: bytes
