"""Reading changes and their defect labels from the store.

Labels come from SZZ: a commit is defect-inducing when some fix's `szz_links` row names it on a
product-code file (`netgain.risk.paths`; links on changelogs, docs, tests and configuration do not
count), the fix not being a bot's. The fix commits are recognised by message (`is_fix_message`;
a bot's message is not read) or by an incident link (role `fix`);
`pending_fixes` says which of them were never analysed, so the CLI can run SZZ on just those
before training. The features themselves are stored per commit (`netgain.risk.feature_store`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, exists, func, select

from netgain.risk.features import ChangeRecord, FileTouch, is_fix_message
from netgain.risk.paths import path_kind
from netgain.store.models import Attribution, Commit, FileChange
from netgain.store.outcome_models import IncidentLink, SzzLink, SzzRun
from netgain.store.risk_models import RiskFeatures
from netgain.store.written import WrittenCommit

LABEL_RULE = "code-links-no-bots"  # change when load_labels counts links differently


@dataclass(slots=True)
class Labels:
    """The defect-inducing shas by SZZ, how many fixes were analysed, and a fingerprint of both."""

    inducing: set[str]
    analysed_fixes: int
    state: str  # changes whenever SZZ runs or links are added or removed


def load_changes(engine: Engine, repository_id: int) -> list[ChangeRecord]:
    """Every stored non-merge commit with its files and attribution, oldest author date first."""
    return [change for _id, change in load_change_rows(engine, repository_id)]


def load_change_rows(
    engine: Engine, repository_id: int, *, without_vector: bool = False
) -> list[tuple[int, ChangeRecord]]:
    """`load_changes` with each commit's store id: the order features are computed in.

    The order is (author date, commit id): author dates put a branch's commits where they were
    written, and ids (ingest order, parents first) break ties. `without_vector` keeps only the
    commits that have no stored feature vector yet.
    """
    wanted = [Commit.repository_id == repository_id, Commit.is_merge.is_(False)]
    if without_vector:
        wanted.append(~exists().where(RiskFeatures.commit_id == Commit.id))
    with engine.connect() as conn:
        commits = conn.execute(
            select(Commit.id, Commit.sha, Commit.author_email, Commit.author_date, Commit.message)
            .where(*wanted)
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
            .where(*wanted)
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
                .where(*wanted)
            )
        }
    out: list[tuple[int, ChangeRecord]] = []
    for cid, sha, email, date, message in commits:
        ai, human, unknown, tools = attr.get(cid, (0, 0, 0, []))
        out.append(
            (
                cid,
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
                ),
            )
        )
    return out


def is_bot(name: str | None, email: str | None) -> bool:
    """True for a GitHub App account (`dependabot[bot]`, `pre-commit-ci[bot]`, ...)."""
    return "[bot]" in (name or "") or "[bot]" in (email or "")


def change_rows_from(stored: Sequence[WrittenCommit]) -> list[tuple[int, ChangeRecord]]:
    """What `load_change_rows` would read back for exactly these commits, without the query.

    Same order (author date, commit id) and the same values (`change_record`).
    """
    ordered = sorted(
        ((s.author_date.replace(tzinfo=None), s.commit_id, s) for s in stored),
        key=lambda t: (t[0], t[1]),
    )
    return [(cid, change_record(s)) for _date, cid, s in ordered]


def change_record(stored: WrittenCommit) -> ChangeRecord:
    """The change `load_change_rows` reads back for a commit an ingest has just written.

    The date as the store returns it (no time zone, then `timestamp()`, as `load_change_rows`
    does), the e-mail lower-cased.
    """
    s = stored
    return ChangeRecord(
        s.sha,
        (s.author_email or "").lower(),
        s.author_date.replace(tzinfo=None).timestamp(),
        s.message or "",
        [FileTouch(path, added, deleted, old) for path, added, deleted, old in s.files],
        s.ai_lines,
        s.human_lines,
        s.unknown_lines,
        list(s.tools),
    )


def load_messages(engine: Engine, repository_id: int) -> list[tuple[str, str]]:
    """(sha, message) of every stored non-merge commit: what fix detection reads.

    A bot's message reads as "" (so only an incident can make it a fix). Why: dependency bots
    quote other projects' release notes ("Fixes ...", `update-type: semver-patch`); on real
    histories 5-15 % of the commits matching the fix words were such bumps, and SZZ on them blamed
    the previous bump of the same version line (docs/risk.md, "On real histories").
    """
    with engine.connect() as conn:
        rows = conn.execute(
            select(Commit.sha, Commit.message, Commit.author_name, Commit.author_email).where(
                Commit.repository_id == repository_id, Commit.is_merge.is_(False)
            )
        ).all()
    return [
        (sha, "" if is_bot(name, email) else (message or "")) for sha, message, name, email in rows
    ]


def fix_shas(
    messages: list[tuple[str, str]], engine: Engine | None = None, repository_id: int = 0
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
    return [sha for sha, message in messages if sha in linked or is_fix_message(message)]


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


def load_labels(engine: Engine, repository_id: int, variant: str) -> Labels:
    """The commits some analysed fix blames (SZZ `variant`) and how many fixes were analysed.

    Only links on product-code files count, and none from a bot's commit (see the module
    docstring); `state` names this rule so a cached summary of an older rule is not reused.
    """
    fixer = Commit.__table__.alias("fixer")
    with engine.connect() as conn:
        inducing = {
            sha
            for sha, path, name, email in conn.execute(
                select(
                    SzzLink.inducing_sha, SzzLink.path, fixer.c.author_name, fixer.c.author_email
                )
                .outerjoin(
                    fixer,
                    (fixer.c.sha == SzzLink.fix_sha)
                    & (fixer.c.repository_id == SzzLink.repository_id),
                )
                .where(SzzLink.repository_id == repository_id, SzzLink.variant == variant)
            )
            if path_kind(path) == "code" and not is_bot(name, email)
        }
        runs = conn.execute(
            select(func.count(), func.max(SzzRun.id)).where(
                SzzRun.repository_id == repository_id, SzzRun.variant == variant
            )
        ).one()
        links = conn.execute(
            select(func.count(), func.max(SzzLink.id)).where(
                SzzLink.repository_id == repository_id, SzzLink.variant == variant
            )
        ).one()
    return Labels(inducing, int(runs[0]), f"{LABEL_RULE}:{runs[0]}:{runs[1]}:{links[0]}:{links[1]}")
