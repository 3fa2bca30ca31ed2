"""Cycle-time stages, waiting on seniors, review load and validation credit, by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from netgain.metrics.flow import PrTimeline, RequestEvent, ReviewEvent, compute_flow, senior_wait
from netgain.metrics.people import SUPPRESSED, Audience
from netgain.metrics.reviewers import ReviewDone, compute_review_load, review_hours
from netgain.metrics.validation import GateDecision, compute_validation_credit

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def pr(number: int, author: str = "ann", **kw: object) -> PrTimeline:
    base: dict[str, object] = {
        "repository": "acme/api",
        "number": number,
        "author": author,
        "first_commit": h(0),
        "opened": h(2),
        "merged": h(10),
        "reviews": (ReviewEvent("bea", h(5), "commented"), ReviewEvent("cat", h(7), "approved")),
    }
    base.update(kw)
    return PrTimeline(**base)  # type: ignore[arg-type]


def test_stages_of_one_pull_request() -> None:
    timeline = pr(1, deployed=h(12))
    assert timeline.stages() == {
        "coding": 2.0,
        "pickup": 3.0,
        "review": 2.0,
        "merge": 3.0,
        "deploy": 2.0,
    }
    assert timeline.cycle_hours() == 10.0


def test_draft_waits_from_ready_and_own_reviews_do_not_count() -> None:
    timeline = pr(
        2,
        ready=h(4),
        reviews=(
            ReviewEvent("ann", h(3), "commented"),  # the author's own reply
            ReviewEvent("bea", h(6), "approved"),
        ),
    )
    stages = timeline.stages()
    assert stages["pickup"] == 2.0  # ready at 4 -> first other review at 6
    assert stages["review"] == 0.0
    assert stages["deploy"] is None  # no deployment recorded: left out, not zero


def test_commit_after_opening_counts_zero_coding_time() -> None:
    assert pr(3, first_commit=h(5)).stages()["coding"] == 0.0


def test_medians_p90_and_buckets_with_min_sample() -> None:
    prs = [pr(i, merged=h(10 + i), ai_lines=90, human_lines=10) for i in range(1, 11)]
    prs += [pr(100, merged=None)]  # open: not in the stages
    result = compute_flow(prs, teams={}, seniors=frozenset(), min_sample=5)
    assert result.merged == 10
    merge = result.overall["merge"]
    assert merge.n == 10
    assert merge.median == 8.5  # approvals at 7, merges at 11..20: 4..13 hours
    assert merge.p90 is not None and abs(merge.p90 - 12.1) < 1e-9
    assert result.by_bucket["75-100"]["merge"].n == 10
    assert result.by_bucket["0-25"]["merge"].status == "insufficient data"
    assert result.bottleneck == "merge"
    small = compute_flow(prs[:3], teams={}, seniors=frozenset(), min_sample=5)
    assert small.overall["merge"].median is None
    assert small.overall["merge"].status == "insufficient data"


def test_team_figures_need_the_privacy_minimum_of_authors() -> None:
    authors = ["a1", "a2", "a3", "a4", "a5"]
    prs = [pr(i, author=authors[i % 5]) for i in range(10)]
    teams = {"big": authors, "small": ["a1", "a2"]}
    result = compute_flow(prs, teams=teams, seniors=frozenset(), min_sample=1, min_group=5)
    assert result.by_team["small"] == SUPPRESSED
    big = result.by_team["big"]
    assert not isinstance(big, str) and big["coding"].n == 10


def test_waiting_on_seniors_share() -> None:
    waited = pr(
        1,
        requests=(RequestEvent("sen", h(2)), RequestEvent("bea", h(2))),
        reviews=(ReviewEvent("sen", h(6), "approved"),),
    )
    unanswered = pr(2, requests=(RequestEvent("sen", h(8)),), reviews=())
    plain = pr(3)
    wait = senior_wait([waited, unanswered, plain], frozenset({"sen"}))
    assert wait.waiting_hours == 4.0 + 2.0  # 2->6, and 8->merge at 10
    assert wait.cycle_hours == 30.0
    assert wait.share == 6.0 / 30.0
    assert wait.pull_requests == 2 and wait.requests == 2


def reviews_of(counts: dict[str, int]) -> list[ReviewDone]:
    return [
        ReviewDone(who, h(i), "approved", "acme/api", i)
        for who, n in counts.items()
        for i in range(n)
    ]


def test_review_hours_scale_with_size_within_bounds() -> None:
    base = ReviewDone("x", T0, "approved", "acme/api", 1)
    assert review_hours(base, 0.5) == 0.5
    assert review_hours(ReviewDone("x", T0, "approved", "a/b", 1, 800), 0.5) == 1.0
    assert review_hours(ReviewDone("x", T0, "approved", "a/b", 1, 10**9), 0.5) == 2.0
    assert review_hours(ReviewDone("x", T0, "approved", "a/b", 1, 1), 0.5) == 0.25


def test_review_load_overloaded_is_relative_to_the_team_median_and_private() -> None:
    team = ["r1", "r2", "r3", "r4", "r5"]
    counts = {"r1": 2, "r2": 2, "r3": 2, "r4": 2, "r5": 9}
    reviews = reviews_of(counts)
    tiers = {"r5": "senior"}
    anyone = Audience.for_viewer(["r1"], admin=False)
    load = compute_review_load(reviews, tiers=tiers, teams={"core": team}, audience=anyone)
    core = load.by_team["core"]
    assert not isinstance(core, str)
    assert core.reviewers == 5 and core.reviews == 17 and core.overloaded == 1
    assert core.median_hours == 1.0
    assert [p.reviewer for p in load.people] == ["r1"]  # only their own row
    assert load.by_tier["senior"] == SUPPRESSED  # one senior: that would name them
    admin = compute_review_load(
        reviews, tiers=tiers, teams={"core": team}, audience=Audience.for_viewer([], admin=True)
    )
    flagged = [p.reviewer for p in admin.people if p.overloaded]
    assert flagged == ["r5"]
    assert [p.reviewer for p in admin.people] == sorted(counts)  # by name, never ranked


def test_validation_credit() -> None:
    decisions = [
        GateDecision(
            "acme/api", 1, h(1), "blocked", "ann", frozenset({"sqli", "xss"}), frozenset()
        ),
        GateDecision(
            "acme/api", 1, h(5), "approved", "ann", frozenset({"xss"}), frozenset({"docs/d.md"})
        ),
        GateDecision(
            "acme/api", 1, h(6), "approved", "ann", frozenset({"xss"}), frozenset({"docs/d.md"})
        ),
    ]
    reviews = [
        ReviewDone("bea", h(2), "commented", "acme/api", 1),  # saw sqli while blocked
        ReviewDone("cat", h(7), "approved", "acme/api", 1),  # after the fix: nothing caught
        ReviewDone("ann", h(3), "commented", "acme/api", 1),  # the author: no credit
        ReviewDone("dan", h(4), "changes_requested", "acme/api", 2),
    ]
    authors = {("acme/api", 1): "ann", ("acme/api", 2): "eve"}
    credit = compute_validation_credit(
        reviews,
        decisions,
        authors=authors,
        teams={"core": ["ann", "bea", "cat", "dan", "eve"], "tiny": ["bea"]},
        audience=Audience.for_viewer([], admin=True),
    )
    people = {k: v.to_dict() for k, v in credit.people.items()}
    assert people["bea"] == {
        "reviews": 1,
        "blocked_caught": 1,
        "findings_caught": 1,
        "design_documents": 0,
    }
    assert people["cat"]["findings_caught"] == 0 and people["cat"]["blocked_caught"] == 0
    assert people["dan"]["blocked_caught"] == 1
    assert people["ann"] == {
        "reviews": 0,
        "blocked_caught": 0,
        "findings_caught": 0,
        "design_documents": 1,
    }
    assert credit.by_team["tiny"] == SUPPRESSED
    core = credit.by_team["core"]
    assert isinstance(core, dict) and core["reviews"] == 3 and core["findings_caught"] == 1
    mine = compute_validation_credit(
        reviews,
        decisions,
        authors=authors,
        teams={},
        audience=Audience.for_viewer(["BEA"], admin=False),
    )
    assert set(mine.people) == {"bea"}
    nobody = Audience.for_viewer(["bea"], admin=False, people="none")
    assert not compute_validation_credit(
        reviews, decisions, authors=authors, teams={}, audience=nobody
    ).people


def test_median_interval_from_order_statistics() -> None:
    from netgain.metrics.flow import summarise

    values = [float(v) for v in range(1, 101)]  # 1..100
    found = summarise(values, min_sample=20)
    # ranks 50 -+ 1.96 * 10 / 2 = 40.2 .. 59.8 -> the 40th and 60th values
    assert (found.median, found.low, found.high) == (50.5, 40.0, 60.0)
    assert found.p90 is not None and abs(found.p90 - 90.1) < 1e-9
    assert summarise(values[:19], min_sample=20).median is None
