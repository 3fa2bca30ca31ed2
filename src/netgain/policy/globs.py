"""Path and URL patterns of the policy.

Zone paths and design-document paths use gitignore semantics (pathspec's `GitIgnoreSpec`, the
same matcher `netgain share --include` uses): a pattern without a slash matches at any depth, a
directory pattern covers everything below it, `**` crosses directories, `!pattern` re-includes.
URL patterns are simpler: `*` matches any run of characters, everything else is literal.
"""

from __future__ import annotations

from collections.abc import Sequence

from netgain.globs import matches
from netgain.userpattern import compile_pattern, glob_regex


def path_matches(patterns: Sequence[str], path: str) -> bool:
    """True when `path` (POSIX, relative to the repository root) matches the gitignore patterns."""
    return matches(patterns, path)


def url_matches(patterns: Sequence[str], url: str) -> bool:
    """True when `url` matches one of the `*`-glob URL patterns (case-sensitive, whole URL).

    The URL comes from the PR description, so matching runs on RE2: with a backtracking engine a
    pattern of several `*` took 30 s on a 100-character URL.
    """
    return any(compile_pattern(glob_regex(p) + r"\z").match(url) for p in patterns)
