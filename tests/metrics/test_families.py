"""Metric families over hand-built datasets: every expected number is computed by hand here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from netgain.metrics import (
    Change,
    Dataset,
    Incident,
    LineFate,
    MetricsConfig,
    PullRequest,
    Review,
    SurvivingLines,
    compute_metrics,
    share_bucket,
)
from netgain.metrics.inputs import period_key, period_range

T0 = datetime(2024, 1, 1, 9, tzinfo=UTC)  # a Monday, ISO week 2024-W01
CONFIG = MetricsConfig(min_sample=2, bootstrap_iterations=200)


def change(sha: str, day: int, ai: int, human: int, unknown: int = 0, **kw: object) -> Change:
    return Change(
        sha=sha,
        author=str(kw.pop("author", "ada@example.com")),
        date=T0 + timedelta(days=day),
        lines_added=ai + human + unknown,
        ai_lines=ai,
        human_lines=human,
        unknown_lines=unknown,
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("ai", "human", "unknown", "bucket"),
    [
        (0, 10, 0, "0-25"),
        (2, 8, 0, "0-25"),
        (25, 75, 0, "25-50"),
        (5, 5, 0, "50-75"),
        (3, 1, 0, "75-100"),
        (10, 0, 0, "75-100"),
        (0, 0, 0, "unknown"),
        (1, 2, 4, "unknown"),  # mostly unknown: never folded into human
        (3, 0, 3, "50-75"),  # half unknown stays bucketed by AI share of all lines
    ],
)
def test_share_buckets(ai: int, human: int, unknown: int, bucket: str) -> None:
    assert share_bucket(ai, human, unknown) == bucket


def test_periods() -> None:
    assert period_key(T0, "week") == "2024-W01"
    assert period_key(datetime(2023, 12, 31, 23, tzinfo=UTC), "week") == "2023-W52"
    assert period_key(T0, "month") == "2024-01"
    keys = period_range(T0, T0 + timedelta(days=20), "week")
    assert keys == ["2024-W01", "2024-W02", "2024-W03"]
    assert period_range(datetime(2023, 11, 30, tzinfo=UTC), T0, "month") == [
        "2023-11",
        "2023-12",
        "2024-01",
    ]


def _dataset() -> Dataset:
    # Week 1: two AI-heavy changes by ada (one a feature that caused INC-1), one human by bob.
    # Week 2: bob's human feature (caused INC-2) and an all-unknown change by carol.
    changes = [
        change("a1", 0, ai=80, human=20, is_feature=True, files=("api/db.py",)),
        change("a2", 1, ai=60, human=40, files=("api/db.py",)),
        change("h1", 2, ai=0, human=100, author="bob@example.com", files=("ui/app.py",)),
        change("h2", 7, ai=10, human=90, author="bob@example.com", is_feature=True),
        change("u1", 8, ai=0, human=0, unknown=50, author="carol@example.com"),
    ]
    incidents = [
        Incident(
            "INC-1",
            T0 + timedelta(days=3),
            T0 + timedelta(days=3, hours=4),
            causes=("a1",),
            fixes=("h1",),
        ),
        Incident("INC-2", T0 + timedelta(days=9), T0 + timedelta(days=9, hours=2), causes=("h2",)),
    ]
    return Dataset(changes=changes, incidents=incidents, inducing={"a1": 1, "a2": 1, "h1": 1})


def test_throughput_adoption_and_incidents_per_period() -> None:
    doc = compute_metrics(_dataset(), CONFIG, by="week")
    w1, w2 = doc["periods"]
    assert (w1["period"], w2["period"]) == ("2024-W01", "2024-W02")
    assert w1["changes"] == 3 and w1["features"] == 1 and w1["lines_added"] == 300
    assert w1["ai_share"] == pytest.approx(140 / 300)
    assert w1["merged_prs"] is None  # no PR data: not zero
    adoption = w1["adoption"]
    assert adoption["active_engineers"] == 2
    assert adoption["engineers_with_ai"] == 1 and adoption["engineers_half_ai"] == 1
    assert adoption["with_ai_share"]["value"] == pytest.approx(0.5)
    # week 2: bob has 10 AI lines (with AI, not half), carol all unknown (neither)
    assert w2["adoption"]["engineers_with_ai"] == 1 and w2["adoption"]["engineers_half_ai"] == 0
    assert w1["incidents"] == 1 and w2["incidents"] == 1
    assert w1["incidents_per_feature"] == pytest.approx(1.0)
    assert w1["change_failure_rate"]["value"] == pytest.approx(1 / 3)
    assert w2["change_failure_rate"]["value"] == pytest.approx(1 / 2)


def test_buckets_keep_unknown_separate_and_report_failure_rates() -> None:
    doc = compute_metrics(_dataset(), CONFIG, by="week")
    buckets = doc["by_bucket"]
    assert buckets["75-100"]["changes"] == 1  # a1 (80%)
    assert buckets["50-75"]["changes"] == 1  # a2 (60%)
    assert buckets["0-25"]["changes"] == 2  # h1, h2
    assert buckets["unknown"]["changes"] == 1  # u1, not in 0-25
    low = buckets["0-25"]["outcomes"]
    assert low["items"] == 2 and low["failed_items"] == 1
    assert low["change_failure_rate"]["value"] == pytest.approx(0.5)
    assert low["change_failure_rate"]["n"] == 2
    # one item in 75-100 < min_sample 2: insufficient, not 100%
    top = buckets["75-100"]["outcomes"]["change_failure_rate"]
    assert top["value"] is None and top["status"] == "insufficient data"


def test_defect_density_ai_vs_human() -> None:
    doc = compute_metrics(_dataset(), CONFIG, by="week")
    dd = doc["quality"]["defect_density"]
    # ai changes: a1, a2 both inducing, 200 lines -> 10 per 1,000 lines
    assert dd["ai"]["value"] == pytest.approx(10.0) and dd["ai"]["n"] == 2
    # human: h1 inducing, h2 not, 200 lines -> 5 per 1,000
    assert dd["human"]["value"] == pytest.approx(5.0)
    assert dd["ratio_ai_human"]["value"] == pytest.approx(2.0)
    assert dd["unknown"]["status"] == "insufficient data"  # one unknown change


def test_dora_recovery_and_rework_rate() -> None:
    doc = compute_metrics(_dataset(), CONFIG, by="week")
    dora = doc["dora"]
    assert dora["recovery_time_hours"]["value"] == pytest.approx(3.0)  # median of 4h and 2h
    assert dora["change_failure_rate"]["value"] == pytest.approx(2 / 5)
    assert dora["rework_rate"]["value"] == pytest.approx(1 / 5)  # h1 fixed INC-1
    assert dora["lead_time_hours"]["status"] == "no deployment or pull request data"
    assert dora["deployment_frequency"]["status"] == "no deployment data"
    # Each missing family names what would fill it.
    assert "--deployments" in dora["deployment_frequency"]["fill"]
    assert "--deployments" in dora["lead_time_hours"]["fill"]


def test_missing_sources_are_named_never_zero() -> None:
    data = Dataset(changes=[change("a1", 0, ai=5, human=5)])
    doc = compute_metrics(data, CONFIG)
    assert doc["periods"][0]["incidents"] is None
    assert doc["review"] == {"status": "no review data"}
    assert doc["quality"]["defect_density"]["status"].startswith("no SZZ data")
    assert doc["by_bucket"]["50-75"]["outcomes"] == {"status": "no incident data"}
    net = doc["net_productivity"]["total"]
    assert net["missing"] == ["incidents", "rework", "review"]


def test_review_load_and_net_productivity() -> None:
    data = _dataset()
    merged = T0 + timedelta(days=2)
    data.pull_requests = [
        PullRequest(
            1,
            merged,
            commits=("a1", "a2"),
            reviews=(
                Review("sam", merged, "senior", hours=2.0),
                Review("ola", merged, "other"),  # no duration: 0.5 h estimate
            ),
        ),
        PullRequest(
            2, merged, commits=("h1",), reviews=(Review("sam", merged, "senior", hours=1.0),)
        ),
    ]
    data.reviews_present = True
    data.rework = [
        LineFate("a1", T0, {"ai": 80, "human": 20}, {"ai": 40, "human": 0}),
        LineFate("a2", T0 + timedelta(days=1), {"ai": 60, "human": 40}, {"ai": 20}),
        LineFate("h1", T0 + timedelta(days=2), {"human": 100}, {"human": 10}),
    ]
    doc = compute_metrics(data, CONFIG, by="week")
    review = doc["review"]
    assert review["reviews"] == 3 and review["estimated_hours_reviews"] == 1
    assert review["by_role"]["senior"] == {"reviews": 2, "hours": 3.0}
    assert review["by_role"]["other"] == {"reviews": 1, "hours": 0.5}
    # senior: 2 h on the AI-heavy PR 1 (140/200 AI), 1 h on human PR 2 -> 2/3
    assert review["senior_share_on_ai_heavy"]["value"] == pytest.approx(2 / 3)
    rework = doc["rework"]
    assert rework["ai"]["value"] == pytest.approx(60 / 140) and rework["ai"]["n"] == 2
    assert rework["human"]["value"] == pytest.approx(10 / 160) and rework["human"]["n"] == 3
    assert rework["ratio_ai_human"]["value"] == pytest.approx((60 / 140) / (10 / 160))
    assert rework["unknown"]["status"] == "insufficient data"
    # week 1: 1 feature item (PR 1 contains feature a1), 1 incident (8 h),
    # 70 reworked lines (0.7 h), 3.5 review hours -> 1 - 12.2/16
    w1 = doc["periods"][0]["net_productivity"]
    assert w1["features"] == 1
    assert w1["cost_hours"]["total"] == pytest.approx(8 + 0.7 + 3.5)
    assert w1["net_features"] == pytest.approx(1 - 12.2 / 16)
    assert w1["missing"] == []
    # PR 1 is one item: CFR per item, not per commit
    assert doc["dora"]["change_failure_rate"]["n"] == 4


def test_since_filters_every_source() -> None:
    doc = compute_metrics(_dataset(), CONFIG, by="week", since=T0 + timedelta(days=7))
    assert [p["period"] for p in doc["periods"]] == ["2024-W02"]
    assert doc["sources"]["changes"] == 2 and doc["sources"]["incidents"] == 1


def test_vulnerability_density_by_provenance() -> None:
    data = _dataset()
    files = {
        f"f{i}.py": {
            "ai_lines": 100,
            "human_lines": 100,
            "ai_findings": 1 if i < 2 else 0,
            "human_findings": 1 if i == 0 else 0,
        }
        for i in range(4)
    }
    data.surviving = SurvivingLines(
        lines={"ai": 400, "human": 400, "unknown": 0},
        findings={"ai": 2, "human": 1, "unknown": 0},
        files=files,
        scanned_files=4,
    )
    vd = compute_metrics(data, CONFIG)["quality"]["vulnerability_density"]
    assert vd["ai"]["value"] == pytest.approx(5.0)  # 2 per 400 lines
    assert vd["human"]["value"] == pytest.approx(2.5)
    assert vd["ratio_ai_human"]["value"] == pytest.approx(2.0)
    assert vd["unknown"]["n"] == 0 and vd["unknown"]["status"] == "insufficient data"
