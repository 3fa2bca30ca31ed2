"""AI review bots' comments, read from GitHub's own REST shapes (`netgain metrics --ai-review`).

Two list endpoints, pages or several pull requests concatenated, mixed freely in one file:

* review comments, `GET /repos/{o}/{r}/pulls/{n}/comments`: one object per inline comment, with
  `user {login, id, type}`, `path`, `original_commit_id` (the commit it was made on),
  `commit_id` (the newest commit it still applies to), `original_line` / `line` (RIGHT-side line
  numbers; `line` is null once the code changed: GitHub calls the comment outdated),
  `original_start_line` for a multi-line comment, `side`, `subject_type` (`line` | `file`),
  `in_reply_to_id` for a reply, and `pull_request_url`;
* reviews, `GET /repos/{o}/{r}/pulls/{n}/reviews`: `user`, `state`, `commit_id`, `body` and
  `pull_request_url` (a review summary names no line).

An entry that cannot be read is a note naming its file and line; the rest is used.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netgain.incidents.jsonpos import iter_pages
from netgain.incidents.records import read_export_text
from netgain.metrics.review_bots import ReviewBot, match_bot

_PR_URL = re.compile(r"/pulls?/([0-9]{1,12})(?:$|[/#?])")
_SHA = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")


@dataclass(frozen=True, slots=True)
class InlineComment:
    """One inline review comment (a bot's when `bot` is set)."""

    bot: str | None
    comment_id: int
    pr: int
    path: str
    original_commit: str | None
    first_line: int | None  # RIGHT-side lines at original_commit; None: LEFT side or file-level
    last_line: int | None
    outdated: bool  # GitHub's own signal: the commented code changed after the comment
    reply: bool
    where: str


@dataclass(frozen=True, slots=True)
class ReviewSummary:
    """One submitted review (its body names no line)."""

    bot: str | None
    pr: int
    state: str
    where: str


@dataclass(slots=True)
class ReviewExport:
    comments: list[InlineComment]
    reviews: list[ReviewSummary]
    notes: list[str]


class _EntryError(ValueError):
    pass


def _pr_number(entry: dict[str, Any]) -> int:
    url = entry.get("pull_request_url")
    match = _PR_URL.search(url) if isinstance(url, str) else None
    if match is None:
        raise _EntryError("pull_request_url does not name a pull request")
    return int(match.group(1))


def _line(entry: dict[str, Any], key: str) -> int | None:
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _EntryError(f"{key}: expected a positive line number, got {value!r}")
    return value


def _sha(entry: dict[str, Any], key: str) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not _SHA.fullmatch(value):
        raise _EntryError(f"{key}: expected a full commit id, got {value!r}")
    return value


def _comment(entry: dict[str, Any], bots: tuple[ReviewBot, ...], where: str) -> InlineComment:
    comment_id = entry.get("id")
    path = entry.get("path")
    if isinstance(comment_id, bool) or not isinstance(comment_id, int):
        raise _EntryError("id: expected an integer")
    if not isinstance(path, str) or not path:
        raise _EntryError("path: missing")
    last = _line(entry, "original_line")
    first = _line(entry, "original_start_line") or last
    right = entry.get("side", "RIGHT") in (None, "RIGHT")
    file_level = entry.get("subject_type") == "file"
    anchored = right and not file_level and last is not None
    current = _line(entry, "line")
    return InlineComment(
        bot=match_bot(entry.get("user"), bots),
        comment_id=comment_id,
        pr=_pr_number(entry),
        path=path,
        original_commit=_sha(entry, "original_commit_id"),
        first_line=min(first, last) if anchored and first and last else None,
        last_line=last if anchored else None,
        outdated=anchored and current is None,
        reply=entry.get("in_reply_to_id") is not None,
        where=where,
    )


def _review(entry: dict[str, Any], bots: tuple[ReviewBot, ...], where: str) -> ReviewSummary:
    state = entry.get("state")
    if not isinstance(state, str):
        raise _EntryError("state: missing")
    return ReviewSummary(match_bot(entry.get("user"), bots), _pr_number(entry), state, where)


def read_ai_review_exports(paths: Sequence[Path], bots: tuple[ReviewBot, ...]) -> ReviewExport:
    """Every inline comment and review in `paths`, and a note per entry that could not be used.

    Raises:
        UsageError: a file cannot be read or is not JSON arrays (the file and line are named).
    """
    out = ReviewExport([], [], [])
    for path in paths:
        for line, entry in iter_pages(read_export_text(path), str(path)):
            where = f"{path}:{line}"
            try:
                if not isinstance(entry, dict):
                    raise _EntryError("not an object")
                if "path" in entry or "original_commit_id" in entry or "diff_hunk" in entry:
                    out.comments.append(_comment(entry, bots, where))
                elif "state" in entry:
                    if entry["state"] != "PENDING":  # never submitted: not a review yet
                        out.reviews.append(_review(entry, bots, where))
                else:
                    raise _EntryError("neither a review comment nor a review")
            except _EntryError as exc:
                out.notes.append(f"ai-review: {where}: {exc}; entry skipped")
    return out
