"""The per-author monthly rollup (`author_months`), kept by ingest as commits are written.

Why: a team's overview sums its members' commits. Scanning those commits (joined to their
attribution, bucketed, grouped by month) took 2.6 s over a million commits; summing the rollup
rows of the team's members reads a few rows per member and month. The rollup is per author, not
per team, so a change of team membership needs no rebuild: a team is the set of its members'
addresses at query time.

Exactness rests on three properties:
  * the rows are computed by the same SQL expressions as the direct aggregate over the commits
    (`share_bucket`, `period`, `lower(author_email)`), in the same database, so a bucket edge, a
    month boundary or a non-ASCII address is classified identically;
  * ingest adds the sums of exactly the commits its own transaction inserted (ON CONFLICT DO
    NOTHING tells it which), in that transaction: a re-ingest or a concurrent ingest of the same
    commits adds nothing twice, and a killed batch adds nothing at all;
  * commits are never rewritten in the store: a rewritten history adds the new commits (and the
    rollup their sums) and keeps the old ones, exactly as the commits table does. Forgetting a
    repository deletes its rows through the foreign key.
Stores written before the rollup existed are filled by migration 0007 (`rebuild`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, case, func, literal, select
from sqlalchemy.sql import Select

from netgain.store.models import Attribution, AuthorMonth, Commit

TABLE: Table = AuthorMonth.__table__  # type: ignore[assignment]
KEYS = ("repository_id", "author", "month", "bucket")
SUMS = ("changes", "lines_added", "ai_lines", "human_lines", "unknown_lines")
# The AI-share buckets of netgain.metrics.inputs.share_bucket (metrics sits above the store;
# tests/service check that the SQL rule and that function agree at every edge).
UNKNOWN = "unknown"


def unknown_lines() -> ColumnElement[Any]:
    """A commit without attribution row has all its added lines unknown (as the metrics read)."""
    return case(
        (Attribution.commit_id.is_(None), Commit.lines_added),
        else_=Attribution.unknown_lines,
    )


def share_bucket() -> ColumnElement[Any]:
    """share_bucket(ai, human, unknown) in SQL, in integers (no float rounding at the edges)."""
    ai = func.coalesce(Attribution.ai_lines, 0)
    human = func.coalesce(Attribution.human_lines, 0)
    unknown = unknown_lines()
    total = ai + human + unknown
    return case(
        (total == 0, literal(UNKNOWN)),
        (unknown * 2 > total, literal(UNKNOWN)),
        (ai * 4 >= total * 3, literal("75-100")),
        (ai * 4 >= total * 2, literal("50-75")),
        (ai * 4 >= total, literal("25-50")),
        else_=literal("0-25"),
    )


def period(dialect: str, column: Any, grain: str = "M") -> ColumnElement[Any]:
    """YYYY-MM (grain M) or YYYY-MM-DD (grain D) of a stored time, in UTC."""
    if dialect == "postgresql":
        return func.to_char(
            func.timezone("UTC", column), "YYYY-MM" if grain == "M" else "YYYY-MM-DD"
        )
    return func.strftime("%Y-%m" if grain == "M" else "%Y-%m-%d", column)


def line_sums() -> list[ColumnElement[Any]]:
    """changes, lines added, ai, human, unknown lines of the selected commits."""
    return [
        func.count(),
        func.sum(Commit.lines_added),
        func.sum(func.coalesce(Attribution.ai_lines, 0)),
        func.sum(func.coalesce(Attribution.human_lines, 0)),
        func.sum(unknown_lines()),
    ]


def aggregate(dialect: str, where: Sequence[ColumnElement[bool]]) -> Select[Any]:
    """The rollup rows of the non-merge commits matching `where`, in `TABLE`'s column order."""
    keys: list[Any] = [
        Commit.repository_id,
        func.lower(Commit.author_email),
        period(dialect, Commit.author_date),
        share_bucket(),
    ]
    return (
        select(*keys, *line_sums())
        .select_from(Commit)
        .outerjoin(Attribution, Attribution.commit_id == Commit.id)
        .where(Commit.is_merge.is_(False), *where)
        .group_by(*keys)
    )


def _upsert(dialect: str) -> Any:
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(TABLE)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(TABLE)


def add_commits(conn: Connection, commit_ids: Sequence[int]) -> None:
    """Add the sums of these just-inserted commits to the rollup, in the caller's transaction.
    The caller passes only the commits its own insert added, so nothing is counted twice."""
    if not commit_ids:
        return
    dialect = conn.dialect.name
    statement = _upsert(dialect).from_select(
        [*KEYS, *SUMS], aggregate(dialect, [Commit.id.in_(list(commit_ids))])
    )
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[TABLE.c[k] for k in KEYS],
            set_={s: TABLE.c[s] + statement.excluded[s] for s in SUMS},
        )
    )


def rebuild(conn: Connection, repository_ids: Sequence[int] | None = None) -> None:
    """Recompute the rollup of these repositories (all when None) from their commits: for a
    store filled before the rollup existed, or by a bulk load that bypassed ingest."""
    where: list[ColumnElement[bool]] = []
    delete = TABLE.delete()
    if repository_ids is not None:
        where.append(Commit.repository_id.in_(list(repository_ids)))
        delete = delete.where(TABLE.c.repository_id.in_(list(repository_ids)))
    conn.execute(delete)
    conn.execute(TABLE.insert().from_select([*KEYS, *SUMS], aggregate(conn.dialect.name, where)))


def team_months(
    repository_ids: Sequence[int],
    authors: Sequence[str],
    first: str | None,
    end: str | None,
) -> Select[Any]:
    """(month, bucket) sums of the rollup rows of `authors` (lowercase addresses) in these
    repositories, from month `first` (inclusive) to `end` (exclusive), None for open-ended."""
    c = TABLE.c
    where: list[ColumnElement[bool]] = [
        c.repository_id.in_(list(repository_ids)),
        c.author.in_(list(authors)),
    ]
    if first is not None:
        where.append(c.month >= first)
    if end is not None:
        where.append(c.month < end)
    return (
        select(c.month, c.bucket, *[func.sum(c[s]) for s in SUMS])
        .where(*where)
        .group_by(c.month, c.bucket)
    )
