"""Who owns the understanding of code in design-doc zones (issue 18 item 2).

Three answers, all read from the base branch's history and the policy at base:

* the author's checklist: a rule with `author_attests = true` needs every `[comprehension]
  checklist` item ticked (`- [x] ...`) in the PR description. The ticks are the author's own
  words, so they satisfy that requirement and nothing else: they are not a fact a rule condition
  can read, and they never lift another requirement;
* the reviewer of record: one accountable reviewer named in the decision, the approver of the
  highest tier that approved (owner, then senior, then any), never the author;
* comprehension risk per file the change touches in a design-doc zone: the AI-written lines at
  base (blame through each commit's attribution), whose author has left (no commit in
  `left_after_days` before the base commit) or barely knew the area (fewer than
  `familiar_commits` earlier commits to the file's folder), and how many people have touched the
  file since (commit authors) or reviewed it (`Reviewed-by:`/`Approved-by:` trailers).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from netgain import git
from netgain.errors import GitError
from netgain.git.blame import blame_file
from netgain.history.queries import CommitProvenance
from netgain.history.share import LineClassifier
from netgain.policy.familiarity import commit_authors_and_reviewers
from netgain.policy.people import norm
from netgain.policy.schema import Comprehension

if TYPE_CHECKING:
    from pathlib import Path

    from netgain.policy.evaluate import Decision

MAX_BODY = 65_536
MAX_FILES = 20  # zone files whose history is read per change (proportional cost)
MAX_AI_COMMITS = 10  # AI-writing commits examined per file, those with the most lines first
_TICKED = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\[[xX]\]\s+(.+?)\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
TIER_ORDER = ("owner", "senior")  # reviewer of record: these tiers first, then any approval


def normalise_item(text: str) -> str:
    """A checklist item as compared (PR ticks, the floor): case, runs of spaces and a final
    full stop do not matter."""
    return " ".join(text.lower().split()).rstrip(".;:!")


@dataclass(slots=True)
class Checklist:
    """The `[comprehension] checklist` against the ticked boxes of the PR description."""

    items: list[str]
    ticked: list[str]
    missing: list[str]

    @property
    def satisfied(self) -> bool:
        return not self.missing

    def to_dict(self, required: bool) -> dict[str, Any]:
        return {
            "required": required,
            "satisfied": self.satisfied,
            "items": self.items,
            "ticked": self.ticked,
            "missing": self.missing,
        }


def read_checklist(body: str, items: Sequence[str]) -> Checklist:
    """Which checklist items the description ticks: `- [x] item` lines outside code blocks,
    compared ignoring case, runs of spaces and a final full stop."""
    ticked_lines: set[str] = set()
    fenced = False
    for line in body[:MAX_BODY].splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else _TICKED.match(line)
        if match:
            ticked_lines.add(normalise_item(match.group(1)))
    ticked = [item for item in items if normalise_item(item) in ticked_lines]
    missing = [item for item in items if normalise_item(item) not in ticked_lines]
    return Checklist(list(items), ticked, missing)


@dataclass(slots=True)
class ReviewerOfRecord:
    """The one reviewer accountable for the change's comprehension, or who is still awaited."""

    login: str | None
    rule: str | None
    tier: str | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"login": self.login, "rule": self.rule, "tier": self.tier, "reason": self.reason}


def reviewer_of_record(decision: Decision, author: str | None) -> ReviewerOfRecord:
    """The approver of the highest tier that approved; else who the highest tier awaits."""
    author_norm = norm(author) if author else None
    applicable = [r for r in decision.rules if r.status != "skipped"]

    def rank(tier: str) -> int:
        return TIER_ORDER.index(tier) if tier in TIER_ORDER else len(TIER_ORDER)

    applicable.sort(key=lambda r: rank(r.tier))
    for result in applicable:
        for req in result.requirements:
            if req.kind != "approvals" or not req.satisfied:
                continue
            approvers = [u for u in req.approved_by if u != author_norm]
            if approvers:
                return ReviewerOfRecord(
                    approvers[0],
                    result.name,
                    result.tier or None,
                    f"approved for rule {result.name}"
                    + (f" ({result.tier} tier)" if result.tier else ""),
                )
    for result in applicable:
        for req in result.requirements:
            if req.kind == "approvals" and not req.satisfied:
                who = ", ".join(u for u in req.eligible if u != author_norm) or "anyone eligible"
                return ReviewerOfRecord(
                    None,
                    result.name,
                    result.tier or None,
                    f"none yet: awaiting an approval for rule {result.name} from {who}",
                )
    return ReviewerOfRecord(None, None, None, "none yet: no approval is required or given")


@dataclass(slots=True)
class AiAuthor:
    """One author of AI-written lines still in a zone file at base."""

    email: str
    lines: int
    left: bool  # no commit in the repository for `left_after_days` before the base commit
    earlier_commits: int  # commits to the file's folder before their first AI commit here

    def to_dict(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "ai_lines": self.lines,
            "left": self.left,
            "earlier_commits_in_area": self.earlier_commits,
        }


@dataclass(slots=True)
class FileRisk:
    """Comprehension risk of one zone file the change touches, as it stands at base."""

    path: str
    zones: list[str]
    lines: int = 0
    ai_lines: int = 0
    authors: list[AiAuthor] = field(default_factory=list)
    touched_since: int = 0  # other people with a commit to the file after its AI lines
    reviewed_since: int = 0  # people named in review trailers of those commits
    risk: list[str] = field(default_factory=list)  # "author-left", "author-unfamiliar"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "zones": self.zones,
            "lines": self.lines,
            "ai_lines": self.ai_lines,
            "ai_authors": [a.to_dict() for a in self.authors],
            "touched_since": self.touched_since,
            "reviewed_since": self.reviewed_since,
            "risk": self.risk,
        }


def _commit_meta(repo: Path, shas: Sequence[str]) -> dict[str, tuple[str, int]]:
    """sha -> (author email lower-cased, author time)."""
    if not shas:
        return {}
    out = git.run_git(repo, "show", "-s", "--no-walk", "--format=%H %ae %at", *shas)
    meta: dict[str, tuple[str, int]] = {}
    for row in out.decode("utf-8", "replace").splitlines():
        parts = row.split()
        if len(parts) == 3 and parts[2].isdigit():
            meta[parts[0]] = (parts[1].lower(), int(parts[2]))
    return meta


def active_emails(repo: Path, base: str, days: int) -> set[str]:
    """Author emails with a commit in the `days` before the base commit's own date."""
    stamp = git.run_git(repo, "show", "-s", "--format=%ct", base).decode().strip()
    if not stamp.isdigit():
        return set()
    since = datetime.fromtimestamp(int(stamp), UTC) - timedelta(days=days)
    out = git.run_git(
        repo, "log", base, "--no-merges", f"--since={since.isoformat()}", "--format=%ae"
    )
    return {e.lower() for e in out.decode("utf-8", "replace").split()}


def _since(repo: Path, first_ai: str, base: str, path: str) -> tuple[set[str], set[str]]:
    """(authors, review-trailer names) of the commits to `path` in first_ai..base."""
    commits = commit_authors_and_reviewers(repo, f"{first_ai}..{base}", path)
    authors = {email for email, _ in commits}
    reviewers = {value.lower() for _, values in commits for value in values}
    return authors, reviewers


def _earlier_commits(repo: Path, sha: str, email: str, folder: str) -> int:
    """`email`'s commits to `folder` before `sha` (none before a root commit)."""
    if not git.run_git(repo, "rev-list", "--parents", "-n1", sha).split()[1:]:
        return 0
    out = git.run_git(
        repo,
        "--literal-pathspecs",
        "log",
        f"{sha}^",
        "--no-merges",
        "--format=%ae",
        "--",
        folder or ".",
    ).decode("utf-8", "replace")
    return sum(1 for e in out.split() if e.lower() == email)


def file_risks(
    repo: Path,
    base: str,
    zone_files: dict[str, list[str]],
    provenance_for: Callable[[list[str]], dict[str, CommitProvenance]],
    config: Comprehension,
) -> list[FileRisk]:
    """Comprehension risk of each zone file (path -> its design-doc zones) that exists at base."""
    active: set[str] | None = None
    risks: list[FileRisk] = []
    for path, zones in sorted(zone_files.items())[:MAX_FILES]:
        if git.read_blob(repo, base, path) is None:
            continue  # added by the change: no code at base to have understood
        try:
            blamed = blame_file(repo, base, path, copies=False)
        except (git.GitProblemError, GitError):
            continue  # unreadable at base: the change's own problems list says so
        risk = FileRisk(path, zones, lines=len(blamed))
        classify = LineClassifier(provenance_for(sorted({b.sha for b in blamed})))
        ai_by_sha = Counter(b.sha for b in blamed if classify.classify(b)[0] == "ai")
        risk.ai_lines = sum(ai_by_sha.values())
        if ai_by_sha:
            if active is None:
                active = active_emails(repo, base, config.left_after_days)
            shas = [sha for sha, _ in ai_by_sha.most_common(MAX_AI_COMMITS)]
            meta = _commit_meta(repo, shas)
            per_author: dict[str, list[str]] = {}
            for sha in shas:
                if sha in meta:
                    per_author.setdefault(meta[sha][0], []).append(sha)
            folder = str(PurePosixPath(path).parent)
            folder = "" if folder == "." else folder
            for email, commits in sorted(per_author.items()):
                first = min(commits, key=lambda s: meta[s][1])
                risk.authors.append(
                    AiAuthor(
                        email,
                        sum(ai_by_sha[s] for s in commits),
                        email not in active,
                        _earlier_commits(repo, first, email, folder),
                    )
                )
            oldest = min(shas, key=lambda s: meta[s][1] if s in meta else 0)
            authors, reviewers = _since(repo, oldest, base, path)
            risk.touched_since = len(authors - set(per_author))
            risk.reviewed_since = len(reviewers)
            if any(a.left for a in risk.authors):
                risk.risk.append("author-left")
            if any(a.earlier_commits < config.familiar_commits for a in risk.authors):
                risk.risk.append("author-unfamiliar")
        risks.append(risk)
    return risks
