"""CODEOWNERS with GitHub's semantics.

* The file is the first of `.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS` (GitHub's order).
* The last matching pattern wins; a pattern with no owners makes its paths unowned.
* Patterns follow gitignore rules with GitHub's exceptions: `!` negation and `[...]` character
  ranges are not supported (those lines are reported and ignored, as GitHub does), `\\#` escapes a
  leading `#`, and `dir/*` matches the files directly in `dir` only, not deeper ones.
* Owners are `@user`, `@org/team` or an email address; anything else is reported.
* A file of 3 MB or more is not used, as on GitHub ("CODEOWNERS files must be under 3 MB").

Nothing is skipped silently: every ignored line or owner becomes a `CodeownersProblem` with its line.

Patterns are matched with RE2 (`netgain.userpattern`): the paths come from the change under
review, and a backtracking engine is exponential on some patterns (`*a*a*a*a*b`). They are
compiled as RE2 sets the first time a path is looked up, so one pass over a path tests hundreds
of patterns. Email owners are checked by hand: the obvious regex is quadratic on long tokens.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from netgain.text import split_lines
from netgain.userpattern import PatternSet, UserPattern, compile_pattern, escape

SEARCH_ORDER = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
MAX_BYTES = 3 * 1024 * 1024
MAX_PATTERN = 4096  # characters; git's own paths are at most 4,096 bytes on Linux
_HANDLE = re.compile(r"@[A-Za-z0-9][A-Za-z0-9\-]*(?:/[A-Za-z0-9_.\-]+)?")  # disjoint: linear
_WILDCARDS = re.compile(r"([*?])")
_WILDCARD = {"*": "[^/]*", "?": "[^/]"}


@dataclass(frozen=True, slots=True)
class CodeownersProblem:
    line: int
    message: str


@dataclass(frozen=True, slots=True)
class CodeownersEntry:
    line: int
    pattern: str
    owners: tuple[str, ...]


@dataclass(slots=True)
class Codeowners:
    """Parsed CODEOWNERS; `owners_of(path)` applies GitHub's last-match-wins rule."""

    path: str | None = None
    entries: list[CodeownersEntry] = field(default_factory=list)
    problems: list[CodeownersProblem] = field(default_factory=list)
    _patterns: PatternSet | None = field(default=None, repr=False, compare=False)

    def match(self, path: str) -> CodeownersEntry | None:
        """The entry that decides `path` (the last one matching), or None."""
        if self._patterns is None:
            self._patterns = PatternSet([pattern_source(e.pattern) for e in self.entries])
        index = self._patterns.last_match(path)
        return self.entries[index] if index is not None else None

    def owners_of(self, path: str) -> tuple[str, ...]:
        entry = self.match(path)
        return entry.owners if entry is not None else ()


def _segment(seg: str) -> str:
    # literal runs are escaped whole: one RE2 call per character made a 3 MB file cost seconds
    return "".join(_WILDCARD.get(part) or escape(part) for part in _WILDCARDS.split(seg) if part)


def _valid_owner(owner: str) -> bool:
    """`@user`, `@org/team`, or an email (`x@y.z`: one `@`, a dot inside the domain).

    The email rule is checked by hand: as the regex `[^@]+@[^@]+\\.[^@]+$` it backtracks
    quadratically on a long token such as `a@.....@`.
    """
    if owner.startswith("@"):
        return _HANDLE.fullmatch(owner) is not None
    local, _, domain = owner.partition("@")
    return bool(local) and "@" not in domain and "." in domain[1:-1]


def pattern_regex(pattern: str) -> UserPattern:
    """One CODEOWNERS pattern as an RE2 regex over POSIX paths relative to the root."""
    return compile_pattern(pattern_source(pattern))


def pattern_source(pattern: str) -> str:
    """The RE2 source of one CODEOWNERS pattern (matched at the start of a path)."""
    directory = pattern.endswith("/")
    body = pattern.strip("/") if pattern != "/" else ""
    anchored = pattern.startswith("/") or "/" in body
    segments = [s for s in body.split("/") if s] if body else []
    parts: list[str] = []
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        if seg == "**":
            if last:
                parts.append(".*")
            else:
                parts.append("(?:.*/)?")
            continue
        parts.append(_segment(seg) + ("" if last else "/"))
    regex = "".join(parts)
    if not anchored:
        regex = "(?:.*/)?" + regex
    if segments and segments[-1] == "*" and len(segments) > 1:
        tail = ""  # `dir/*`: direct children only (GitHub's documented exception)
    elif segments and segments[-1] == "**":
        tail = ""
    elif directory:
        tail = "/.*"
    else:
        tail = "(?:/.*)?"
    if not segments:
        return r".*\z"
    return regex + tail + r"\z"


def parse_codeowners(text: str, path: str | None = None) -> Codeowners:
    """Parse CODEOWNERS text; unsupported lines and owners are reported, never silently used."""
    result = Codeowners(path=path)
    size = len(text.encode("utf-8", "surrogatepass"))
    if size >= MAX_BYTES:
        message = f"file is {size:,} bytes; GitHub ignores a CODEOWNERS of 3 MB or more, and so does netgain"
        result.problems.append(CodeownersProblem(1, message))
        return result
    for number, raw in enumerate(split_lines(text), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if " #" in line:
            line = line.split(" #", 1)[0].rstrip()
        tokens = line.split()
        pattern, owners = tokens[0], tokens[1:]
        if pattern.startswith("\\#"):
            pattern = pattern[1:]
        if len(pattern) > MAX_PATTERN:
            result.problems.append(
                CodeownersProblem(
                    number,
                    f"pattern of {len(pattern):,} characters is longer than any path; line ignored",
                )
            )
            continue
        if pattern.startswith("!"):
            result.problems.append(
                CodeownersProblem(
                    number, f"negated pattern {pattern!r} is not supported by GitHub; line ignored"
                )
            )
            continue
        if "[" in pattern or "]" in pattern:
            result.problems.append(
                CodeownersProblem(
                    number,
                    f"character range in {pattern!r} is not supported by GitHub; line ignored",
                )
            )
            continue
        if "\\" in pattern:
            result.problems.append(
                CodeownersProblem(
                    number, f"escape sequence in {pattern!r} is not supported; line ignored"
                )
            )
            continue
        valid: list[str] = []
        for owner in owners:
            if _valid_owner(owner):
                valid.append(owner)
            else:
                result.problems.append(
                    CodeownersProblem(
                        number, f"invalid owner {owner!r} (expected @user, @org/team or an email)"
                    )
                )
        result.entries.append(CodeownersEntry(number, pattern, tuple(valid)))
    return result


def load_codeowners(
    read: dict[str, bytes | None] | None = None,
    *,
    root: Path | None = None,
    explicit: str | None = None,
) -> Codeowners:
    """Find and parse CODEOWNERS from file contents (`read`: path -> bytes at head) or a work tree."""
    candidates: Sequence[str] = (explicit,) if explicit else SEARCH_ORDER
    for candidate in candidates:
        data: bytes | None = None
        if read is not None:
            data = read.get(candidate)
        elif root is not None and (root / candidate).is_file():
            data = (root / candidate).read_bytes()
        if data is not None:
            return parse_codeowners(data.decode("utf-8", "replace"), candidate)
    return Codeowners()
