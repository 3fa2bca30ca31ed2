"""Blame of reported lines at the date a finding was found, looking past cosmetic commits.

The revision is the last first-parent commit on or before the date found, so code rewritten since
(even by the fix) does not hide the change that was live when the finding was reported. Like SZZ,
blame re-runs past commits that changed the lines without changing behaviour: SZZ's meta commits
(formatting runs, mass edits, moves; its default variant's list) and any commit whose change to
the reported lines was formatting only (`netgain.findings.cosmetic`).

Every finding of an import is traced together: each round blames all pending findings in
parallel and classifies all newly seen commits with one `load_changes`, instead of one per
finding.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from netgain import git
from netgain.errors import GitError
from netgain.findings.cosmetic import Reformats
from netgain.git import BlameLine
from netgain.git.runner import GitProblemError
from netgain.store.finding_models import ExternalFinding
from netgain.szz import DEFAULT_VARIANT, get_variant
from netgain.szz.blame_ranges import BlameOptions, blame_ranges
from netgain.szz.changes import load_changes, load_commit_info
from netgain.szz.core import LARGE_COMMIT_FILES
from netgain.szz.meta import MetaKind, classify

MAX_ROUNDS = 3  # re-blames past cosmetic commits, as SZZ does
MAX_LINES = 500  # of one finding's range: a report naming a whole file is not a line
SKIP = get_variant(DEFAULT_VARIANT).skip


@dataclass(slots=True)
class Blamed:
    """What blame at the date found says about one finding.

    `lines`: per commit, the reported lines (numbers at `rev`) it wrote, in file order of first
    appearance; empty with `reason` when nothing could be blamed.
    """

    rev: str | None = None
    lines: dict[str, list[int]] = field(default_factory=dict)
    looked_past: int = 0
    reason: str = ""


@dataclass(slots=True)
class _Job:
    finding_id: int
    path: str
    rev: str
    wanted: list[int]
    ignored: set[str] = field(default_factory=set)
    blamed: list[BlameLine] = field(default_factory=list)
    error: str | None = None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class BlameAtDate:
    """Traces findings by blame in one repository (caches revisions and commit classes)."""

    def __init__(self, root: Path, *, jobs: int | None = None) -> None:
        self.root = root
        self.workers = max(1, jobs or os.cpu_count() or 1)
        self._revs: dict[datetime, str | None] = {}
        self._kinds: dict[str, set[MetaKind]] = {}
        self._reformats = Reformats(root)

    def trace(self, findings: Sequence[ExternalFinding]) -> dict[int, Blamed]:
        """Blame every finding's reported lines; findings without a file get their reason."""
        out: dict[int, Blamed] = {}
        jobs: list[_Job] = []
        for f in findings:
            job_or_reason = self._job(f)
            if isinstance(job_or_reason, str):
                out[f.id] = Blamed(reason=job_or_reason)
            else:
                jobs.append(job_or_reason)
        pending = jobs
        with ThreadPoolExecutor(self.workers, thread_name_prefix="finding-blame") as pool:
            for _ in range(MAX_ROUNDS + 1):
                list(pool.map(self._blame, pending))
                pending = [j for j in pending if j.error is None]
                meta = self._meta({b.sha for j in pending for b in j.blamed})
                again = []
                for job in pending:
                    past = {b.sha for b in job.blamed} & meta
                    past |= self._reformats_only(job.blamed)
                    past -= job.ignored
                    if past:
                        job.ignored |= past
                        again.append(job)
                pending = again
                if not pending:
                    break
        for job in jobs:
            out[job.finding_id] = self._result(job)
        return out

    def _job(self, finding: ExternalFinding) -> _Job | str:
        if finding.path is None or finding.start_line is None:
            return "endpoint only: no file and line to blame and no fix commit found"
        found_at = _aware(finding.found_at)
        rev = self._revision(found_at)
        if rev is None:
            return f"no commit on or before the date found ({found_at.date().isoformat()})"
        end = min(finding.end_line or finding.start_line, finding.start_line + MAX_LINES - 1)
        return _Job(finding.id, finding.path, rev, list(range(finding.start_line, end + 1)))

    def _revision(self, moment: datetime) -> str | None:
        if moment not in self._revs:
            stamp = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            out = git.run_git(
                self.root, "rev-list", "-1", "--first-parent", f"--before={stamp}", "HEAD"
            )
            self._revs[moment] = out.decode("ascii", "replace").strip() or None
        return self._revs[moment]

    def _blame(self, job: _Job) -> None:
        options = BlameOptions(True, True, tuple(sorted(job.ignored)))
        try:
            job.blamed = blame_ranges(self.root, job.rev, job.path, job.wanted, options)
        except (GitError, GitProblemError) as exc:
            text = str(exc).strip()
            job.error = text.splitlines()[-1] if text else type(exc).__name__

    def _meta(self, shas: set[str]) -> set[str]:
        """Of `shas`, the commits SZZ's default variant looks past (formatting runs, mass
        edits, moves, ...): blame landing on them names who last touched a line, not who wrote
        what the finding is about."""
        new = shas - set(self._kinds)
        if new:
            infos = load_commit_info(self.root, new)
            loaded = load_changes(
                self.root, infos, max_files=LARGE_COMMIT_FILES, old_text=False, jobs=self.workers
            )
            for sha in new:
                changes = loaded.get(sha)
                found = classify(changes, large_files=LARGE_COMMIT_FILES) if changes else set()
                self._kinds[sha] = found
        return {sha for sha in shas if self._kinds[sha] & SKIP}

    def _reformats_only(self, blamed: list[BlameLine]) -> set[str]:
        """Commits whose every blamed line they only reformatted (`netgain.findings.cosmetic`)."""
        lines: dict[tuple[str, str], set[int]] = defaultdict(set)
        for b in blamed:
            lines[(b.sha, b.orig_path)].add(b.orig_line)
        only: dict[str, bool] = {}
        for (sha, path), numbers in lines.items():
            reformat = self._reformats.only_reformatted(sha, path, numbers)
            only[sha] = only.get(sha, True) and reformat
        return {sha for sha, yes in only.items() if yes}

    def _result(self, job: _Job) -> Blamed:
        if job.error is not None:
            return Blamed(
                job.rev, reason=f"not blamable at {job.rev[:12]}: {job.path}: {job.error}"
            )
        if not job.blamed:
            reason = f"not blamable at {job.rev[:12]}: {job.path} has no line {job.wanted[0]}"
            return Blamed(job.rev, reason=reason)
        lines: dict[str, list[int]] = {}
        for b in job.blamed:
            lines.setdefault(b.sha, []).append(b.final_line)
        return Blamed(job.rev, lines, len(job.ignored))
