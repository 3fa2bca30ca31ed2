"""How commit messages and incident bodies name each other.

Tokens are extracted from every commit message once, then looked up per incident, so linking
costs one pass over history plus one dictionary lookup per incident. Custom patterns from the
configuration (`reference_patterns = ["OUTAGE-{id}"]`) are searched per incident.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from netgain.userpattern import compile_pattern, escape

# "Fixes #123", "closes: #7", "resolved #9" (GitHub's closing keywords).
_CLOSING = re.compile(r"\b(?:fix(?:e[sd])?|close[sd]?|resolve[sd]?)\b\s*:?\s+#(\d+)\b", re.I)
# Tracker keys: INC-42, OPS-7 (upper-case project key, as Jira writes them).
_KEY = re.compile(r"\b([A-Z][A-Z0-9_]{1,15}-\d+)\b")
# "incident 1234", "incident #1234", "PD #1234", "PD-1234", "PagerDuty 1234".
_INCIDENT_NUMBER = re.compile(r"\b(?:incident|PD|pagerduty)[\s:#-]*#?(\d+)\b", re.I)
# "Root cause: abc1234", "root-cause was commit 3f2a9c1d": a hex word of 7+ characters with a
# digit in it (English words like "defaced" are hex too) within 40 characters on the same line.
_ROOT_CAUSE = re.compile(
    r"root[\s-]*cause\b[^\n]{0,40}?\b(?=[0-9a-f]*[0-9])([0-9a-f]{7,64})\b", re.I
)
_REVERT = re.compile(r"This reverts commit ([0-9a-f]{7,64})")

Token = tuple[str, str]  # (kind, value): ("closes", "123"), ("key", "INC-42"), ("number", "7")


def message_tokens(message: str) -> set[Token]:
    """Every incident reference a commit message makes."""
    tokens: set[Token] = {("closes", m) for m in _CLOSING.findall(message)}
    tokens |= {("key", m) for m in _KEY.findall(message)}
    tokens |= {("number", m) for m in _INCIDENT_NUMBER.findall(message)}
    return tokens


def incident_tokens(source: str, external_id: str) -> set[Token]:
    """The tokens a fix of this incident would carry in its message."""
    ident = external_id.strip()
    if _KEY.fullmatch(ident):
        return {("key", ident)}
    if ident.isdigit():
        if source == "github":
            return {("closes", ident)}
        if source == "pagerduty":
            return {("number", ident)}
        return {("number", ident), ("closes", ident)}
    return set()


def custom_matches(patterns: Iterable[str], external_id: str, message: str) -> bool:
    """Whether `message` matches any configured pattern with `{id}` set to the incident id.

    The pattern is literal text, but it is matched on RE2 like every configured pattern; RE2
    has no look-around, so "not inside a longer word" is written as a boundary character or
    the end of the message (letters and digits in any script, `_` and `-`, as Python's word class was).
    """
    for pattern in patterns:
        regex = escape(pattern).replace(escape("{id}"), escape(external_id))
        if compile_pattern(rf"(?:^|[^\pL\pN_-]){regex}(?:[^\pL\pN_-]|$)").search(message):
            return True
    return False


def root_causes(text: str) -> list[str]:
    """Commit ids named as the root cause in an incident's text ("Root cause: abc1234")."""
    return _ROOT_CAUSE.findall(text)


def tracker_keys(text: str) -> set[str]:
    """Tracker issue keys (`PROJ-12`) a PR title, body, branch name or commit message names."""
    return set(_KEY.findall(text))


def reverted(message: str) -> list[str]:
    """Commit ids a revert commit says it reverts."""
    return _REVERT.findall(message)
