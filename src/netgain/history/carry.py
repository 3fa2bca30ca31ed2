"""Carrying git-ai notes across squash and rebase merges to the commit that lands.

Most teams squash-merge. git-ai writes its note on the commit the author made, so after a squash
(or a rebase merge that rewrites commits) the note sits on a pre-squash commit that the default
branch does not contain: on one public history 35 of 42 notes are reachable only from
`refs/pull/*/head`. The line-level evidence is lost exactly where it is counted.

Here every note whose commit is present but not reachable from the ingested head is carried to
the landed commit by line content: among the head's commits made after it that change the same
files, the one whose added lines best match the noted commit's added lines (non-blank lines in
common, earliest on a tie, and at least half of the noted commit's non-blank added lines); attested line numbers are then mapped through a sequence alignment of
the two commits' added lines per file, so lines moved by a rebase or surrounded by other squashed
work keep their attribution and lines the landed commit does not contain are dropped. A commit
that has its own note keeps it. Every note that cannot be carried is reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from difflib import SequenceMatcher
from pathlib import Path

from netgain import git
from netgain.git.model import GitProblem, LineRange
from netgain.provenance import AuthorshipNote
from netgain.provenance.gitai import Attestation
from netgain.provenance.ranges import intersect, normalize

CLOCK_SLACK = timedelta(days=1)
# a landed commit must add at least this share of the noted commit's non-blank added lines:
# a few shared lines (imports, a closing brace) do not make an unrelated commit the landing
MIN_MATCHED_SHARE = 0.5
MAX_CANDIDATES = 200  # landed commits scored per carried note, newest history first


@dataclass(slots=True)
class CarryResult:
    """Notes carried to landed commits, keyed by the landed commit, and what was not carried."""

    notes: dict[str, AuthorshipNote] = field(default_factory=dict)
    carried: dict[str, str] = field(default_factory=dict)  # noted commit -> landed commit
    problems: list[GitProblem] = field(default_factory=list)
    absent: int = 0  # notes on commits the clone does not contain


class _Added:
    """Added lines (number, text) per (commit, path), read once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._ranges: dict[str, dict[str, list[LineRange]]] = {}
        self._lines: dict[tuple[str, str], list[tuple[int, str]]] = {}

    def ranges(self, sha: str) -> dict[str, list[LineRange]]:
        if sha not in self._ranges:
            self._ranges[sha] = {}
            for _sha, diffs in git.iter_commit_diffs(self.root, [sha]):
                self._ranges[sha] = {d.path: list(d.added) for d in diffs if not d.is_binary}
        return self._ranges[sha]

    def lines(self, sha: str, path: str) -> list[tuple[int, str]]:
        key = (sha, path)
        if key not in self._lines:
            blob = git.read_blob(self.root, sha, path)
            text = [] if blob is None else blob.decode("utf-8", "replace").split("\n")
            wanted = normalize(self.ranges(sha).get(path, []))
            self._lines[key] = [
                (n, text[n - 1])
                for r in wanted
                for n in range(r.start, r.end + 1)
                if 0 < n <= len(text)
            ]
        return self._lines[key]


def _score(source: str, target: str, paths: Iterable[str], added: _Added) -> int:
    """Non-blank added lines of `source` that `target` also adds to the same files."""
    score = 0
    for path in paths:
        theirs: dict[str, int] = {}
        for _n, text in added.lines(target, path):
            if text.strip():
                theirs[text] = theirs.get(text, 0) + 1
        for _n, text in added.lines(source, path):
            if text.strip() and theirs.get(text, 0) > 0:
                theirs[text] -= 1
                score += 1
    return score


def _line_map(source: str, target: str, path: str, added: _Added) -> dict[int, int]:
    """Source line number -> target line number, for added lines the alignment pairs."""
    mine, theirs = added.lines(source, path), added.lines(target, path)
    matcher = SequenceMatcher(None, [t for _n, t in mine], [t for _n, t in theirs], autojunk=False)
    mapping: dict[int, int] = {}
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            mapping[mine[block.a + k][0]] = theirs[block.b + k][0]
    return mapping


def _runs(numbers: Iterable[int]) -> tuple[LineRange, ...]:
    out: list[LineRange] = []
    for n in sorted(set(numbers)):
        if out and out[-1].end == n - 1:
            out[-1] = LineRange(out[-1].start, n)
        else:
            out.append(LineRange(n, n))
    return tuple(out)


def _carried(
    note: AuthorshipNote, source: str, target: str, added: _Added
) -> dict[str, list[Attestation]]:
    files: dict[str, list[Attestation]] = {}
    for path, attestations in note.files.items():
        mapping = _line_map(source, target, path, added)
        mine = normalize(added.ranges(source).get(path, []))
        for item in attestations:
            lines = [
                mapping[n]
                for r in intersect(list(item.ranges), mine)
                for n in range(r.start, r.end + 1)
                if n in mapping
            ]
            if lines:
                files.setdefault(path, []).append(
                    Attestation(
                        item.key, item.key_kind, _runs(lines), item.author, item.tool, item.model
                    )
                )
    return files


def _merge(
    into: AuthorshipNote | None,
    target: str,
    note: AuthorshipNote,
    files: Mapping[str, list[Attestation]],
) -> AuthorshipNote:
    merged = into or AuthorshipNote(
        sha=target,
        schema_version=note.schema_version,
        base_commit_sha=note.base_commit_sha,
        git_ai_version=note.git_ai_version,
    )
    for path, items in files.items():
        merged.files.setdefault(path, []).extend(items)
    merged.sessions.update(note.sessions)
    merged.prompts.update(note.prompts)
    merged.humans.update(note.humans)
    return merged


def carry_notes(root: Path, head: str, notes: Mapping[str, AuthorshipNote]) -> CarryResult:
    """Carry notes of commits not reachable from `head` onto the commits that landed them."""
    result = CarryResult()
    mainline = set(git.rev_list(root, [head]))
    orphans = [sha for sha in notes if sha not in mainline]
    if not orphans:
        return result
    added = _Added(root)
    times: dict[str, int] = {}
    for sha in orphans:
        if not git.object_exists(root, sha):
            result.absent += 1
            continue
        out = git.run_git(root, "show", "-s", "--format=%ct", sha).decode().strip()
        times[sha] = int(out)
    # oldest first, so that later notes win on overlap in the landed commit, as within a note
    for sha in sorted(times, key=lambda s: times[s]):
        note = notes[sha]
        paths = sorted(p for p in note.files if p in added.ranges(sha))
        since = times[sha] - int(CLOCK_SLACK.total_seconds())
        candidates = (
            git.run_git(
                root, "--literal-pathspecs", "rev-list", f"--since={since}", head, "--", *paths
            )
            .decode()
            .split()
            if paths
            else []
        )[:MAX_CANDIDATES]
        scored = [(_score(sha, c, paths, added), c) for c in reversed(candidates)]
        best = max(scored, key=lambda item: item[0], default=(0, ""))
        own = sum(1 for p in paths for _n, t in added.lines(sha, p) if t.strip())
        if best[0] == 0 or best[0] < MIN_MATCHED_SHARE * own:
            result.problems.append(
                GitProblem(
                    "uncarried-note",
                    f"refs/notes/ai note of {sha[:12]} (not on the ingested branch) was not "
                    "carried: no later commit of the branch adds most of its lines",
                    sha=sha,
                )
            )
            continue
        target = next(c for s, c in scored if s == best[0])  # earliest of the best
        if target in notes:
            continue  # the landed commit has its own note: it is the stronger record
        files = _carried(note, sha, target, added)
        result.notes[target] = _merge(result.notes.get(target), target, note, files)
        result.carried[sha] = target
    return result
