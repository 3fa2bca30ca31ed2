"""Store exported pull requests: upsert by number, enrich git-recovered rows, mark features.

A PR already recovered from git (a merge commit or a squash subject) and then found in an export
is the same PR: its row is updated in place and becomes `source = 'export'`, so it is never counted
twice and `recover_pull_requests` leaves it alone from then on. The PR's commits come from git: the
second-parent side of a merge commit, or the squash / rebase commit itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from netgain import git
from netgain.errors import GitError
from netgain.incidents.features import (
    DEFAULT_FEATURE_LABELS,
    mark_issue_type_features,
    mark_label_features,
)
from netgain.incidents.issuetypes import DEFAULT_FEATURE_ISSUE_TYPES
from netgain.incidents.prexport import PullRequestExport, PullRequestRecord
from netgain.incidents.pulls import load_graph, merged_commits
from netgain.incidents.records import ImportProblem
from netgain.incidents.references import tracker_keys
from netgain.store.models import Commit
from netgain.store.outcome_models import PullRequest
from netgain.text import storable


@dataclass(slots=True)
class PullRequestImportReport:
    """Counts of one PR import, with every record not imported (problems) or not merged."""

    file: str
    source: str
    inserted: int = 0
    enriched: int = 0  # recovered from git before, now carrying the export's data
    updated: int = 0
    unchanged: int = 0
    label_features: int = 0
    issue_type_features: int = 0
    unlanded: list[ImportProblem] = field(default_factory=list)  # merge commit not in history
    problems: list[ImportProblem] = field(default_factory=list)
    skipped: list[ImportProblem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        def one(p: ImportProblem) -> dict[str, Any]:
            return {"file": p.file, "line": p.line, "message": p.message, "number": p.record_id}

        return {
            "file": self.file,
            "source": self.source,
            "inserted": self.inserted,
            "enriched": self.enriched,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "features": {"label": self.label_features, "issue_type": self.issue_type_features},
            "merge_commit_not_in_history": [one(p) for p in self.unlanded],
            "problems": [one(p) for p in self.problems],
            "skipped": [one(p) for p in self.skipped],
        }


def _commits_of(
    root: Path, merge_sha: str, parents: dict[str, list[str]], merged: dict[str, list[str]]
) -> tuple[list[str], str | None]:
    """The PR's commits from an ingested merge sha, or ([], why) when git cannot say.

    `merged` answers merges on HEAD's first-parent line from the stored graph; any other merge
    (into a side branch) costs one `git rev-list`.
    """
    if merge_sha not in parents:
        return [], "merge commit not in the ingested history (fetch it, or run netgain ingest)"
    first, *others = parents[merge_sha] or [""]
    if not others:
        return [merge_sha], None  # squash or rebase merge: the landed commit is the change
    if merge_sha in merged:
        return merged[merge_sha], None
    try:
        out = git.run_git(root, "rev-list", "--no-merges", f"{first}..{others[0]}", "--")
    except GitError as exc:
        return [], f"cannot list the merged branch: {exc}"
    return out.decode("ascii").split(), None


def _values(record: PullRequestRecord, commits: list[str], email: str | None) -> dict[str, Any]:
    return {
        "merge_sha": record.merge_sha or "",
        "title": storable(record.title),
        "source": "export",
        "merged_at": record.merged_at,
        "author_email": email,
        "commit_shas": commits,
        "labels": [storable(label) for label in record.labels],
    }


def _same(row: PullRequest, values: dict[str, Any]) -> bool:
    for key, value in values.items():
        current = getattr(row, key)
        if key == "merged_at" and current is not None:
            current = current.replace(tzinfo=value.tzinfo) if current.tzinfo is None else current
        if current != value:
            return False
    return True


def import_pull_requests(
    root: Path,
    session: Session,
    repository_id: int,
    export: PullRequestExport,
    file: str,
    *,
    feature_labels: tuple[str, ...] = DEFAULT_FEATURE_LABELS,
    issue_types: dict[str, str] | None = None,
    feature_issue_types: tuple[str, ...] = DEFAULT_FEATURE_ISSUE_TYPES,
) -> PullRequestImportReport:
    """Upsert the export's merged PRs into `pull_requests` and mark their features.

    Args:
        root: The repository's work tree (the PR commits are listed with git).
        session: An open session; the caller commits.
        repository_id: The repository row; its history should be ingested first.
        export: What `read_pull_requests` read.
        file: The file name for messages.
        feature_labels: Labels that make a PR a feature (case-insensitive).
        issue_types: Tracker issue key -> type name, for issue-type features.
        feature_issue_types: Issue types that count as features (case-insensitive).
    """
    report = PullRequestImportReport(file, export.source, problems=list(export.problems))
    report.skipped = list(export.skipped)
    numbers = [r.number for r in export.records]
    existing = {
        row.number: row
        for row in session.scalars(
            select(PullRequest).where(
                PullRequest.repository_id == repository_id, PullRequest.number.in_(numbers)
            )
        )
    }
    graph = load_graph(session, repository_id)
    parents = {sha: ps for sha, (ps, _when) in graph.items()}
    head = git.rev_parse(root, "HEAD")
    merged = merged_commits(graph, head) if head is not None else {}
    landed: dict[int, list[str]] = {}
    for record in export.records:
        commits: list[str] = []
        why: str | None = "no merge commit id in the export"
        if record.merge_sha:
            commits, why = _commits_of(root, record.merge_sha, parents, merged)
        if why is not None:
            report.unlanded.append(ImportProblem(file, record.line, why, str(record.number)))
        landed[record.number] = commits
    # The author of a PR is the author of its first (oldest) commit: rev-list lists newest first.
    firsts = sorted({c[-1] for c in landed.values() if c})
    rows = session.execute(
        select(Commit.sha, Commit.author_email).where(
            Commit.repository_id == repository_id, Commit.sha.in_(firsts)
        )
    ).all()
    email_of: dict[str, str] = {sha: email for sha, email in rows}  # noqa: C416 - Row pairs
    for record in export.records:
        commits = landed[record.number]
        values = _values(record, commits, email_of.get(commits[-1]) if commits else None)
        row = existing.get(record.number)
        if row is None:
            session.add(PullRequest(repository_id=repository_id, number=record.number, **values))
            report.inserted += 1
            continue
        values["author_email"] = values["author_email"] or row.author_email
        if row.source != "export":
            report.enriched += 1
        elif _same(row, values):
            report.unchanged += 1
            continue
        else:
            report.updated += 1
        for key, value in values.items():
            setattr(row, key, value)
    session.flush()
    report.label_features = mark_label_features(
        session,
        repository_id,
        {r.number: r.labels for r in export.records},
        feature_labels=feature_labels,
    )
    if issue_types:
        subjects = [
            ("pr", str(r.number), tracker_keys(f"{r.title}\n{r.body}\n{r.head_ref or ''}"))
            for r in export.records
        ]
        report.issue_type_features = mark_issue_type_features(
            session,
            repository_id,
            subjects,
            issue_types,
            feature_issue_types=feature_issue_types,
        )
    return report


def mark_commit_issue_types(
    session: Session,
    repository_id: int,
    issue_types: dict[str, str],
    *,
    feature_issue_types: tuple[str, ...] = DEFAULT_FEATURE_ISSUE_TYPES,
) -> int:
    """`issue-type` feature rows for commits whose messages name an issue of known type."""
    if not issue_types:
        return 0
    subjects: list[tuple[str, str, set[str]]] = []
    for sha, message in session.execute(
        select(Commit.sha, Commit.message).where(
            Commit.repository_id == repository_id, Commit.is_merge.is_(False)
        )
    ):
        keys = tracker_keys(message) & issue_types.keys()
        if keys:
            subjects.append(("commit", sha, keys))
    return mark_issue_type_features(
        session, repository_id, subjects, issue_types, feature_issue_types=feature_issue_types
    )
