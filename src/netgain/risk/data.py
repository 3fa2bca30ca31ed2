"""Reading changes and their defect labels from the store.

Labels come from SZZ: a commit is defect-inducing when some fix's `szz_links` row names it. The fix
commits are recognised by message (`is_fix_message`) or by an incident link (role `fix`); `pending_fixes` says which of them were never
analysed, so the CLI can run SZZ on just those before training.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select

from netgain.risk.features import ChangeRecord, FileTouch, is_fix_message
from netgain.store.models import Attribution, Commit, FileChange
from netgain.store.outcome_models import IncidentLink, SzzLink, SzzRun


@dataclass(slots=True)
class History:
    """The non-merge commits of a repository (oldest first) and the defect-inducing shas."""

    changes: list[ChangeRecord]
    inducing: set[str]
    analysed_fixes: int


def load_changes(engine: Engine, repository_id: int) -> list[ChangeRecord]:
    """Every stored non-merge commit with its files and attribution, oldest author date first."""
    with engine.connect() as conn:
        commits = conn.execute(
            select(Commit.id, Commit.sha, Commit.author_email, Commit.author_date, Commit.message)
            .where(Commit.repository_id == repository_id, Commit.is_merge.is_(False))
            .order_by(Commit.author_date, Commit.id)
        ).all()
        files: dict[int, list[FileTouch]] = {}
        rows = conn.execute(
            select(
                FileChange.commit_id,
                FileChange.path,
                FileChange.added,
                FileChange.deleted,
                FileChange.old_path,
            )
            .join(Commit, Commit.id == FileChange.commit_id)
            .where(Commit.repository_id == repository_id, Commit.is_merge.is_(False))
        )
        for cid, path, added, deleted, old in rows:
            files.setdefault(cid, []).append(FileTouch(path, added, deleted, old))
        attr = {
            r[0]: r[1:]
            for r in conn.execute(
                select(
                    Attribution.commit_id,
                    Attribution.ai_lines,
                    Attribution.human_lines,
                    Attribution.unknown_lines,
                    Attribution.tools,
                )
                .join(Commit, Commit.id == Attribution.commit_id)
                .where(Commit.repository_id == repository_id)
            )
        }
    out: list[ChangeRecord] = []
    for cid, sha, email, date, message in commits:
        ai, human, unknown, tools = attr.get(cid, (0, 0, 0, []))
        out.append(
            ChangeRecord(
                sha,
                (email or "").lower(),
                date.timestamp(),
                message or "",
                files.get(cid, []),
                ai,
                human,
                unknown,
                list(tools or []),
            )
        )
    return out


def fix_shas(
    changes: list[ChangeRecord], engine: Engine | None = None, repository_id: int = 0
) -> list[str]:
    """The commits whose message reads as a bug fix, or that an imported incident names as its fix."""
    linked: set[str] = set()
    if engine is not None:
        with engine.connect() as conn:
            linked = set(
                conn.execute(
                    select(IncidentLink.commit_sha).where(
                        IncidentLink.repository_id == repository_id, IncidentLink.role == "fix"
                    )
                ).scalars()
            )
    return [c.sha for c in changes if c.sha in linked or is_fix_message(c.message)]


def pending_fixes(engine: Engine, repository_id: int, fixes: list[str], variant: str) -> list[str]:
    """The fixes no SZZ run of `variant` has analysed yet."""
    with engine.connect() as conn:
        done = set(
            conn.execute(
                select(SzzRun.fix_sha).where(
                    SzzRun.repository_id == repository_id, SzzRun.variant == variant
                )
            ).scalars()
        )
    return [f for f in fixes if f not in done]


def load_history(engine: Engine, repository_id: int, variant: str) -> History:
    """Changes plus the set of commits some analysed fix blames (SZZ `variant`)."""
    changes = load_changes(engine, repository_id)
    with engine.connect() as conn:
        inducing = set(
            conn.execute(
                select(SzzLink.inducing_sha).where(
                    SzzLink.repository_id == repository_id, SzzLink.variant == variant
                )
            ).scalars()
        )
        analysed = len(
            conn.execute(
                select(SzzRun.fix_sha).where(
                    SzzRun.repository_id == repository_id, SzzRun.variant == variant
                )
            ).all()
        )
    return History(changes, inducing, analysed)
