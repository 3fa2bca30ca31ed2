"""Unified diffs parsed into the line ranges each change added and removed.

Line numbers come from walking each hunk with the counts in its `@@` header, never from guessing
at line prefixes: a removed line `-- x` is printed as `--- x` and must not be taken for a file
header. Works with any context size (`-U0` is what netgain asks git for).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from netgain.errors import GitError
from netgain.git.model import FileDiff, GitProblem, LineRange
from netgain.git.paths import decode_path, unquote_c_path
from netgain.git.pathspec import exact_pathspecs
from netgain.git.repo import is_partial_clone
from netgain.git.runner import (
    GitProblemError,
    git_stream,
    read_chunks,
    run_git,
    worktree_config,
)

# The patch options every netgain diff uses: zero context, hunks never merged, renames paired,
# and nothing from the user's configuration that would change the text (colour, external diff
# drivers, textconv filters, custom prefixes).
PATCH_OPTIONS = (
    "-U0",
    "--no-relative",
    "--inter-hunk-context=0",
    "-M",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--src-prefix=a/",
    "--dst-prefix=b/",
)
_GITLINK = b"160000"
_ZERO_OIDS = frozenset({"0" * 40, "0" * 64})


def parse_unified_diff(data: bytes) -> list[FileDiff]:
    """Parse `git diff` / `git diff-tree -p` output (any context size) into per-file changes.

    Args:
        data: The raw diff bytes; paths are decoded with surrogateescape (see `netgain.git.paths`).

    Returns:
        One FileDiff per `diff --git` section, in order. Combined (`diff --cc`) sections are skipped.
    """
    return _parse_lines(data.split(b"\n"), zero_context=False)


def _ranges(numbers: list[int]) -> list[LineRange]:
    out: list[LineRange] = []
    if not numbers:
        return out
    start = prev = numbers[0]
    for n in numbers[1:]:
        if n != prev + 1:
            out.append(LineRange(start, prev))
            start = n
        prev = n
    out.append(LineRange(start, prev))
    return out


def _header_path(raw: bytes, prefix: bytes) -> str | None:
    """Path from a `--- a/x` / `+++ b/x` line body, or None for /dev/null."""
    if raw.startswith(b'"'):
        end = _quoted_end(raw)
        name = unquote_c_path(raw[: end + 1])
    else:
        name = raw[:-1] if raw.endswith(b"\t") else raw
    if name == b"/dev/null":
        return None
    return decode_path(name[len(prefix) :] if name.startswith(prefix) else name)


def _quoted_end(raw: bytes) -> int:
    """Index of the closing quote of a C-quoted string starting at raw[0]."""
    i = 1
    while i < len(raw):
        c = raw[i]
        if c == 92:
            i += 2
            continue
        if c == 34:
            return i
        i += 1
    return len(raw) - 1


def diff_header_paths(rest: bytes) -> tuple[str, str]:
    """Old and new path from the text after `diff --git ` (C-quoted names unquoted)."""
    return _git_line_paths(rest)


def _git_line_paths(rest: bytes) -> tuple[str, str]:
    """Old and new path from the text after `diff --git `."""
    if rest.startswith(b'"'):
        end = _quoted_end(rest)
        old = unquote_c_path(rest[: end + 1])
        new_raw = rest[end + 2 :]
    elif rest.endswith(b'"'):
        start = rest.rfind(b' "')
        old, new_raw = rest[:start], rest[start + 1 :]
    else:
        # Unquoted on both sides: "a/P b/P" when the paths are equal (renames always come with
        # "rename from/to" lines that override this), so split in the middle.
        half = (len(rest) - 1) // 2
        if rest[half : half + 1] == b" " and rest[:half][2:] == rest[half + 1 :][2:]:
            old, new_raw = rest[:half], rest[half + 1 :]
        else:
            old, _, new_raw = rest.partition(b" b/")
            new_raw = b"b/" + new_raw
    new = unquote_c_path(new_raw)
    return decode_path(old[2:]), decode_path(new[2:])


def _parse_lines(lines: Sequence[bytes], *, zero_context: bool) -> list[FileDiff]:
    """Parse diff lines; `zero_context` promises git's `-U0 --inter-hunk-context=0` output,
    where a hunk is its removed lines then its added lines, so ranges come from the header."""
    out: list[FileDiff] = []
    i = 0
    n = len(lines)
    current: FileDiff | None = None
    added: list[int] = []
    removed: list[int] = []

    def finish() -> None:
        if current is not None:
            current.added = _ranges(added)
            current.removed = _ranges(removed)
            if current.is_submodule:
                current.added, current.removed = [], []
            out.append(current)

    while i < n:
        line = lines[i]
        i += 1
        if line.startswith(b"diff --git "):
            finish()
            added, removed = [], []
            old, new = _git_line_paths(line[11:])
            current = FileDiff(path=new, old_path=None)
            current.old_path = old if old != new else None
            continue
        if line.startswith(b"diff --cc ") or line.startswith(b"diff --combined "):
            finish()
            current = None
            continue
        if current is None:
            continue
        if line.startswith(b"@@ "):
            i = _walk_hunk(lines, i, line, added, removed, zero_context)
            continue
        _header_line(current, line)
    finish()
    return out


def _header_line(current: FileDiff, line: bytes) -> None:
    if line.startswith(b"--- "):
        old = _header_path(line[4:], b"a/")
        if old is None:
            current.status = "A"
        elif current.status not in "RC":
            current.old_path = old if old != current.path else None
    elif line.startswith(b"+++ "):
        new = _header_path(line[4:], b"b/")
        if new is None:
            current.status = "D"
        elif current.status not in "RC":
            current.path = new
    elif line.startswith(b"rename from "):
        current.old_path = decode_path(unquote_c_path(line[12:]))
        current.status = "R"
    elif line.startswith(b"rename to "):
        current.path = decode_path(unquote_c_path(line[10:]))
        current.status = "R"
    elif line.startswith(b"copy from "):
        current.old_path = decode_path(unquote_c_path(line[10:]))
        current.status = "C"
    elif line.startswith(b"copy to "):
        current.path = decode_path(unquote_c_path(line[8:]))
        current.status = "C"
    elif line.startswith(b"new file mode "):
        current.status = "A"
        current.is_submodule = line.endswith(_GITLINK)
    elif line.startswith(b"deleted file mode "):
        current.status = "D"
        current.is_submodule = line.endswith(_GITLINK)
    elif line.startswith(b"index "):
        if line.endswith(b" " + _GITLINK):
            current.is_submodule = True
    elif line.startswith(b"old mode "):
        current.old_mode = line[9:].decode("ascii", "replace")
    elif line.startswith(b"new mode "):
        new_mode = line[9:].decode("ascii", "replace")
        if current.old_mode and current.old_mode[:2] != new_mode[:2]:
            current.status = "T"  # file <-> symlink <-> gitlink
        current.new_mode = new_mode
    elif line.startswith(b"Binary files ") or line == b"GIT binary patch":
        current.is_binary = True


def _hunk_counts(header: bytes) -> tuple[int, int, int, int]:
    """(old start, old count, new start, new count) from `@@ -a,b +c,d @@`."""
    parts = header.split(b" ", 3)
    old, new = parts[1][1:], parts[2][1:]
    o_start, _, o_count = old.partition(b",")
    n_start, _, n_count = new.partition(b",")
    return int(o_start), int(o_count or 1), int(n_start), int(n_count or 1)


def _walk_hunk(
    lines: Sequence[bytes],
    i: int,
    header: bytes,
    added: list[int],
    removed: list[int],
    zero_context: bool,
) -> int:
    """Consume one hunk's body starting at lines[i]; return the index after it."""
    try:
        o_line, o_left, n_line, n_left = _hunk_counts(header)
    except (IndexError, ValueError) as exc:
        raise GitError(f"malformed hunk header on diff line {i}: {header[:80]!r}") from exc
    n = len(lines)
    if zero_context:
        end = _zero_context_end(lines, i, o_left, n_left)
        if end is not None:
            removed.extend(range(o_line, o_line + o_left))
            added.extend(range(n_line, n_line + n_left))
            return end
    while (o_left > 0 or n_left > 0) and i < n:
        line = lines[i]
        i += 1
        first = line[:1]
        if first == b"+":
            added.append(n_line)
            n_line += 1
            n_left -= 1
        elif first == b"-":
            removed.append(o_line)
            o_line += 1
            o_left -= 1
        elif first == b"\\":
            continue
        else:  # context (" ", or "" when a tool stripped the trailing blank)
            o_line += 1
            n_line += 1
            o_left -= 1
            n_left -= 1
    while i < n and lines[i].startswith(b"\\"):
        i += 1  # "\ No newline at end of file" after the last line of the hunk
    return i


def _zero_context_end(lines: Sequence[bytes], i: int, removed: int, added: int) -> int | None:
    """End index of a context-free hunk, checked at each block's edges; None if it is not one."""
    n = len(lines)
    for count, prefix in ((removed, b"-"), (added, b"+")):
        if not count:
            continue
        last = i + count - 1
        if last >= n or lines[i][:1] != prefix or lines[last][:1] != prefix:
            return None
        i = last + 1
        if i < n and lines[i][:1] == b"\\":
            i += 1  # "\ No newline at end of file"
    return i


def diff_between(
    repo: Path,
    base: str,
    head: str | None,
    paths: Sequence[str] | None = None,
    excluded: Sequence[str] = (),
) -> list[FileDiff]:
    """The changes from `base` to `head` (`git diff -U0 -M base head`), for diff-aware scanning.

    Args:
        repo: The repository.
        base: Old revision.
        head: New revision, or None for the working tree (committed, staged and unstaged
            changes alike; untracked files are not included).
        paths: Limit to these paths (literal, not globs).
        excluded: Leave these paths out, even below a folder in `paths` (absent blobs).

    Raises:
        GitProblemError: a blob is missing (partial clone); `.problem` says which.
        GitError: a revision is invalid.
    """
    revs = [base] if head is None else [base, head]
    for rev in revs:
        if rev.startswith("-"):
            raise GitError(f"refusing revision that looks like an option: {rev!r}")
    options: list[str] = list(PATCH_OPTIONS)
    config = None
    if head is None:
        # Reading the work tree runs the filters .gitattributes names (switched off here) and a
        # `git status` inside every checked-out submodule (never: only their commit matters).
        options.append("--ignore-submodules=dirty")
        config = worktree_config(repo)
    out = run_git(
        repo, "diff", *options, *revs, "--", *exact_pathspecs(paths or (), excluded), config=config
    )
    return _parse_lines(out.split(b"\n"), zero_context=True)


def iter_commit_diffs(
    repo: Path, shas: Iterable[str], *, problems: list[GitProblem] | None = None
) -> Iterator[tuple[str, list[FileDiff]]]:
    """The `-U0` diff of each commit against its parent, through one `git diff-tree --stdin`.

    Root commits are diffed against the empty tree. Commits with an empty diff (merges, which
    `diff-tree` does not diff, and `--allow-empty` commits) yield nothing. In a partial clone,
    commits whose blobs are missing are reported in `problems` and not yielded.
    """
    for sha, body in _iter_commit_bodies(repo, shas, problems):
        yield sha, _parse_lines(body, zero_context=True)


def iter_commit_patches(
    repo: Path, shas: Iterable[str], *, problems: list[GitProblem] | None = None
) -> Iterator[tuple[str, list[tuple[FileDiff, list[bytes]]]]]:
    """`iter_commit_diffs` with each file's raw `-U0` patch lines (for the changed text).

    Reading the changed lines from the patch costs nothing extra, where reading them from the
    blobs costs two object reads per file.
    """
    for sha, body in _iter_commit_bodies(repo, shas, problems):
        sections: list[list[bytes]] = []
        for line in body:
            if line.startswith(b"diff --git "):
                sections.append([line])
            elif sections:
                sections[-1].append(line)
        files = _parse_lines(body, zero_context=True)
        if len(files) == len(sections):
            yield sha, list(zip(files, sections, strict=True))
        else:  # pragma: no cover - one FileDiff per `diff --git` section by construction
            yield sha, [(f, []) for f in files]


def _iter_commit_bodies(
    repo: Path, shas: Iterable[str], problems: list[GitProblem] | None
) -> Iterator[tuple[str, list[bytes]]]:
    sink: list[GitProblem] = problems if problems is not None else []
    wanted = list(dict.fromkeys(shas))
    if not wanted:
        return
    if is_partial_clone(repo):
        wanted = _without_missing_blobs(repo, wanted, sink, "partial clone")
    done: set[str] = set()
    try:
        for sha, body in _stream_bodies(repo, wanted):
            done.add(sha)
            yield sha, body
    except GitProblemError:
        # A blob is gone although this is no partial clone (a mirror or snapshot that left its
        # largest files out, a pruned repository): git died at the first commit needing it.
        # Report the commits that need a missing blob and diff the others again.
        rest = _without_missing_blobs(
            repo, [sha for sha in wanted if sha not in done], sink, "missing from the object store"
        )
        yield from _stream_bodies(repo, rest)


def _without_missing_blobs(
    repo: Path, shas: list[str], sink: list[GitProblem], why: str
) -> list[str]:
    """`shas` minus the commits whose diff needs an absent blob; one problem per such commit."""
    missing = missing_blobs_by_commit(repo, shas)
    for sha, oids in missing.items():
        sink.append(
            GitProblem(
                "missing-blob",
                f"{len(oids)} blob(s) are not in the repository ({why}); "
                f"diff unavailable, e.g. {min(oids)}",
                sha,
            )
        )
    return [sha for sha in shas if sha not in missing]


def _stream_bodies(repo: Path, wanted: list[str]) -> Iterator[tuple[str, list[bytes]]]:
    """Each commit's `-U0` patch lines from one `git diff-tree --stdin`, in `wanted` order.

    A body is yielded only once the next commit's header shows it is complete, and the last one
    only after git exited cleanly: a git that dies half-way never hands out a truncated patch.
    """
    if not wanted:
        return
    wanted_set = {sha.encode("ascii") for sha in wanted}
    with tempfile.TemporaryFile() as feed:
        feed.write("".join(f"{sha}\n" for sha in wanted).encode("ascii"))
        feed.seek(0)
        with git_stream(
            repo, "diff-tree", "--stdin", "-r", "--root", *PATCH_OPTIONS, stdin=feed
        ) as stream:
            current: bytes | None = None
            body: list[bytes] = []
            rest = b""
            for chunk in read_chunks(stream.stdout):
                lines = (rest + chunk).split(b"\n")
                rest = lines.pop()
                for line in lines:
                    if (
                        line in wanted_set
                    ):  # hunk lines always carry a prefix, so a bare id is a header
                        if current is not None:
                            yield current.decode("ascii"), body
                        current, body = line, []
                    else:
                        body.append(line)
            if rest:
                body.append(rest)
            stream.check()
            if current is not None:
                yield current.decode("ascii"), body


def missing_blobs_by_commit(repo: Path, shas: Sequence[str]) -> dict[str, set[str]]:
    """For each commit, the blobs its diff needs that are not in the repository (none: omitted).

    Reads only trees (`diff-tree --raw`), which partial clones with `blob:none` keep.
    """
    present = set(
        run_git(repo, "cat-file", "--batch-all-objects", "--batch-check=%(objectname)")
        .decode("ascii")
        .split()
    )
    result: dict[str, set[str]] = {}
    feed = "".join(f"{sha}\n" for sha in shas).encode("ascii")
    out = run_git(
        repo,
        "diff-tree",
        "--stdin",
        "-r",
        "--root",
        "--raw",
        "--no-abbrev",
        "--no-renames",
        "-z",
        input=feed,
    )
    current = ""
    expect_path = False
    for field in out.split(b"\0"):
        if expect_path:
            expect_path = False
            continue
        text = field.lstrip(b"\n").decode("ascii", "replace")
        if text.startswith(":"):
            expect_path = True
            src_mode, dst_mode, src, dst = text[1:].split()[:4]
            for mode, oid in ((src_mode, src), (dst_mode, dst)):
                if mode != "160000" and oid not in _ZERO_OIDS and oid not in present:
                    result.setdefault(current, set()).add(oid)
        elif text:
            current = text
    return result
