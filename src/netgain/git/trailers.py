"""Commit trailers, parsed by git's own rules (trailer.c), reimplemented so no process is needed.

Provenance evidence such as `Co-Authored-By: Claude <noreply@anthropic.com>` is only evidence when
git itself would call it a trailer: a `Key: value` line in the middle of a body paragraph is prose,
not a trailer. The rules below mirror git 2.39's `trailer_info_get()` as used by
`%(trailers)` in `git log` (no `---` divider handling: a commit message is not a patch e-mail):

1. Trailing blank lines, comment lines (`#`), a scissors line and an old `Conflicts:` block at the end
   of the message are ignored.
2. The first paragraph is the title and never holds trailers.
3. Scanning upwards from the end, the trailer block is the last paragraph if it (a) consists only of
   trailer lines (and their continuation lines), or (b) contains a git-generated line
   (`Signed-off-by: ` or `(cherry picked from commit `) and at least 25% of its lines are trailers.
4. A trailer line is `token<sep>value` where the token is ASCII letters, digits and `-`, optionally
   followed by blanks; the only separator is `:`. A line starting with whitespace continues the
   previous trailer; values are unfolded (newline plus indentation becomes one space).
5. Lines in the block that are not `token: value` (such as the cherry-pick note) are not reported.
"""

from __future__ import annotations

import re

from netgain.git.model import Trailer

_SPACE = " \t\n\v\f\r"
_SPACE_CHARS = frozenset(_SPACE)
_GIT_GENERATED = ("Signed-off-by: ", "(cherry picked from commit ")
_SCISSORS = "# ------------------------ >8 ------------------------"
_SEPARATOR = re.compile(r"(?:[A-Za-z0-9-]+[ \t]*)?:")  # disjoint classes: linear, no backtracking


def parse_trailers(message: str) -> list[Trailer]:
    """Return the trailers of a commit message, as `git log --format=%(trailers:unfold)` would.

    Args:
        message: The full raw commit message (subject, body and trailers).

    Returns:
        The trailers in message order; keys and values are whitespace-trimmed, values unfolded.
    """
    if ":" not in message:  # every reported trailer needs a separator: skip the common case fast
        return []
    lines = message.split("\n")
    ends_with_newline = lines[-1] == ""
    if ends_with_newline:
        lines.pop()  # the text after a final newline is not a line
    end = _end_of_message(lines, ends_with_newline)
    start = _trailer_start(lines, end)
    if start >= end:
        return []
    return _parse_block(lines[start:end])


def _find_separator(line: str) -> int:
    """Index of the `:` ending a trailer token, or -1 (git's find_separator with separators ":").

    git walks the line: token characters, then (not at the start) blanks, then the `:`.
    """
    match = _SEPARATOR.match(line)
    return match.end() - 1 if match else -1


def _is_blank(line: str) -> bool:
    return not line.strip(_SPACE)


def _end_of_message(lines: list[str], ends_with_newline: bool) -> int:
    """Index after the last line that may hold trailers (git's ignore_non_trailer)."""
    cutoff = len(lines)
    for i, line in enumerate(lines):
        if line == _SCISSORS:
            cutoff = i
            break
    boc: int | None = None
    in_conflicts = False
    for i in range(cutoff):
        line = lines[i]
        if line.startswith("#") or line == "":
            if boc is None:
                boc = i
        elif line == "Conflicts:" and (i + 1 < len(lines) or ends_with_newline):
            in_conflicts = True
            if boc is None:
                boc = i
        elif in_conflicts and line.startswith("\t"):
            pass
        elif boc is not None:
            boc = None
            in_conflicts = False
    return boc if boc is not None else cutoff


def _trailer_start(lines: list[str], end: int) -> int:
    """Index of the first line of the trailer block, or `end` when there is none."""
    end_of_title = end
    for i in range(end):
        if lines[i].startswith("#"):
            continue
        if _is_blank(lines[i]):
            end_of_title = i
            break
    only_spaces = True
    recognized_prefix = False
    trailer_lines = non_trailer_lines = possible_continuation = 0
    for i in range(end - 1, end_of_title - 1, -1):
        line = lines[i]
        if line.startswith("#"):
            non_trailer_lines += possible_continuation
            possible_continuation = 0
            continue
        if _is_blank(line):
            if only_spaces:
                continue
            non_trailer_lines += possible_continuation
            if recognized_prefix and trailer_lines * 3 >= non_trailer_lines:
                return i + 1
            if trailer_lines and not non_trailer_lines:
                return i + 1
            return end
        only_spaces = False
        if line.startswith(_GIT_GENERATED):
            trailer_lines += 1
            possible_continuation = 0
            recognized_prefix = True
            continue
        first = line[0]
        if _find_separator(line) >= 1 and first not in _SPACE:
            trailer_lines += 1
            possible_continuation = 0
        elif first in _SPACE:
            possible_continuation += 1
        else:
            non_trailer_lines += 1 + possible_continuation
            possible_continuation = 0
    return end


def _parse_block(block: list[str]) -> list[Trailer]:
    """The trailers of the block; a line starting with whitespace continues the trailer above.

    Works on line indices and joins a folded value once: appending to a string per continuation
    line would copy the value each time (quadratic in a long folded value), and per-line objects
    cost garbage-collector time on a message of a million trailer lines.
    """
    out: list[Trailer] = []
    start = sep = -1  # the trailer line whose continuation lines may follow, and its separator
    for index in range(len(block) + 1):
        line = block[index] if index < len(block) else None
        if line is not None and start >= 0 and line[:1] in _SPACE_CHARS:
            continue
        if start >= 0 and not block[start].startswith("#"):
            first = block[start]
            value = first[sep + 1 :]
            if index > start + 1:
                value = " ".join(
                    [value, *(part.lstrip(_SPACE) for part in block[start + 1 : index])]
                )
            out.append(Trailer(first[:sep].strip(_SPACE), value.strip(_SPACE)))
        if line is None:
            break
        sep = _find_separator(line)
        start = index if sep >= 1 else -1
    return out
