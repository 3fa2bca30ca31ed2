"""Incremental, idempotent ingest of a repository's history into the store.

One streaming `git log` walks only the commits not reachable from the heads of the last finished
run. Commits are attributed and written in batches, each batch in one transaction together with its
file changes and attribution, so a run killed at any point leaves only whole commits behind; the
next run skips the shas it already has and finishes the job. A run becomes a resume point (its
heads are excluded next time) only once it has finished.

Several ingests may run on one store at once (CI jobs, `check`, `risk train`). Commits, the
repository row and problems are inserted with ON CONFLICT DO NOTHING, and a batch writes file
changes and attribution only for the commits its own insert added, so the same commit ingested
twice at once is stored once, whole. Each transaction is prepared before it starts (attribution
is computed first, keeping the write lock short) and retried as a whole when the store was busy
or the connection dropped (netgain.store.retry).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Engine, Table, insert, select
from sqlalchemy.orm import Session

from netgain import git
from netgain.gcpause import fewer_collections
from netgain.git.log import EarlyLog
from netgain.git.model import Commit, GitProblem, LineRange
from netgain.history.inputs import ProvenanceInputs, collect_inputs
from netgain.provenance import MarkerRule, attribute_commit
from netgain.store import author_months, bulk
from netgain.store.insert import insert_new
from netgain.store.models import Attribution, FileChange, IngestRun, Problem, Repository
from netgain.store.models import Commit as CommitRow
from netgain.store.retry import retrying
from netgain.store.written import WrittenCommit, WrittenSink
from netgain.text import storable

# Core tables: batches go through executemany without the ORM's per-row bookkeeping.
COMMITS = cast(Table, CommitRow.__table__)
FILE_CHANGES = cast(Table, FileChange.__table__)
ATTRIBUTIONS = cast(Table, Attribution.__table__)

BATCH_SIZE = int(os.environ.get("NETGAIN_INGEST_BATCH", "2000"))  # commits per transaction

ProgressCallback = Callable[[int], None]
# Called once the commits are written, with (engine, repository_id, repository root): derived
# per-commit data (netgain.risk's feature vectors) is brought up to date there. A hook, because
# history sits below the packages that derive data from it.
AfterWrite = Callable[[Engine, int, Path], object]


@dataclass(slots=True)
class IngestReport:
    """What one ingest did; `problems` lists everything that could not be read."""

    repository: str
    heads: list[str]
    repository_id: int = 0
    commits_seen: int = 0
    commits_added: int = 0
    shallow: bool = False
    problems: list[GitProblem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "repository": self.repository,
            "heads": self.heads,
            "commits_seen": self.commits_seen,
            "commits_added": self.commits_added,
            "history_truncated": self.shallow,
            "problems": [problem_dict(p) for p in self.problems],
        }


def problem_dict(problem: GitProblem) -> dict[str, Any]:
    return {
        "kind": problem.kind,
        "message": storable(problem.message),
        "sha": problem.sha,
        "path": storable(problem.path) if problem.path else None,
    }


def _now() -> datetime:
    return datetime.now(UTC)


def get_repository(session: Session, root: Path, shallow: bool) -> Repository:
    """The Repository row for `root`, created on first use (by one of racing processes)."""
    key = str(root)
    query = select(Repository).where(Repository.root_path == key)
    repo = session.scalars(query).one_or_none()
    if repo is None:
        dialect = session.get_bind().dialect.name
        session.execute(
            insert_new(dialect, Repository).values(
                root_path=key, created_at=_now(), shallow=shallow
            )
        )
        repo = session.scalars(query).one()
    if repo.shallow != shallow:
        repo.shallow = shallow
    return repo


def _resume_points(session: Session, repo_root: Path, repository_id: int) -> list[str]:
    """Heads of finished runs that still exist (a rewritten history may have dropped some)."""
    runs = session.scalars(
        select(IngestRun.heads).where(
            IngestRun.repository_id == repository_id, IngestRun.finished_at.is_not(None)
        )
    ).all()
    heads = {h for run in runs for h in run}
    return sorted(h for h in heads if git.object_exists(repo_root, h))


def _commit_row(repository_id: int, commit: Commit) -> dict[str, Any]:
    return {
        "repository_id": repository_id,
        "sha": commit.sha,
        "parents": " ".join(commit.parents),
        "author_name": storable(commit.author.name),
        "author_email": storable(commit.author.email),
        # UTC: SQLite keeps no offset, so a local time would compare wrongly across zones.
        "author_date": commit.author_date.astimezone(UTC),
        "committer_name": storable(commit.committer.name),
        "committer_email": storable(commit.committer.email),
        "committer_date": commit.committer_date.astimezone(UTC),
        "subject": storable(commit.subject),
        "message": storable(commit.message),
        "trailers": [[storable(t.key), storable(t.value)] for t in commit.trailers],
        "is_merge": commit.is_merge,
        "lines_added": commit.lines_added,
        "lines_deleted": commit.lines_deleted,
        "files_changed": len(commit.files),
    }


def _problem_row(repository_id: int, problem: GitProblem) -> dict[str, Any]:
    key = "\x1f".join([problem.kind, problem.sha or "", problem.path or "", problem.message])
    return {
        "repository_id": repository_id,
        "fingerprint": hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest(),
        "kind": problem.kind,
        "message": storable(problem.message),
        "sha": problem.sha,
        "path": storable(problem.path) if problem.path else None,
        "created_at": _now(),
    }


def store_problems(session: Session, repository_id: int, problems: Iterable[GitProblem]) -> None:
    """Record problems once each: a re-run (or a concurrent run) adds no duplicate."""
    rows = {r["fingerprint"]: r for r in (_problem_row(repository_id, p) for p in problems)}
    if rows:
        dialect = session.get_bind().dialect.name
        session.execute(insert_new(dialect, Problem), list(rows.values()))


@dataclass(slots=True)
class _Prepared:
    """One commit's rows for a batch: the commit, its file changes and its attribution."""

    commit: dict[str, Any]
    files: list[dict[str, Any]]
    attribution: dict[str, Any]


class _BatchWriter:
    """Attributes and writes commits a batch at a time, each batch one transaction."""

    def __init__(
        self,
        engine: Engine,
        repo_root: Path,
        repository_id: int,
        inputs: ProvenanceInputs,
        markers: Sequence[MarkerRule],
        known: set[str],
        report: IngestReport,
        written: WrittenSink | None = None,
    ) -> None:
        self.engine = engine
        self.written = written
        self.repo_root = repo_root
        self.repository_id = repository_id
        self.inputs = inputs
        self.markers = markers
        self.known = known
        self.report = report
        self.pending: list[Commit] = []

    def add(self, commit: Commit) -> None:
        if commit.sha in self.known:
            return
        self.known.add(commit.sha)
        self.pending.append(commit)
        if len(self.pending) >= BATCH_SIZE:
            self.flush()

    def _added_lines(self, commits: list[Commit]) -> dict[str, dict[str, list[LineRange]]]:
        need = [c.sha for c in commits if not c.is_merge and self.inputs.has_line_evidence(c.sha)]
        added: dict[str, dict[str, list[LineRange]]] = {}
        if need:
            for sha, diffs in git.iter_commit_diffs(self.repo_root, need):
                added[sha] = {d.path: list(d.added) for d in diffs if not d.is_binary}
        return added

    def flush(self) -> None:
        batch, self.pending = self.pending, []
        if not batch:
            return
        rows = self._prepare(batch)
        added = retrying(lambda: self._write(rows))  # retried whole: collect only what committed
        self.report.commits_added += len(added)
        if self.written is not None:
            self.written.extend(_written(r) for r in added if not r.commit["is_merge"])

    def _prepare(self, batch: list[Commit]) -> list[_Prepared]:
        """Each commit's rows, attributed, ready to insert (commit ids are filled in later)."""
        added = self._added_lines(batch)
        rows: list[_Prepared] = []
        for commit in batch:
            result = attribute_commit(
                commit,
                added=added.get(commit.sha),
                note=self.inputs.notes.get(commit.sha),
                traces=self.inputs.traces_for(commit.sha),
                markers=self.markers,
                checkpoint=self.inputs.checkpoint_for(commit),
            )
            self.report.problems.extend(
                GitProblem("bad-evidence", str(w), sha=commit.sha) for w in result.warnings
            )
            data = result.to_dict()
            files = [
                {
                    "path": storable(f.path),
                    "old_path": storable(f.old_path) if f.old_path else None,
                    "added": f.added,
                    "deleted": f.deleted,
                }
                for f in commit.files
            ]
            attribution = {
                "ai_lines": result.counts.ai,
                "human_lines": result.counts.human,
                "unknown_lines": result.counts.unknown,
                "level": result.level,
                "tools": data["tools"],
                "models": data["models"],
                "evidence": data["evidence"],
                "line_map": line_map_dict(result),
            }
            rows.append(_Prepared(_commit_row(self.repository_id, commit), files, attribution))
        return rows

    def _write(self, rows: list[_Prepared]) -> list[_Prepared]:
        """One transaction: the commits not stored yet, with their files and attribution.

        Returns the commits this transaction added (their `commit_id` set); a commit another
        process stored first is skipped whole (its files, attribution and rollup sums came with
        it).
        """
        with Session(self.engine) as session, session.begin():
            conn = session.connection()
            sqlite = conn.dialect.name == "sqlite"
            commits = [r.commit for r in rows]
            returned: list[tuple[Any, ...]]
            if sqlite:
                returned = bulk.insert_new_returning(conn, COMMITS, commits, ("sha", "id"))
            else:
                returned = [
                    tuple(row)
                    for row in session.execute(
                        insert_new(conn.dialect.name, COMMITS).returning(
                            COMMITS.c.sha, COMMITS.c.id
                        ),
                        commits,
                    )
                ]
            ids: dict[str, int] = {row[0]: row[1] for row in returned}
            files: list[dict[str, Any]] = []
            attributions: list[dict[str, Any]] = []
            added: list[_Prepared] = []
            for r in rows:
                commit_id = ids.get(r.commit["sha"])
                if commit_id is not None:  # set in place: a retry sets the new id again
                    for f in r.files:
                        f["commit_id"] = commit_id
                    r.attribution["commit_id"] = commit_id
                    files.extend(r.files)
                    attributions.append(r.attribution)
                    added.append(r)
            if sqlite:
                bulk.insert_rows(conn, FILE_CHANGES, files)
                bulk.insert_rows(conn, ATTRIBUTIONS, attributions)
            else:
                if files:
                    session.execute(insert(FILE_CHANGES), files)
                if attributions:
                    session.execute(insert(ATTRIBUTIONS), attributions)
            # the per-author monthly rollup, in this transaction: exactly the commits it added
            author_months.add_commits(conn, [r.attribution["commit_id"] for r in added])
        return added


def _written(row: _Prepared) -> WrittenCommit:
    commit, attribution = row.commit, row.attribution
    return WrittenCommit(
        attribution["commit_id"],
        commit["sha"],
        commit["author_email"],
        commit["author_date"],
        commit["message"],
        [(f["path"], f["added"], f["deleted"], f["old_path"]) for f in row.files],
        attribution["ai_lines"],
        attribution["human_lines"],
        attribution["unknown_lines"],
        list(attribution["tools"]),
    )


def line_map_dict(result: Any) -> dict[str, list[list[Any]]]:
    """Line-level classification as compact JSON: {path: [[start, end, kind, tool, model]]}."""
    out: dict[str, list[list[Any]]] = {}
    for path, ranges in result.lines.items():
        out[storable(path)] = [
            [r.range.start, r.range.end, str(r.kind), r.tool, r.model] for r in ranges
        ]
    return out


def ingest_repository(
    repo_path: Path,
    engine: Engine,
    *,
    revs: Sequence[str] = ("HEAD",),
    markers: Sequence[MarkerRule] = (),
    on_commit: ProgressCallback | None = None,
    after_write: AfterWrite | None = None,
    written: WrittenSink | None = None,
    early: EarlyLog | None = None,
) -> IngestReport:
    """Bring the store up to date with the history reachable from `revs`.

    `after_write` runs before the run is marked finished, also when nothing new was found, so a
    derived table left behind by a killed run (or created by a newer migration) catches up.
    `written`, when given, receives every non-merge commit this run stored, a batch at a time as
    each is committed (before `after_write` runs), so the hook can use them instead of reading
    them back, or start deriving from them while git still streams.
    `early` is a `git log` the caller started before the store was open (a new store): read
    when it is exactly the log this run needs, else left to the caller to close.
    """
    with fewer_collections():
        return _ingest(repo_path, engine, revs, markers, on_commit, after_write, written, early)


def _ingest(
    repo_path: Path,
    engine: Engine,
    revs: Sequence[str],
    markers: Sequence[MarkerRule],
    on_commit: ProgressCallback | None,
    after_write: AfterWrite | None,
    written: WrittenSink | None,
    early: EarlyLog | None,
) -> IngestReport:
    root = git.repo_root(repo_path)
    shallow = git.is_shallow(root)
    heads = [sha for sha in (git.rev_parse(root, r) for r in revs) if sha]
    report = IngestReport(repository=str(root), heads=heads, shallow=shallow)
    if shallow:
        report.problems.append(
            GitProblem("shallow-history", "shallow clone: history before the graft is truncated")
        )
    repository_id, exclude, known, run_id = retrying(lambda: _start(engine, root, shallow, heads))
    report.repository_id = repository_id
    if not heads:
        _after_write(after_write, engine, repository_id, root)
        _finish(engine, run_id, report, repository_id, None)
        return report

    inputs = collect_inputs(root, heads[0])
    report.problems.extend(inputs.problems)
    writer = _BatchWriter(engine, root, repository_id, inputs, markers, known, report, written)
    commits = git.iter_commits(root, heads, exclude=exclude, problems=report.problems, early=early)
    for commit in commits:
        report.commits_seen += 1
        writer.add(commit)
        if on_commit is not None:
            on_commit(report.commits_seen)
    writer.flush()
    _after_write(after_write, engine, repository_id, root)
    _finish(engine, run_id, report, repository_id, inputs.notes_tip)
    return report


def _start(
    engine: Engine, root: Path, shallow: bool, heads: list[str]
) -> tuple[int, list[str], set[str], int]:
    """Register the run: repository id, resume points, the shas already stored, the run's id."""
    with Session(engine) as session, session.begin():
        repository_id = get_repository(session, root, shallow).id
        exclude = _resume_points(session, root, repository_id)
        known = set(
            session.scalars(select(CommitRow.sha).where(CommitRow.repository_id == repository_id))
        )
        run = IngestRun(repository_id=repository_id, started_at=_now(), heads=heads)
        session.add(run)
        session.flush()
        return repository_id, exclude, known, run.id


def _after_write(hook: AfterWrite | None, engine: Engine, repository_id: int, root: Path) -> None:
    if hook is not None:
        retrying(lambda: hook(engine, repository_id, root))


def _finish(
    engine: Engine, run_id: int, report: IngestReport, repository_id: int, notes_tip: str | None
) -> None:
    def finish() -> None:
        with Session(engine) as session, session.begin():
            store_problems(session, repository_id, report.problems)
            run = session.get_one(IngestRun, run_id)
            run.finished_at = _now()
            run.commits_added = report.commits_added
            run.notes_tip = notes_tip

    retrying(finish)
