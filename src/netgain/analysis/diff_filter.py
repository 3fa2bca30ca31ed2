"""`--diff BASE`: keep the findings that touch lines added or changed since BASE.

The whole program is still analysed (a flow from an old source into a new sink is found); only the
report is narrowed. "Changed since BASE" is what a reviewer sees: committed changes, uncommitted
working-tree changes, and untracked files (wholly added), all from `git diff -U0 -M BASE`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from netgain.analysis.findings import Finding
from netgain.errors import GitError, UsageError
from netgain.git.model import LineRange
from netgain.git.partial import diff_between_available
from netgain.git.repo import repo_root, rev_parse
from netgain.git.runner import run_git


@dataclass(slots=True)
class ChangedLines:
    """Changed line ranges per path relative to the scan root; `whole` holds wholly new files."""

    ranges: dict[str, list[LineRange]] = field(default_factory=dict)
    whole: set[str] = field(default_factory=set)
    # files reported whole because their base content is missing: path -> why
    degraded: dict[str, str] = field(default_factory=dict)

    def touches(self, path: str, line: int) -> bool:
        if path in self.whole:
            return True
        return any(line in r for r in self.ranges.get(path, ()))


def repository_root(path: Path) -> Path | None:
    """The work tree containing `path`, or None when it is not inside a git repository."""
    try:
        return repo_root(path)
    except GitError:
        return None


def changed_lines_since(root: Path, base: str) -> ChangedLines:
    """Lines added or changed since `base` (a commit-ish), keyed by path relative to `root`."""
    repo = repository_root(root)
    if repo is None:
        raise UsageError(f"--diff needs a git repository, and {root} is not inside one")
    try:
        base_sha = rev_parse(repo, f"{base}^{{commit}}")
    except GitError as exc:
        raise UsageError(f"--diff {base}: {exc}") from exc
    if base_sha is None:
        raise UsageError(f"--diff {base}: no such commit in {repo}")
    # BASE against the working tree: committed, staged and unstaged changes alike. A file whose
    # base blob is missing (partial clone) cannot say which lines changed: it counts as whole.
    diffs, unreadable = diff_between_available(repo, base_sha, None, f"{base}..working tree")
    untracked = run_git(repo, "ls-files", "--others", "--exclude-standard", "-z")
    try:
        prefix = root.resolve().relative_to(repo.resolve()).as_posix()
    except ValueError:
        prefix = "."
    prefix = "" if prefix == "." else prefix + "/"

    def local(path: str) -> str | None:
        if not prefix:
            return path
        return path[len(prefix) :] if path.startswith(prefix) else None

    changed = ChangedLines()
    for diff in diffs:
        rel = local(diff.path)
        if rel is not None and diff.added:
            changed.ranges.setdefault(rel, []).extend(diff.added)
    for problem in unreadable:
        rel = local(problem.path) if problem.path is not None else None
        if rel is not None:
            changed.whole.add(rel)
            changed.degraded[rel] = problem.message
    for item in untracked.split(b"\0"):
        if item:
            rel = local(item.decode("utf-8", "surrogateescape"))
            if rel is not None:
                changed.whole.add(rel)
    return changed


def filter_to_changes(
    findings: Iterable[Finding], changed: ChangedLines
) -> tuple[list[Finding], int]:
    """Findings whose sink or any trace step is on a changed line, and how many were left out."""
    kept: list[Finding] = []
    dropped = 0
    for finding in findings:
        if any(changed.touches(path, line) for path, line in finding.lines()):
            kept.append(finding)
        else:
            dropped += 1
    return kept, dropped
