"""GitHub object ids the service created, remembered so a re-check skips the lookups.

A head's check run and a pull request's sticky comment are found once (a search, or a listing
of every comment page); later jobs go straight to `PATCH`. A remembered id that GitHub no longer
knows (404: the comment was deleted) is forgotten and found again, so the cache can only save
calls, never change what is reported.
"""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from netgain.service.tables import github_ids


def recall(engine: Engine, kind: str, key: str) -> int | None:
    with engine.connect() as conn:
        found = conn.execute(
            select(github_ids.c.github_id).where(github_ids.c.kind == kind, github_ids.c.key == key)
        ).scalar()
    return int(found) if found is not None else None


def remember(engine: Engine, kind: str, key: str, github_id: int) -> None:
    try:
        with engine.begin() as conn:
            updated = conn.execute(
                github_ids.update()
                .where(github_ids.c.kind == kind, github_ids.c.key == key)
                .values(github_id=github_id)
            ).rowcount
            if not updated:
                conn.execute(github_ids.insert().values(kind=kind, key=key, github_id=github_id))
    except IntegrityError:  # another worker remembered the same object at the same moment
        return


def forget(engine: Engine, kind: str, key: str) -> None:
    with engine.begin() as conn:
        conn.execute(github_ids.delete().where(github_ids.c.kind == kind, github_ids.c.key == key))
