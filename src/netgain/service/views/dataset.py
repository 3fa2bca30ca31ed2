"""A repository's metrics inputs read from the store alone (no git, no SZZ, no scan).

`netgain metrics` also derives from git at request time (SZZ on new fixes, rework, deployment
tags, the blame scan); a web request must not. The service's jobs keep the store current, and this
module reads what they stored with the CLI's own loaders, so the figures follow the CLI's rules.
What the store does not hold is a missing source (None) with a note saying so, as in the CLI.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from netgain.errors import NetgainError
from netgain.incidents.deployments import first_deployments
from netgain.incidents.pulls import load_graph
from netgain.metrics.collect import (
    load_changes,
    load_incidents,
    load_inducing,
    load_pull_requests,
    load_reported_findings,
)
from netgain.metrics.config import MetricsConfig
from netgain.metrics.deploys import find_deployments
from netgain.metrics.inputs import Dataset, LineFate
from netgain.metrics.origins import feature_origins, merge_commits, pull_request_origins
from netgain.metrics.policy_outcomes import decision_time
from netgain.metrics.rework_history import eligible_changes
from netgain.policy.record import decision_record
from netgain.service.tables import decisions as decisions_table
from netgain.service.views.change_cache import ChangeCache
from netgain.service.views.scope import Window
from netgain.service.views.times import utc
from netgain.store.metrics_models import ReworkFate
from netgain.store.risk_models import RiskEvaluation

REWORK_NOT_YET = "not measured yet (`netgain metrics` measures it and keeps it in the store)"


def readable_record(document: Any, at: datetime) -> dict[str, Any] | None:
    """The decision record of a stored gate document, or None when the document is not a
    decision (a run that ended without one) or is malformed (another netgain version, a hand
    edit): the parts the record reads must have the shapes `netgain check` writes."""
    if not isinstance(document, dict) or not isinstance(document.get("verdict"), str):
        return None
    rules = document.get("rules")
    if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
        return None
    for key in ("facts", "provenance"):
        if not isinstance(document.get(key) or {}, dict):
            return None
    if not isinstance(document.get("tiers") or [], list):
        return None
    try:
        return decision_record(document, recorded_at=at)
    except (TypeError, AttributeError, ValueError):
        return None


def stored_decisions(
    engine: Engine, full_name: str, notes: list[str] | None = None
) -> list[dict[str, Any]] | None:
    """The gate's decision records for the repository (the latest per change range, as the
    decision log keeps them), from the documents the service reported; None when none. Runs
    that ended without a decision ("not analysed") are counted in `notes`."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(decisions_table.c.document, decisions_table.c.created_at)
            .where(func.lower(decisions_table.c.repository) == full_name.lower())
            .order_by(decisions_table.c.id)
        ).all()
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    undecided = 0
    for document, created_at in rows:
        record = readable_record(document, utc(created_at) or created_at)
        if record is None:
            undecided += 1  # a failed check run's output, or not a decision document
            continue
        latest[(str(record["base"]), str(record["head"]))] = record
    if undecided and notes is not None:
        notes.append(f"policy decisions: {undecided} gate run(s) ended without a readable decision")
    if not latest:
        return None
    return sorted(latest.values(), key=decision_time)


def stored_rework(
    engine: Engine, repository_id: int, data: Dataset, config: MetricsConfig, by: str
) -> tuple[list[LineFate] | None, str]:
    """Rework fates kept by earlier measurements, for the changes the CLI would measure (those
    whose window has closed), in its order; and why there are none. Changes not measured yet
    (the CLI replays the history for them) are named in a note."""
    chosen, why = eligible_changes(data.changes, config, by)
    if not chosen:
        return None, why
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                ReworkFate.sha,
                ReworkFate.reworked_ai,
                ReworkFate.reworked_human,
                ReworkFate.reworked_unknown,
            ).where(
                ReworkFate.repository_id == repository_id,
                ReworkFate.window_days == config.rework_days,
            )
        ).all()
    kept = {sha: {"ai": a, "human": h, "unknown": u} for sha, a, h, u in rows}
    fates = [
        LineFate(
            c.sha,
            c.date,
            {"ai": c.ai_lines, "human": c.human_lines, "unknown": c.unknown_lines},
            kept[c.sha],
        )
        for c in chosen
        if c.sha in kept
    ]
    missing = len(chosen) - len(fates)
    if missing and fates:
        data.notes.append(f"rework: {missing} change(s) not measured yet; measured changes only")
    return fates or None, "" if fates else REWORK_NOT_YET


def stored_risk(engine: Engine, repository_id: int) -> dict[str, object] | None:
    """The last `risk evaluate` result kept for the repository (by `netgain metrics`, `report`
    or the service's backfill); the service does not fit models inside a request."""
    with engine.connect() as conn:
        result = conn.execute(
            select(RiskEvaluation.result).where(RiskEvaluation.repository_id == repository_id)
        ).scalar()
    return result | {"cached": True} if isinstance(result, dict) else None


def mirror_deployments(engine: Engine, repository_id: int, data: Dataset, mirror: Path) -> None:
    """Deployments from the mirror's release tags, as the CLI finds them without configuration
    (a tag listing, no checkout): deployment frequency and lead time to deployment."""
    if not mirror.is_dir():
        return
    try:
        found = find_deployments(mirror, None, None)
    except NetgainError as exc:
        data.notes.append(f"deployments: {exc}")
        return
    data.notes.extend(found.notes)
    data.origins["deployments"] = found.source
    if found.found:
        data.deployments = found.times
        with Session(engine) as session:
            data.shipped_at = first_deployments(load_graph(session, repository_id), found.found)


def load_dataset(
    engine: Engine,
    repository_id: int,
    full_name: str,
    config: MetricsConfig,
    mirror: Path | None = None,
    by: str = "week",
    cache: ChangeCache | None = None,
) -> Dataset:
    """Everything the store holds for one repository, as `netgain metrics` would read it, and
    the deployments of its mirror's release tags when the mirror is given. With `cache`, the
    commits read by an earlier load are not read again (`netgain.service.views.change_cache`)."""
    changes = (
        load_changes(engine, repository_id, config)
        if cache is None
        else cache.load(engine, repository_id, config)
    )
    data = Dataset(
        changes=changes,
        incidents=load_incidents(engine, repository_id),
        inducing=load_inducing(engine, repository_id),
        pull_requests=load_pull_requests(engine, repository_id),
        reported=load_reported_findings(engine, repository_id),
    )
    data.decisions = stored_decisions(engine, full_name, data.notes)
    features = feature_origins(engine, repository_id)
    data.features_known = any(
        counts["commit_features"] or counts["pr_features"] for counts in features.values()
    )
    data.origins = {
        "merge_commits": merge_commits(engine, repository_id),
        "pull_requests": pull_request_origins(engine, repository_id),
        "features": features,
    }
    data.rework, data.rework_note = stored_rework(engine, repository_id, data, config, by)
    data.risk = stored_risk(engine, repository_id)
    if not recorded_deployments(engine, repository_id, full_name, data) and mirror is not None:
        mirror_deployments(engine, repository_id, data, mirror)
    return data


def recorded_deployments(engine: Engine, repository_id: int, full_name: str, data: Dataset) -> bool:
    """Production deployments GitHub reported to the service (deployment_status, release:
    netgain.service.feeds), which win over release tags as a configured source wins in the CLI;
    False when there are none."""
    from netgain.service.feeds.load import stored_deployments

    with engine.connect() as conn:
        found = stored_deployments(conn, [full_name])[full_name.lower()]
    if not found:
        return False
    data.origins["deployments"] = (
        f"service: {len(found)} production deployment(s) reported by GitHub"
    )
    data.deployments = [moment for moment, _sha in sorted({(d.deployed_at, d.sha) for d in found})]
    with Session(engine) as session:
        data.shipped_at = first_deployments(load_graph(session, repository_id), found)
    return True


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
