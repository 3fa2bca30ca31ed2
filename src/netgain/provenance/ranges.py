"""Interval arithmetic on sorted, disjoint line ranges.

Attestations can claim huge ranges (a hostile note may say `1-999999999`), so lines are never
expanded one by one: every operation here works on ranges and costs O(number of ranges).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from netgain.git.model import LineRange

_DIGITS = re.compile(r"[0-9]{1,12}")  # ASCII only: str.isdigit() also accepts '²'
_RANGE_LIST = re.compile(r"[0-9]{1,12}(?:-[0-9]{1,12})?(?:,[0-9]{1,12}(?:-[0-9]{1,12})?)*")
_RANGE = re.compile(r"([0-9]+)(?:-([0-9]+))?")


def normalize(ranges: Iterable[LineRange]) -> list[LineRange]:
    """Sort `ranges` and merge overlapping or adjacent ones into a disjoint list."""
    ordered = sorted((r for r in ranges if r.end >= r.start), key=lambda r: (r.start, r.end))
    merged: list[LineRange] = []
    for current in ordered:
        if merged and current.start <= merged[-1].end + 1:
            last = merged[-1]
            if current.end > last.end:
                merged[-1] = LineRange(last.start, current.end)
        else:
            merged.append(current)
    return merged


def intersect(left: list[LineRange], right: list[LineRange]) -> list[LineRange]:
    """Lines present in both normalized lists."""
    result: list[LineRange] = []
    i = j = 0
    while i < len(left) and j < len(right):
        start = max(left[i].start, right[j].start)
        end = min(left[i].end, right[j].end)
        if start <= end:
            result.append(LineRange(start, end))
        if left[i].end < right[j].end:
            i += 1
        else:
            j += 1
    return result


def subtract(left: list[LineRange], right: list[LineRange]) -> list[LineRange]:
    """Lines of normalized `left` that are not in normalized `right`."""
    result: list[LineRange] = []
    j = 0
    for piece in left:
        start = piece.start
        while j < len(right) and right[j].end < start:
            j += 1
        k = j
        while k < len(right) and right[k].start <= piece.end:
            if right[k].start > start:
                result.append(LineRange(start, right[k].start - 1))
            start = max(start, right[k].end + 1)
            k += 1
        if start <= piece.end:
            result.append(LineRange(start, piece.end))
    return result


def count(ranges: Iterable[LineRange]) -> int:
    """Number of lines in disjoint ranges."""
    return sum(len(r) for r in ranges)


def parse_ranges(text: str) -> list[LineRange]:
    """Parse `1-4,9,12` into ranges; raises ValueError with a message on anything else.

    Lines are 1-indexed and a range must not run backwards.
    """
    if not text:
        raise ValueError("empty line-range list")
    result: list[LineRange] = []
    for part in text.split(","):
        start_text, dash, end_text = part.partition("-")
        if not _DIGITS.fullmatch(start_text) or (dash and not _DIGITS.fullmatch(end_text)):
            raise ValueError(f"bad line range {part!r} (expected N or N-M)")
        start = int(start_text)
        end = int(end_text) if dash else start
        if start < 1:
            raise ValueError(f"line numbers start at 1, got {part!r}")
        if end < start:
            raise ValueError(f"line range {part!r} runs backwards")
        result.append(LineRange(start, end))
    return result


def parse_normalized(text: str) -> list[LineRange]:
    """`normalize(parse_ranges(text))`, about three times faster on long lists.

    A hostile note may put millions of ranges on one line: the list is checked with one regular
    expression and read as integer pairs, and a LineRange is made only per merged range. A
    malformed list is handed to `parse_ranges`, which says which part is wrong.
    """
    if not _RANGE_LIST.fullmatch(text):
        parse_ranges(text)  # raises the precise ValueError
    pairs = sorted(
        (int(start), int(end) if end else int(start)) for start, end in _RANGE.findall(text)
    )
    merged: list[LineRange] = []
    low = high = 0  # the range being merged; high is 0 before the first
    for start, end in pairs:
        if start < 1 or end < start:
            return normalize(parse_ranges(text))  # raises the precise ValueError
        if high and start <= high + 1:
            high = max(high, end)
            continue
        if high:
            merged.append(LineRange(low, high))
        low, high = start, end
    if high:
        merged.append(LineRange(low, high))
    return merged
