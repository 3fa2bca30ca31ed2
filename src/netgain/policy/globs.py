"""Path and URL patterns of the policy.

Zone paths and design-document paths use gitignore semantics (pathspec's `GitIgnoreSpec`, the
same matcher `netgain share --include` uses): a pattern without a slash matches at any depth, a
directory pattern covers everything below it, `**` crosses directories, `!pattern` re-includes.
URL patterns are simpler: `*` matches any run of characters, everything else is literal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from netgain.globs import matches


def path_matches(patterns: Sequence[str], path: str) -> bool:
    """True when `path` (POSIX, relative to the repository root) matches the gitignore patterns."""
    return matches(patterns, path)


@lru_cache(maxsize=256)
def _url_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(
        "".join(".*" if part == "*" else re.escape(part) for part in re.split(r"(\*)", pattern))
        + r"\Z"
    )


def url_matches(patterns: Sequence[str], url: str) -> bool:
    """True when `url` matches one of the `*`-glob URL patterns (case-sensitive, whole URL)."""
    return any(_url_regex(p).match(url) for p in patterns)
