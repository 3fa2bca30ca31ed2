"""Tying Agent Trace records to the commit that holds their lines.

The reference writer (cursor/agent-trace `reference/trace-hook.ts`, `trace-store.ts`) appends one
record per agent edit *before* anything is committed, with `vcs.revision` = `git rev-parse HEAD`
at edit time: the commit the edit was made on, an ancestor of the commit that will hold the
lines. Ranges are line numbers of the edited working file; paths are relative to the workspace
root, or absolute when outside it; session and shell events are recorded as pseudo-files
(`.sessions`, `.shell-history`) that hold no code.

Each (record, file) is matched to the first commit that, after the edit, added lines at those
positions of that file: the descendants of `revision` (on the way to the ingested head) that
touch the file and were committed no earlier than the edit, oldest first, then `revision` itself
(a writer that records the holding commit). A range's `content_hash` (`sha256:<hex>` of the
range's lines) must match the candidate's text when present. Records that match no commit are
reported, one problem each, never silently dropped.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from netgain import git
from netgain.errors import GitError
from netgain.git.model import GitProblem, LineRange
from netgain.provenance import TraceRecord
from netgain.provenance.agent_trace import TraceFile, TraceRange, Vcs, normalize_trace_path
from netgain.provenance.ranges import intersect, normalize

# pseudo-files of the reference writer: events, not code
EVENT_PATHS = frozenset({".sessions", ".shell-history", ".unknown"})
# a commit made this long before the edit's timestamp cannot hold it (clock skew allowance)
CLOCK_SLACK = timedelta(minutes=5)
_HEX = re.compile(r"[0-9a-f]{7,64}")
_SHA256 = re.compile(r"(?:sha256:)?([0-9a-f]{64})", re.IGNORECASE)


@dataclass(slots=True)
class TraceMatch:
    """The outcome of matching: records re-pointed at holding commits, and what did not match."""

    records: list[TraceRecord] = field(default_factory=list)
    problems: list[GitProblem] = field(default_factory=list)
    matched: int = 0  # (record, file) pairs tied to a commit
    moved: int = 0  # of those, tied to a descendant of the recorded revision
    unmatched: int = 0
    events: int = 0  # session / shell pseudo-files, skipped


class _Repo:
    """The few git answers matching needs, each asked once."""

    def __init__(self, root: Path, head: str) -> None:
        self.root = root
        self.head = head
        self._full: dict[str, str | None] = {}
        self._times: dict[str, datetime] = {}
        self._touching: dict[tuple[str, str], list[str]] = {}
        self._added: dict[str, dict[str, list[LineRange]]] = {}
        self._files: list[str] | None = None

    def full(self, revision: str) -> str | None:
        """The commit a recorded revision names; only commit ids are looked up, never refs."""
        if revision not in self._full:
            found = None
            if _HEX.fullmatch(revision):
                found = git.rev_parse(self.root, f"{revision}^{{commit}}")
            self._full[revision] = found
        return self._full[revision]

    def time(self, sha: str) -> datetime:
        if sha not in self._times:
            out = git.run_git(self.root, "show", "-s", "--format=%ct", sha).decode().strip()
            self._times[sha] = datetime.fromtimestamp(int(out), UTC)
        return self._times[sha]

    def touching(self, revision: str, path: str) -> list[str]:
        """Descendants of `revision` that are ancestors of head and change `path`, oldest first."""
        key = (revision, path)
        if key not in self._touching:
            out = git.run_git(
                self.root,
                "rev-list",
                "--reverse",
                "--topo-order",
                "--ancestry-path",
                f"{revision}..{self.head}",
                "--",
                path,
            )
            self._touching[key] = out.decode("ascii").split()
        return self._touching[key]

    def added(self, sha: str, path: str) -> list[LineRange]:
        if sha not in self._added:
            self._added[sha] = {}
            for _sha, diffs in git.iter_commit_diffs(self.root, [sha]):
                self._added[sha] = {d.path: list(d.added) for d in diffs if not d.is_binary}
        return self._added[sha].get(path, [])

    def lines(self, sha: str, path: str) -> list[str] | None:
        data = git.read_blob(self.root, sha, path)
        return None if data is None else data.decode("utf-8", "replace").split("\n")

    def files(self) -> list[str]:
        if self._files is None:
            self._files = git.ls_files(self.root, self.head)
        return self._files


def _repo_path(path: str, repo: _Repo) -> str | None:
    """The repository path a trace path names; an absolute path by its unique repository suffix."""
    path = normalize_trace_path(path)
    if not (path.startswith("/") or re.match(r"[A-Za-z]:/", path)):
        return path
    hits = [f for f in repo.files() if path.endswith("/" + f)]
    longest = max((len(f) for f in hits), default=0)
    best = [f for f in hits if len(f) == longest]
    return best[0] if len(best) == 1 else None


def _hash_ok(ranges: Sequence[TraceRange], text: list[str] | None) -> bool:
    """False when a range's sha256 content hash contradicts `text` (unknown schemes pass)."""
    for item in ranges:
        found = _SHA256.fullmatch(item.content_hash.strip()) if item.content_hash else None
        if found is None:
            continue
        if text is None:
            return False
        body = "\n".join(text[item.start_line - 1 : item.end_line])
        digests = {hashlib.sha256(v.encode()).hexdigest() for v in (body, body + "\n")}
        if found.group(1).lower() not in digests:
            return False
    return True


def _holder(
    record: TraceRecord, revision: str, path: str, trace_file: TraceFile, repo: _Repo
) -> str | None:
    ranges = [r for c in trace_file.conversations for r in c.ranges]
    wanted = normalize(LineRange(r.start_line, r.end_line) for r in ranges)
    earliest = record.timestamp - CLOCK_SLACK
    candidates = [c for c in repo.touching(revision, path) if repo.time(c) >= earliest]
    for sha in [*candidates, revision]:
        if intersect(wanted, normalize(repo.added(sha, path))) and _hash_ok(
            ranges, repo.lines(sha, path)
        ):
            return sha
    return None


def _unmatched(record: TraceRecord, source: str, message: str) -> GitProblem:
    return GitProblem("unmatched-trace", f"{source}: Agent Trace record {record.id}: {message}")


def match_traces(
    root: Path, head: str, records: Sequence[TraceRecord], source: str = "agent-trace"
) -> TraceMatch:
    """Re-point every record at the commit(s) holding its lines, one record per (file, commit).

    Records without a git revision are left out (the parser already reported them).
    """
    repo = _Repo(root, head)
    result = TraceMatch()
    for record in sorted(records, key=lambda r: r.timestamp):
        recorded = record.git_revision
        if recorded is None:
            continue
        try:
            revision = repo.full(recorded)
        except GitError:
            revision = None
        for trace_file in record.files:
            if normalize_trace_path(trace_file.path) in EVENT_PATHS:
                result.events += 1
                continue
            where = f"{trace_file.path} made on {recorded[:12]}"
            if revision is None:
                result.unmatched += 1
                result.problems.append(
                    _unmatched(record, source, f"{where}: revision is not in this repository")
                )
                continue
            path = _repo_path(trace_file.path, repo)
            holder = _holder(record, revision, path, trace_file, repo) if path else None
            if holder is None or path is None:
                result.unmatched += 1
                why = (
                    "no file of the repository at head ends with this path"
                    if path is None
                    else f"no commit from {revision[:12]} to head adds lines at its ranges"
                )
                result.problems.append(_unmatched(record, source, f"{where}: {why}"))
                continue
            result.matched += 1
            result.moved += holder != revision
            moved = trace_file.model_copy(update={"path": path})
            result.records.append(
                record.model_copy(
                    update={"files": [moved], "vcs": Vcs(type="git", revision=holder)}
                )
            )
    return result
