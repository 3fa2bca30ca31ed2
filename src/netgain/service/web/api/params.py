"""Query parameters shared by the API's routes: time range, pagination, period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import Depends, Query

from netgain.service.problems import Problem
from netgain.service.views.pagination import DEFAULT_LIMIT, MAX_LIMIT
from netgain.service.views.scope import Window

Since = Annotated[
    datetime | None,
    Query(description="start of the time range (inclusive), ISO 8601; UTC when no zone"),
]
Until = Annotated[
    datetime | None,
    Query(description="end of the time range (exclusive), ISO 8601; UTC when no zone"),
]
Cursor = Annotated[
    str | None,
    Query(max_length=512, description="`next_cursor` of the previous page (opaque)"),
]
Limit = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description=f"items per page (at most {MAX_LIMIT})")
]
Period = Annotated[Literal["week", "month"], Query(description="period of the time series")]
Repositories = Annotated[
    list[str] | None,
    Query(
        alias="repository",
        description="only these repositories (owner/name; repeat the parameter)",
    ),
]

DEFAULT_PAGE = DEFAULT_LIMIT


def window(since: datetime | None, until: datetime | None) -> Window:
    """The time range; a bound without a zone is UTC (what the store keeps)."""

    def aware(moment: datetime | None) -> datetime | None:
        if moment is None:
            return None
        try:
            return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
        except OverflowError as exc:
            raise Problem(400, "time range: a bound is out of range") from exc

    return Window(aware(since), aware(until))


@dataclass(frozen=True)
class ListQuery:
    """The query of every paginated listing: a time range and a page."""

    since: Since = None
    until: Until = None
    cursor: Cursor = None
    limit: Limit = DEFAULT_LIMIT

    @property
    def window(self) -> Window:
        return window(self.since, self.until)


Listing = Annotated[ListQuery, Depends()]


@dataclass(frozen=True)
class RangeQuery:
    """A time range."""

    since: Since = None
    until: Until = None

    @property
    def window(self) -> Window:
        return window(self.since, self.until)


@dataclass(frozen=True)
class PeriodQuery(RangeQuery):
    """A metrics document's query: its time range and period."""

    by: Period = "week"


@dataclass(frozen=True)
class OverviewQuery(RangeQuery):
    """The overview's query: a time range, which repositories, and optionally one team."""

    repository: Repositories = None
    team: Annotated[
        str | None, Query(max_length=100, description="only the commits this team's members wrote")
    ] = None


@dataclass(frozen=True)
class ScopeQuery(PeriodQuery):
    """An organisation-wide document's query: also which repositories (default: all readable)."""

    repository: Repositories = None


Periods = Annotated[PeriodQuery, Depends()]
Overviewed = Annotated[OverviewQuery, Depends()]
Scoped = Annotated[ScopeQuery, Depends()]
