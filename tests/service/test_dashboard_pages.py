"""Display rules of the pages that need no server: adoption per team only for groups large
enough, and the stage chart rows from the flow document."""

from __future__ import annotations

from netgain.service.web.dashboard.pages import _adoption, _stage_rows


def _period(name: str, active: int, with_ai: int) -> dict[str, object]:
    adoption = {"active_engineers": active, "engineers_with_ai": with_ai, "engineers_half_ai": 1}
    return {"period": name, "adoption": adoption}


def test_adoption_is_the_latest_period_with_engineers_and_needs_the_minimum_group() -> None:
    doc = {"periods": [_period("2024-01", 6, 4), _period("2024-02", 7, 5), {"period": "2024-03"}]}
    latest = _adoption(doc, 5)
    assert latest is not None and latest["period"] == "2024-02"
    assert latest["engineers_with_ai"] == 5
    assert _adoption(doc, 8) is None  # 7 engineers are fewer than 8
    assert _adoption({"periods": []}, 5) is None and _adoption(None, 5) is None


def test_stage_rows_keep_insufficient_stages_as_rows_without_a_value() -> None:
    rows = _stage_rows(
        {
            "pickup": {"n": 22, "median_hours": 3.0, "low": 2.0, "high": 4.0},
            "deploy": {"n": 0, "median_hours": None, "low": None, "high": None},
        }
    )
    assert [(r.label, r.value, r.n) for r in rows] == [("pickup", 3.0, 22), ("deploy", None, 0)]


def test_estimates_in_words() -> None:
    from netgain.service.web.dashboard.render import ENV

    estimate = ENV.filters["estimate"]
    assert estimate({"value": 0.125, "low": 0.05, "high": 0.2, "n": 40}) == (
        "12.5% [5.0%–20.0%], n=40"
    )
    assert estimate({"value": 1.5, "low": 1.0, "high": 2.25, "n": 9}, False) == (
        "1.50 [1.00–2.25], n=9"
    )
    assert estimate({"value": None, "n": 3}) == "insufficient data (n=3)"
    assert estimate({"status": "no incident data"}) == "no incident data"
    assert estimate("garbage") == "-"


def test_a_stored_documents_age_in_words() -> None:
    from netgain.service.web.dashboard.pages import age_words

    assert age_words(12) == "less than a minute"
    assert age_words(60) == "1 minute" and age_words(3599) == "59 minutes"
    assert age_words(2 * 3600 + 5) == "2 hours" and age_words(86400 * 3) == "3 days"
