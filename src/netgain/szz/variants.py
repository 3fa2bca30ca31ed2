"""The SZZ variants as data: each is a set of switches over one algorithm.

- B-SZZ (Śliwerski, Zimmermann, Zeller 2005): blame the lines the fix removed or changed, at the
  fix's parent.
- AG-SZZ (Kim et al. 2006): ignore whitespace, blank and comment-only lines; look past large
  commits.
- MA-SZZ (da Costa et al. 2017): AG-SZZ that also looks past meta-changes (merges, mode-only and
  rename/copy-only commits).
- R-SZZ (Davies et al. 2014, on MA-SZZ): keep only the most recent candidate.
- netgain (default): blames every line the fix removed or changed (cosmetic ones too, ranked
  last), looks past merges, mode-only, rename-only, formatting-only and move-only commits and
  large commits that edit every file line for line (not past other large ones), follows moved and copied lines, blames the lines around a fix that only adds
  lines, drops candidates dated after the incident or issue the fix closed when that date is
  known, and keeps the one candidate that wrote most of the blamed lines; a fix whose message
  names its introducers (`Fixes: <sha>`) gets those instead. Each choice is measured on a
  developer-informed oracle (docs/szz.md, "How the default was chosen").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from netgain.errors import UsageError
from netgain.szz.meta import MetaKind

Keep = Literal["all", "most-recent", "most-lines"]


@dataclass(frozen=True, slots=True)
class Variant:
    """Switches of one SZZ variant (see the module docstring for the literature)."""

    name: str
    title: str
    filter_cosmetic_lines: bool = False  # skip blank, comment-only and whitespace-only fix lines
    cosmetic_last: bool = False  # blame those lines too, but rank them after code lines
    ignore_whitespace: bool = False  # blame -w
    follow_moves: bool = False  # blame -M -C
    skip: frozenset[MetaKind] = frozenset()  # candidate kinds to re-blame past
    keep: Keep = "all"  # which candidates to report: all, the most recent, the most lines
    date_filter: bool = False  # drop candidates dated after the incident / issue
    blame_adjacent: bool = False  # add-only fixes: blame the code lines around the insertion
    read_trailers: bool = False  # a fix's `Fixes: <sha>` lines name its introducers


_AG_SKIP = frozenset({MetaKind.LARGE})
_MA_SKIP = _AG_SKIP | {MetaKind.MERGE, MetaKind.MODE_ONLY, MetaKind.RENAME_ONLY}

VARIANTS: dict[str, Variant] = {
    "b": Variant("b", "B-SZZ"),
    "ag": Variant(
        "ag", "AG-SZZ", filter_cosmetic_lines=True, ignore_whitespace=True, skip=_AG_SKIP
    ),
    "ma": Variant(
        "ma", "MA-SZZ", filter_cosmetic_lines=True, ignore_whitespace=True, skip=_MA_SKIP
    ),
    "r": Variant(
        "r",
        "R-SZZ",
        filter_cosmetic_lines=True,
        ignore_whitespace=True,
        skip=_MA_SKIP,
        keep="most-recent",
    ),
    "netgain": Variant(
        "netgain",
        "netgain",
        cosmetic_last=True,
        ignore_whitespace=True,
        follow_moves=True,
        skip=(_MA_SKIP - _AG_SKIP) | {MetaKind.MASS_EDIT, MetaKind.FORMATTING, MetaKind.MOVE},
        date_filter=True,
        blame_adjacent=True,
        keep="most-lines",
        read_trailers=True,
    ),
}
DEFAULT_VARIANT = "netgain"
_ALIASES = {"b-szz": "b", "ag-szz": "ag", "ma-szz": "ma", "r-szz": "r", "default": "netgain"}


def get_variant(name: str) -> Variant:
    """The variant called `name` (case-insensitive; `B-SZZ` and `b` are the same)."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in VARIANTS:
        raise UsageError(f"unknown SZZ variant {name!r} (choose from {', '.join(VARIANTS)})")
    return VARIANTS[key]
