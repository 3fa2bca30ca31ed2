"""CODEOWNERS with GitHub's semantics.

* The file is the first of `.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS` (GitHub's order).
* The last matching pattern wins; a pattern with no owners makes its paths unowned.
* Patterns follow gitignore rules with GitHub's exceptions: `!` negation and `[...]` character
  ranges are not supported (those lines are reported and ignored, as GitHub does), `\\#` escapes a
  leading `#`, and `dir/*` matches the files directly in `dir` only, not deeper ones.
* Owners are `@user`, `@org/team` or an email address; anything else is reported.

Nothing is skipped silently: every ignored line or owner becomes a `CodeownersProblem` with its line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

SEARCH_ORDER = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
_OWNER = re.compile(
    r"^@[A-Za-z0-9](?:[A-Za-z0-9\-]*)(?:/[A-Za-z0-9_.\-]+)?$|^[^@\s]+@[^@\s]+\.[^@\s]+$"
)


@dataclass(frozen=True, slots=True)
class CodeownersProblem:
    line: int
    message: str


@dataclass(frozen=True, slots=True)
class CodeownersEntry:
    line: int
    pattern: str
    owners: tuple[str, ...]
    regex: re.Pattern[str]


@dataclass(slots=True)
class Codeowners:
    """Parsed CODEOWNERS; `owners_of(path)` applies GitHub's last-match-wins rule."""

    path: str | None = None
    entries: list[CodeownersEntry] = field(default_factory=list)
    problems: list[CodeownersProblem] = field(default_factory=list)

    def match(self, path: str) -> CodeownersEntry | None:
        """The entry that decides `path` (the last one matching), or None."""
        for entry in reversed(self.entries):
            if entry.regex.match(path):
                return entry
        return None

    def owners_of(self, path: str) -> tuple[str, ...]:
        entry = self.match(path)
        return entry.owners if entry is not None else ()


def _segment(seg: str) -> str:
    out = []
    for ch in seg:
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """Translate one CODEOWNERS pattern to a regex over POSIX paths relative to the root."""
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
        return re.compile(r".*\Z")
    return re.compile(regex + tail + r"\Z")


def parse_codeowners(text: str, path: str | None = None) -> Codeowners:
    """Parse CODEOWNERS text; unsupported lines and owners are reported, never silently used."""
    result = Codeowners(path=path)
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if " #" in line:
            line = line.split(" #", 1)[0].rstrip()
        tokens = line.split()
        pattern, owners = tokens[0], tokens[1:]
        if pattern.startswith("\\#"):
            pattern = pattern[1:]
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
            if _OWNER.match(owner):
                valid.append(owner)
            else:
                result.problems.append(
                    CodeownersProblem(
                        number, f"invalid owner {owner!r} (expected @user, @org/team or an email)"
                    )
                )
        result.entries.append(
            CodeownersEntry(number, pattern, tuple(valid), pattern_regex(pattern))
        )
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
