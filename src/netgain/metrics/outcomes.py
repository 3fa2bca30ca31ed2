"""Incidents against what shipped: incidents per feature, change failure rate, DORA's measures.

An item (PR or lone change) *failed* when any incident names one of its commits as a cause, by any
evidence kind the incidents module recorded (explicit, root cause in the body, revert, SZZ from the
incident's fix, deployment). Without imported incidents these metrics say so instead of printing 0.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from netgain.metrics.config import MetricsConfig
from netgain.metrics.inputs import GROUPS, Incident, PullRequest, period_key, period_range
from netgain.metrics.items import WorkItem
from netgain.metrics.stats import median, proportion, ratio_of_sums


def incidents_per_item(items: Sequence[WorkItem], incidents: Sequence[Incident]) -> dict[str, int]:
    """item id -> number of distinct incidents caused by its commits."""
    owner = {sha: item.id for item in items for sha in item.shas}
    counts: dict[str, int] = defaultdict(int)
    for incident in incidents:
        for item_id in {owner[s] for s in incident.causes if s in owner}:
            counts[item_id] += 1
    return counts


def fix_items(items: Sequence[WorkItem], incidents: Sequence[Incident]) -> set[str]:
    """Items that fixed an incident (DORA's rework: unplanned changes to fix what broke)."""
    owner = {sha: item.id for item in items for sha in item.shas}
    return {owner[s] for incident in incidents for s in incident.fixes if s in owner}


def by_group(
    items: Sequence[WorkItem], incidents: Sequence[Incident], config: MetricsConfig
) -> dict[str, dict[str, Any]]:
    """Per AI-share bucket (and unknown): change failure rate and incidents per feature."""
    caused = incidents_per_item(items, incidents)
    kw = {"seed": config.bootstrap_seed, "iterations": config.bootstrap_iterations}
    out: dict[str, dict[str, Any]] = {}
    for group in GROUPS:
        members = [i for i in items if i.group == group]
        failed = sum(1 for i in members if caused.get(i.id))
        features = [i for i in members if i.is_feature]
        out[group] = {
            "items": len(members),
            "failed_items": failed,
            "features": len(features),
            "change_failure_rate": proportion(
                failed, len(members), min_sample=config.min_sample
            ).to_dict(),
            "incidents_per_feature": ratio_of_sums(
                [(float(caused.get(f.id, 0)), 1.0) for f in features],
                min_sample=config.min_sample,
                **kw,
            ).to_dict(),
        }
    return out


def incidents_by_period(
    items: Sequence[WorkItem], incidents: Sequence[Incident], by: str, config: MetricsConfig
) -> dict[str, dict[str, Any]]:
    """Per period: incidents started, failed items among those shipped, CFR, incidents/feature.

    Incidents per feature here is the headline ratio (incidents started in the period over
    features shipped in it): a trend, not an attribution. The attributed version is per bucket.
    """
    caused = incidents_per_item(items, incidents)
    started: dict[str, int] = defaultdict(int)
    for incident in incidents:
        if incident.started_at is not None:
            started[period_key(incident.started_at, by)] += 1
    items_by: dict[str, list[WorkItem]] = defaultdict(list)
    for item in items:
        items_by[period_key(item.date, by)].append(item)
    out: dict[str, dict[str, Any]] = {}
    for key in set(started) | set(items_by):
        members = items_by.get(key, [])
        failed = sum(1 for i in members if caused.get(i.id))
        features = sum(1 for i in members if i.is_feature)
        count = started.get(key, 0)
        out[key] = {
            "incidents": count,
            "failed_items": failed,
            "change_failure_rate": proportion(
                failed, len(members), min_sample=config.min_sample
            ).to_dict(),
            "incidents_per_feature": (count / features) if features else None,
        }
    return out


def deployment_frequency(
    deployments: Sequence[datetime], by: str, config: MetricsConfig
) -> dict[str, Any]:
    """Deployments per period over every period from the first deployment to the last (a period
    without one counts as 0), their mean, and the share of periods with at least one."""
    per: dict[str, int] = defaultdict(int)
    for moment in deployments:
        per[period_key(moment, by)] += 1
    keys = period_range(min(deployments), max(deployments), by)
    active = sum(1 for k in keys if per.get(k))
    return {
        "total": len(deployments),
        "periods": len(keys),
        "mean_per_period": len(deployments) / len(keys),
        "per_period": {k: per.get(k, 0) for k in keys},
        "periods_with_deployment": proportion(
            active, len(keys), min_sample=config.min_sample
        ).to_dict(),
        "first": min(deployments).isoformat(),
        "last": max(deployments).isoformat(),
    }


def lead_time(
    pull_requests: Sequence[PullRequest] | None,
    commit_dates: dict[str, datetime],
    shipped_at: dict[str, datetime] | None,
    config: MetricsConfig,
) -> dict[str, Any]:
    """DORA's lead time for changes: commit to the first deployment containing it when
    deployments are known, else a PR's first commit to its merge (what a PR-only team has).

    Changes no deployment contains yet are left out and counted (`not_deployed`): their lead time
    is not known, and counting them as zero would flatter it.
    """
    kw = {"seed": config.bootstrap_seed, "iterations": config.bootstrap_iterations}
    if shipped_at:
        hours = []
        for sha, written in commit_dates.items():
            shipped = shipped_at.get(sha)
            if shipped is not None and shipped >= written:
                hours.append((shipped - written).total_seconds() / 3600)
        return median(hours, min_sample=config.min_sample, **kw).to_dict() | {
            "from": "commit to the first deployment containing it",
            "not_deployed": len(commit_dates) - len(hours),
        }
    lead: list[float] = []
    for pr in pull_requests or []:
        dates = [commit_dates[s] for s in pr.commits if s in commit_dates]
        if pr.merged_at is not None and dates:
            span = (pr.merged_at - min(dates)).total_seconds() / 3600
            if span >= 0:
                lead.append(span)
    if not pull_requests:
        return {"status": "no deployment or pull request data"}
    return median(lead, min_sample=config.min_sample, **kw).to_dict() | {
        "from": "first commit to merge"
    }


def dora(
    items: Sequence[WorkItem],
    incidents: Sequence[Incident] | None,
    pull_requests: Sequence[PullRequest] | None,
    commit_dates: dict[str, datetime],
    deployments: Sequence[datetime] | None,
    by: str,
    config: MetricsConfig,
    shipped_at: dict[str, datetime] | None = None,
) -> dict[str, Any]:
    """DORA's lead time, deployment frequency, change failure rate, recovery time and rework rate,
    each only where its data exists (otherwise a `status` naming what is missing)."""
    kw = {"seed": config.bootstrap_seed, "iterations": config.bootstrap_iterations}
    out: dict[str, Any] = {
        "lead_time_hours": lead_time(pull_requests, commit_dates, shipped_at, config)
    }
    if deployments:
        out["deployment_frequency"] = deployment_frequency(deployments, by, config)
    else:
        out["deployment_frequency"] = {"status": "no deployment data"}
    if incidents is None:
        for name in ("change_failure_rate", "recovery_time_hours", "rework_rate"):
            out[name] = {"status": "no incident data"}
        return out
    caused = incidents_per_item(items, incidents)
    failed = sum(1 for i in items if caused.get(i.id))
    out["change_failure_rate"] = proportion(
        failed, len(items), min_sample=config.min_sample
    ).to_dict()
    recoveries = [h for h in (i.recovery_hours for i in incidents) if h is not None]
    out["recovery_time_hours"] = median(recoveries, min_sample=config.min_sample, **kw).to_dict()
    fixes = fix_items(items, incidents)
    out["rework_rate"] = proportion(
        len(fixes), len(items), min_sample=config.min_sample
    ).to_dict() | {"definition": "share of shipped items that fixed an incident"}
    return out
