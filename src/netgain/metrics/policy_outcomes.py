"""Policy outcomes: what the review gate (`netgain check`) decided, over time and by rule.

Reads the decision records (`netgain.policy.record`, one per change range, the latest kept):
decisions per period by verdict, the share of changes that required a senior review, a design
document or an owner's approval (Wilson intervals), pass rate, the rules that failed and how, and
the split by AI-share bucket and risk tier. Without recorded decisions it says so.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from netgain.metrics.config import MetricsConfig
from netgain.metrics.inputs import BUCKETS, period_key, period_range
from netgain.metrics.stats import proportion

NO_DECISIONS = "no review-gate decisions recorded (netgain check records them)"
VERDICTS = ("approved", "pending", "blocked")
REQUIREMENTS = ("senior_review", "design_doc", "owner_approval")
FAILING = ("blocked", "disapproved", "error", "pending")


def decision_time(record: dict[str, Any]) -> datetime:
    """When the gate decided (records are validated on reading: always an aware datetime)."""
    return datetime.fromisoformat(str(record["recorded_at"]))


def _bucket(share: Any) -> str:
    if isinstance(share, bool) or not isinstance(share, int | float):
        return "unknown"
    return BUCKETS[min(int(float(share) * 4), 3)] if 0 <= share <= 1 else "unknown"


def policy_outcomes(
    decisions: Sequence[dict[str, Any]] | None, by: str, config: MetricsConfig
) -> dict[str, Any]:
    """The policy section of the metrics document (schema in docs/metrics.md)."""
    if not decisions:
        return {"status": NO_DECISIONS}
    n = len(decisions)
    ordered = sorted(decisions, key=decision_time)
    keys = period_range(decision_time(ordered[0]), decision_time(ordered[-1]), by)
    periods: dict[str, dict[str, int]] = {
        k: dict.fromkeys(("decisions", *VERDICTS, *REQUIREMENTS), 0) for k in keys
    }
    needs: Counter[str] = Counter()
    rules: dict[str, Counter[str]] = defaultdict(Counter)
    applied: Counter[str] = Counter()
    buckets: dict[str, Counter[str]] = defaultdict(Counter)
    tiers: Counter[str] = Counter()
    for record in ordered:
        row = periods[period_key(decision_time(record), by)]
        row["decisions"] += 1
        verdict = str(record.get("verdict"))
        if verdict in VERDICTS:
            row[verdict] += 1
        required = set(record.get("requires") or [])
        for name in REQUIREMENTS:
            if name in required:
                needs[name] += 1
                row[name] += 1
        for rule in record.get("rules") or []:
            if not isinstance(rule, dict):
                continue
            name, status = str(rule.get("name")), str(rule.get("status"))
            if status != "skipped":
                applied[name] += 1
            if status in FAILING:
                rules[name][status] += 1
        bucket = _bucket(record.get("ai_share"))
        buckets[bucket]["decisions"] += 1
        buckets[bucket]["passed"] += bool(record.get("passed"))
        tiers[str(record.get("risk_tier") or "not computed")] += 1
    ranked = sorted(rules.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    failures: list[dict[str, Any]] = [
        {
            "rule": name,
            "failed": sum(counts.values()),
            "applied": applied[name],
            **{status: counts.get(status, 0) for status in FAILING},
        }
        for name, counts in ranked
    ]
    passed = sum(1 for r in ordered if r.get("passed"))
    return {
        "status": "ok",
        "decisions": n,
        "first": ordered[0]["recorded_at"],
        "last": ordered[-1]["recorded_at"],
        "passed": proportion(passed, n, min_sample=config.min_sample).to_dict(),
        "verdicts": {v: sum(p[v] for p in periods.values()) for v in VERDICTS},
        "required": {
            name: proportion(needs[name], n, min_sample=config.min_sample).to_dict()
            for name in REQUIREMENTS
        },
        "by_period": periods,
        "failures_by_rule": failures,
        "by_ai_share": {
            b: {
                "decisions": buckets[b]["decisions"],
                "passed": proportion(
                    buckets[b]["passed"], buckets[b]["decisions"], min_sample=config.min_sample
                ).to_dict(),
            }
            for b in (*BUCKETS, "unknown")
        },
        "by_risk_tier": dict(sorted(tiers.items())),
    }
