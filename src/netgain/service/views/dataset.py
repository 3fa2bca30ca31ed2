"""A repository's metrics inputs read from the store alone (no git, no SZZ, no scan).

`netgain metrics` also derives from git at request time (SZZ on new fixes, rework, deployment
tags, the blame scan); a web request must not. The service's jobs keep the store current, and this
module reads what they stored with the CLI's own loaders, so the figures follow the CLI's rules.
What the store does not hold is a missing source (None) with a note saying so, as in the CLI.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any

from sqlalchemy import Engine, func, select

from netgain.metrics.collect import (
    load_changes,
    load_incidents,
    load_inducing,
    load_pull_requests,
    load_reported_findings,
)
from netgain.metrics.config import MetricsConfig
from netgain.metrics.inputs import Dataset, LineFate
from netgain.metrics.origins import feature_origins, merge_commits, pull_request_origins
from netgain.metrics.policy_outcomes import decision_time
from netgain.policy.record import decision_record
from netgain.service.tables import decisions as decisions_table
from netgain.service.views.scope import Window
from netgain.service.views.times import utc
from netgain.store.metrics_models import ReworkFate

REWORK_NOT_YET = "not measured yet (rework is kept once a change's window has closed)"


def stored_decisions(engine: Engine, full_name: str) -> list[dict[str, Any]] | None:
    """The gate's decision records for the repository (the latest per change range, as the
    decision log keeps them), from the documents the service reported; None when none."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(decisions_table.c.document, decisions_table.c.created_at)
            .where(func.lower(decisions_table.c.repository) == full_name.lower())
            .order_by(decisions_table.c.id)
        ).all()
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for document, created_at in rows:
        if not isinstance(document, dict) or "verdict" not in document:
            continue  # a failed check run's output, not a decision
        record = decision_record(document, recorded_at=utc(created_at))
        latest[(str(record["base"]), str(record["head"]))] = record
    if not latest:
        return None
    return sorted(latest.values(), key=decision_time)


def stored_rework(
    engine: Engine, repository_id: int, data: Dataset, config: MetricsConfig
) -> list[LineFate] | None:
    """Rework fates kept by earlier measurements (windows that have closed)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(ReworkFate).where(
                ReworkFate.repository_id == repository_id,
                ReworkFate.window_days == config.rework_days,
            )
        ).all()
    by_sha = {c.sha: c for c in data.changes}
    fates = [
        LineFate(
            row.sha,
            by_sha[row.sha].date,
            {
                "ai": by_sha[row.sha].ai_lines,
                "human": by_sha[row.sha].human_lines,
                "unknown": by_sha[row.sha].unknown_lines,
            },
            {"ai": row.reworked_ai, "human": row.reworked_human, "unknown": row.reworked_unknown},
        )
        for row in rows
        if row.sha in by_sha
    ]
    return fates or None


def load_dataset(
    engine: Engine, repository_id: int, full_name: str, config: MetricsConfig
) -> Dataset:
    """Everything the store holds for one repository, as `netgain metrics` would read it."""
    data = Dataset(
        changes=load_changes(engine, repository_id, config),
        incidents=load_incidents(engine, repository_id),
        inducing=load_inducing(engine, repository_id),
        pull_requests=load_pull_requests(engine, repository_id),
        reported=load_reported_findings(engine, repository_id),
        decisions=stored_decisions(engine, full_name),
    )
    features = feature_origins(engine, repository_id)
    data.features_known = any(
        counts["commit_features"] or counts["pr_features"] for counts in features.values()
    )
    data.origins = {
        "merge_commits": merge_commits(engine, repository_id),
        "pull_requests": pull_request_origins(engine, repository_id),
        "features": features,
    }
    data.rework = stored_rework(engine, repository_id, data, config)
    if data.rework is None:
        data.rework_note = REWORK_NOT_YET
    return data


def within(data: Dataset, window: Window) -> Dataset:
    """The dataset restricted to the window's end (`compute_metrics` applies `since` itself, by
    its own rules; the same rules are applied here to `until`)."""
    if window.until is None:
        return data
    end = Window(until=window.until)
    keep = end.holds
    return replace(
        data,
        changes=[c for c in data.changes if keep(c.date)],
        incidents=None
        if data.incidents is None
        else [i for i in data.incidents if keep(i.started_at)],
        pull_requests=None
        if data.pull_requests is None
        else [p for p in data.pull_requests if keep(p.merged_at)],
        rework=None if data.rework is None else [f for f in data.rework if keep(f.date)],
        reported=None if data.reported is None else [r for r in data.reported if keep(r.found_at)],
        deployments=None if data.deployments is None else [d for d in data.deployments if keep(d)],
        decisions=None
        if data.decisions is None
        else [d for d in data.decisions if keep(decision_time(d))],
        notes=list(data.notes),
    )


def of_people(data: Dataset, identities: set[str]) -> Dataset:
    """The part of a dataset authored by these identities (a team, or one person's own): their
    changes, the pull requests and decisions they authored, and the incidents, bugs and
    reported findings traced to their changes."""
    keys = {i.lower() for i in identities}
    changes = [c for c in data.changes if c.author.lower() in keys]
    shas = {c.sha for c in changes}
    incidents = (
        None
        if data.incidents is None
        else [i for i in data.incidents if shas.intersection(i.causes)]
    )
    pulls = (
        None
        if data.pull_requests is None
        else [
            p
            for p in data.pull_requests
            if (p.author or "").lower() in keys or shas.intersection(p.commits)
        ]
    )
    decided = (
        None
        if data.decisions is None
        else [d for d in data.decisions if str(d.get("author") or "").lower() in keys]
    )
    fixes_of: dict[str, int] = defaultdict(int)
    for sha, fixes in (data.inducing or {}).items():
        if sha in shas:
            fixes_of[sha] = fixes
    return replace(
        data,
        changes=changes,
        incidents=incidents,
        inducing=None if data.inducing is None else dict(fixes_of),
        pull_requests=pulls,
        rework=None if data.rework is None else [f for f in data.rework if f.sha in shas],
        reported=None
        if data.reported is None
        else [r for r in data.reported if r.cause is not None and r.cause in shas],
        decisions=decided,
        notes=list(data.notes),
    )
