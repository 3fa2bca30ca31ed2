"""Streaming commit history: one `git log` process, parsed incrementally from its pipe.

Output order: oldest first in topological order (`--topo-order --reverse`, parents always before
their children) unless `oldest_first=False`, which gives git's default newest-first order. On a
50k-commit history `--reverse` costs git about 8% more time (it walks the commit graph before the
first diff is printed; diffs themselves still stream), and gives ingest a useful invariant: when a
run is interrupted, every stored commit's parents are already stored.

Wire format: `-z` with a custom `--format` whose first field starts with the record marker `\\x1eC`.
Every field and every numstat entry ends in NUL, so the stream is split on NUL only; a rename entry
is `added\\tdeleted\\t` followed by two path fields. The parser is a small state machine over the
NUL-separated fields and never holds more than one read chunk plus one commit in memory.

Partial clones (and repositories where `git log` dies on a missing blob) are handled by a slower
checked path: a raw-diff log that reads no blob, a presence check of every blob the diffs need, and
`git diff-tree --stdin --numstat` for only the commits whose blobs are all present. Commits with
missing blobs are still yielded, with `stats_available=False` and a `missing-blob` problem.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from netgain.errors import GitError
from netgain.git.model import Commit, FileStat, GitProblem, Identity
from netgain.git.paths import decode_path
from netgain.git.pathspec import exact_pathspecs
from netgain.git.repo import is_partial_clone
from netgain.git.runner import (
    GitStream,
    Prefetch,
    exit_text,
    git_stream,
    open_git_stream,
    problem_from_stderr,
    read_chunks,
    run_git,
    widen_pipe,
)
from netgain.git.trailers import parse_trailers

_MARK = b"\x1eC"
_FORMAT = "--format=%x1eC%H%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%at%x00%ct%x00%B"
# marker+sha, parents, author name, email, ISO date, committer name, email, ISO date, author and
# committer unix times (a fallback when the ISO form is unusable, e.g. a "+9999" offset), body
_HEADER_FIELDS = 11
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ZERO_OID = frozenset({"0" * 40, "0" * 64})
_GITLINK = "160000"


def _rev_args(revs: Sequence[str], exclude: Sequence[str]) -> list[str]:
    for rev in (*revs, *exclude):
        if rev.startswith("-"):
            raise GitError(f"refusing revision argument that looks like an option: {rev!r}")
    return [*revs, *(f"^{rev}" for rev in exclude)]


# Every non-merge commit's sha and author time, in git's cheapest order (EarlyLog.author_times).
_AUTHOR_TIMES_ARGS = ("log", "--no-merges", "--no-color", "--no-show-signature", "--format=%H %at")


def _log_args(oldest_first: bool) -> list[str]:
    args = [
        "log",
        "-z",
        "--encoding=UTF-8",
        "--no-color",
        "--no-show-signature",
        "--no-ext-diff",
        "--no-textconv",
        "--diff-merges=off",
        "--no-relative",
        "--no-mailmap",
        _FORMAT,
    ]
    if oldest_first:
        args += ["--topo-order", "--reverse"]
    return args


def _numstat_log_args(oldest_first: bool, rev_args: Sequence[str]) -> tuple[str, ...]:
    """The arguments of the one `git log` that streams commits with their numstat."""
    return (*_log_args(oldest_first), "--numstat", "-M", *rev_args, "--")


class EarlyLog:
    """A `git log` started before its reader was ready, adopted by `iter_commits` if it fits.

    Why: a first ingest spends its first half second importing modules and creating the store,
    and only then learns which commits to read. For a store that does not exist yet the answer
    is known up front (every commit reachable from the heads), so git can start walking and
    diffing on the other core meanwhile; its output waits in the pipe (1 MiB where the kernel
    allows, after which git simply blocks). `iter_commits` takes the process only when the
    arguments it would use are exactly the ones this one was started with (same repository,
    heads, nothing excluded, not a partial clone); otherwise `close` kills it unread.
    """

    def __init__(self, repo: Path, stream: GitStream, times: GitStream | None = None) -> None:
        self.repo = Path(repo)
        self.process = stream.proc
        self.adopted = False
        self._stream: GitStream | None = stream
        # Drained from the start: git never waits on a full pipe while netgain starts up.
        self._prefetch: Prefetch | None = Prefetch(stream.stdout)
        self._times = times

    def take(self, repo: Path, args: Sequence[str]) -> tuple[GitStream, Prefetch] | None:
        """The running process and its reader if it was started with `args` in `repo` (only
        once), else None."""
        stream, prefetch = self._stream, self._prefetch
        if stream is None or prefetch is None:
            return None
        if Path(repo) != self.repo or stream.args != tuple(args):
            return None
        self._stream = self._prefetch = None
        self.adopted = True
        return stream, prefetch

    def author_times(self) -> dict[str, int] | None:
        """sha -> author time (unix seconds) of every non-merge commit of the same heads.

        Read from a second, cheap `git log` started beside the first (no diffs, no topological
        sort: about a twentieth of the first's CPU). Why: feature vectors are computed in
        author-date order, and knowing every commit's date up front lets the ingest compute the
        vector of a commit as soon as every older one has been read, instead of after git ends
        (`netgain.risk.feature_stream`). None when the listing failed or was already read; a
        caller must still check each commit it gets against it.
        """
        stream, self._times = self._times, None
        if stream is None:
            return None
        try:
            data = stream.stdout.read()
            if stream.wait() != 0:
                return None
            out: dict[str, int] = {}
            for line in data.split(b"\n"):
                if line:
                    sha, _, at = line.partition(b" ")
                    out[sha.decode("ascii")] = int(at)
            return out
        except (OSError, ValueError, UnicodeDecodeError):
            return None
        finally:
            stream.close()

    def close(self) -> None:
        """Kill and reap the processes unless `take` handed the log over."""
        if self._stream is not None and self._prefetch is not None:
            _stop(self._stream, self._prefetch)
            self._stream = self._prefetch = None
        if self._times is not None:
            self._times.close()
            self._times = None


def start_early_log(repo: Path, heads: Sequence[str]) -> EarlyLog | None:
    """Start the `git log` that `iter_commits(repo, heads)` would run (nothing excluded).

    None when there is nothing to read or the repository is a partial clone (whose commits are
    read by a different, checked path). The caller must `close()` the result.
    """
    if not heads or is_partial_clone(repo):
        return None
    rev_args = _rev_args(heads, ())
    stream = open_git_stream(repo, *_numstat_log_args(True, rev_args))
    try:
        times = open_git_stream(repo, *_AUTHOR_TIMES_ARGS, *rev_args, "--", buffered=True)
    except BaseException:
        stream.close()
        raise
    widen_pipe(times.stdout.fileno())
    return EarlyLog(repo, stream, times)


def iter_commits(
    repo: Path,
    revs: Sequence[str],
    *,
    exclude: Sequence[str] = (),
    problems: list[GitProblem] | None = None,
    oldest_first: bool = True,
    early: EarlyLog | None = None,
) -> Iterator[Commit]:
    """Stream the commits reachable from `revs` and not from `exclude`, with numstat and trailers.

    Args:
        repo: Repository (any folder inside a work tree, or a bare repository).
        revs: Revisions to start from (`HEAD`, `main`, `v1..v2`, `--all` is refused: pass refs).
        exclude: Revisions whose history is left out (each becomes `^rev`).
        problems: Receives one `GitProblem` per commit that could not be fully read
            (undecodable text, bad date, missing blobs); nothing is ever skipped silently.
        oldest_first: Parents before children (`--topo-order --reverse`); False gives git's
            default newest-first order.
        early: A `git log` already started (`start_early_log`); used when its arguments are
            the ones this call needs, else left to its owner to close.

    Yields:
        Commits; merge commits carry no file stats.

    Raises:
        GitError: the revisions are invalid or the repository cannot be read at all.
    """
    sink: list[GitProblem] = problems if problems is not None else []
    rev_args = _rev_args(revs, exclude)
    if not rev_args:
        return
    grafted = shallow_commits(repo)
    for commit in _iter_commits(repo, rev_args, oldest_first, sink, early):
        if commit.sha in grafted:
            # The clone was cut here: git shows this commit without parents, so its numstat is
            # the whole tree "added". Those lines were not written by this commit.
            commit.stats_available = False
            commit.files = [FileStat(f.path, None, None, f.old_path) for f in commit.files]
            sink.append(
                GitProblem(
                    "shallow-history",
                    "history is truncated here (shallow clone): parents and line counts of this "
                    "commit are unknown",
                    commit.sha,
                )
            )
        yield commit


def shallow_commits(repo: Path) -> frozenset[str]:
    """Commits at which a shallow clone's history is cut (empty for a complete repository)."""
    out = run_git(repo, "rev-parse", "--git-path", "shallow")
    path = Path(os.fsdecode(out.rstrip(b"\n")))
    if not path.is_absolute():  # relative to the folder git ran in
        path = Path(repo) / path
    try:
        return frozenset(path.read_text("ascii").split())
    except FileNotFoundError:
        return frozenset()


def _iter_commits(
    repo: Path,
    rev_args: list[str],
    oldest_first: bool,
    sink: list[GitProblem],
    early: EarlyLog | None,
) -> Iterator[Commit]:
    if is_partial_clone(repo):
        yield from _iter_checked(repo, rev_args, oldest_first, sink, set())
        return
    seen: set[str] = set()
    held: Commit | None = None  # a commit is only final once the next one (or a clean exit) shows
    args = _numstat_log_args(oldest_first, rev_args)
    with _log_stream(repo, args, early) as (stream, chunks):
        for commit in _parse_log_stream(chunks, sink):
            if held is not None:
                seen.add(held.sha)
                yield held
            held = commit
        code = stream.wait()
        if code == 0:
            if held is not None:
                yield held
            return
        err = stream.stderr_text()
    # git died while printing `held` (its numstat may be cut short): the checked path redoes it.
    if problem_from_stderr(err) is None:
        raise _log_failed(repo, code, err)
    # A blob is missing although this is no partial clone (a corrupt or grafted repository):
    # finish with the checked path, which reports the affected commits instead of dying.
    yield from _iter_checked(repo, rev_args, oldest_first, sink, seen)


@contextmanager
def _log_stream(
    repo: Path, args: Sequence[str], early: EarlyLog | None
) -> Iterator[tuple[GitStream, Iterator[bytes]]]:
    """The early process (and its reader) when it runs exactly `args`, else a new one; the
    process is reaped and the reader stopped on exit."""
    taken = early.take(repo, args) if early is not None else None
    if taken is None:
        stream = open_git_stream(repo, *args)
        reader = Prefetch(stream.stdout)
    else:
        stream, reader = taken
    try:
        yield stream, iter(reader)
    finally:
        _stop(stream, reader)


def _stop(stream: GitStream, reader: Prefetch) -> None:
    """Kill git if it still runs, then stop the reader (it sees the pipe's end), then close the
    pipe: closed first, its descriptor could be reused while the reader still reads it."""
    if stream.proc.poll() is None:
        stream.proc.kill()
    reader.close()
    stream.close()


def _log_failed(repo: Path, code: int, err: str) -> GitError:
    """`git log` died mid-stream (killed, out of memory, a corrupt pack): nothing after the last
    whole commit was yielded, and the message says so."""
    return GitError(
        f"git log failed in {repo} ({exit_text(code)}): {err.strip() or 'no message'}; "
        "the history read so far ends at the last complete commit"
    )


def _decode(raw: bytes, what: str, bad: list[str]) -> str:
    try:
        return raw.decode()
    except UnicodeDecodeError:
        bad.append(what)
        return raw.decode("utf-8", "replace")


def _date(raw: bytes, unix: bytes, sha: str, sink: list[GitProblem]) -> datetime:
    try:
        return datetime.fromisoformat(raw.decode("ascii"))
    except (ValueError, UnicodeDecodeError):
        pass
    try:
        when = datetime.fromtimestamp(int(unix), UTC)
        note = "time zone ignored"
    except (ValueError, OverflowError, OSError):
        when, note = _EPOCH, "using 1970-01-01"
    sink.append(GitProblem("bad-date", f"unusable date {raw[:60]!r}; {note}", sha))
    return when


def _make_commit(fields: list[bytes], sink: list[GitProblem]) -> Commit:
    sha = fields[0][2:].decode("ascii")
    parents = tuple(fields[1].decode("ascii").split()) if fields[1] else ()
    bad: list[str] = []
    message = _decode(fields[10], "message", bad)
    author = Identity(
        _decode(fields[2], "author name", bad), _decode(fields[3], "author email", bad)
    )
    committer = Identity(
        _decode(fields[5], "committer name", bad), _decode(fields[6], "committer email", bad)
    )
    if bad:
        # No `encoding` header and bytes that are not UTF-8: git cannot re-encode them for us.
        sink.append(
            GitProblem("bad-encoding", f"{', '.join(bad)} not valid UTF-8; shown with U+FFFD", sha)
        )
    return Commit(
        sha=sha,
        parents=parents,
        author=author,
        author_date=_date(fields[4], fields[8], sha, sink),
        committer=committer,
        committer_date=_date(fields[7], fields[9], sha, sink),
        message=message,
        trailers=parse_trailers(message),
    )


def _count(raw: bytes) -> int | None:
    return None if raw == b"-" else int(raw)


def _parse_log_stream(chunks: Iterable[bytes], sink: list[GitProblem]) -> Iterator[Commit]:
    """Parse `git log -z --numstat` output produced with `_FORMAT` (see module docstring)."""
    rest = b""
    header: list[bytes] = []
    commit: Commit | None = None
    pending: tuple[int | None, int | None] | None = None  # numstat of a rename, paths to follow
    old_path: str | None = None
    for chunk in chunks:
        fields = (rest + chunk).split(b"\0") if rest else chunk.split(b"\0")
        rest = fields.pop()
        for field in fields:
            if header:
                header.append(field)
                if len(header) == _HEADER_FIELDS:
                    commit = _make_commit(header, sink)
                    header = []
                continue
            if pending is not None:
                if old_path is None:
                    old_path = decode_path(field)
                elif commit is not None:
                    commit.files.append(
                        FileStat(decode_path(field), pending[0], pending[1], old_path)
                    )
                    pending = None
                    old_path = None
                continue
            if field.startswith(_MARK):
                if commit is not None:
                    yield commit
                    commit = None
                header.append(field)
                continue
            if not field or field == b"\n":
                continue
            try:
                added, deleted, path = field.lstrip(b"\n").split(b"\t", 2)
                counts = (_count(added), _count(deleted))
            except ValueError:  # not a numstat entry: never expected, never fatal
                sha = commit.sha if commit is not None else None
                sink.append(GitProblem("unparseable-log", f"unexpected field {field[:80]!r}", sha))
                continue
            if path and commit is not None:
                commit.files.append(FileStat(decode_path(path), *counts))
            else:
                pending = counts
    if header and len(header) == _HEADER_FIELDS - 1 and rest:
        header.append(rest)  # the last message is not NUL-terminated in every git version
        commit = _make_commit(header, sink)
    if commit is not None:
        yield commit


# -- the checked path: partial clones and missing blobs ---------------------------------------


def _present_objects(repo: Path) -> set[str]:
    out = run_git(repo, "cat-file", "--batch-all-objects", "--batch-check=%(objectname)")
    return set(out.decode("ascii").split())


def _iter_checked(
    repo: Path,
    rev_args: list[str],
    oldest_first: bool,
    sink: list[GitProblem],
    skip: set[str],
) -> Iterator[Commit]:
    """Slow but safe: reads no blob that is not present, reports the commits that need one."""
    present = _present_objects(repo)
    commits: list[Commit] = []
    raw_files: dict[str, list[FileStat]] = {}
    complete: list[str] = []
    found: list[GitProblem] = []
    with git_stream(
        repo, *_log_args(oldest_first), "--raw", "--no-abbrev", "--no-renames", *rev_args, "--"
    ) as stream:
        for commit, entries in _parse_raw_stream(read_chunks(stream.stdout), found):
            if commit.sha in skip:
                continue
            commits.append(commit)
            if commit.is_merge:
                continue
            missing_by_path: dict[str, str] = {}
            for mode, oid, path in entries:
                if mode != _GITLINK and oid not in _ZERO_OID and oid not in present:
                    missing_by_path.setdefault(path, oid)
            if missing_by_path:
                commit.stats_available = False
                readable = list(dict.fromkeys(p for _, _, p in entries))
                readable = [p for p in readable if p not in missing_by_path]
                numstat = _numstat_of_paths(repo, commit.sha, readable, list(missing_by_path))
                raw_files[commit.sha] = numstat + [
                    FileStat(path, None, None) for path in missing_by_path
                ]
                found.extend(
                    GitProblem(
                        "missing-blob",
                        f"{path}: blob {oid} is not in the repository (partial clone?); "
                        "its line counts are unknown, not 0",
                        commit.sha,
                        path,
                    )
                    for path, oid in missing_by_path.items()
                )
            elif entries:
                complete.append(commit.sha)
        code = stream.wait()
        err = stream.stderr_text() if code else ""
    if code:
        if problem_from_stderr(err) is None:
            raise _log_failed(repo, code, err)
        # Even trees are missing (a `--filter=tree:0` clone): only commit metadata is readable.
        yield from _iter_metadata_only(repo, rev_args, oldest_first, sink, skip)
        return
    sink.extend(found)
    stats = _numstat_for(repo, complete)
    for commit in commits:
        if commit.sha in raw_files:
            commit.files = raw_files[commit.sha]
        else:
            commit.files = stats.get(commit.sha, [])
        yield commit


def _numstat_of_paths(repo: Path, sha: str, paths: list[str], missing: list[str]) -> list[FileStat]:
    """Numstat of one commit restricted to `paths`, whose blobs are all present; `missing`
    (the commit's paths with an absent blob) are excluded, even below a folder in `paths`."""
    if not paths:
        return []
    out = run_git(
        repo,
        "diff-tree",
        "-z",
        "-r",
        "--root",
        "--numstat",
        "--no-renames",
        "--no-ext-diff",
        "--no-textconv",
        "--no-commit-id",
        sha,
        "--",
        *exact_pathspecs(paths, missing),
    )
    stats: list[FileStat] = []
    for record in out.split(b"\0"):
        text = record.lstrip(b"\n")
        if b"\t" in text:
            added, deleted, path = text.split(b"\t", 2)
            stats.append(FileStat(decode_path(path), _count(added), _count(deleted)))
    return stats


def _iter_metadata_only(
    repo: Path,
    rev_args: list[str],
    oldest_first: bool,
    sink: list[GitProblem],
    skip: set[str],
) -> Iterator[Commit]:
    with git_stream(repo, *_log_args(oldest_first), *rev_args, "--") as stream:
        for commit in _parse_log_stream(read_chunks(stream.stdout), sink):
            if commit.sha in skip:
                continue
            if not commit.is_merge:
                commit.stats_available = False
                sink.append(
                    GitProblem(
                        "missing-tree",
                        "trees of this commit are not in the repository (treeless partial "
                        "clone?); touched files and line counts unavailable",
                        commit.sha,
                    )
                )
            yield commit
        stream.check()


def _parse_raw_stream(
    chunks: Iterable[bytes], sink: list[GitProblem]
) -> Iterator[tuple[Commit, list[tuple[str, str, str]]]]:
    """Parse `git log -z --raw --no-renames` into commits and (dst mode, blob, path) per side."""
    rest = b""
    header: list[bytes] = []
    commit: Commit | None = None
    entries: list[tuple[str, str, str]] = []
    meta: list[str] | None = None
    for chunk in chunks:
        fields = (rest + chunk).split(b"\0") if rest else chunk.split(b"\0")
        rest = fields.pop()
        for field in fields:
            if header:
                header.append(field)
                if len(header) == _HEADER_FIELDS:
                    commit = _make_commit(header, sink)
                    header = []
                continue
            if meta is not None:
                path = decode_path(field)
                # ":srcmode dstmode srcoid dstoid status": the diff needs both sides' blobs
                entries.append((meta[0].lstrip(":"), meta[2], path))
                entries.append((meta[1], meta[3], path))
                meta = None
                continue
            if field.startswith(_MARK):
                if commit is not None:
                    yield commit, entries
                    commit, entries = None, []
                header.append(field)
                continue
            stripped = field.lstrip(b"\n")
            if stripped.startswith(b":"):
                meta = stripped.decode("ascii").split()
    if commit is not None:
        yield commit, entries


def _numstat_for(repo: Path, shas: list[str]) -> dict[str, list[FileStat]]:
    """Numstat of many commits through one `git diff-tree --stdin` process."""
    result: dict[str, list[FileStat]] = {}
    if not shas:
        return result
    wanted = set(shas)
    with tempfile.TemporaryFile() as feed:
        feed.write("".join(f"{sha}\n" for sha in shas).encode("ascii"))
        feed.seek(0)
        with git_stream(
            repo,
            "diff-tree",
            "--stdin",
            "-z",
            "-r",
            "--root",
            "--numstat",
            "-M",
            "--no-ext-diff",
            "--no-textconv",
            stdin=feed,
        ) as stream:
            current: list[FileStat] = []
            pending: tuple[int | None, int | None] | None = None
            old_path: str | None = None
            rest = b""
            for chunk in read_chunks(stream.stdout):
                fields = (rest + chunk).split(b"\0")
                rest = fields.pop()
                for field in fields:
                    if pending is not None:
                        if old_path is None:
                            old_path = decode_path(field)
                        else:
                            current.append(FileStat(decode_path(field), *pending, old_path))
                            pending, old_path = None, None
                        continue
                    text = field.lstrip(b"\n")
                    if not text:
                        continue
                    if b"\t" not in text:
                        sha = text.decode("ascii")
                        if sha in wanted:
                            current = result.setdefault(sha, [])
                        continue
                    added, deleted, path = text.split(b"\t", 2)
                    if path:
                        current.append(FileStat(decode_path(path), _count(added), _count(deleted)))
                    else:
                        pending = (_count(added), _count(deleted))
            stream.check()
    return result
