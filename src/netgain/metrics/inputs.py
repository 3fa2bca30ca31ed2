"""Plain records the metric families compute over, independent of the store and of git.

The collector (`netgain.metrics.collect`) fills a `Dataset` from the store; tests build one by
hand. Keeping the families pure means every formula is tested with hand-computed values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

UNKNOWN = "unknown"
BUCKETS = ("0-25", "25-50", "50-75", "75-100")
GROUPS = (*BUCKETS, UNKNOWN)
PROVENANCE_KINDS = ("ai", "human", UNKNOWN)


@dataclass(frozen=True, slots=True)
class Change:
    """One non-merge commit (the unit of change) with its line provenance.

    `prs` are the pull requests that brought it in; `is_feature` comes from the features table.
    """

    sha: str
    author: str
    date: datetime
    lines_added: int
    ai_lines: int
    human_lines: int
    unknown_lines: int
    is_feature: bool = False
    is_bot: bool = False
    files: tuple[str, ...] = ()
    level: str = "none"  # evidence class of its attribution: line | commit | none
    declared_human: int = 0  # human lines resting only on the author's own claim (markers)

    @property
    def attributed(self) -> int:
        return self.ai_lines + self.human_lines + self.unknown_lines

    @property
    def ai_share(self) -> float | None:
        """AI lines over all attributed lines; None when the change added no lines."""
        total = self.attributed
        return self.ai_lines / total if total else None

    @property
    def group(self) -> str:
        """The AI-share bucket, or "unknown" when most of its lines have no evidence.

        A change whose provenance is mostly unknown is never folded into the 0-25% (human)
        bucket: that is the error netgain exists to avoid.
        """
        return share_bucket(self.ai_lines, self.human_lines, self.unknown_lines)

    @property
    def provenance(self) -> str:
        """ai / human / unknown for two-way comparisons: ai when at least half its lines are AI."""
        group = self.group
        if group == UNKNOWN:
            return UNKNOWN
        return "ai" if group in ("50-75", "75-100") else "human"


def share_bucket(ai: int, human: int, unknown: int) -> str:
    """0-25 / 25-50 / 50-75 / 75-100 by AI share of all lines, or unknown (no lines, or mostly
    unknown). Lower bounds are inclusive: exactly 50% AI is 50-75."""
    total = ai + human + unknown
    if total == 0 or unknown * 2 > total:
        return UNKNOWN
    share = ai / total
    index = min(int(share * 4), 3)
    return BUCKETS[index]


@dataclass(frozen=True, slots=True)
class Incident:
    """An incident; `causes` are the changes it was linked to (any evidence), `fixes` its fixes."""

    id: str
    started_at: datetime | None
    resolved_at: datetime | None
    severity: str | None = None
    causes: tuple[str, ...] = ()
    fixes: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()

    @property
    def recovery_hours(self) -> float | None:
        if self.started_at is None or self.resolved_at is None:
            return None
        hours = (self.resolved_at - self.started_at).total_seconds() / 3600
        return hours if hours >= 0 else None


@dataclass(frozen=True, slots=True)
class ReportedFinding:
    """A security finding reported after the merge (pentest, bounty, external SARIF).

    `cause` is the introducing change it was traced to (its primary cause), None when it could
    not be traced (`reason` says why).
    """

    id: str
    source: str
    severity: str | None
    found_at: datetime
    cause: str | None = None
    method: str | None = None
    reason: str = ""
    title: str = ""
    cwe: int | None = None


@dataclass(frozen=True, slots=True)
class Review:
    """One submitted review; `hours` is the reviewer's time when the export has it."""

    reviewer: str
    submitted_at: datetime | None
    role: str  # senior | other
    hours: float | None = None


@dataclass(frozen=True, slots=True)
class PullRequest:
    number: int
    merged_at: datetime | None
    created_at: datetime | None = None
    author: str | None = None
    commits: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    is_feature: bool = False
    reviews: tuple[Review, ...] = ()

    def filled_from(self, older: PullRequest, reviews: tuple[Review, ...]) -> PullRequest:
        """This record with its gaps filled from `older`, the same PR seen elsewhere.

        One rule for every place two sources describe a PR (two export entries, an export and
        the store): set fields of `self` win. Reviews are not merged here because the callers
        differ: entries of one export add up, an export replaces the store's.
        """
        return PullRequest(
            self.number,
            self.merged_at or older.merged_at,
            self.created_at or older.created_at,
            self.author or older.author,
            self.commits or older.commits,
            self.labels or older.labels,
            self.is_feature or older.is_feature,
            reviews,
        )


@dataclass(frozen=True, slots=True)
class LineFate:
    """Rework evidence for one change: of its added lines per provenance kind, how many were
    changed or deleted within the rework window (`reworked`), out of `added`."""

    sha: str
    date: datetime
    added: dict[str, int]
    reworked: dict[str, int]


@dataclass(frozen=True, slots=True)
class SurvivingLines:
    """Vulnerability density inputs: surviving lines per provenance kind in the scanned files,
    findings per kind (each finding classified by blame of its line), and per-file detail."""

    lines: dict[str, int]
    findings: dict[str, int]
    files: dict[str, dict[str, int]] = field(default_factory=dict)
    scanned_files: int = 0
    problems: tuple[str, ...] = ()
    # files of code in languages netgain does not analyse, per language (not in the density)
    not_analysed: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class Dataset:
    """Everything the metrics read; None for a source that does not exist (not the same as empty)."""

    changes: list[Change]
    incidents: list[Incident] | None = None
    inducing: dict[str, int] | None = None  # sha -> number of fixes it induced (SZZ)
    pull_requests: list[PullRequest] | None = None
    reviews_present: bool = False
    rework: list[LineFate] | None = None
    rework_note: str = ""
    surviving: SurvivingLines | None = None
    # Findings reported after the merge (netgain findings import); None when none was imported.
    reported: list[ReportedFinding] | None = None
    deployments: list[datetime] | None = None
    notes: list[str] = field(default_factory=list)
    # The risk section (netgain.risk.summary): evaluate's figures, or {'status': why not}.
    risk: dict[str, object] | None = None
    # The review gate's decision records (netgain.policy.record), latest per change range.
    decisions: list[dict[str, Any]] | None = None
    # Change sha -> when the first deployment containing it happened (DORA lead time's end).
    shipped_at: dict[str, datetime] | None = None
    # False when no change or PR carries any feature signal: feature counts are then unknown.
    features_known: bool = True
    # Where each input came from, for the document's `sections` (see netgain.metrics.sections).
    origins: dict[str, Any] = field(default_factory=dict)
    # Team -> git identities of its members (policy [people]); None: no teams defined.
    teams: dict[str, set[str]] | None = None


def period_key(moment: datetime, by: str) -> str:
    """ISO week ("2024-W03") or calendar month ("2024-01") of a moment, in UTC."""
    moment = moment.astimezone(UTC)
    if by == "week":
        year, week, _ = moment.isocalendar()
        return f"{year}-W{week:02d}"
    if by == "month":
        return f"{moment.year}-{moment.month:02d}"
    raise ValueError(f"unknown period {by!r}: use week or month")


def period_start(key: str) -> date:
    """First day of a period key."""
    if "-W" in key:
        year, week = key.split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    year, month = key.split("-")
    return date(int(year), int(month), 1)


def period_end(key: str) -> date:
    """First day after a period."""
    start = period_start(key)
    if "-W" in key:
        return start + timedelta(days=7)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def period_range(first: datetime, last: datetime, by: str) -> list[str]:
    """Every period key from `first` to `last`, including empty ones (gaps are data too)."""
    keys: list[str] = []
    day = first.astimezone(UTC).date()
    stop = last.astimezone(UTC).date()
    while day <= stop:
        key = period_key(datetime(day.year, day.month, day.day, tzinfo=UTC), by)
        if not keys or keys[-1] != key:
            keys.append(key)
        day = period_end(key)
    return keys
