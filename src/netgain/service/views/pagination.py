"""Opaque cursors for keyset pagination: the position after the last item of a page.

A cursor is the sort key of the last item returned, encoded (base64url JSON) with the name of
the listing it belongs to. Keyset rather than offset: a page stays correct while the service
ingests (no item skipped or repeated when new ones arrive at the top), and page N costs the same
as page 1. A cursor that does not decode, or belongs to another listing, is a 400 problem.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from netgain.service.problems import Problem

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@dataclass(frozen=True)
class PageRequest:
    limit: int = DEFAULT_LIMIT
    after: list[Any] | None = None  # the sort key of the last item already seen


def encode_cursor(listing: str, key: Sequence[Any]) -> str:
    raw = json.dumps({"l": listing, "k": list(key)}, separators=(",", ":"), default=str)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(listing: str, cursor: str | None, limit: int) -> PageRequest:
    """The page asked for; `limit` is capped at MAX_LIMIT (the API also validates it)."""
    limit = max(1, min(limit, MAX_LIMIT))
    if not cursor:
        return PageRequest(limit)
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode())
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise Problem(400, "cursor: not a cursor this API returned") from exc
    if (
        not isinstance(data, dict)
        or data.get("l") != listing
        or not isinstance(data.get("k"), list)
    ):
        raise Problem(400, "cursor: not a cursor of this listing")
    return PageRequest(limit, data["k"])


def key_part[T](key: list[Any], index: int, kind: type[T]) -> T:
    """One typed part of a decoded cursor key (a forged cursor is a 400, never a 500)."""
    try:
        value = key[index]
    except IndexError as exc:
        raise Problem(400, "cursor: not a cursor of this listing") from exc
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value  # type: ignore[return-value]
    if kind is str and isinstance(value, str):
        return value  # type: ignore[return-value]
    raise Problem(400, "cursor: not a cursor of this listing")


def cut[T](
    listing: str, rows: Sequence[T], page: PageRequest, key: Callable[[T], list[Any]]
) -> tuple[list[T], str | None]:
    """The page's rows out of up to `limit + 1` fetched, and the cursor after its last row when
    more exist (fetching one extra row tells whether there is a next page without a count)."""
    shown = list(rows[: page.limit])
    more = len(rows) > page.limit
    return shown, encode_cursor(listing, key(shown[-1])) if more and shown else None
