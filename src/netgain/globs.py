"""Gitignore-semantics path matching shared by every command that takes path globs.

pathspec's `GitIgnoreSpec` is the matcher, with one correction: a directory pattern ending in
`/**/` (e.g. `src/**/`) also matches the directory it starts from in pathspec, so `src/y` would
match, while git only ignores directories *below* `src` (its `**/` there needs at least one
directory to leave a directory to match). Rewriting the trailing `**/` as `*/` gives git's answer:
every directory directly below is matched, and everything deeper lies inside one of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import pathspec

from netgain.userpattern import matchable


def _git_equivalent(pattern: str) -> str:
    stripped = pattern.rstrip()
    if stripped.endswith("/**/") and not stripped.startswith("#"):
        return stripped[: -len("**/")] + "*/"
    return pattern


@lru_cache(maxsize=512)
def gitignore_spec(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    """A compiled matcher for `patterns` that agrees with `git check-ignore`."""
    # RE2 explicitly (pathspec would pick it when installed): the paths matched come from the
    # change under review, and pathspec's regexes backtrack exponentially on Python's `re`
    # (`*a*a*a*a*a*a*a*a*a*b` took 2 s on a 32-character name).
    return pathspec.GitIgnoreSpec.from_lines([_git_equivalent(p) for p in patterns], backend="re2")


def matches(patterns: Sequence[str], path: str) -> bool:
    """True when POSIX `path` (relative to the repository root) matches the patterns.

    git paths are decoded with `surrogateescape`; RE2 needs UTF-8, so undecodable bytes are
    matched as U+FFFD (which `*` and `?` match, like the byte they stand for in git).
    """
    return bool(patterns) and gitignore_spec(tuple(patterns)).match_file(matchable(path))
