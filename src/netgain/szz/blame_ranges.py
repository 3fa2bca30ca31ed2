"""`git blame` restricted to line ranges, with the options SZZ variants need.

`netgain.git.blame_file` blames a whole file; SZZ only needs the lines a fix touched, and blaming
with `-L` lets git stop walking history as soon as those lines are explained, which is most of the
speed difference from tools that blame every modified file in full.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from netgain.errors import GitError
from netgain.git import BlameLine, LineRange, parse_incremental, run_git
from netgain.git.runner import GitProblemError, error_from, git_command


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
