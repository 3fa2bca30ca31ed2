"""`netgain share`: the AI share of the lines a range introduced that survive at its end.

The method is the one Aider publishes per release: blame every file at REV_B restricted to
REV_A..REV_B (following moves and copies), skip boundary lines (older than the range), and
attribute each surviving line through its originating commit's provenance — line-level evidence
(git-ai notes, Agent Trace) by the line's number in that commit, commit-level markers for the
whole commit. Lines without evidence are unknown, never human.
"""

from __future__ import annotations

import bisect
import itertools
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from netgain import git
from netgain.errors import GitError
from netgain.git.blame import CopySearch, copy_args
from netgain.git.model import BlameLine, GitProblem
from netgain.globs import matches
from netgain.history.missing import RangeFiles, range_files_checked
from netgain.history.queries import CommitProvenance
from netgain.provenance.model import COUNTED_EVIDENCE
from netgain.text import storable

Classification = tuple[str, str | None]  # (ai | human | unknown, tool)
# The evidence a classification rests on: a line-level source (git-ai note, Agent Trace), a
# commit-level one (markers), a commit-level human *claim* (the author's own "no AI" marker:
# declared-human, which a gate may decline to trust), or none.
EvidenceLevel = Literal["line", "commit", "claim", "none"]


@dataclass(slots=True)
class FileShare:
    """Surviving lines of one file by author kind, and by the evidence class they rest on.

    `line_evidence + commit_evidence` is the number of lines with evidence (coverage);
    `declared_human` counts the human lines that rest only on the author's own claim (they are
    part of `human` and of `commit_evidence`).
    """

    path: str
    ai: int = 0
    human: int = 0
    unknown: int = 0
    line_evidence: int = 0
    commit_evidence: int = 0
    declared_human: int = 0

    @property
    def total(self) -> int:
        return self.ai + self.human + self.unknown

    def count(self, kind: str, level: EvidenceLevel) -> None:
        """Add one line of `kind` whose attribution rests on `level`."""
        if kind == "ai":
            self.ai += 1
        elif kind == "human":
            self.human += 1
        else:
            self.unknown += 1
            return
        if level == "line":
            self.line_evidence += 1
        elif level in ("commit", "claim"):
            self.commit_evidence += 1
            if level == "claim" and kind == "human":
                self.declared_human += 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": storable(self.path),
            "total_lines": self.total,
            "ai_lines": self.ai,
            "human_lines": self.human,
            "unknown_lines": self.unknown,
            "ai_share": self.ai / self.total if self.total else None,
            "evidence": {
                "line": self.line_evidence,
                "commit": self.commit_evidence,
                "declared_human": self.declared_human,
            },
        }


@dataclass(slots=True)
class ShareResult:
    range: str
    files: list[FileShare] = field(default_factory=list)
    by_tool: Counter[str] = field(default_factory=Counter)
    boundary_lines: int = 0
    skipped_binary: list[str] = field(default_factory=list)
    problems: list[GitProblem] = field(default_factory=list)
    # files whose surviving lines are unknown (a blob is missing): not in any count
    unavailable: list[str] = field(default_factory=list)
    # files blamed without copy detection because it reached a missing blob: path -> why
    degraded: dict[str, str] = field(default_factory=dict)

    @property
    def ai(self) -> int:
        return sum(f.ai for f in self.files)

    @property
    def human(self) -> int:
        return sum(f.human for f in self.files)

    @property
    def unknown(self) -> int:
        return sum(f.unknown for f in self.files)

    @property
    def total(self) -> int:
        return self.ai + self.human + self.unknown

    @property
    def line_evidence(self) -> int:
        return sum(f.line_evidence for f in self.files)

    @property
    def commit_evidence(self) -> int:
        return sum(f.commit_evidence for f in self.files)

    @property
    def declared_human(self) -> int:
        return sum(f.declared_human for f in self.files)

    @property
    def coverage(self) -> float | None:
        """Share of the lines with line- or commit-level evidence (None without lines)."""
        return (self.line_evidence + self.commit_evidence) / self.total if self.total else None

    def to_dict(self) -> dict[str, Any]:
        known = self.ai + self.human
        return {
            "range": self.range,
            "total_lines": self.total,
            "ai_lines": self.ai,
            "human_lines": self.human,
            "unknown_lines": self.unknown,
            "ai_share": self.ai / self.total if self.total else None,
            "ai_share_of_attributed": self.ai / known if known else None,
            "by_tool": dict(sorted(self.by_tool.items())),
            "provenance_coverage": self.coverage,
            "unknown_share": self.unknown / self.total if self.total else None,
            "evidence": {
                "line": self.line_evidence,
                "commit": self.commit_evidence,
                "declared_human": self.declared_human,
            },
            "files": [f.to_dict() for f in sorted(self.files, key=lambda f: f.path)],
            "boundary_lines": self.boundary_lines,
            "skipped_binary_files": [storable(p) for p in self.skipped_binary],
            "complete": not self.unavailable,
            "unavailable_files": [storable(p) for p in self.unavailable],
            "degraded_files": [
                {"path": storable(p), "reason": storable(why)}
                for p, why in sorted(self.degraded.items())
            ],
            "problems": [
                {"kind": p.kind, "message": storable(p.message), "path": p.path, "sha": p.sha}
                for p in self.problems
            ],
        }


def _blame_without_copies(
    repo: Path, head: str, path: str, base: str | None, problem: GitProblem, result: ShareResult
) -> list[BlameLine] | GitProblem:
    """Blame `path` again without copy detection, which is what reached the missing blob.

    The file's own history may still be whole: its lines are then counted, and the output says
    that moved or copied lines were not followed for it. Otherwise the problem stands.
    """
    try:
        lines = git.blame_file(repo, head, path, since=base, copies=False)
    except (git.GitProblemError, GitError):
        return GitProblem(
            problem.kind,
            f"{path}: {problem.message}; its lines are unknown and not counted",
            problem.sha or head,
            path,
        )
    result.degraded[path] = (
        f"blamed without move/copy detection: copy detection reached a missing blob "
        f"({problem.message})"
    )
    return lines


class PathFilter:
    """Include/exclude globs with gitignore semantics, applied to paths at REV_B."""

    def __init__(self, include: Sequence[str], exclude: Sequence[str]) -> None:
        self.include = tuple(include)
        self.exclude = tuple(exclude)

    def __call__(self, path: str) -> bool:
        if self.include and not matches(self.include, path):
            return False
        return not matches(self.exclude, path)


class LineClassifier:
    """Maps a blamed line (commit, original path, original line) to its author kind and tool."""

    def __init__(self, provenance: dict[str, CommitProvenance]) -> None:
        self.provenance = provenance
        self._ranges: dict[tuple[str, str], tuple[list[int], list[list[Any]]]] = {}

    def _file_ranges(self, prov: CommitProvenance, path: str) -> tuple[list[int], list[list[Any]]]:
        key = (prov.sha, path)
        cached = self._ranges.get(key)
        if cached is None:
            ranges = sorted(prov.line_map.get(storable(path), []), key=lambda r: int(r[0]))
            cached = ([int(r[0]) for r in ranges], ranges)
            self._ranges[key] = cached
        return cached

    def counted(self, sha: str) -> CommitProvenance | None:
        """The commit's provenance when it rests on counts that name no line (apportioned)."""
        prov = self.provenance.get(sha)
        if prov is None or prov.level != "commit":
            return None
        if any(e.get("kind") in COUNTED_EVIDENCE for e in prov.evidence):
            return prov
        return None

    def classify(self, line: BlameLine) -> Classification:
        kind, tool, _level = self.classify_with_evidence(line)
        return (kind, tool)

    def classify_with_evidence(self, line: BlameLine) -> tuple[str, str | None, EvidenceLevel]:
        """`classify` plus the evidence class the answer rests on (see EvidenceLevel)."""
        prov = self.provenance.get(line.sha)
        if prov is None:
            return ("unknown", None, "none")
        if prov.level == "line":
            starts, ranges = self._file_ranges(prov, line.orig_path)
            index = bisect.bisect_right(starts, line.orig_line) - 1
            if index >= 0 and line.orig_line <= int(ranges[index][1]):
                kind = str(ranges[index][2])
                if kind not in ("ai", "human"):
                    return ("unknown", None, "none")
                return (kind, ranges[index][3] if kind == "ai" else None, "line")
            return ("unknown", None, "none")
        if prov.level == "commit":
            # counts can be 0 when the commit's blobs are missing: its tools still say AI
            if prov.ai > 0 or (prov.tools and not prov.human):
                return ("ai", prov.tools[0] if prov.tools else None, "commit")
            if prov.human > 0:
                # commit-level human evidence is a marker in the message the author wrote
                return ("human", None, "claim")
        return ("unknown", None, "none")


def _all_files(repo: Path, head: str) -> tuple[list[str], list[str]]:
    """Every file at `head`, split into text and binary by git's own numstat heuristic."""
    empty_tree = git.run_git(repo, "hash-object", "-t", "tree", "--stdin", input=b"").strip()
    out = git.run_git(repo, "diff", "--numstat", "-z", "--no-renames", empty_tree.decode(), head)
    text: list[str] = []
    binary: list[str] = []
    for record in out.split(b"\0"):
        if not record:
            continue
        added, _deleted, raw_path = record.split(b"\t", 2)
        (binary if added == b"-" else text).append(git.decode_path(raw_path))
    return text, binary


def files_changed(repo: Path, base: str | None, head: str) -> tuple[list[str], list[str]]:
    """Text files at `head` that the range may have introduced lines into, and binary ones."""
    if base is None:
        return _all_files(repo, head)
    text: list[str] = []
    binary: list[str] = []
    for diff in git.diff_between(repo, base, head):
        if diff.status == "D" or diff.is_submodule:  # a gitlink bump has no lines to blame
            continue
        (binary if diff.is_binary else text).append(diff.path)
    return text, binary


def _files_to_blame(repo: Path, base: str | None, head: str, label: str) -> RangeFiles:
    """`files_changed`, or, when a blob is missing, the checked listing that reads none."""
    try:
        text, binary = files_changed(repo, base, head)
        return RangeFiles(text, binary)
    except git.GitProblemError:
        empty_tree = git.run_git(repo, "hash-object", "-t", "tree", "--stdin", input=b"")
        return range_files_checked(repo, base or empty_tree.decode().strip(), head, label)


_WHERE: dict[CopySearch, str] = {
    "whole-tree": "copies looked for in every file of each commit's parent",
    "creating-commit": "copies looked for in every file only for the commit that creates a "
    "file, otherwise in the files the same commit changed",
    "changed-files": "copies looked for in the files the same commit changed",
}


def share_method(copy_search: CopySearch, whole_tree_files: int | None = None) -> str:
    """How `compute_share` blamed, in words a report can state once (e.g. a replay's `sources`).

    The copy search decides which lines count as new: a block copied from an untouched file is
    the change's own under a narrower search, so a figure is only comparable to one made with
    the same method.
    """
    text = f"git blame {' '.join(copy_args(copy_search=copy_search))} ({_WHERE[copy_search]})"
    if whole_tree_files is not None and copy_search != "changed-files":
        narrow = " ".join(copy_args(copy_search="changed-files"))
        text += f"; files past the first {whole_tree_files} of a change: {narrow}"
    return text


def compute_share(
    repo: Path,
    base: str | None,
    head: str,
    provenance: dict[str, CommitProvenance],
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    label: str,
    jobs: int | None = None,
    on_file: Callable[[], None] | None = None,
    paths: Sequence[str] | None = None,
    move_chars: int | None = None,
    copy_chars: int | None = None,
    whole_tree_files: int | None = None,
    copy_search: CopySearch = "whole-tree",
) -> ShareResult:
    """Blame the files the range touched at `head` (in parallel) and attribute surviving lines.

    `move_chars` / `copy_chars` are git's `-M<num>` / `-C<num>` thresholds (None: git's
    defaults); `--move-chars 100 --copy-chars 100` is Aider's published method.
    `copy_search` is how far git looks for the origin of copied lines (`git.blame.copy_args`):
    the gate's "whole-tree" (`-C -C -C`, a pass over the parent's whole tree per file and commit)
    or a replay's cheaper "creating-commit" (`-C -C`, that pass only for the commit creating the
    file). `whole_tree_files` bounds how many files get that tree-wide search; the others look
    for copies only in the files their commit changed (`-C`) and are listed in `degraded`.
    None: all.
    """
    wanted = PathFilter(include, exclude)
    listing = _files_to_blame(repo, base, head, label) if paths is None else RangeFiles(list(paths))
    result = ShareResult(range=label, skipped_binary=[p for p in listing.binary if wanted(p)])
    for problem in listing.unavailable:
        if problem.path is not None and wanted(problem.path):
            result.unavailable.append(problem.path)
            result.problems.append(problem)
    classifier = LineClassifier(provenance)
    shares: dict[str, FileShare] = {}
    counted: dict[str, Counter[str]] = {}  # sha -> path -> surviving lines of a counted commit
    selected = [p for p in listing.text if wanted(p)]
    searched = selected if whole_tree_files is None else selected[: max(0, whole_tree_files)]
    bounded = selected[len(searched) :]
    why = (
        f"copies looked for only in the files its commits changed, not in the whole tree: "
        f"{len(selected)} files to blame, more than {whole_tree_files}"
    )
    for path in bounded:
        result.degraded[path] = why
    if bounded:
        result.problems.append(GitProblem("share-degraded", f"{len(bounded)} files: {why}"))
    batches: list[tuple[list[str], CopySearch]] = [
        (searched, copy_search),
        (bounded, "changed-files"),
    ]
    blamed_files = (
        git.blame_files(
            repo,
            head,
            batch,
            since=base,
            jobs=jobs or os.cpu_count() or 1,
            move_chars=move_chars,
            copy_chars=copy_chars,
            copy_search=search,
        )
        for batch, search in batches
        if batch
    )
    for path, first_try in itertools.chain.from_iterable(blamed_files):
        if on_file is not None:
            on_file()
        blamed = first_try
        if isinstance(first_try, GitProblem) and first_try.kind == "missing-blob":
            blamed = _blame_without_copies(repo, head, path, base, first_try, result)
        if isinstance(blamed, GitProblem):
            result.problems.append(blamed)
            result.unavailable.append(path)
            continue
        share = shares.setdefault(path, FileShare(path))
        for line in blamed:
            if line.boundary:
                result.boundary_lines += 1
                continue
            if classifier.counted(line.sha) is not None:
                counted.setdefault(line.sha, Counter())[path] += 1
                continue
            kind, tool, level = classifier.classify_with_evidence(line)
            share.count(kind, level)
            if kind == "ai":
                result.by_tool[tool or "unknown-tool"] += 1
    for sha, per_file in counted.items():
        prov = classifier.counted(sha)
        if prov is not None:
            apportion(prov, per_file, shares, result.by_tool)
    result.files = [share for _path, share in sorted(shares.items()) if share.total]
    return result


def apportion(
    prov: CommitProvenance,
    per_file: Counter[str],
    shares: dict[str, FileShare],
    by_tool: Counter[str],
) -> None:
    """Split a counted commit's surviving lines in proportion to its ai / human / unknown counts.

    The counts (an Entire checkpoint, Cursor's AI code tracking) say how many of the commit's
    lines each author wrote, not which: the surviving lines get the same proportions. Cumulative
    rounding over the files in path order keeps every file's lines and the commit's total exact.
    """
    total = prov.ai + prov.human + prov.unknown
    if total <= 0:
        for path, lines in per_file.items():
            shares[path].unknown += lines
        return
    seen = ai_before = known_before = 0
    tool = prov.tools[0] if prov.tools else "unknown-tool"
    # human counts written by the author's own tooling (an Entire checkpoint) are a claim;
    # counts fetched from the vendor by the organisation (Cursor) are measured
    claimed = any(e.get("kind") == "session-record" for e in prov.evidence)
    for path in sorted(per_file):
        seen += per_file[path]
        ai_upto = (seen * prov.ai + total // 2) // total
        known_upto = (seen * (prov.ai + prov.human) + total // 2) // total
        share = shares[path]
        ai = ai_upto - ai_before
        human = (known_upto - ai_upto) - (known_before - ai_before)
        share.ai += ai
        share.human += human
        share.commit_evidence += ai + human
        if claimed:
            share.declared_human += human
        share.unknown += per_file[path] - ai - human
        if ai:
            by_tool[tool] += ai
        ai_before, known_before = ai_upto, known_upto
