"""Is AI review worth it? What each review bot's comments led to, from the team's own history.

For each bot (and, as the baseline, human reviewers):

* **comments that led to a change**: the commented lines (`original_line`, with
  `original_start_line` for a range, at `original_commit_id`) were changed or removed by the
  time the pull request ended (its `refs/pull/N/head`, else its last landed commit): one
  `git diff -U0` per (commit, end, path). Without the commit in the clone, GitHub's own signal is
  used: a comment whose `line` is null is outdated, its code changed (method `github-outdated`).
* **defects and findings on commented lines against the others**: the lines the pull request
  landed (the added lines of its commits as the history holds them: the squash commit, or the
  merged commits) are split into those the bot commented on and those it did not, in the pull
  requests the bot reviewed. A commented line is found among them by its text (the nearest line
  with the same stripped text in the same file); a line changed after the comment did not land as
  commented and is not counted. A line is a defect line when SZZ blamed a later fix on it
  (`szz_links.inducing_lines`), a finding line when netgain's scanner flags it at HEAD and blame
  leads back to it. Rates are per line with Wilson intervals (lines of one file are not
  independent: read the intervals as optimistic).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from netgain import git
from netgain.git.model import GitProblem
from netgain.metrics.ai_review_export import InlineComment, ReviewExport
from netgain.metrics.collect import szz_variant
from netgain.metrics.stats import proportion
from netgain.store.outcome_models import SzzLink

HUMAN = "human reviewers"
_HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@", re.M)

LineKey = tuple[str, str, int]  # (commit, path as that commit has it, line number there)


@dataclass(slots=True)
class _Tally:
    comments: int = 0
    replies: int = 0
    reviews: int = 0
    prs: set[int] = field(default_factory=set)
    anchored: int = 0
    changed: int = 0
    methods: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    landed_comments: int = 0
    commented: set[LineKey] = field(default_factory=set)


def load_szz_lines(engine: Engine, repository_id: int) -> set[LineKey] | None:
    """Lines SZZ blamed a later fix on (the preferred variant); None when SZZ never ran."""
    with Session(engine) as session:
        variant = szz_variant(session, repository_id)
        if variant is None:
            return None
        rows = session.execute(
            select(SzzLink.inducing_sha, SzzLink.inducing_path, SzzLink.inducing_lines).where(
                SzzLink.repository_id == repository_id, SzzLink.variant == variant
            )
        )
        return {(sha, path, int(n)) for sha, path, lines in rows for n in lines}


def finding_lines(root: Path, head: str, paths: Iterable[str]) -> tuple[set[LineKey], list[str]]:
    """Lines netgain's scanner flags at the work tree, blamed back to the commit that wrote them."""
    from netgain.analysis.options import ScanOptions
    from netgain.analysis.scanner import scan

    present = sorted(p for p in set(paths) if p.endswith(".py") and (root / p).is_file())
    if not present:
        return set(), []
    result = scan([root / p for p in present], root=root, options=ScanOptions())
    flagged: dict[str, set[int]] = defaultdict(set)
    for finding in result.findings:
        if finding.suppressed is None:
            flagged[finding.location.path].add(finding.location.line)
    problems = [f"{u.path}: {u.reason}" for u in result.unparsed]
    found: set[LineKey] = set()
    for path, blamed in git.blame_files(root, head, sorted(flagged)):
        if isinstance(blamed, GitProblem):
            problems.append(f"{path}: {blamed.message}")
            continue
        for line in blamed:
            if line.final_line in flagged[path]:
                found.add((line.sha, line.orig_path, line.orig_line))
    return found, problems


class _Repo:
    """Cached git reads: file texts, diffs and pull-request ends."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._texts: dict[tuple[str, str], list[str] | None] = {}
        self._changed: dict[tuple[str, str, str], set[int] | None] = {}

    def has(self, sha: str | None) -> bool:
        return sha is not None and git.object_exists(self.root, f"{sha}^{{commit}}")

    def lines(self, sha: str, path: str) -> list[str] | None:
        key = (sha, path)
        if key not in self._texts:
            try:
                data = git.read_blob(self.root, sha, path)
            except git.GitProblemError:
                data = None
            self._texts[key] = (
                None if data is None else data.decode("utf-8", "replace").splitlines()
            )
        return self._texts[key]

    def changed_lines(self, start: str, end: str, path: str) -> set[int] | None:
        """Old-side lines of `path` that `start..end` changed; None when `end` lacks the file."""
        key = (start, end, path)
        if key not in self._changed:
            if self.lines(end, path) is None:
                self._changed[key] = None
            else:
                out = git.run_git(
                    self.root, "diff", "-U0", "--no-color", "--no-ext-diff", start, end, "--", path
                )
                changed: set[int] = set()
                for match in _HUNK.finditer(out):
                    first, count = int(match.group(1)), int(match.group(2) or 1)
                    changed.update(range(first, first + count))
                self._changed[key] = changed
        return self._changed[key]


def _pr_end(repo: _Repo, number: int, landed: Sequence[str]) -> str | None:
    head = git.rev_parse(repo.root, f"refs/pull/{number}/head")
    if head:
        return head
    present = [sha for sha in landed if repo.has(sha)]
    if not present:
        return None
    newest = git.run_git(repo.root, "rev-list", "--no-walk", "--date-order", *present)
    return newest.decode().split()[0]


def _landed_lines(repo: _Repo, shas: Sequence[str]) -> dict[LineKey, str]:
    """Added lines of the landed commits with their stripped text."""
    present = [sha for sha in shas if repo.has(sha)]
    out: dict[LineKey, str] = {}
    if not present:
        return out
    for sha, diffs in git.iter_commit_diffs(repo.root, present):
        for diff in diffs:
            if diff.is_binary or not diff.added:
                continue
            text = repo.lines(sha, diff.path) or []
            for run in diff.added:
                for n in range(run.start, run.end + 1):
                    if n <= len(text):
                        out[(sha, diff.path, n)] = text[n - 1].strip()
    return out


def _locate(
    comment: InlineComment, repo: _Repo, landed: Mapping[LineKey, str], end: str | None
) -> set[LineKey]:
    """The landed lines a comment was about, found by text (see the module docstring).

    With merged (not squashed) commits, a line the PR changed later still stands in the commit
    that first added it: a text the PR's end no longer holds did not land as commented.
    """
    if comment.original_commit is None or comment.first_line is None or comment.last_line is None:
        return set()
    text = repo.lines(comment.original_commit, comment.path)
    if text is None:
        return set()
    final = repo.lines(end, comment.path) if end is not None else None
    still = {line.strip() for line in final} if final is not None else None
    found: set[LineKey] = set()
    for n in range(comment.first_line, comment.last_line + 1):
        if n > len(text) or not text[n - 1].strip():
            continue
        wanted = text[n - 1].strip()
        if still is not None and wanted not in still:
            continue
        same = [k for k, t in landed.items() if k[1] == comment.path and t == wanted]
        if same:
            found.add(min(same, key=lambda k: (abs(k[2] - n), k)))
    return found


def _led_to_change(
    comment: InlineComment, lines: range, repo: _Repo, end: str | None
) -> tuple[bool, str]:
    """Whether the commented lines changed by the pull request's end, and how it was told."""
    if (
        end is not None
        and comment.original_commit is not None
        and repo.has(comment.original_commit)
    ):
        changed = repo.changed_lines(comment.original_commit, end, comment.path)
        if changed is None:
            return True, "git"
        return any(n in changed for n in lines), "git"
    return comment.outdated, "github-outdated"


def _rate(hits: int, lines: int, min_sample: int) -> dict[str, Any]:
    return {
        "hits": hits,
        "lines": lines,
        **proportion(hits, lines, min_sample=min_sample).to_dict(),
    }


def ai_review_section(
    root: Path,
    export: ReviewExport,
    landed_by_pr: Mapping[int, Sequence[str]],
    *,
    szz_lines: set[LineKey] | None,
    findings: set[LineKey] | None,
    min_sample: int,
) -> dict[str, Any]:
    """The `ai_review` section of `netgain metrics --json` (see the module docstring)."""
    repo = _Repo(root)
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    ends: dict[int, str | None] = {}
    landed: dict[int, dict[LineKey, str]] = {}
    for review in export.reviews:
        tally = tallies[review.bot or HUMAN]
        tally.reviews += 1
        tally.prs.add(review.pr)
    for comment in export.comments:
        tally = tallies[comment.bot or HUMAN]
        tally.prs.add(comment.pr)
        if comment.reply:
            tally.replies += 1
            continue
        tally.comments += 1
        if comment.first_line is None or comment.last_line is None:
            continue
        tally.anchored += 1
        if comment.pr not in ends:
            shas = landed_by_pr.get(comment.pr, ())
            ends[comment.pr] = _pr_end(repo, comment.pr, shas)
            landed[comment.pr] = _landed_lines(repo, shas)
        lines = range(comment.first_line, comment.last_line + 1)
        changed, method = _led_to_change(comment, lines, repo, ends[comment.pr])
        tally.changed += changed
        tally.methods[method] += 1
        located = _locate(comment, repo, landed[comment.pr], ends[comment.pr])
        tally.landed_comments += bool(located)
        tally.commented |= located
    bots = []
    for name, tally in sorted(tallies.items(), key=lambda kv: (kv[0] == HUMAN, kv[0])):
        reviewed: set[LineKey] = set()
        for pr in tally.prs:
            if pr not in landed:
                landed[pr] = _landed_lines(repo, landed_by_pr.get(pr, ()))
            reviewed |= landed[pr].keys()
        others = reviewed - tally.commented
        entry: dict[str, Any] = {
            "reviewer": name,
            "bot": name != HUMAN,
            "comments": tally.comments,
            "replies": tally.replies,
            "reviews": tally.reviews,
            "pull_requests": len(tally.prs),
            "line_comments": tally.anchored,
            "led_to_change": {
                **_rate(tally.changed, tally.anchored, min_sample),
                "method": dict(sorted(tally.methods.items())),
            },
            "comments_on_landed_lines": tally.landed_comments,
            "lines": {"commented": len(tally.commented), "not_commented": len(others)},
        }
        for key, marked in (("defects", szz_lines), ("findings", findings)):
            if marked is None:
                entry[key] = {"status": "not measured"}
                continue
            entry[key] = {
                "commented": _rate(len(tally.commented & marked), len(tally.commented), min_sample),
                "not_commented": _rate(len(others & marked), len(others), min_sample),
            }
        bots.append(entry)
    return {
        "reviewers": bots,
        "comments_read": len(export.comments),
        "reviews_read": len(export.reviews),
        "pull_requests_without_landed_commits": sorted(
            {c.pr for c in export.comments} - {pr for pr, shas in landed_by_pr.items() if shas}
        ),
        "method": "see docs/metrics.md 'Is AI review worth it?'",
        "notes": list(export.notes),
    }
