"""All metric families over one Dataset: the document behind `metrics --json` and the HTML report.

The report renders exactly this dictionary, so the two can never disagree.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from netgain.metrics.board import board
from netgain.metrics.config import MetricsConfig
from netgain.metrics.density import defect_density, vulnerability_density
from netgain.metrics.inputs import GROUPS, Change, Dataset, period_key, period_range, period_start
from netgain.metrics.items import WorkItem, build_items
from netgain.metrics.net import net_productivity
from netgain.metrics.outcomes import by_group, dora, incidents_by_period, incidents_per_item
from netgain.metrics.policy_outcomes import decision_time, policy_outcomes
from netgain.metrics.provenance_coverage import coverage_section
from netgain.metrics.reported import reported_findings
from netgain.metrics.review import NO_REVIEW_DATA, pr_class, review_hours, review_load
from netgain.metrics.rework import rework
from netgain.metrics.sections import attach_sources, sections
from netgain.metrics.throughput import throughput_by_period

SCHEMA = "netgain.metrics/1"


def filter_since(data: Dataset, since: datetime | None) -> Dataset:
    """The dataset restricted to what happened at or after `since`."""
    if since is None:
        return data

    def keep(moment: datetime | None) -> bool:
        return moment is not None and moment >= since

    return Dataset(
        changes=[c for c in data.changes if keep(c.date)],
        incidents=None
        if data.incidents is None
        else [i for i in data.incidents if keep(i.started_at)],
        inducing=data.inducing,
        pull_requests=None
        if data.pull_requests is None
        else [p for p in data.pull_requests if keep(p.merged_at)],
        reviews_present=data.reviews_present,
        rework=None if data.rework is None else [f for f in data.rework if keep(f.date)],
        rework_note=data.rework_note,
        surviving=data.surviving,
        reported=data.reported,
        deployments=None if data.deployments is None else [d for d in data.deployments if keep(d)],
        notes=list(data.notes),
        risk=data.risk,
        decisions=None
        if data.decisions is None
        else [d for d in data.decisions if keep(decision_time(d))],
        shipped_at=data.shipped_at,
        features_known=data.features_known,
        origins=data.origins,
        teams=data.teams,
    )


def _periods(data: Dataset, items: list[WorkItem], by: str) -> list[str]:
    moments = [c.date for c in data.changes] + [i.date for i in items]
    moments += [i.started_at for i in data.incidents or [] if i.started_at is not None]
    if not moments:
        return []
    return period_range(min(moments), max(moments), by)


def _grouped[G: (Change, WorkItem)](things: Sequence[G]) -> dict[str, list[G]]:
    """Changes or items per AI-share group, every group present (computed once: `group` is
    recomputed on each access and the families ask for it per group)."""
    out: dict[str, list[G]] = {group: [] for group in GROUPS}
    for thing in things:
        out[thing.group].append(thing)
    return out


def _group_net(
    data: Dataset,
    items: list[WorkItem],
    items_by_group: dict[str, list[WorkItem]],
    config: MetricsConfig,
) -> dict[str, dict[str, Any]]:
    caused = incidents_per_item(items, data.incidents) if data.incidents is not None else {}
    group_of_sha = {c.sha: c.group for c in data.changes}
    rework_by: dict[str, int] = defaultdict(int)
    for fate in data.rework or []:
        rework_by[group_of_sha.get(fate.sha, "unknown")] += sum(fate.reworked.values())
    review_by: dict[str, float] = defaultdict(float)
    by_sha = {c.sha: c for c in data.changes}
    for pr in data.pull_requests or []:
        if not pr.reviews:
            continue
        changes = [by_sha[s] for s in pr.commits if s in by_sha]
        from netgain.metrics.inputs import share_bucket

        group = share_bucket(
            sum(c.ai_lines for c in changes),
            sum(c.human_lines for c in changes),
            sum(c.unknown_lines for c in changes),
        )
        review_by[group] += sum(review_hours(r, config) for r in pr.reviews)
    out: dict[str, dict[str, Any]] = {}
    for group in GROUPS:
        members = items_by_group[group]
        out[group] = net_productivity(
            sum(1 for i in members if i.is_feature) if data.features_known else None,
            sum(caused.get(i.id, 0) for i in members) if data.incidents is not None else None,
            rework_by.get(group, 0) if data.rework is not None else None,
            review_by.get(group, 0.0) if data.reviews_present else None,
            config,
        )
    return out


def _risky_files(data: Dataset, items: list[WorkItem], limit: int = 15) -> list[dict[str, Any]]:
    """Files most often touched by changes that caused incidents or introduced bugs, plus
    findings: where the cost concentrates."""
    caused_shas: set[str] = set()
    for incident in data.incidents or []:
        caused_shas.update(incident.causes)
    inducing = data.inducing or {}
    score: Counter[str] = Counter()
    incidents_f: Counter[str] = Counter()
    bugs_f: Counter[str] = Counter()
    for c in data.changes:
        for path in c.files:
            if c.sha in caused_shas:
                incidents_f[path] += 1
            if inducing.get(c.sha):
                bugs_f[path] += 1
    findings_f: Counter[str] = Counter()
    if data.surviving is not None:
        for path, counts in data.surviving.files.items():
            findings_f[path] = sum(
                counts.get(f"{k}_findings", 0) for k in ("ai", "human", "unknown")
            )
    for path in set(incidents_f) | set(bugs_f) | set(findings_f):
        score[path] = 3 * incidents_f[path] + 2 * bugs_f[path] + findings_f[path]
    rows = []
    for path, value in sorted(score.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]:
        if value <= 0:
            break
        rows.append(
            {
                "path": path,
                "score": value,
                "incident_changes": incidents_f[path],
                "bug_introducing_changes": bugs_f[path],
                "findings": findings_f[path],
                "zone": path.split("/", 1)[0] if "/" in path else ".",
            }
        )
    return rows


def compute_metrics(
    data: Dataset,
    config: MetricsConfig,
    *,
    by: str = "week",
    since: datetime | None = None,
    until: datetime | None = None,
    repository: str = "",
    adoption_date: datetime | None = None,
) -> dict[str, Any]:
    """Every metric family; a family without its data carries a `status` saying what is missing.

    `until` ends the window of the reported findings' origins (which starts at `since`); the
    other families run to the newest data. `adoption_date` overrides the board's AI adoption
    week found in the data (netgain.metrics.board).
    """
    if by not in ("week", "month"):
        raise ValueError(f"unknown period {by!r}: use week or month")
    all_changes = data.changes
    data = filter_since(data, since)
    items = build_items(data)
    throughput = throughput_by_period(data.changes, items, data.pull_requests, by, config)
    outcomes = (
        incidents_by_period(items, data.incidents, by, config) if data.incidents is not None else {}
    )
    rework_doc = rework(data.rework, by, config) if data.rework is not None else None
    reviews = review_load(
        data.pull_requests if data.reviews_present else None, data.changes, by, config
    )
    review_by_period: dict[str, float] = defaultdict(float)
    if data.reviews_present:
        for pr in data.pull_requests or []:
            for review in pr.reviews:
                when = review.submitted_at or pr.merged_at
                if when is not None:
                    review_by_period[period_key(when, by)] += review_hours(review, config)
    rework_by_period: dict[str, int] = defaultdict(int)
    for fate in data.rework or []:
        rework_by_period[period_key(fate.date, by)] += sum(fate.reworked.values())
    deploys_by_period: dict[str, int] = defaultdict(int)
    for moment in data.deployments or []:
        deploys_by_period[period_key(moment, by)] += 1
    # Periods with merged PRs but no change (computed once: per period it was quadratic).
    pr_only = throughput_by_period([], [], data.pull_requests, by, config)
    periods = []
    for key in _periods(data, items, by):
        row: dict[str, Any] = {"period": key, "start": period_start(key).isoformat()}
        row.update(
            throughput.get(key)
            or pr_only.get(key)
            or {
                "changes": 0,
                "merged_prs": 0 if data.pull_requests is not None else None,
                "features": 0,
                "lines_added": 0,
                "ai_lines": 0,
                "human_lines": 0,
                "unknown_lines": 0,
                "ai_share": None,
                "unknown_share": None,
                "adoption": None,
            }
        )
        if not data.features_known:
            row["features"] = None
        row["deployments"] = deploys_by_period.get(key, 0) if data.deployments is not None else None
        if data.incidents is not None:
            row.update(
                outcomes.get(key)
                or {
                    "incidents": 0,
                    "failed_items": 0,
                    "change_failure_rate": None,
                    "incidents_per_feature": None,
                }
            )
        else:
            row["incidents"] = None
        row["net_productivity"] = net_productivity(
            row["features"],
            row["incidents"],
            rework_by_period.get(key, 0) if data.rework is not None else None,
            review_by_period.get(key, 0.0) if data.reviews_present else None,
            config,
        )
        periods.append(row)
    groups = by_group(items, data.incidents or [], config) if data.incidents is not None else None
    bucket_rows: dict[str, dict[str, Any]] = {}
    items_by_group = _grouped(items)
    changes_by_group = _grouped(data.changes)
    net_groups = _group_net(data, items, items_by_group, config)
    for group in GROUPS:
        members = changes_by_group[group]
        members_items = items_by_group[group]
        bucket_rows[group] = {
            "changes": len(members),
            "items": len(members_items),
            "features": sum(1 for i in members_items if i.is_feature)
            if data.features_known
            else None,
            "lines_added": sum(c.lines_added for c in members),
            "outcomes": groups[group] if groups is not None else {"status": "no incident data"},
            "net_productivity": net_groups[group],
        }
    commit_dates = {c.sha: c.date for c in data.changes}
    by_sha = {c.sha: c for c in data.changes}
    review_classes = (
        Counter(pr_class(pr, by_sha, config) for pr in data.pull_requests or [])
        if data.pull_requests is not None
        else None
    )
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "repository": repository,
        "by": by,
        "since": since.isoformat() if since else None,
        "config": config.to_dict(),
        "sources": {
            "changes": len(data.changes),
            "items": len(items),
            "pull_requests": None if data.pull_requests is None else len(data.pull_requests),
            "pull_request_classes": dict(review_classes) if review_classes is not None else None,
            "incidents": None if data.incidents is None else len(data.incidents),
            "szz_inducing_changes": None if data.inducing is None else len(data.inducing),
            "reviews": "present" if data.reviews_present else NO_REVIEW_DATA,
            "rework": "measured"
            if data.rework is not None
            else (data.rework_note or "not measured"),
            "vulnerability_scan": "present" if data.surviving is not None else "not run",
            "reported_findings": None if data.reported is None else len(data.reported),
            "deployments": None if data.deployments is None else len(data.deployments),
            "policy_decisions": None if data.decisions is None else len(data.decisions),
        },
        "periods": periods,
        "by_bucket": bucket_rows,
        "quality": {
            "defect_density": defect_density(data.changes, data.inducing, config)
            if data.inducing is not None
            else {"status": "no SZZ data (run `netgain szz` or import incidents with fixes)"},
            "vulnerability_density": vulnerability_density(data.surviving, config)
            if data.surviving is not None
            else {"status": "no scan"},
            "reported_findings": reported_findings(
                data.reported, all_changes, data.changes, config, since=since, until=until
            )
            if data.reported is not None
            else {"status": "no reported findings"},
        },
        "rework": rework_doc
        if rework_doc is not None
        else {"status": data.rework_note or "not measured"},
        "review": reviews,
        "dora": dora(
            items,
            data.incidents,
            data.pull_requests,
            commit_dates,
            data.deployments,
            by,
            config,
            data.shipped_at,
        ),
        "net_productivity": {
            "formula": "net_features = features - (incident_hours*incidents + "
            "rework_hours_per_kloc*reworked_lines/1000 + review_weight*review_hours) / hours_per_feature",
            "weights": config.weights(),
            "total": net_productivity(
                sum(1 for i in items if i.is_feature) if data.features_known else None,
                None if data.incidents is None else len(data.incidents),
                None if data.rework is None else sum(sum(f.reworked.values()) for f in data.rework),
                sum(review_by_period.values()) if data.reviews_present else None,
                config,
            ),
        },
        "provenance": coverage_section(data.changes, data.teams),
        "risky_files": _risky_files(data, items),
        "risk": data.risk if data.risk is not None else {"status": "not computed"},
        "policy": policy_outcomes(data.decisions, by, config),
        "notes": list(data.notes),
    }
    doc["board"] = board(data, items, config, adoption_date=adoption_date)
    doc["sections"] = sections(data, doc)
    attach_sources(doc)
    return doc
