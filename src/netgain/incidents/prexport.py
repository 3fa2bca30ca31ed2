"""Pull request exports: GitHub's and GitLab's REST JSON, read into plain records.

| format | file                                                                             |
|--------|----------------------------------------------------------------------------------|
| github | `GET /repos/{owner}/{repo}/pulls?state=all`, pages concatenated into one array   |
| gitlab | `GET /projects/{id}/merge_requests?state=all`, pages concatenated into one array |

Only merged pull requests are records: the `pull_requests` table describes what shipped. Open and
closed-unmerged ones are counted as skipped with their line, never dropped silently; a record that
cannot be read is a problem naming its file and line, and the rest of the file is still read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from netgain.errors import UsageError
from netgain.incidents.jsonpos import iter_pages
from netgain.incidents.records import (
    ImportProblem,
    RecordError,
    label_names,
    parse_time,
    problem_limit,
    read_export_text,
    text_or_none,
)

PR_FORMATS = ("github", "gitlab")
_HEX = frozenset("0123456789abcdef")


@dataclass(slots=True)
class PullRequestRecord:
    """One merged pull request (or GitLab merge request) as the export describes it."""

    number: int
    title: str
    merged_at: datetime
    merge_sha: str | None  # the commit that landed it on the base branch (merge, squash, rebase)
    body: str = ""
    labels: list[str] = field(default_factory=list)
    author_login: str | None = None
    created_at: datetime | None = None
    head_sha: str | None = None
    head_ref: str | None = None
    base_ref: str | None = None
    url: str | None = None
    line: int = 0


@dataclass(slots=True)
class PullRequestExport:
    """What one export file held: merged PRs, unreadable records, and unmerged ones skipped."""

    source: str  # github | gitlab
    records: list[PullRequestRecord] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    skipped: list[ImportProblem] = field(default_factory=list)


def _number(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise RecordError(f"{what}: missing or not a positive integer")
    return value


def _sha(value: Any, what: str) -> str | None:
    text = text_or_none(value, what)
    if text is None:
        return None
    low = text.lower()
    if len(low) not in (40, 64) or not set(low) <= _HEX:
        raise RecordError(f"{what}: {text!r} is not a full commit id")
    return low


def _login(value: Any, what: str, key: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise RecordError(f"{what}: expected an object with a {key}")
    return text_or_none(value.get(key), f"{what}.{key}")


def _ref(value: Any, what: str) -> tuple[str | None, str | None]:
    """(ref, sha) of a GitHub `head` / `base` object."""
    if value is None:
        return None, None
    if not isinstance(value, dict):
        raise RecordError(f"{what}: expected an object with ref and sha")
    return text_or_none(value.get("ref"), f"{what}.ref"), _sha(value.get("sha"), f"{what}.sha")


_LABEL_ERROR = "labels: each label must be a name or an object with a name"


def _merge_time(
    entry: dict[str, Any], merged_at: datetime | None, created_at: datetime | None
) -> datetime | str:
    """When a PR/MR merged, or why it is skipped: the same rule for GitHub and GitLab.

    Raises:
        RecordError: it merged before it was created.
    """
    if merged_at is None:
        state = text_or_none(entry.get("state"), "state") or "unknown"
        return f"not merged (state {state})"
    if created_at is not None and merged_at < created_at:
        raise RecordError("merged_at is before created_at")
    return merged_at


def _github(pr: dict[str, Any], line: int) -> PullRequestRecord | str:
    """A record, or the reason a valid PR is skipped (not merged)."""
    number = _number(pr.get("number"), "number")
    title = text_or_none(pr.get("title"), "title") or ""
    merged_at = parse_time(pr.get("merged_at"), "merged_at")
    created_at = parse_time(pr.get("created_at"), "created_at")
    head_ref, head_sha = _ref(pr.get("head"), "head")
    base_ref, _ = _ref(pr.get("base"), "base")
    labels = label_names(pr.get("labels"), item_error=_LABEL_ERROR)
    merged = _merge_time(pr, merged_at, created_at)
    if isinstance(merged, str):
        return merged
    return PullRequestRecord(
        number=number,
        title=title,
        merged_at=merged,
        merge_sha=_sha(pr.get("merge_commit_sha"), "merge_commit_sha"),
        body=text_or_none(pr.get("body"), "body") or "",
        labels=labels,
        author_login=_login(pr.get("user"), "user", "login"),
        created_at=created_at,
        head_sha=head_sha,
        head_ref=head_ref,
        base_ref=base_ref,
        url=text_or_none(pr.get("html_url"), "html_url"),
        line=line,
    )


def _gitlab(mr: dict[str, Any], line: int) -> PullRequestRecord | str:
    number = _number(mr.get("iid"), "iid")
    title = text_or_none(mr.get("title"), "title") or ""
    merged_at = parse_time(mr.get("merged_at"), "merged_at")
    created_at = parse_time(mr.get("created_at"), "created_at")
    labels = label_names(mr.get("labels"), item_error=_LABEL_ERROR)
    head_sha = _sha(mr.get("sha"), "sha")
    # A squash merge lands `squash_commit_sha` and then (without fast-forward) a merge commit;
    # the merge commit is the one on the target branch's first-parent line.
    # A fast-forward merge records neither: the head commit itself is what landed.
    merge_sha = (
        _sha(mr.get("merge_commit_sha"), "merge_commit_sha")
        or _sha(mr.get("squash_commit_sha"), "squash_commit_sha")
        or head_sha
    )
    merged = _merge_time(mr, merged_at, created_at)
    if isinstance(merged, str):
        return merged
    return PullRequestRecord(
        number=number,
        title=title,
        merged_at=merged,
        merge_sha=merge_sha,
        body=text_or_none(mr.get("description"), "description") or "",
        labels=labels,
        author_login=_login(mr.get("author"), "author", "username"),
        created_at=created_at,
        head_sha=head_sha,
        head_ref=text_or_none(mr.get("source_branch"), "source_branch"),
        base_ref=text_or_none(mr.get("target_branch"), "target_branch"),
        url=text_or_none(mr.get("web_url"), "web_url"),
        line=line,
    )


def parse_pull_requests(text: str, name: str, fmt: str) -> PullRequestExport:
    """Read a PR export given as text; `name` is used in messages.

    Raises:
        UsageError: the text is not JSON, not an array, or `fmt` is unknown.
    """
    if fmt not in PR_FORMATS:
        raise UsageError(f"unknown pull request format {fmt!r} (choose from github, gitlab)")
    reader = _github if fmt == "github" else _gitlab
    result = PullRequestExport(fmt)
    seen: dict[int, int] = {}
    for line, entry in iter_pages(text, name, stop=problem_limit(result.problems, name)):
        if not isinstance(entry, dict):
            result.problems.append(ImportProblem(name, line, "expected a pull request object"))
            continue
        ident = entry.get("number" if fmt == "github" else "iid")
        who = str(ident) if isinstance(ident, int) and not isinstance(ident, bool) else None
        try:
            record = reader(entry, line)
        except RecordError as exc:
            result.problems.append(ImportProblem(name, line, str(exc), who))
            continue
        if isinstance(record, str):
            result.skipped.append(ImportProblem(name, line, record, who))
            continue
        if record.number in seen:
            result.problems.append(
                ImportProblem(
                    name,
                    line,
                    f"duplicate number (also on line {seen[record.number]}); the later one wins",
                    who,
                )
            )
            result.records = [r for r in result.records if r.number != record.number]
        seen[record.number] = line
        result.records.append(record)
    return result


def detect_pr_format(text: str) -> str:
    """github or gitlab from the first record's keys (GitLab merge requests carry `iid`)."""
    head = text.lstrip()[:20000]
    return "gitlab" if '"iid"' in head and '"web_url"' in head else "github"


def read_pull_requests(path: Path, fmt: str | None = None) -> PullRequestExport:
    """Read a PR export file (format guessed when None).

    Raises:
        UsageError: unreadable file, not UTF-8, not a JSON array, unknown format.
    """
    text = read_export_text(path)
    return parse_pull_requests(text, str(path), (fmt or detect_pr_format(text)).lower())
