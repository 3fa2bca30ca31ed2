"""The dashboard's filters (time range, team, repository), read from and written to the URL.

Every view is a function of its URL: a filter lives only in the query string, so a link copied
from the address bar shows a colleague the same figures (narrowed to what they may see). Values
are checked here, before any query, and a bad value is a clear 400 naming the parameter.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from netgain.service.problems import Problem

RANGES = {"30d": 30, "90d": 90, "180d": 180, "365d": 365}
ALL = "all"  # the whole history: from 1970 (git's epoch) to today
EPOCH = date(1970, 1, 1)
DEFAULT_RANGE = "90d"
_MAX_PARAM = 200


@dataclass(frozen=True)
class Filters:
    """One view's filters. `range` is a preset ("90d") or "custom" with `since`/`until` dates."""

    range: str = DEFAULT_RANGE
    since: date | None = None
    until: date | None = None
    team: str | None = None
    repository: str | None = None  # "owner/name", already checked readable by the route

    def window(self, today: date | None = None) -> tuple[datetime, datetime]:
        """The half-open UTC interval [start, end) the view covers."""
        today = today or datetime.now(UTC).date()
        if self.range == "custom" and self.since and self.until:
            first, last = self.since, self.until
        elif self.range == ALL:
            first, last = EPOCH, today
        else:
            last = today
            first = today - timedelta(days=RANGES.get(self.range, RANGES[DEFAULT_RANGE]) - 1)
        return (
            datetime.combine(first, time.min, UTC),
            datetime.combine(last + timedelta(days=1), time.min, UTC),
        )

    @property
    def period(self) -> str:
        """Chart periods: weeks up to half a year, months beyond (a long history in weeks
        draws hundreds of hairline bars and unreadable labels)."""
        start, end = self.window()
        return "week" if (end - start).days <= 186 else "month"

    def describe(self) -> str:
        """The filters in words, for the page's heading (what the figures cover)."""
        if self.range == "custom" and self.since and self.until:
            span = f"{self.since.isoformat()} to {self.until.isoformat()}"
        elif self.range == ALL:
            span = "the whole history"
        else:
            span = f"the last {RANGES.get(self.range, RANGES[DEFAULT_RANGE])} days"
        parts = [span]
        if self.team:
            parts.append(f"team {self.team}")
        if self.repository:
            parts.append(f"repository {self.repository}")
        return ", ".join(parts)

    def query(self, *, team: object = ..., repository: object = ...) -> str:
        """The query string of these filters (with a changed team or repository), "" when all
        default. `...` keeps the current value."""
        current = self
        if team is not ...:
            current = replace(current, team=team if isinstance(team, str) else None)
        if repository is not ...:
            current = replace(
                current, repository=repository if isinstance(repository, str) else None
            )
        pairs: list[tuple[str, str]] = []
        if current.range != DEFAULT_RANGE:
            pairs.append(("range", current.range))
        if current.range == "custom":
            if current.since:
                pairs.append(("since", current.since.isoformat()))
            if current.until:
                pairs.append(("until", current.until.isoformat()))
        if current.team:
            pairs.append(("team", current.team))
        if current.repository:
            pairs.append(("repository", current.repository))
        return ("?" + urlencode(pairs)) if pairs else ""


def _one(params: QueryParams, name: str) -> str | None:
    values = params.getlist(name)
    if len(values) > 1:
        raise Problem(400, f"query parameter {name!r} given more than once")
    if not values or not values[0].strip():
        return None
    value = values[0].strip()
    if len(value) > _MAX_PARAM or any(ord(c) < 32 for c in value):
        raise Problem(400, f"query parameter {name!r} is not a valid value")
    return value


def _date(params: QueryParams, name: str) -> date | None:
    value = _one(params, name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Problem(400, f"query parameter {name!r} must be a date (YYYY-MM-DD)") from None


def parse_filters(params: QueryParams) -> Filters:
    """The filters of a request's query string; names (team, repository) are checked for
    visibility by the route, which knows the principal and the organisation."""
    since, until = _date(params, "since"), _date(params, "until")
    preset = _one(params, "range")
    if since or until:
        if not (since and until):
            raise Problem(400, "a custom range needs both 'since' and 'until'")
        if since > until:
            raise Problem(400, "'since' is after 'until'")
        if since.year < 1970 or until.year > 9998:
            raise Problem(400, "a custom range lies between 1970 and 9998")
        preset = "custom"
    elif preset is None:
        preset = DEFAULT_RANGE
    elif preset not in RANGES and preset != ALL:
        raise Problem(400, f"query parameter 'range' must be one of {', '.join(RANGES)}, {ALL}")
    return Filters(
        range=preset,
        since=since,
        until=until,
        team=_one(params, "team"),
        repository=_one(params, "repository"),
    )
