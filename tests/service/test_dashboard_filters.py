"""The dashboard's filters: read from the query string, checked, and written back unchanged."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from starlette.datastructures import QueryParams

from netgain.service.problems import Problem
from netgain.service.web.dashboard.filters import Filters, parse_filters

TODAY = date(2026, 12, 4)


def test_defaults_and_presets() -> None:
    filters = parse_filters(QueryParams(""))
    assert filters == Filters() and filters.query() == ""
    start, end = filters.window(TODAY)
    assert (start, end) == (
        datetime(2026, 9, 6, tzinfo=UTC),
        datetime(2026, 12, 5, tzinfo=UTC),
    )  # 90 days ending today, inclusive
    assert filters.period == "week"
    whole = parse_filters(QueryParams("range=all"))
    assert whole.window(TODAY)[0] == datetime(1970, 1, 1, tzinfo=UTC)
    assert whole.period == "month" and whole.describe() == "the whole history"


def test_a_query_round_trips() -> None:
    text = "since=2024-01-01&until=2024-03-31&team=pay+ments&repository=acme%2Fweb"
    filters = parse_filters(QueryParams(text))
    assert filters.range == "custom" and filters.team == "pay ments"
    again = parse_filters(QueryParams(filters.query().lstrip("?")))
    assert again == filters
    assert "team=" not in filters.query(team=None)
    assert filters.query(repository=None).endswith("team=pay+ments")


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("range=forever", "'range'"),
        ("since=2024-01-01", "both"),
        ("since=2024-02-01&until=2024-01-01", "after"),
        ("since=yesterday&until=2024-01-01", "'since'"),
        ("team=a&team=b", "'team' given more than once"),
        ("team=%00x", "'team'"),
        ("since=1900-01-01&until=2024-01-01", "1970"),
    ],
)
def test_bad_filters_are_400_naming_the_parameter(text: str, names: str) -> None:
    with pytest.raises(Problem) as caught:
        parse_filters(QueryParams(text))
    assert caught.value.status == 400 and names in caught.value.detail
