"""Which deployments the metrics count, where they came from, and when each change first shipped.

Sources, in the order a team states them: tags matching `[incidents] deploy_tags` and the rows
of a deployments file (`--deployments FILE` or `deployments_file`). When neither is configured,
release tags stand in (`netgain.incidents.releases`): for a library the release is the
deployment, and a repository with nothing imported still gets deployment frequency and lead time.
`deploy_tags = ""` turns tags off altogether.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from netgain.incidents.deployments import Deployment, file_deployments, tag_deployments
from netgain.incidents.releases import release_tags


@dataclass(slots=True)
class Deployments:
    """The deployments found, a label naming their source, and notes on unreadable rows."""

    found: list[Deployment] = field(default_factory=list)
    source: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def times(self) -> list[datetime]:
        """One time per distinct (commit, time): the same deployment listed twice counts once."""
        return [moment for moment, _sha in sorted({(d.deployed_at, d.sha) for d in self.found})]


def find_deployments(
    repo: Path, deploy_tags: str | None, deployments_file: Path | None
) -> Deployments:
    """Configured deployments (tags glob, file), else release tags; see the module docstring."""
    out = Deployments()
    labels: list[str] = []
    if deploy_tags:
        tagged = tag_deployments(repo, deploy_tags)
        out.found += tagged
        labels.append(f"git: {len(tagged)} tag(s) matching {deploy_tags}")
    if deployments_file is not None:
        rows, problems = file_deployments(repo, deployments_file)
        out.found += rows
        out.notes += [f"deployments: {p}" for p in problems]
        labels.append(f"file: {deployments_file.name} ({len(rows)} row(s))")
    if deploy_tags is None and deployments_file is None:
        releases = release_tags(repo)
        out.found = releases.deployments
        labels.append(releases.label)
    out.source = "; ".join(labels)
    return out
