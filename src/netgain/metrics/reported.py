"""Findings reported after the merge in the metrics: how dense they are in AI-written against
human-written changes, and where a window's findings of each severity came from.

Each finding counts once, for its primary cause (the change it was traced to by SZZ from its fix
or by blame of its lines; `netgain.findings.link`). The density is findings per 1,000 lines added,
changes grouped by provenance as for defect density (ai when at least half their lines are AI),
with changes as bootstrap units, per source (pentest, bounty, ...) and all together. The origins
answer "where did last quarter's criticals come from?": per severity, the findings found in the
window by AI-share bucket and by provenance of their introducing change, untraced ones counted
apart with their reasons, never folded into a bucket.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from netgain.metrics.config import MetricsConfig
from netgain.metrics.density import per_provenance
from netgain.metrics.inputs import GROUPS, PROVENANCE_KINDS, Change, ReportedFinding

SEVERITY_ORDER = ("critical", "high", "medium", "low", "info", "unrated")
UNLINKED = "unlinked"
LISTED = ("critical", "high")  # severities whose findings are listed one by one
MAX_LISTED = 200


def _severity(finding: ReportedFinding) -> str:
    return finding.severity if finding.severity in SEVERITY_ORDER else "unrated"


def _density(
    changes: Sequence[Change], counts: Counter[str], config: MetricsConfig
) -> dict[str, Any]:
    pairs: dict[str, list[tuple[float, float]]] = {k: [] for k in PROVENANCE_KINDS}
    for c in changes:
        if c.lines_added > 0:
            pairs[c.provenance].append((float(counts.get(c.sha, 0)), float(c.lines_added)))
    out = per_provenance(pairs, config)
    out["findings"] = {kind: int(sum(n for n, _ in values)) for kind, values in pairs.items()}
    return out


def reported_density(
    changes: Sequence[Change], findings: Sequence[ReportedFinding], config: MetricsConfig
) -> dict[str, Any]:
    """Reported findings per 1,000 added lines by provenance of the introducing change, for all
    sources together (`all`) and per source (`by_source`).

    `outside_changes` counts traced findings whose change is not among `changes` (written before
    `--since`, or a merge commit), which the density cannot place.
    """
    known = {c.sha for c in changes}
    per_source: dict[str, Counter[str]] = defaultdict(Counter)
    every: Counter[str] = Counter()
    outside = 0
    for f in findings:
        if f.cause is None:
            continue
        if f.cause not in known:
            outside += 1
            continue
        every[f.cause] += 1
        per_source[f.source][f.cause] += 1
    return {
        "unit": "reported findings per 1,000 added lines (by the change that introduced them)",
        "all": _density(changes, every, config),
        "by_source": {
            source: _density(changes, counts, config)
            for source, counts in sorted(per_source.items())
        },
        "outside_changes": outside,
    }


def _empty_counts() -> dict[str, Any]:
    return {
        "findings": 0,
        "by_bucket": dict.fromkeys((*GROUPS, UNLINKED), 0),
        "by_provenance": dict.fromkeys((*PROVENANCE_KINDS, UNLINKED), 0),
        "by_source": {},
        "unlinked_reasons": {},
    }


def finding_origins(
    findings: Sequence[ReportedFinding],
    changes: Sequence[Change],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, Any]:
    """Per severity, where the findings found in [since, until] came from.

    `changes` must be every change of the history, not only the window's: last quarter's
    criticals were mostly written before last quarter.
    """
    by_sha = {c.sha: c for c in changes}
    window = [
        f
        for f in findings
        if (since is None or f.found_at >= since) and (until is None or f.found_at <= until)
    ]
    per: dict[str, dict[str, Any]] = {sev: _empty_counts() for sev in SEVERITY_ORDER}
    every = _empty_counts()
    listed: list[dict[str, Any]] = []
    not_in_history = 0
    for f in sorted(window, key=lambda f: (f.found_at, f.source, f.id)):
        change = by_sha.get(f.cause) if f.cause else None
        if f.cause is None:
            bucket = provenance = UNLINKED
        elif change is None:
            not_in_history += 1
            bucket = provenance = "unknown"
        else:
            bucket, provenance = change.group, change.provenance
        for counts in (per[_severity(f)], every):
            counts["findings"] += 1
            counts["by_bucket"][bucket] += 1
            counts["by_provenance"][provenance] += 1
            counts["by_source"][f.source] = counts["by_source"].get(f.source, 0) + 1
            if f.cause is None:
                reason = f.reason.split(":", 1)[0] or "not traced"
                counts["unlinked_reasons"][reason] = counts["unlinked_reasons"].get(reason, 0) + 1
        if _severity(f) in LISTED and len(listed) < MAX_LISTED:
            share = change.ai_share if change is not None else None
            listed.append(
                {
                    "id": f.id,
                    "source": f.source,
                    "severity": _severity(f),
                    "title": f.title,
                    "cwe": f.cwe,
                    "found_at": f.found_at.isoformat(),
                    "cause": f.cause,
                    "method": f.method,
                    "bucket": bucket,
                    "ai_share": None if share is None else round(share, 4),
                    "reason": f.reason if f.cause is None else "",
                }
            )
    return {
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "findings": len(window),
        "by_severity": {sev: counts for sev, counts in per.items() if counts["findings"]},
        "all": every,
        "listed": listed,
        "not_in_history": not_in_history,
    }


def reported_findings(
    findings: Sequence[ReportedFinding],
    all_changes: Sequence[Change],
    window_changes: Sequence[Change],
    config: MetricsConfig,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, Any]:
    """The metrics document's `reported_findings` family: counts, density, origins."""
    traced = [f for f in findings if f.cause is not None]
    methods = Counter(f.method or "?" for f in traced)
    sources = Counter(f.source for f in findings)
    return {
        "findings": len(findings),
        "linked": len(traced),
        "unlinked": len(findings) - len(traced),
        "by_method": dict(sorted(methods.items())),
        "by_source": dict(sorted(sources.items())),
        "density": reported_density(window_changes, findings, config),
        "origins": finding_origins(findings, all_changes, since=since, until=until),
    }
