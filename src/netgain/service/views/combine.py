"""Many repositories' records as one dataset, so that an organisation's or a team's figures are
computed from the combined counts (a ratio over all changes), never averaged per repository.

Keys that are only unique within a repository (commit shas, paths, pull request numbers,
incident and finding ids) are qualified with the repository's name, so that two repositories'
pull request #7 stay two work items and a file path names its repository in "riskiest files".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from netgain.metrics.inputs import Dataset, PullRequest


def _key(repo: str, value: str) -> str:
    return f"{repo}@{value}"


def _qualified(repo: str, data: Dataset, numbers: dict[tuple[str, int], int]) -> Dataset:
    def sha(s: str) -> str:
        return _key(repo, s)

    def number(n: int) -> int:
        return numbers.setdefault((repo, n), len(numbers) + 1)

    def pull(p: PullRequest) -> PullRequest:
        return replace(p, number=number(p.number), commits=tuple(sha(s) for s in p.commits))

    def decision(d: dict[str, Any]) -> dict[str, Any]:
        out = dict(d)
        for field in ("base", "head"):
            if isinstance(out.get(field), str):
                out[field] = sha(out[field])
        return out

    return replace(
        data,
        changes=[
            replace(c, sha=sha(c.sha), files=tuple(f"{repo}/{f}" for f in c.files))
            for c in data.changes
        ],
        incidents=None
        if data.incidents is None
        else [
            replace(
                i,
                id=_key(repo, i.id),
                causes=tuple(sha(s) for s in i.causes),
                fixes=tuple(sha(s) for s in i.fixes),
            )
            for i in data.incidents
        ],
        inducing=None if data.inducing is None else {sha(s): n for s, n in data.inducing.items()},
        pull_requests=None if data.pull_requests is None else [pull(p) for p in data.pull_requests],
        rework=None if data.rework is None else [replace(f, sha=sha(f.sha)) for f in data.rework],
        reported=None
        if data.reported is None
        else [
            replace(r, id=_key(repo, r.id), cause=None if r.cause is None else sha(r.cause))
            for r in data.reported
        ],
        decisions=None if data.decisions is None else [decision(d) for d in data.decisions],
        shipped_at=None
        if data.shipped_at is None
        else {sha(s): t for s, t in data.shipped_at.items()},
    )


def _joined[T](parts: Sequence[list[T] | None]) -> list[T] | None:
    """None when no repository has the source; else every repository's records."""
    present = [p for p in parts if p is not None]
    if not present:
        return None
    return [x for p in present for x in p]


def combine(parts: Sequence[tuple[str, Dataset]]) -> Dataset:
    """One dataset of every repository's records. A source some repositories lack stays present
    for the others, and a note names how many repositories it covers."""
    numbers: dict[tuple[str, int], int] = {}
    qualified = [_qualified(repo, data, numbers) for repo, data in parts]
    total = len(qualified)
    inducing_parts = [d.inducing for d in qualified if d.inducing is not None]
    inducing: dict[str, int] | None = None
    if inducing_parts:
        inducing = {k: v for part in inducing_parts for k, v in part.items()}
    shipped_parts = [d.shipped_at for d in qualified if d.shipped_at is not None]
    data = Dataset(
        changes=sorted((c for d in qualified for c in d.changes), key=lambda c: (c.date, c.sha)),
        incidents=_joined([d.incidents for d in qualified]),
        inducing=inducing,
        pull_requests=_joined([d.pull_requests for d in qualified]),
        reviews_present=any(d.reviews_present for d in qualified),
        rework=_joined([d.rework for d in qualified]),
        reported=_joined([d.reported for d in qualified]),
        deployments=_joined([d.deployments for d in qualified]),
        decisions=_joined([d.decisions for d in qualified]),
        shipped_at={k: v for part in shipped_parts for k, v in part.items()}
        if shipped_parts
        else None,
        features_known=any(d.features_known for d in qualified),
        origins=_origins([d.origins for d in qualified]),
    )
    data.rework_note = next((d.rework_note for d in qualified if d.rework_note), "")
    for label, have in (
        ("incidents", sum(d.incidents is not None for d in qualified)),
        ("SZZ (defect density)", sum(d.inducing is not None for d in qualified)),
        ("pull requests", sum(d.pull_requests is not None for d in qualified)),
        ("rework", sum(d.rework is not None for d in qualified)),
        ("reported findings", sum(d.reported is not None for d in qualified)),
        ("gate decisions", sum(d.decisions is not None for d in qualified)),
    ):
        if 0 < have < total:
            data.notes.append(f"{label}: present for {have} of {total} repositories")
    for repo, d in parts:
        data.notes.extend(f"{repo}: {note}" for note in d.notes)
    return data


def _origins(parts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Sum of the per-repository source counts (merge commits, PR and feature sources)."""
    merges = sum(int(p.get("merge_commits") or 0) for p in parts)
    pulls: dict[str, int] = {}
    features: dict[str, dict[str, int]] = {}
    for p in parts:
        for source, n in (p.get("pull_requests") or {}).items():
            pulls[source] = pulls.get(source, 0) + int(n)
        for source, counts in (p.get("features") or {}).items():
            entry = features.setdefault(source, {})
            for k, n in counts.items():
                entry[k] = entry.get(k, 0) + int(n)
    return {"merge_commits": merges, "pull_requests": pulls, "features": features}
