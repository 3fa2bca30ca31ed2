"""Interval arithmetic checked against plain sets of line numbers."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netgain.git.model import LineRange
from netgain.provenance.ranges import count, intersect, normalize, parse_ranges, subtract

ranges_strategy = st.lists(
    st.tuples(st.integers(1, 60), st.integers(0, 8)).map(lambda t: LineRange(t[0], t[0] + t[1])),
    max_size=8,
)


def lines(ranges: list[LineRange]) -> set[int]:
    return {n for r in ranges for n in range(r.start, r.end + 1)}


@given(ranges_strategy, ranges_strategy)
def test_operations_match_set_semantics(left: list[LineRange], right: list[LineRange]) -> None:
    a, b = normalize(left), normalize(right)
    assert lines(a) == lines(left)
    assert all(x.end + 1 < y.start for x, y in itertools.pairwise(a))  # disjoint, merged
    assert lines(intersect(a, b)) == lines(a) & lines(b)
    assert lines(subtract(a, b)) == lines(a) - lines(b)
    assert count(a) == len(lines(a))


def test_huge_ranges_are_not_expanded() -> None:
    claimed = [LineRange(1, 10**12)]
    assert count(intersect([LineRange(5, 6)], claimed)) == 2
    assert subtract([LineRange(1, 10**12)], [LineRange(2, 10**12 - 1)]) == [
        LineRange(1, 1),
        LineRange(10**12, 10**12),
    ]


def test_parse_ranges() -> None:
    assert parse_ranges("1-4,9,12") == [LineRange(1, 4), LineRange(9, 9), LineRange(12, 12)]


@pytest.mark.parametrize("text", ["", "1,", "²", "1-", "-3", "3-1", "0", "1 -2", "1;2"])
def test_parse_ranges_rejects(text: str) -> None:
    with pytest.raises(ValueError, match=r"\S"):
        parse_ranges(text)
