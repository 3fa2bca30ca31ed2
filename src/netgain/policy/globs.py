"""Path and URL patterns of the policy.

Zone paths and design-document paths use gitignore semantics (pathspec's `GitIgnoreSpec`, the
same matcher `netgain share --include` uses): a pattern without a slash matches at any depth, a
directory pattern covers everything below it, `**` crosses directories, `!pattern` re-includes.
URL patterns are simpler: `*` matches any run of characters, `{date}` a date written
`YYYY-MM-DD`, `YYYY/MM/DD` or `YYYYMMDD` (the document's date, where the URL carries one), and
everything else is literal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from netgain.globs import matches
from netgain.userpattern import UserPattern, compile_pattern, glob_regex

DATE_TOKEN = "{date}"  # noqa: S105 (a URL pattern token, not a password)
_DATE = r"(\d{4})[-/]?(\d{2})[-/]?(\d{2})"


def path_matches(patterns: Sequence[str], path: str) -> bool:
    """True when `path` (POSIX, relative to the repository root) matches the gitignore patterns."""
    return matches(patterns, path)


def url_matches(patterns: Sequence[str], url: str) -> bool:
    """True when `url` matches one of the `*`-glob URL patterns (case-sensitive, whole URL).

    The URL comes from the PR description, so matching runs on RE2: with a backtracking engine a
    pattern of several `*` took 30 s on a 100-character URL.
    """
    return any(_url_regex(p).match(url) for p in patterns)


def url_date(patterns: Sequence[str], url: str) -> tuple[bool, date | None]:
    """(whether some pattern with `{date}` matches `url`, the date it reads there).

    (False, None): no dated pattern matches, the document's date is unknown. (True, None): the
    URL's date is not a calendar date, which is an error of the link, not a missing date.
    """
    for pattern in patterns:
        if DATE_TOKEN not in pattern:
            continue
        found = _url_regex(pattern).match(url)
        if found is None:
            continue
        year, month, day = (int(found.group(i) or 0) for i in (1, 2, 3))
        try:
            return True, date(year, month, day)
        except ValueError:
            return True, None
    return False, None


def _url_regex(pattern: str) -> UserPattern:
    """RE2 for a URL pattern: its first `{date}` captures the date, the rest are globs."""
    head, token, tail = pattern.partition(DATE_TOKEN)
    source = glob_regex(head) + (_DATE + glob_regex(tail) if token else "")
    return compile_pattern(source + r"\z")
