"""What a commit changed, line by line with the text: the input every SZZ filter needs.

Line numbers and the changed text come from `netgain.git.iter_commit_patches` (one diff-tree
process for all commits); a fix's whole old file, which the comment classifier needs, from one
`cat-file --batch`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from netgain.git import (
    CatFileBatch,
    FileDiff,
    GitProblem,
    iter_commit_patches,
    run_git,
)
from netgain.szz.lines import git_lines
from netgain.szz.patches import parse_file_patch


@dataclass(frozen=True, slots=True)
class CommitInfo:
    """The few commit fields SZZ needs (parents for merges, dates for ordering and filtering)."""

    sha: str
    parents: tuple[str, ...]
    author_date: datetime
    committer_date: datetime

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


@dataclass(slots=True)
class FileChange:
    """One file of a commit with the text of its removed and added lines.

    `old_text` is the whole file at the parent (None when added, binary or unreadable): the
    comment classifier needs the surrounding lines to track block comments.
    """

    diff: FileDiff
    removed: dict[int, str] = field(default_factory=dict)  # old line number -> text
    added: dict[int, str] = field(default_factory=dict)  # new line number -> text
    old_text: str | None = None

    @property
    def old_path(self) -> str:
        return self.diff.old_path or self.diff.path


@dataclass(slots=True)
class CommitChanges:
    """A commit's files with their changed lines; a commit over `max_files` keeps only the
    count and whether every file was edited line for line (`one_for_one`)."""

    info: CommitInfo
    files: list[FileChange] = field(default_factory=list)
    files_touched: int = 0
    one_for_one: bool = False  # every file modified, each hunk replacing as many lines as it adds


def load_commit_info(repo: Path, shas: Iterable[str]) -> dict[str, CommitInfo]:
    """Parents and dates of many commits through one `git log --no-walk --stdin`.

    Names that are not commits of the repository are left out of the answer, never an error.
    """
    wanted = _existing_commits(repo, list(dict.fromkeys(shas)))
    if not wanted:
        return {}
    out = log_no_walk(repo, wanted, "%H %at %ct %P")
    infos: dict[str, CommitInfo] = {}
    for line in out.decode("ascii", "replace").splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        infos[parts[0]] = CommitInfo(
            parts[0],
            tuple(parts[3:]),
            datetime.fromtimestamp(int(parts[1]), UTC),
            datetime.fromtimestamp(int(parts[2]), UTC),
        )
    return infos


def log_no_walk(repo: Path, shas: Sequence[str], fmt: str) -> bytes:
    """`git log --format=FMT` of exactly these commits, in this order (one process)."""
    feed = "".join(f"{s}\n" for s in shas).encode("ascii")
    return run_git(repo, "log", "--no-walk=unsorted", "--stdin", f"--format={fmt}", input=feed)


def _existing_commits(repo: Path, names: list[str]) -> list[str]:
    """The names that are commits in `repo` (others are simply absent from the answer)."""
    if not names:
        return []
    feed = "".join(f"{n}\n" for n in names if "\n" not in n).encode("utf-8", "surrogateescape")
    out = run_git(repo, "cat-file", "--batch-check=%(objectname) %(objecttype)", input=feed)
    found = set()
    for line in out.decode("ascii", "replace").splitlines():
        oid, _, kind = line.partition(" ")
        if kind == "commit":
            found.add(oid)
    return [n for n in names if n in found]


def _lines(data: bytes | None) -> list[str] | None:
    if data is None or b"\0" in data[:8000]:
        return None
    return git_lines(data.decode("utf-8", "replace"))


def load_changes(
    repo: Path,
    infos: dict[str, CommitInfo],
    *,
    max_files: int | None = None,
    problems: list[GitProblem] | None = None,
    old_text: bool = True,
    jobs: int = 1,
) -> dict[str, CommitChanges]:
    """The line-level changes of each commit in `infos` (merges and roots have no diff here).

    Args:
        repo: The repository.
        infos: Commits to load, from `load_commit_info`.
        max_files: Commits touching more files than this keep their file count but no line text
            (a "large" commit is skipped by the variants that care, so its text is never needed).
        problems: Receives unreadable blobs and diffs.
        old_text: Also read each file's whole text at the parent (`FileChange.old_text`, one
            object read per file); the added lines always come from the patch.
        jobs: Without `old_text`, split the commits between this many git processes.
    """
    sink: list[GitProblem] = problems if problems is not None else []
    result = {sha: CommitChanges(info) for sha, info in infos.items()}
    if not old_text:
        shas = [s for s, i in infos.items() if not i.is_merge]
        chunks = [shas[k :: max(1, jobs)] for k in range(max(1, jobs))]
        with ThreadPoolExecutor(max_workers=len(chunks), thread_name_prefix="szz-diff") as pool:
            sinks = list(
                pool.map(lambda c: _changes_from_patches(repo, c, result, max_files), chunks)
            )
        for found in sinks:
            sink.extend(found)
        return result
    diffs = list(
        iter_commit_patches(repo, [s for s, i in infos.items() if not i.is_merge], problems=sink)
    )
    names: list[str] = []
    for sha, patched in diffs:
        result[sha].files_touched = len(patched)
        if max_files is not None and len(patched) > max_files:
            continue
        parent = infos[sha].parents[0] if infos[sha].parents else None
        for d, _ in patched:
            if d.is_binary or d.is_submodule:
                continue
            if parent is not None and d.status != "A" and (d.removed or d.added):
                names.append(f"{parent}:{d.old_path or d.path}")
    blobs: dict[str, list[str] | None] = {}
    with CatFileBatch(repo) as cat:
        for name, obj in cat.read_many(list(dict.fromkeys(names))):
            blobs[name] = _lines(obj.data) if obj is not None and obj.type == "blob" else None
        sink.extend(cat.problems)
    for sha, patched in diffs:
        changes = result[sha]
        if max_files is not None and len(patched) > max_files:
            continue
        parent = infos[sha].parents[0] if infos[sha].parents else None
        for d, lines in patched:
            change = FileChange(d)
            old = blobs.get(f"{parent}:{d.old_path or d.path}") if parent else None
            if old is not None:
                # one terminator per line: a file ending in a blank line keeps it (git counts it)
                change.old_text = "".join(f"{line}\n" for line in old)
                change.removed = {
                    n: old[n - 1]
                    for r in d.removed
                    for n in rem_lines(r.start, r.end)
                    if n <= len(old)
                }
            change.added = _patch_text(d, lines)[1]  # from the patch: no read of the new blob
            changes.files.append(change)
    return result


def _changes_from_patches(
    repo: Path, shas: list[str], result: dict[str, CommitChanges], max_files: int | None
) -> list[GitProblem]:
    """Fill `result[sha]` for `shas` from one diff-tree patch stream; the problems met."""
    sink: list[GitProblem] = []
    if not shas:
        return sink
    for sha, files in iter_commit_patches(repo, shas, problems=sink):
        changes = result[sha]
        changes.files_touched = len(files)
        if max_files is not None and len(files) > max_files:
            changes.one_for_one = all(_one_for_one(d) for d, _ in files)
            continue
        for d, lines in files:
            change = FileChange(d)
            change.removed, change.added = _patch_text(d, lines)
            changes.files.append(change)
    return sink


def _one_for_one(d: FileDiff) -> bool:
    """`d` modifies a text file and each of its hunks replaces as many lines as it removes."""
    if d.status not in ("M", "R") or d.is_binary or d.is_submodule or not d.removed:
        return False
    return all(len(removed) == len(added) for removed, added, _ in hunks(d))


def _patch_text(d: FileDiff, lines: list[bytes]) -> tuple[dict[int, str], dict[int, str]]:
    """The removed (old line numbers) and added (new line numbers) text of one file's patch."""
    removed: dict[int, str] = {}
    added: dict[int, str] = {}
    patch = parse_file_patch(lines) if lines and not d.is_binary else None
    if patch is not None:
        for a, _b, c, _d, old, new in patch.hunks:
            removed.update((a + k, t.decode("utf-8", "replace")) for k, t in enumerate(old))
            added.update((c + k, t.decode("utf-8", "replace")) for k, t in enumerate(new))
    return removed, added


def hunks(diff: FileDiff) -> list[tuple[list[int], list[int], int]]:
    """The `-U0` hunks of a file diff as (removed old lines, added new lines, old line before).

    FileDiff keeps only ranges; hunks are rebuilt by walking both sides with the running offset
    between old and new line numbers (a replacement's added lines start where its removed lines
    start, shifted by that offset). `old line before` is where a pure insertion goes (after it).
    """
    removed = sorted(diff.removed, key=lambda r: r.start)
    added = sorted(diff.added, key=lambda r: r.start)
    out: list[tuple[list[int], list[int], int]] = []
    i = j = 0
    delta = 0  # new line number - old line number for unchanged lines so far
    while i < len(removed) or j < len(added):
        rem = removed[i] if i < len(removed) else None
        add = added[j] if j < len(added) else None
        if rem is not None and (add is None or rem.start + delta < add.start):
            out.append((list(rem_lines(rem.start, rem.end)), [], rem.start - 1))
            delta -= len(rem)
            i += 1
        elif rem is not None and add is not None and rem.start + delta == add.start:
            out.append(
                (
                    list(rem_lines(rem.start, rem.end)),
                    list(rem_lines(add.start, add.end)),
                    rem.start - 1,
                )
            )
            delta += len(add) - len(rem)
            i += 1
            j += 1
        elif add is not None:
            out.append(([], list(rem_lines(add.start, add.end)), add.start - 1 - delta))
            delta += len(add)
            j += 1
        else:  # pragma: no cover - the branches above cover every case
            break
    return out


def rem_lines(start: int, end: int) -> Sequence[int]:
    return range(start, end + 1)
