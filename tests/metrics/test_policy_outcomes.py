"""Policy outcomes over hand-built decision records: every number worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from netgain.metrics import Change, Dataset, MetricsConfig, compute_metrics
from netgain.metrics.policy_outcomes import NO_DECISIONS, policy_outcomes

CONFIG = MetricsConfig(min_sample=2, bootstrap_iterations=100)
T0 = datetime(2024, 1, 1, 9, tzinfo=UTC)  # Monday of 2024-W01


def decision(
    day: int, verdict: str, requires: list[str], rules: dict[str, str], share: float | None
) -> dict[str, Any]:
    return {
        "base": "b",
        "head": f"h{day}",
        "recorded_at": (T0 + timedelta(days=day)).isoformat(),
        "verdict": verdict,
        "passed": verdict == "approved",
        "requires": requires,
        "rules": [{"name": n, "status": s} for n, s in rules.items()],
        "ai_share": share,
        "risk_tier": "high" if share and share > 0.5 else None,
    }


DECISIONS = [
    decision(
        0, "blocked", ["senior_review", "design_doc"], {"scan": "blocked", "tier": "pending"}, 0.9
    ),
    decision(1, "approved", [], {"scan": "approved", "tier": "skipped"}, 0.1),
    decision(15, "pending", ["senior_review"], {"scan": "approved", "tier": "pending"}, 0.6),
    decision(16, "approved", ["owner_approval"], {"scan": "approved", "tier": "skipped"}, None),
]


def test_policy_outcomes_by_hand() -> None:
    doc = policy_outcomes(DECISIONS, "week", CONFIG)
    assert doc["decisions"] == 4
    assert doc["verdicts"] == {"approved": 2, "pending": 1, "blocked": 1}
    # W01: days 0, 1; W02: none; W03: days 15, 16.
    assert list(doc["by_period"]) == ["2024-W01", "2024-W02", "2024-W03"]
    assert doc["by_period"]["2024-W01"] == {
        "decisions": 2,
        "approved": 1,
        "pending": 0,
        "blocked": 1,
        "senior_review": 1,
        "design_doc": 1,
        "owner_approval": 0,
    }
    assert doc["by_period"]["2024-W02"]["decisions"] == 0
    senior = doc["required"]["senior_review"]
    assert (senior["numerator"], senior["denominator"], senior["value"]) == (2, 4, 0.5)
    assert doc["required"]["design_doc"]["value"] == 0.25
    assert doc["passed"]["value"] == 0.5
    assert doc["failures_by_rule"] == [
        {
            "rule": "tier",
            "failed": 2,
            "applied": 2,
            "blocked": 0,
            "disapproved": 0,
            "error": 0,
            "pending": 2,
        },
        {
            "rule": "scan",
            "failed": 1,
            "applied": 4,
            "blocked": 1,
            "disapproved": 0,
            "error": 0,
            "pending": 0,
        },
    ]
    by_share = doc["by_ai_share"]
    assert by_share["75-100"]["decisions"] == 1 and by_share["0-25"]["decisions"] == 1
    assert by_share["50-75"]["decisions"] == 1 and by_share["unknown"]["decisions"] == 1
    assert by_share["75-100"]["passed"]["value"] is None  # 1 decision: below min_sample
    assert doc["by_risk_tier"] == {"high": 2, "not computed": 2}


def test_missing_log_is_named_and_since_filters_decisions() -> None:
    change = Change("a" * 40, "x@example.com", T0, 1, 0, 1, 0)
    doc = compute_metrics(Dataset(changes=[change]), CONFIG)
    assert doc["policy"] == {"status": NO_DECISIONS}
    assert doc["sources"]["policy_decisions"] is None
    doc = compute_metrics(
        Dataset(changes=[change], decisions=DECISIONS), CONFIG, since=T0 + timedelta(days=10)
    )
    assert doc["policy"]["decisions"] == 2 and doc["policy"]["verdicts"]["blocked"] == 0
