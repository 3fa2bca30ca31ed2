"""Inline suppressions: `# netgain: ignore[RULE-ID] reason` (`// netgain: ignore[...]` or
`/* netgain: ignore[...] */` in JavaScript and TypeScript).

A suppression must say why. One without a reason does not suppress anything and is reported as a
note-level problem, so that "make the scanner quiet" never passes review unnoticed. The comment
applies to the line it trails, or, when it stands alone on its line, to the next line. Several rule
ids may be listed, separated by commas (`ignore[sql-injection, xss]`).
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from netgain.analysis.findings import Finding
from netgain.analysis.js.syntax import is_js_path, js_comments
from netgain.analysis.notebook import NotebookError, notebook_code
from netgain.analysis.problems import Problem, ProblemLevel
from netgain.analysis.source import read_text_inside
from netgain.text import split_lines

_MARKER = re.compile(
    r"(?:#|//|/\*)\s*netgain\s*:\s*ignore\s*\[(?P<ids>[^\]]*)\](?P<reason>.*?)(?:\*/)?$",
    re.IGNORECASE,
)
# Separators people put between the bracket and the reason: `ignore[x] -- reason`, `ignore[x]: why`.
_REASON_LEAD = " \t:;,-\u2013\u2014"


@dataclass(frozen=True, slots=True)
class InlineSuppression:
    """One parsed suppression comment.

    `line` is the comment's own line; `target` is the line whose findings it suppresses.
    """

    line: int
    target: int
    rule_ids: frozenset[str]
    reason: str


def _comments(text: str) -> list[tuple[int, int, str]]:
    """(line, column, comment text) of every comment, via tokenize so strings are never mistaken.

    Falls back to a plain line scan when the file does not tokenize (such a file is reported as
    unparsed by the analyzer anyway, but imported findings may still point into it).
    """
    found: list[tuple[int, int, str]] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text, newline=None).readline):
            if tok.type == tokenize.COMMENT:
                found.append((tok.start[0], tok.start[1], tok.string))
    # SystemError: CPython 3.12's tokenize raises it, wrapping the SyntaxError, on a NUL byte
    except (tokenize.TokenError, SyntaxError, ValueError, SystemError):
        found = []
        for number, line in enumerate(split_lines(text), start=1):
            index = line.find("#")
            if index >= 0:
                found.append((number, index, line[index:]))
    return found


def parse_suppressions(text: str, path: str = "") -> list[InlineSuppression]:
    """Every `# netgain: ignore[...]` comment in a source text, reasons included (possibly empty).

    `path` decides the comment syntax: a JavaScript / TypeScript file's comments come from its
    syntax tree (a `#` or `//` inside a string is never one).
    """
    place = None
    if path.endswith(".ipynb"):  # the comments of the code cells, on the notebook's JSON lines
        try:
            code = notebook_code(text)
        except NotebookError:
            return []
        text, place = code.text, code.json_line
    lines = split_lines(text)
    result: list[InlineSuppression] = []
    comments = js_comments(text, path) if is_js_path(path) else _comments(text)
    for number, column, comment in comments:
        match = _MARKER.search(comment)
        if match is None:
            continue
        ids = frozenset(
            part.strip().lower() for part in match.group("ids").split(",") if part.strip()
        )
        reason = match.group("reason").strip().lstrip(_REASON_LEAD).strip()
        own_line = lines[number - 1] if number - 1 < len(lines) else ""
        standalone = not own_line[:column].strip()
        target = number + 1 if standalone else number
        if place is not None:
            result.append(InlineSuppression(place(number), place(target), ids, reason))
        else:
            result.append(InlineSuppression(number, target, ids, reason))
    return result


def _matches(rule_ids: frozenset[str], finding: Finding) -> bool:
    rule = finding.rule_id.lower()
    return rule in rule_ids or f"{finding.tool.lower()}:{rule}" in rule_ids


def covers(item: InlineSuppression, finding: Finding) -> bool:
    """Whether a reasoned suppression applies to `finding` (its rule, a line of its sink)."""
    start = finding.location.line
    end = max(start, finding.location.end_line or start)
    return bool(item.reason) and start <= item.target <= end and _matches(item.rule_ids, finding)


def apply_inline_suppressions(findings: Iterable[Finding], root: Path) -> list[Problem]:
    """Mark findings covered by a reasoned inline suppression; return the problems found.

    Only files that carry at least one finding are read. A finding spanning several lines (a call
    split over lines) is covered by a suppression targeting any line of its sink.
    """
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.location.path, []).append(finding)
    problems: list[Problem] = []
    for path in sorted(by_path):
        text = read_text_inside(root, path)
        if text is None or "netgain" not in text:
            continue
        parsed = parse_suppressions(text, path)
        for item in parsed:
            if not item.reason:
                problems.append(
                    Problem(
                        kind="suppression-without-reason",
                        level=ProblemLevel.NOTE,
                        message=(
                            f"suppression of {', '.join(sorted(item.rule_ids)) or 'nothing'} has no "
                            "reason and does not apply: write `# netgain: ignore[RULE-ID] why`"
                        ),
                        path=path,
                        line=item.line,
                    )
                )
        for finding in by_path[path]:
            if finding.suppressed is not None:
                continue
            for item in parsed:
                if covers(item, finding):
                    finding.suppressed = item.reason
                    finding.suppression_kind = "inSource"
                    break
    return problems
