"""`git blame` restricted to line ranges, with the options SZZ variants need.

`netgain.git.blame_file` blames a whole file; SZZ only needs the lines a fix touched, and blaming
with `-L` lets git stop walking history as soon as those lines are explained, which is most of the
speed difference from tools that blame every modified file in full.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from netgain.errors import GitError
from netgain.git import BlameLine, LineRange, parse_incremental, run_git
from netgain.git.runner import GitProblemError, error_from, git_command, git_env, prefetch_chunks


@dataclass(frozen=True, slots=True)
class BlameOptions:
    """How to blame: whitespace, moved/copied lines and revisions to look past."""

    ignore_whitespace: bool = False  # -w
    follow_moves: bool = False  # -M -C: lines moved within a file or copied from another
    ignore_revs: tuple[str, ...] = field(default_factory=tuple)  # --ignore-rev, re-blame past them


def merge_ranges(lines: Sequence[int]) -> list[LineRange]:
    """Sorted, de-duplicated line numbers as the fewest inclusive ranges."""
    out: list[LineRange] = []
    for n in sorted(set(lines)):
        if out and out[-1].end + 1 == n:
            out[-1] = LineRange(out[-1].start, n)
        else:
            out.append(LineRange(n, n))
    return out


def blame_ranges(
    repo: Path,
    rev: str,
    path: str,
    lines: Sequence[int],
    options: BlameOptions,
    *,
    context: int = 0,
    line_count: int | None = None,
    env: Mapping[str, str] | None = None,
) -> list[BlameLine]:
    """Who last changed each of `lines` (1-indexed, in `path` at `rev`).

    `context` widens every range by that many lines on each side (clamped to `line_count`, the
    file's length): git's move and copy detection scores a *block* of lines by its alphanumeric
    characters (at least 20 for -M, 40 for -C), so a lone short line is never recognised as moved
    unless its neighbours come along. Only the requested lines are returned. `env` replaces
    git's environment (see `netgain.szz.graph_cache`).

    Returns:
        One BlameLine per requested line that exists in the file, sorted by line number.

    Raises:
        GitProblemError: a blob is missing (partial clone).
        GitError: the revision or path is invalid.
    """
    if rev.startswith("-"):
        raise GitError(f"refusing revision that looks like an option: {rev!r}")
    wanted = set(lines)
    if context and line_count is not None:
        lines = [
            n
            for line in wanted
            for n in range(max(1, line - context), min(line_count, line + context) + 1)
        ]
    ranges = merge_ranges(lines)
    if not ranges:
        return []
    args = ["blame", "--incremental", "--root"]
    if options.ignore_whitespace:
        args.append("-w")
    if options.follow_moves:
        args += ["-M", "-C"]
    for ignored in options.ignore_revs:
        args += ["--ignore-rev", ignored]
    for r in ranges:
        args += ["-L", f"{r.start},{r.end}"]
    try:
        out = run_git_env(repo, [*args, rev, "--", path], env)
    except GitProblemError as exc:
        exc.problem.path = path
        raise
    return [b for b in parse_incremental(out) if b.final_line in wanted]


def stream_git_env(
    repo: Path, args: list[str], env: Mapping[str, str] | None, *, input: bytes
) -> Iterator[bytes]:
    """git's stdout in chunks as it is written, in `env` when given.

    A reader thread drains the pipe ahead of the consumer, so parsing overlaps git's work and the
    whole output is never held at once. Standard input comes from a temporary file (no deadlock
    on a large feed). If the consumer stops early, git is killed.

    Raises:
        GitProblemError, GitError: git failed (after its output was read).
    """
    with tempfile.TemporaryFile() as feed, tempfile.TemporaryFile() as err:
        feed.write(input)
        feed.seek(0)
        proc = subprocess.Popen(
            git_command(repo, *args),
            env=dict(env) if env is not None else git_env(),
            stdin=feed,
            stdout=subprocess.PIPE,
            stderr=err,
        )
        finished = False
        try:
            assert proc.stdout is not None  # noqa: S101 - set by stdout=PIPE
            yield from prefetch_chunks(proc.stdout)
            finished = True
        finally:
            if not finished and proc.poll() is None:
                proc.kill()
            if proc.stdout is not None:
                proc.stdout.close()
            code = proc.wait()
        if code != 0:
            err.seek(0)
            raise error_from(args, code, err.read())


def run_git_env(
    repo: Path, args: list[str], env: Mapping[str, str] | None, *, input: bytes | None = None
) -> bytes:
    """`run_git`, in `env` when given (netgain's commit-graph cache rides on the environment)."""
    if env is None:
        return run_git(repo, *args, input=input)
    proc = subprocess.run(
        git_command(repo, *args),
        env=dict(env),
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        raise error_from(args, proc.returncode, proc.stderr)
    return proc.stdout
