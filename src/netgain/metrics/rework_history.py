"""Rework from the history itself: of each change's added lines, how many a later commit removed
(not moved) within `rework_days`, for every change whose window has closed.

Why not blame snapshots, as netgain did before: one blame snapshot per period measured only the
last `rework_periods` (4) complete weeks, so a 4,877-commit history gave rework over the eight
changes of those weeks ("insufficient data (n=8)"), and every snapshot blamed every touched file.
The history replay (`netgain.szz.removals`) reads the log once and sees every rewrite; a change's
answer can no longer change once its window has closed in the ingested history, so it is kept in
`rework_fates` and a warm report replays nothing. Changes whose window is still open are left out
(their rework is not known yet), as are changes that added no lines.

Each removed line is classified ai / human / unknown through the provenance of the commit and line
that wrote it (line-level notes when present), like a blamed line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert, select

from netgain.errors import GitError
from netgain.git.model import BlameLine
from netgain.history.queries import load_provenance
from netgain.history.share import LineClassifier
from netgain.metrics.config import MetricsConfig
from netgain.metrics.inputs import Change, LineFate, period_key
from netgain.store.metrics_models import ReworkFate
from netgain.szz.removals import Removal, removals

# Above this many changes to measure, read the whole history rather than a pathspec of their files.
WHOLE_HISTORY_FROM = 200
_BATCH = 500


def eligible_changes(
    changes: Sequence[Change], config: MetricsConfig, by: str
) -> tuple[list[Change], str]:
    """Changes whose rework window has closed before the newest change, with added lines
    (limited to the last `rework_periods` periods when that is set), or ([], why none)."""
    if not changes:
        return [], "no changes"
    last = max(c.date for c in changes)
    window = timedelta(days=config.rework_days)
    closed = [c for c in changes if c.date + window <= last and c.attributed > 0]
    if config.rework_periods and closed:
        keys = sorted({period_key(c.date, by) for c in closed})[-config.rework_periods :]
        wanted = set(keys)
        closed = [c for c in closed if period_key(c.date, by) in wanted]
    if not closed:
        return [], f"no change is {config.rework_days} days older than the newest one yet"
    return closed, ""


def _stored(engine: Engine, repository_id: int, window: int) -> dict[str, dict[str, int]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                ReworkFate.sha,
                ReworkFate.reworked_ai,
                ReworkFate.reworked_human,
                ReworkFate.reworked_unknown,
            ).where(ReworkFate.repository_id == repository_id, ReworkFate.window_days == window)
        )
        return {sha: {"ai": a, "human": h, "unknown": u} for sha, a, h, u in rows}


def _store(engine: Engine, repository_id: int, window: int, fates: dict[str, Counter[str]]) -> None:
    now = datetime.now(UTC)
    rows = [
        {
            "repository_id": repository_id,
            "window_days": window,
            "sha": sha,
            "reworked_ai": counts["ai"],
            "reworked_human": counts["human"],
            "reworked_unknown": counts["unknown"],
            "computed_at": now,
        }
        for sha, counts in fates.items()
    ]
    with engine.begin() as conn:
        for start in range(0, len(rows), _BATCH):
            conn.execute(insert(ReworkFate), rows[start : start + _BATCH])


def replay_rework(
    engine: Engine,
    repository_id: int,
    repo: Path,
    head: str,
    pending: Sequence[Change],
    dates: dict[str, datetime],
    window: timedelta,
) -> dict[str, Counter[str]]:
    """Reworked lines per kind of each `pending` change, from one replay of the history (of
    their files only, when they are few)."""
    wanted = {c.sha for c in pending}
    classifier = LineClassifier(load_provenance(engine, repository_id, sorted(wanted)))
    found: dict[str, Counter[str]] = {sha: Counter() for sha in wanted}

    def count(removal: Removal) -> None:
        when = dates.get(removal.commit)
        if when is None:
            return
        for origin in removal.origins:
            written = dates.get(origin.sha)
            if origin.sha in wanted and written is not None and when - written <= window:
                line = BlameLine(0, origin.sha, origin.path, origin.line, False)
                found[origin.sha][classifier.classify(line)[0]] += 1

    paths = None
    if len(pending) < WHOLE_HISTORY_FROM:
        paths = {p for c in pending for p in c.files}
    removals(repo, head, paths, count)
    return found


def measure_rework(
    engine: Engine,
    repository_id: int,
    repo: Path,
    head: str,
    changes: Sequence[Change],
    config: MetricsConfig,
    by: str,
) -> tuple[list[LineFate], str, list[str]]:
    """(fates of every change whose window has closed, why there are none, notes).

    Kept results are reused; only changes never measured under this window are replayed.
    """
    chosen, why = eligible_changes(changes, config, by)
    if not chosen:
        return [], why, []
    kept = _stored(engine, repository_id, config.rework_days)
    pending = [c for c in chosen if c.sha not in kept]
    notes: list[str] = []
    if pending:
        dates = {c.sha: c.date for c in changes}
        try:
            fresh = replay_rework(
                engine,
                repository_id,
                repo,
                head,
                pending,
                dates,
                timedelta(days=config.rework_days),
            )
        except GitError as exc:
            notes.append(f"rework: history could not be replayed ({exc}); measured changes only")
        else:
            _store(engine, repository_id, config.rework_days, fresh)
            kept.update({sha: dict(counts) for sha, counts in fresh.items()})
    fates = [
        LineFate(
            c.sha,
            c.date,
            {"ai": c.ai_lines, "human": c.human_lines, "unknown": c.unknown_lines},
            kept[c.sha],
        )
        for c in chosen
        if c.sha in kept
    ]
    return fates, "" if fates else why or "rework could not be measured", notes
