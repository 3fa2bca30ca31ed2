"""Deployments: from tags matching a glob, or from a CSV file a deploy pipeline writes.

The file has a header row with `sha` (or `commit`, or `ref`: anything git can resolve) and
`deployed_at` (ISO 8601), and optionally `environment`; a row that cannot be read is reported
with its line and the others are used.
"""

from __future__ import annotations

import csv
import fnmatch
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from netgain import git
from netgain.errors import UsageError
from netgain.incidents.records import ImportProblem, RecordError, parse_time


@dataclass(frozen=True, slots=True, order=True)
class Deployment:
    deployed_at: datetime
    sha: str
    label: str  # "tag deploy-12" or "deploys.csv:4 (production)"


def tag_deployments(root: Path, pattern: str) -> list[Deployment]:
    """Tags whose name matches `pattern`, dated by the tag (annotated) or its commit."""
    out = git.run_git(
        root,
        "for-each-ref",
        "--format=%(objectname) %(*objectname) %(creatordate:unix) %(refname:short)",
        "refs/tags",
    ).decode("utf-8", "replace")
    found: list[Deployment] = []
    for line in out.splitlines():
        obj, peeled, stamp, name = line.split(" ", 3)
        if fnmatch.fnmatchcase(name, pattern) and stamp.isdigit():
            when = datetime.fromtimestamp(int(stamp), UTC)
            found.append(Deployment(when, peeled or obj, f"tag {name}"))
    return sorted(found)


def file_deployments(root: Path, path: Path) -> tuple[list[Deployment], list[ImportProblem]]:
    """Deployments listed in a CSV file; unreadable rows come back as problems."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read deployments file: {exc}") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    column = next((c for c in ("sha", "commit", "ref") if c in header), None)
    if column is None or "deployed_at" not in header:
        raise UsageError(f"{path}:1: deployments file needs 'sha' and 'deployed_at' columns")
    found: list[Deployment] = []
    problems: list[ImportProblem] = []
    line = reader.line_num + 1
    for row in reader:
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(
                ImportProblem(str(path), start, f"expected {len(header)} columns, found {len(row)}")
            )
            continue
        values = dict(zip(header, row, strict=True))
        ref = values[column].strip()
        try:
            when = parse_time(values["deployed_at"], "deployed_at")
        except RecordError as exc:
            problems.append(ImportProblem(str(path), start, str(exc)))
            continue
        sha = git.rev_parse(root, f"{ref}^{{commit}}") if ref and not ref.startswith("-") else None
        if when is None or sha is None:
            what = "deployed_at: missing" if when is None else f"{ref!r} does not name a commit"
            problems.append(ImportProblem(str(path), start, what))
            continue
        env = values.get("environment", "").strip()
        label = f"{path.name}:{start}" + (f" ({env})" if env else "")
        found.append(Deployment(when, sha, label))
    return sorted(found), problems


def first_deployments(
    graph: Mapping[str, tuple[Sequence[str], datetime]], deployments: Sequence[Deployment]
) -> dict[str, datetime]:
    """Each commit of `graph` (sha -> parents, date) -> the time of the earliest deployment that
    contains it (deploys it or a descendant): what DORA's lead time for changes ends at.

    Deployments are taken oldest first and each claims the ancestors of its commit no earlier
    one claimed; the claimed set stays closed under ancestry, so a walk stops at the first
    claimed commit and the whole pass visits each commit once. Deployments of commits outside
    the graph (another branch, not ingested) claim nothing.
    """
    out: dict[str, datetime] = {}
    for deployment in sorted(deployments):
        stack = [deployment.sha]
        while stack:
            sha = stack.pop()
            if sha in out or sha not in graph:
                continue
            out[sha] = deployment.deployed_at
            stack.extend(graph[sha][0])
    return out
