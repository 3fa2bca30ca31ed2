"""Find the commits that introduced what a fix fixed: one algorithm, switched by `Variant`.

For each fix: take the lines it removed or changed (at its first parent), drop the cosmetic ones
when the variant says so, blame only those line ranges at the parent (all files of all fixes in
parallel), then re-blame past candidates the variant does not believe (merges, large commits,
formatting runs, code moves) with `--ignore-rev`, at most `max_rounds` times.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from netgain.errors import GitError
from netgain.git import BlameLine, GitProblem
from netgain.git.runner import GitProblemError
from netgain.szz.annotate import Annotation, annotate
from netgain.szz.blame_ranges import BlameOptions, blame_ranges
from netgain.szz.changes import (
    CommitChanges,
    CommitInfo,
    FileChange,
    hunks,
    load_changes,
    load_commit_info,
)
from netgain.szz.graph_cache import alternate_env, commit_graph_dir
from netgain.szz.lines import code_lines, git_lines, normalize
from netgain.szz.meta import MetaKind, classify
from netgain.szz.trailers import named_introducers
from netgain.szz.variants import DEFAULT_VARIANT, Variant, get_variant

LARGE_COMMIT_FILES = 50
GRAPH_CACHE_MIN_BLAMES = 8  # fewer blames than this do not pay for writing the commit-graph
MOVE_CONTEXT = 3  # lines blamed around each target so git can recognise a moved block


@dataclass(frozen=True, slots=True)
class Evidence:
    """Lines of one file that the fix touched and that blame gave to a candidate.

    `lines` are line numbers in `path` at the fix's parent; `inducing_lines` the same lines in
    `inducing_path` as the candidate wrote them. `reason` is `changed` (the fix removed or changed
    them) or `adjacent` (the fix only added lines; these are the code lines around the insertion).
    """

    path: str
    lines: tuple[int, ...]
    inducing_path: str
    inducing_lines: tuple[int, ...]
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "lines": list(self.lines),
            "inducing_path": self.inducing_path,
            "inducing_lines": list(self.inducing_lines),
            "reason": self.reason,
        }


@dataclass(slots=True)
class Candidate:
    """A commit that introduced lines the fix touched, with the evidence per file."""

    sha: str
    author_date: datetime | None
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sha": self.sha,
            "author_date": self.author_date.isoformat() if self.author_date else None,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class Dropped:
    """A blamed commit the variant rejected, and why (a MetaKind value or `after-incident`)."""

    sha: str
    reason: str


@dataclass(slots=True)
class SzzResult:
    """The outcome for one fix under one variant."""

    fix: str
    variant: str
    candidates: list[Candidate] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    problems: list[GitProblem] = field(default_factory=list)
    lines_changed: int = 0  # lines the fix removed or changed
    lines_blamed: int = 0  # of those (plus adjacent lines), the ones blamed after filtering

    @property
    def inducing(self) -> list[str]:
        return [c.sha for c in self.candidates]

    def to_dict(self) -> dict[str, Any]:
        return {
            "fix": self.fix,
            "variant": self.variant,
            "inducing": self.inducing,
            "candidates": [c.to_dict() for c in self.candidates],
            "dropped": [{"sha": d.sha, "reason": d.reason} for d in self.dropped],
            "lines_changed": self.lines_changed,
            "lines_blamed": self.lines_blamed,
            "problems": [
                {"kind": p.kind, "message": p.message, "sha": p.sha, "path": p.path}
                for p in self.problems
            ],
        }


@dataclass(slots=True)
class _Job:
    """One file of one fix to blame at the fix's parent."""

    fix: str
    parent: str
    path: str
    reasons: dict[int, str]  # line at parent -> "changed" | "adjacent"
    line_count: int
    ignore: set[str] = field(default_factory=set)
    copies: bool = False  # blame with -M -C (set once a candidate looks like a move or copy)
    blame: list[BlameLine] = field(default_factory=list)
    problem: GitProblem | None = None


def find_inducing(
    repo: Path,
    fixes: Sequence[str],
    variant: Variant | str = DEFAULT_VARIANT,
    *,
    dates: Mapping[str, datetime] | None = None,
    jobs: int | None = None,
    large_files: int = LARGE_COMMIT_FILES,
    max_rounds: int = 3,
    graph_cache: bool = True,
    engine: str = "replay",
    trailers: bool = True,
) -> list[SzzResult]:
    """The bug-introducing candidates of each fix commit.

    Args:
        repo: The repository.
        fixes: Full shas of fix commits (resolve names with `netgain.git.rev_parse` first).
        variant: A `Variant` or its name (`b`, `ag`, `ma`, `r`, `netgain`).
        dates: When the bug was reported (incident start or issue creation) per fix sha; used by
            variants with `date_filter` to drop candidates written after it.
        jobs: Parallel blames (default: all cores).
        large_files: A commit touching more files than this is "large" (AG-SZZ and later).
        max_rounds: How many times to re-blame past rejected candidates.
        graph_cache: Speed blame up with netgain's commit-graph (see `graph_cache`) when there
            are enough files to blame to pay for writing it.
        engine: `replay` (default) answers every (fix, file) from one pass over the files'
            history (`netgain.szz.annotate`) and runs `git blame` only for what that pass cannot
            follow (moved or copied code, binary files); `git` runs `git blame` for every
            (fix, file) — slower, kept to cross-check the replay.
        trailers: With a variant that reads them (`netgain`), a fix whose message names the
            commits it fixes (`Fixes: <sha> ("subject")`, `netgain.szz.trailers`) gets those
            commits, unblamed. False hides the trailers, as an evaluation against them must.

    Returns:
        One SzzResult per fix, in the order given. Problems (unknown commit, merge or root fix,
        failed blame) are reported in the result, never raised.
    """
    v = get_variant(variant) if isinstance(variant, str) else variant
    order = list(dict.fromkeys(fixes))
    results = {sha: SzzResult(sha, v.name) for sha in order}
    infos = load_commit_info(repo, order)
    analysable: dict[str, CommitInfo] = {}
    for sha in order:
        info = infos.get(sha)
        if info is None:
            results[sha].problems.append(GitProblem("unknown-commit", "not a commit", sha))
        elif info.is_merge:
            results[sha].problems.append(
                GitProblem("merge-fix", "a merge is not analysed; pass the fix on its branch", sha)
            )
        elif not info.parents:
            results[sha].problems.append(
                GitProblem("root-fix", "a root commit has no earlier history to blame", sha)
            )
        else:
            analysable[sha] = info
    named = named_introducers(repo, analysable) if trailers and v.read_trailers else {}
    sink: list[GitProblem] = []
    fix_changes = load_changes(repo, analysable, problems=sink)
    work: list[_Job] = []
    for sha, changes in fix_changes.items():
        job_list, changed = _jobs_for_fix(changes, v)
        results[sha].lines_changed = changed
        if sha in named:
            results[sha].candidates = _named_candidates(changes, named[sha])
            continue
        results[sha].lines_blamed = sum(len(j.reasons) for j in job_list)
        work.extend(job_list)
    for p in sink:
        if p.sha in results:
            results[p.sha].problems.append(p)
    workers = max(1, jobs or os.cpu_count() or 1)
    env = None
    if graph_cache and len(work) >= GRAPH_CACHE_MIN_BLAMES:
        objects = commit_graph_dir(repo)
        env = alternate_env(objects) if objects is not None else None
    if engine not in ("replay", "git"):
        raise ValueError(f"unknown SZZ engine {engine!r}")
    replay = _replay(repo, work, v, env, workers) if engine == "replay" and work else Annotation()
    known: dict[str, CommitChanges] = {}
    kinds: dict[str, set[MetaKind]] = {}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="szz-blame") as pool:
        todo = work
        for _ in range(max_rounds + 1):
            rest = [j for j in todo if not _from_replay(j, replay)]
            list(pool.map(lambda j: _run_blame(repo, j, v, env), rest))
            if not v.skip:
                break
            _classify_new(repo, work, known, kinds, large_files, workers)
            todo = []
            for job in work:
                bad = {b.sha for b in job.blame if kinds.get(b.sha, set()) & v.skip} - job.ignore
                moved = v.follow_moves and not job.copies and _may_be_copied(job, known, kinds)
                if bad or moved:
                    job.ignore |= bad
                    job.copies = job.copies or moved
                    todo.append(job)
            if not todo:
                break
    shas = {b.sha for j in work for b in j.blame} | {s for n in named.values() for s in n}
    cand_infos = {s: c.info for s, c in known.items()}
    cand_infos.update(load_commit_info(repo, shas - set(cand_infos)))
    by_fix: dict[str, list[_Job]] = defaultdict(list)
    for job in work:
        by_fix[job.fix].append(job)
        if job.problem is not None:
            results[job.fix].problems.append(job.problem)
    for sha, fix_jobs in by_fix.items():
        _aggregate(results[sha], fix_jobs, v, kinds, cand_infos, (dates or {}).get(sha))
    for sha in named:
        for c in results[sha].candidates:
            info = cand_infos.get(c.sha)
            c.author_date = info.author_date if info else None
        results[sha].candidates.sort(key=lambda c: _order_key(c, cand_infos))
    return [results[sha] for sha in order]


def _named_candidates(changes: CommitChanges, shas: list[str]) -> list[Candidate]:
    """The introducers a fix's trailers name, with the fix's files as evidence (no lines: the
    developer named the commit, not the lines)."""
    paths = sorted({f.old_path for f in changes.files}) or [""]
    evidence = [Evidence(p, (), p, (), "trailer") for p in paths]
    return [Candidate(sha, None, list(evidence)) for sha in shas]


def _jobs_for_fix(changes: CommitChanges, v: Variant) -> tuple[list[_Job], int]:
    """The lines of each file to blame for one fix, and how many lines the fix changed."""
    info = changes.info
    jobs: list[_Job] = []
    inserts: list[tuple[FileChange, int, list[bool] | None]] = []
    changed = 0
    classify = v.filter_cosmetic_lines or v.cosmetic_last
    for f in changes.files:
        d = f.diff
        if d.is_binary or d.is_submodule or d.status == "A" or f.old_text is None:
            continue
        code = code_lines(f.old_text, f.old_path) if classify else None
        # Lines that reappear in the fix's added lines up to whitespace were re-indented or
        # re-wrapped, not changed: the fix did not need to touch them.
        added_norm = Counter(normalize(t) for t in f.added.values())
        reasons: dict[int, str] = {}
        for removed, _added, before in hunks(d):
            if not removed:
                inserts.append((f, before, code))
            for n in removed:
                changed += 1
                if code is not None and _cosmetic(n, code, f, added_norm):
                    if v.filter_cosmetic_lines:
                        continue
                    reasons[n] = "cosmetic"
                else:
                    reasons[n] = "changed"
        if reasons:
            jobs.append(
                _Job(info.sha, info.parents[0], f.old_path, reasons, len(git_lines(f.old_text)))
            )
    if not jobs and v.blame_adjacent:
        jobs = _adjacent_jobs(info, inserts)
    return jobs, changed


def _cosmetic(n: int, code: list[bool], f: FileChange, added_norm: Counter[str]) -> bool:
    """Removed line `n` is blank or comment-only, or reappears re-indented among the added lines
    (each added line excuses one removed line)."""
    if n > len(code) or not code[n - 1]:
        return True
    key = normalize(f.removed.get(n, ""))
    if added_norm[key] > 0:
        added_norm[key] -= 1
        return True
    return False


def _adjacent_jobs(
    info: CommitInfo, inserts: list[tuple[FileChange, int, list[bool] | None]]
) -> list[_Job]:
    """For a fix that only added lines: the nearest code line above and below each insertion."""
    per_path: dict[str, dict[int, str]] = defaultdict(dict)
    totals: dict[str, int] = {}
    for f, before, code in inserts:
        total = len(git_lines(f.old_text)) if f.old_text is not None else 0
        totals[f.old_path] = total
        is_code = code if code is not None else [True] * total
        at = min(before, len(is_code))  # never past the file, whatever the patch claims
        up = next((n for n in range(at, 0, -1) if is_code[n - 1]), None)
        down = next((n for n in range(at + 1, len(is_code) + 1) if is_code[n - 1]), None)
        for n in (up, down):
            if n is not None:
                per_path[f.old_path][n] = "adjacent"
    return [_Job(info.sha, info.parents[0], p, r, totals[p]) for p, r in per_path.items()]


def _replay(
    repo: Path, work: list[_Job], v: Variant, env: dict[str, str] | None, jobs: int
) -> Annotation:
    """One pass over the history of every file to blame (an empty answer if git refuses)."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for job in work:
        wanted[job.fix].add(job.path)
    try:
        return annotate(repo, wanted, ignore_whitespace=v.ignore_whitespace, env=env, jobs=jobs)
    except GitError:
        return Annotation()  # e.g. an old git without --diff-merges: git blame answers instead


def _from_replay(job: _Job, replay: Annotation) -> bool:
    """Blame `job` from the replayed history; False when only `git blame` can answer it."""
    if job.copies:
        return False  # moved and copied code: git's -M -C
    origins = replay.before.get((job.fix, job.path))
    if origins is None:
        return False
    blame: list[BlameLine] = []
    for n in sorted(job.reasons):
        if n <= len(origins):
            o = origins[n - 1].past(job.ignore)
            blame.append(BlameLine(n, o.sha, o.path, o.line, False))
    job.blame = blame
    job.problem = None
    return True


def _run_blame(repo: Path, job: _Job, v: Variant, env: dict[str, str] | None) -> None:
    options = BlameOptions(
        ignore_whitespace=v.ignore_whitespace,
        follow_moves=job.copies,
        ignore_revs=tuple(sorted(job.ignore)),
    )
    try:
        job.blame = blame_ranges(
            repo,
            job.parent,
            job.path,
            list(job.reasons),
            options,
            context=MOVE_CONTEXT if job.copies else 0,
            line_count=job.line_count,
            env=env,
        )
        job.problem = None
    except GitProblemError as exc:
        job.problem = exc.problem
        job.problem.sha = job.fix
    except GitError as exc:
        job.problem = GitProblem("blame-failed", str(exc), job.fix, job.path)


def _may_be_copied(
    job: _Job, known: dict[str, CommitChanges], kinds: dict[str, set[MetaKind]]
) -> bool:
    """Whether a blamed line may have come from elsewhere: its commit moved code, or created the
    file the line is in while removing code elsewhere. Only then is the (slower) move and copy
    detection worth running."""
    for b in job.blame:
        changes = known.get(b.sha)
        if changes is None:
            continue
        if MetaKind.MOVE in kinds.get(b.sha, set()):
            return True
        created = any(f.diff.status in "ACR" and f.diff.path == b.orig_path for f in changes.files)
        # git's -C looks for a copy source among the files the same commit modified, so a file
        # created in a commit that removed nothing elsewhere (a root commit, a new module) had
        # nowhere to be copied from.
        if created and any(
            f.diff.path != b.orig_path and (f.diff.removed or f.diff.status == "D")
            for f in changes.files
        ):
            return True
    return False


def _classify_new(
    repo: Path,
    work: list[_Job],
    known: dict[str, CommitChanges],
    kinds: dict[str, set[MetaKind]],
    large_files: int,
    jobs: int,
) -> None:
    """Load and classify the candidates not seen yet (one diff-tree and one cat-file for all)."""
    new = {b.sha for j in work for b in j.blame} - set(known)
    if not new:
        return
    infos = load_commit_info(repo, new)
    loaded = load_changes(repo, infos, max_files=large_files, old_text=False, jobs=jobs)
    for sha, changes in loaded.items():
        known[sha] = changes
        kinds[sha] = classify(changes, large_files=large_files)


def _aggregate(
    result: SzzResult,
    jobs: list[_Job],
    v: Variant,
    kinds: dict[str, set[MetaKind]],
    infos: dict[str, CommitInfo],
    reported: datetime | None,
) -> None:
    """Group blamed lines into candidates, then apply the variant's rejections and selection."""
    grouped: dict[str, dict[tuple[str, str, str], list[tuple[int, int]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for job in jobs:
        for b in job.blame:
            grouped[b.sha][(job.path, b.orig_path, job.reasons[b.final_line])].append(
                (b.final_line, b.orig_line)
            )
    dropped: list[Dropped] = []
    candidates: list[Candidate] = []
    for sha in sorted(grouped):
        rejected = kinds.get(sha, set()) & v.skip
        if rejected:
            dropped.append(Dropped(sha, sorted(rejected)[0].value))
            continue
        info = infos.get(sha)
        date = info.author_date if info else None
        if v.date_filter and reported is not None and date is not None and date > reported:
            dropped.append(Dropped(sha, "after-incident"))
            continue
        evidence = [
            Evidence(path, tuple(a for a, _ in pairs), orig, tuple(b for _, b in pairs), reason)
            for (path, orig, reason), pairs in sorted(grouped[sha].items())
        ]
        candidates.append(Candidate(sha, date, evidence))
    if v.keep != "all" and len(candidates) > 1:
        candidates, rejected_now = _keep_one(candidates, v, infos)
        dropped.extend(rejected_now)
    candidates.sort(key=lambda c: _order_key(c, infos))
    result.candidates = candidates
    result.dropped = dropped


def _keep_one(
    candidates: list[Candidate], v: Variant, infos: dict[str, CommitInfo]
) -> tuple[list[Candidate], list[Dropped]]:
    """The one candidate the variant keeps, and the others as dropped.

    `most-recent` (R-SZZ) keeps the latest. `most-lines` keeps the one that wrote most of the
    blamed code lines, then most of the cosmetic ones, then the latest: a fix changes the lines
    of the bug, and a fix for one bug names one introducer in the developers' own `Fixes:`
    trailers far more often than several.
    """
    if v.keep == "most-recent":
        best = max(candidates, key=lambda c: _order_key(c, infos))
        why = "not-most-recent"
    else:
        best = max(candidates, key=lambda c: (*_line_counts(c), _order_key(c, infos)))
        why = "fewer-lines"
    return [best], [Dropped(c.sha, why) for c in candidates if c is not best]


def _line_counts(c: Candidate) -> tuple[int, int]:
    """(code lines, cosmetic lines) of the fix that blame gave to `c`."""
    cosmetic = sum(len(e.lines) for e in c.evidence if e.reason == "cosmetic")
    return sum(len(e.lines) for e in c.evidence) - cosmetic, cosmetic


def _order_key(c: Candidate, infos: dict[str, CommitInfo]) -> tuple[float, float, str]:
    info = infos.get(c.sha)
    if info is None:
        return (0.0, 0.0, c.sha)
    return (info.author_date.timestamp(), info.committer_date.timestamp(), c.sha)
