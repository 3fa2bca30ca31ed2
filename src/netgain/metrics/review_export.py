"""Review exports for the review-load metric (`netgain metrics --reviews FILE`, repeatable).

Two shapes, mixed freely in one array or across files:

* netgain's PR list: `{"number": 12, "merged_at": ..., "commits": [...], "reviews": [...]}`
  (docs/metrics.md "Review export"), where a review has `reviewer` (or `user.login`), optional
  `role`, `submitted_at` and `hours`;
* GitHub's list-reviews response (`GET /repos/{o}/{r}/pulls/{n}/reviews`, pages or several PRs
  concatenated): review objects with `user.login`, `state`, `submitted_at` and `pull_request_url`,
  which names the PR. A `PENDING` review (never submitted) is not review work yet and is noted.

An entry that cannot be read is a note naming its file and line; the rest is used.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from netgain.incidents.jsonpos import iter_pages
from netgain.incidents.records import MAX_PROBLEMS, read_export_text
from netgain.metrics.inputs import PullRequest, Review

_PR_URL = re.compile(r"/pulls?/([0-9]{1,12})(?:$|[/#?])")  # ASCII digits: int() takes '٣' too


class _EntryError(ValueError):
    """One entry cannot be read."""


def _time(value: Any, what: str) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise _EntryError(f"{what}: expected an ISO 8601 date, got {value!r}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _EntryError(f"{what}: invalid date {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _login(review: dict[str, Any]) -> str:
    user = review.get("user")
    login = review.get("reviewer") or (user.get("login") if isinstance(user, dict) else None)
    if not isinstance(login, str) or not login:
        raise _EntryError("needs 'reviewer' or user.login (a deleted account has user: null)")
    return login


def _netgain_review(review: Any, where: str) -> Review:
    if not isinstance(review, dict):
        raise _EntryError(f"{where}: not an object")
    try:
        reviewer = _login(review)
    except _EntryError as exc:
        raise _EntryError(f"{where}: {exc}") from None
    hours = review.get("hours")
    if hours is not None and (
        isinstance(hours, bool) or not isinstance(hours, int | float) or hours < 0
    ):
        raise _EntryError(f"{where}: 'hours' must be a non-negative number")
    role = review.get("role") if review.get("role") in ("senior", "other") else "other"
    return Review(
        reviewer,
        _time(review.get("submitted_at"), where),
        str(role),
        float(hours) if hours is not None else None,
    )


def _list(entry: dict[str, Any], key: str, where: str) -> list[Any]:
    value = entry.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _EntryError(f"{where}: {key!r} must be a list, not {type(value).__name__}")
    return value


def _netgain_pr(entry: dict[str, Any], where: str) -> PullRequest:
    number = entry.get("number")
    if isinstance(number, bool) or not isinstance(number, int):
        raise _EntryError(f"{where}: needs an integer 'number'")
    reviews = tuple(
        _netgain_review(r, f"{where} review {i}")
        for i, r in enumerate(_list(entry, "reviews", where))
    )
    author = entry.get("author")
    return PullRequest(
        number=number,
        merged_at=_time(entry.get("merged_at"), where),
        created_at=_time(entry.get("created_at"), where),
        author=author if isinstance(author, str) else None,
        commits=tuple(c for c in _list(entry, "commits", where) if isinstance(c, str)),
        labels=tuple(x for x in _list(entry, "labels", where) if isinstance(x, str)),
        is_feature=bool(entry.get("feature", False)),
        reviews=reviews,
    )


def _github_review(entry: dict[str, Any]) -> tuple[int, Review] | None:
    """(PR number, review) of a GitHub review object; None for a pending (unsubmitted) one."""
    url = entry.get("pull_request_url")
    links = entry.get("_links")
    if not isinstance(url, str) and isinstance(links, dict):
        href = links.get("pull_request")
        url = href.get("href") if isinstance(href, dict) else None
    match = _PR_URL.search(url) if isinstance(url, str) else None
    if match is None:
        raise _EntryError("pull_request_url does not name a pull request")
    reviewer = _login(entry)
    if entry.get("state") == "PENDING":
        return None
    return int(match.group(1)), Review(
        reviewer, _time(entry.get("submitted_at"), "submitted_at"), "other"
    )


def _limit(notes: list[str], path: Path) -> Callable[[int], bool]:
    """Stop reading a file once it made MAX_PROBLEMS notes (see `problem_limit`)."""
    limit = len(notes) + MAX_PROBLEMS

    def reached(line: int) -> bool:
        if len(notes) < limit:
            return False
        notes.append(f"{path}:{line}: stopped reading here after {MAX_PROBLEMS:,} unusable entries")
        return True

    return reached


def read_review_exports(paths: Sequence[Path]) -> tuple[list[PullRequest], list[str]]:
    """Every PR with reviews found in `paths`, and a note per entry that could not be used.

    Raises:
        UsageError: a file cannot be read or is not a JSON array.
    """
    prs: dict[int, PullRequest] = {}
    github: dict[int, list[Review]] = defaultdict(list)
    notes: list[str] = []
    for path in paths:
        text = read_export_text(path)
        for index, (line, entry) in enumerate(
            iter_pages(text, str(path), stop=_limit(notes, path))
        ):
            where = f"{path}:{line}: entry {index}"
            try:
                if not isinstance(entry, dict):
                    raise _EntryError("not an object")
                if "number" not in entry and ("pull_request_url" in entry or "state" in entry):
                    found = _github_review(entry)
                    if found is None:
                        notes.append(f"{where}: pending review (not submitted) not counted")
                    else:
                        github[found[0]].append(found[1])
                    continue
                pr = _netgain_pr(entry, f"{path}:{line}: entry {index}")
            except _EntryError as exc:
                message = str(exc)
                notes.append(message if message.startswith(f"{path}:") else f"{where}: {message}")
                continue
            known = prs.get(pr.number)
            if known is not None:
                pr = pr.filled_from(known, known.reviews + pr.reviews)
            prs[pr.number] = pr
    for number, reviews in github.items():
        known = prs.get(number)
        prs[number] = (
            PullRequest(number, None, reviews=tuple(reviews))
            if known is None
            else PullRequest(
                number,
                known.merged_at,
                known.created_at,
                known.author,
                known.commits,
                known.labels,
                known.is_feature,
                known.reviews + tuple(reviews),
            )
        )
    return sorted(prs.values(), key=lambda p: p.number), notes
