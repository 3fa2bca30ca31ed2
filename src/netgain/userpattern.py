"""Regular expressions written by users, run on RE2 so matching is linear in the text.

Python's `re` backtracks: a pattern such as `(a+)+$`, a CODEOWNERS line `*a*a*a*a*b` or a URL glob
with many `*` takes exponential or high-polynomial time on a text that almost matches, and the
texts netgain matches (commit messages, PR descriptions, paths) are written by whoever opened the
change. RE2 guarantees time linear in the text for every pattern it accepts, and rejects the
features that cannot be matched that way (backreferences, look-around): such a pattern is a
configuration error naming the file and key, never a slow gate.

Differences from `re` users may notice (docs/policy.md and docs/provenance.md say so too):
`\\d`, `\\w`, `\\s` and `\\b` are ASCII-only, and the end-of-text anchor is `\\z` (`\\Z` is
rejected).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol, cast

import re2

from netgain.errors import ConfigError

# A pattern RE2 cannot fit in this much memory is rejected: about 1,000x the size of any real
# marker, glob or CODEOWNERS pattern, and small enough that a hostile one cannot exhaust memory.
MAX_PROGRAM_MEMORY = 8 << 20
_BACKREFERENCE = re2.compile(r"invalid escape sequence: \\[1-9]")


class PatternMatch(Protocol):
    """The parts of a match object netgain uses (RE2's and `re`'s agree on these)."""

    def group(self, group: int | str = 0, /) -> str | None: ...
    def start(self, group: int | str = 0, /) -> int: ...
    def end(self, group: int | str = 0, /) -> int: ...


class PatternError(ValueError):
    """RE2 rejected a pattern; the message says why, in RE2's words."""


@dataclass(frozen=True, slots=True)
class UserPattern:
    """A compiled user-written pattern. `pattern` is the text as written, for messages."""

    pattern: str
    _compiled: Any

    def search(self, text: str) -> PatternMatch | None:
        return cast("PatternMatch | None", self._compiled.search(matchable(text)))

    def match(self, text: str) -> PatternMatch | None:
        return cast("PatternMatch | None", self._compiled.match(matchable(text)))

    def fullmatch(self, text: str) -> PatternMatch | None:
        return cast("PatternMatch | None", self._compiled.fullmatch(matchable(text)))

    def finditer(self, text: str) -> Iterator[PatternMatch]:
        return cast("Iterator[PatternMatch]", self._compiled.finditer(matchable(text)))

    @property
    def groupindex(self) -> dict[str, int]:
        return dict(self._compiled.groupindex)


_SURROGATES = dict.fromkeys(range(0xD800, 0xE000), "\ufffd")


def matchable(text: str) -> str:
    """`text` with lone surrogates as U+FFFD, so RE2 (which needs UTF-8) can read it.

    git paths and messages are decoded with `surrogateescape`, which leaves undecodable bytes as
    lone surrogates; one character becomes one character, so match positions still apply to
    `text` (only a matched group shows U+FFFD where the original had a surrogate).
    """
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.translate(_SURROGATES)
    return text


def _options(*, ignore_case: bool) -> Any:
    options = re2.Options()
    options.case_sensitive = not ignore_case
    options.log_errors = False  # RE2 would print every rejected pattern to stderr
    options.max_mem = MAX_PROGRAM_MEMORY
    return options


class PatternSet:
    """Many patterns matched against a text in one pass, each anchored at the start (`match`).

    For rule lists where the last matching rule wins (CODEOWNERS). RE2 compiles a set of
    patterns into one automaton: about half the cost of compiling each pattern, and one scan of
    the text per `SET_SIZE` patterns instead of one per pattern. Compiled on first use.
    """

    SET_SIZE = 256  # patterns per automaton: keeps each within MAX_PROGRAM_MEMORY

    def __init__(self, patterns: Sequence[str]) -> None:
        self._patterns = list(patterns)
        self._sets: list[Any] | None = None

    def _compile(self) -> list[Any]:
        sets = []
        for first in range(0, len(self._patterns), self.SET_SIZE):
            compiled = re2.Set.MatchSet(_options(ignore_case=False))
            try:
                for pattern in self._patterns[first : first + self.SET_SIZE]:
                    compiled.Add(pattern)
                compiled.Compile()
            except re2.error as exc:
                raise PatternError(_reason(exc)) from None
            sets.append(compiled)
        return sets

    def last_match(self, text: str) -> int | None:
        """The index of the last pattern matching at the start of `text`, or None.

        Raises:
            PatternError: RE2 rejects one of the patterns.
        """
        if self._sets is None:
            self._sets = self._compile()
        text = matchable(text)
        for number in range(len(self._sets) - 1, -1, -1):
            found = self._sets[number].Match(text)
            if found:
                return number * self.SET_SIZE + int(max(found))
        return None


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str, *, ignore_case: bool = False) -> UserPattern:
    """Compile `pattern` with RE2 (cached: patterns come from configuration and repeat).

    Raises:
        PatternError: RE2 rejects the pattern (unsupported syntax, or too large).
    """
    try:
        compiled = re2.compile(pattern, _options(ignore_case=ignore_case))
    except re2.error as exc:
        raise PatternError(_reason(exc)) from None
    return UserPattern(pattern, compiled)


def _reason(exc: Exception) -> str:
    raw = exc.args[0] if exc.args else str(exc)
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    if "invalid perl operator" in text or _BACKREFERENCE.search(text):
        text += " (look-around and backreferences cannot run in linear time)"
    if "invalid escape sequence: \\Z" in text:
        text += " (write \\z for the end of the text)"
    return text


def config_pattern(pattern: str, where: str, *, ignore_case: bool = False) -> UserPattern:
    """`compile_pattern` for a pattern read from configuration.

    Args:
        where: the file, line and key the pattern came from, e.g. `netgain.toml:12: markers[0]`.

    Raises:
        ConfigError: `where: invalid pattern ...: reason`.
    """
    try:
        return compile_pattern(pattern, ignore_case=ignore_case)
    except PatternError as exc:
        raise ConfigError(f"{where}: invalid pattern {pattern!r}: {exc}") from None


def escape(text: str) -> str:
    """`text` as an RE2 literal (RE2 rejects some of the escapes `re.escape` writes, e.g. `\\ `)."""
    return cast(str, re2.escape(text))


def glob_regex(glob: str) -> str:
    """RE2 source for a glob in which `*` matches any run of characters and the rest is literal."""
    return "".join(".*" if part == "*" else escape(part) for part in _split_stars(glob))


def _split_stars(glob: str) -> list[str]:
    parts: list[str] = []
    for index, chunk in enumerate(glob.split("*")):
        if index:
            parts.append("*")
        if chunk:
            parts.append(chunk)
    return parts
