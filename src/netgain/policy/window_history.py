"""A repository's history read once for a window of changes (a policy replay), not once a change.

`netgain check` judges one change and asks git about its base directly (policy.familiarity). A
replay judges hundreds of consecutive mainline changes, and two of those questions cost a walk of
the whole history each time although their answer for one base is a filter of the answer for
the newest head:

* the renames behind file familiarity (`git log -M --diff-filter=R`, rename detection over every
  commit: on pallets/click 0.4 s a change, the largest part of its familiarity time);
* how many commits the author made before (`git rev-list --count --author`);
* who committed to the changed files and folders (`git log base -- paths`, a path-limited walk
  of the whole history: 0.15 s a change on pypa/pip), answered from one `--name-only` log of the
  head (0.5 s once on pip) and an index of the commits that touched each path.

Every base of a replayed change is a first-parent (mainline) commit of the replayed head, so "is
commit C reachable from base B" is "was C first brought onto the mainline at or before B": one
`git log` over the head's graph gives each commit that mainline position (`introduced`), and the
answer for any base is a comparison. Commits keep the head's log order (git's default, newest
commit date first), which is the base's own log order restricted to what the base reaches.

A path-limited `git log` also simplifies history: at a merge whose result equals one parent's
for the paths, it follows that parent only and leaves out the other side's commits (on pypa/pip
260 of 300 changes counted other commits without it: side branches whose changes to a file the
mainline had made too). `path_log` simplifies the same way, from each merge's diff against each
of its parents (one `git diff-tree --stdin` for all of them), walking the graph from the base in
git's order (newest committer date first), which is not always the head's log order: a commit
made with a clock behind is listed later from some bases than from others.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from netgain import git
from netgain.errors import GitError

HISTORY_LIMIT = 5000  # most recent commits per change considered for file familiarity

Rename = tuple[str, str, str]  # (commit, old path, new path)
# a non-merge commit of a `--name-only` log: (commit, author email, author name, paths it touched)
LogEntry = tuple[str, str, str, tuple[str, ...]]


def parse_renames(out: bytes) -> list[Rename]:
    """(commit, old, new) of every rename in `git log --name-status --format=%x01%H` output."""
    renames: list[Rename] = []
    sha = ""
    for raw in out.split(b"\n"):
        if raw.startswith(b"\x01"):
            sha = raw[1:].decode("ascii", "replace")
            continue
        fields = raw.split(b"\t")
        if len(fields) != 3 or not fields[0].startswith(b"R"):
            continue
        old, new = (
            git.decode_path(git.unquote_c_path(f) if f.startswith(b'"') else f) for f in fields[1:]
        )
        renames.append((sha, old, new))
    return renames


def follow_renames(
    renames: Iterable[Rename], paths: Sequence[str]
) -> dict[str, list[tuple[str, str]]]:
    """Per path, its earlier names, newest first, each with the commit that renamed it away.

    `renames` is newest first, so a chain a.py -> b.py -> c.py gives c.py both earlier names.
    """
    current = {p: p for p in paths}  # path -> the name it had at the point the walk reached
    found: dict[str, list[tuple[str, str]]] = {}
    for sha, old, new in renames:
        for path, name in current.items():
            if name == new:
                current[path] = old
                found.setdefault(path, []).append((old, sha))
    return found


def rename_log(repo: Path, rev: str, *, limit: int | None, similarity: str = "") -> bytes:
    """The renames in the history of `rev` (`git log -M --diff-filter=R`), newest first."""
    return git.run_git(
        repo,
        "-c",
        "core.quotePath=true",
        "log",
        rev,
        "--no-merges",
        *([f"--max-count={limit}"] if limit is not None else []),
        f"-M{similarity}",
        "--diff-filter=R",
        "--name-status",
        "--format=%x01%H",
    )


def parse_log(out: bytes, fields: int) -> Iterator[tuple[list[str], tuple[str, ...]]]:
    """(header fields, paths) per commit of `git log --name-only` output whose format is
    `%x01` and `fields` placeholders separated by tabs, the last one free text (an author name);
    paths quoted as `core.quotePath=true` does."""
    header: list[str] | None = None
    files: list[str] = []
    for raw in out.split(b"\n"):
        if raw.startswith(b"\x01"):
            if header is not None:
                yield header, tuple(files)
            header = raw[1:].decode("utf-8", "replace").split("\t", fields - 1)
            header += [""] * (fields - len(header))
            files = []
        elif raw and header is not None:
            files.append(git.decode_path(git.unquote_c_path(raw) if raw.startswith(b'"') else raw))
    if header is not None:
        yield header, tuple(files)


@dataclass(slots=True)
class WindowHistory:
    """The head's graph with each commit's mainline position, its renames and its authors."""

    mainline: dict[str, int] = field(default_factory=dict)  # first-parent commit -> 0 = oldest
    introduced: dict[str, int] = field(default_factory=dict)  # commit -> first mainline reaching it
    # non-merge commits, newest first: lower-cased author email -> sorted mainline positions
    authors: dict[str, list[int]] = field(default_factory=dict)
    # every rename of the head's history, newest first; None: the rename log could not be read
    # (a blob missing for rename detection), so each base asks git itself
    renames: list[Rename] | None = None
    # mainline position -> the author emails (as git prints them) of the non-merge commits it
    # brought onto the mainline, newest first
    brought: dict[int, list[str]] = field(default_factory=dict)
    # every commit of the head in log order (`order`: commit -> index there) with its parents'
    # indexes (-1: not in the log, a shallow clone's boundary), its author (email as git prints
    # it, name), its committer date and the paths it touched (`--no-renames`: a rename is its
    # old path and its new one; none for a merge, whose paths differing from each parent are in
    # `merge_touched`); per path, the non-merge commits that touched it
    commits: list[str] = field(default_factory=list)
    order: dict[str, int] = field(default_factory=dict)
    parent_ids: list[tuple[int, ...]] = field(default_factory=list)
    idents: list[tuple[str, str]] = field(default_factory=list)
    dates: list[int] = field(default_factory=list)  # committer dates: git's walk order
    files: list[tuple[str, ...]] = field(default_factory=list)
    touched: dict[str, list[int]] = field(default_factory=dict)
    merge_touched: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # (merge, nth)
    sorted_paths: list[str] = field(default_factory=list)
    paths_read: bool = True  # False: a tree was missing, `path_log` leaves every base to git

    @classmethod
    def read(cls, repo: Path, head: str) -> WindowHistory:
        """Three git walks of `head`: its graph, authors and touched paths; each merge's paths
        against each parent; its renames."""
        window = cls()
        first_parent = git.run_git(repo, "rev-list", "--first-parent", head, "--")
        for position, tip in enumerate(reversed(first_parent.decode("ascii").split())):
            window.mainline[tip] = position
        log = ["log", "--no-renames", "--format=%x01%H%x09%P%x09%ct%x09%ae%x09%an", head, "--"]
        try:
            out = git.run_git(repo, "-c", "core.quotePath=true", *log[:2], "--name-only", *log[2:])
        except git.GitProblemError:
            # a tree the clone lacks: the graph and authors still answer, file familiarity asks
            # git itself for each base
            out = git.run_git(repo, *log)
            window.paths_read = False
        parents: list[list[str]] = []
        for (sha, above, date, email, name), files in parse_log(out, 5):
            window.order[sha] = len(window.commits)
            window.commits.append(sha)
            parents.append(above.split())
            window.dates.append(int(date or 0))
            window.idents.append((email, name))
            window.files.append(files)
        # -1: a parent the log does not reach (a shallow clone's boundary)
        window.parent_ids = [tuple(window.order.get(p, -1) for p in ps) for ps in parents]
        emails: dict[str, str] = {}
        for index, sha in enumerate(window.commits):
            if len(parents[index]) <= 1:
                emails[sha] = window.idents[index][0]
                for path in window.files[index]:
                    window.touched.setdefault(path, []).append(index)
        if window.paths_read:
            try:
                window._read_merges(repo, parents)
            except git.GitProblemError:
                window.paths_read = False
        window.sorted_paths = sorted(window.touched.keys() | window.merge_touched.keys())
        for tip, position in sorted(window.mainline.items(), key=lambda item: item[1]):
            todo = [tip]
            while todo:
                commit = todo.pop()
                if commit in window.introduced:
                    continue
                window.introduced[commit] = position
                at = window.order.get(commit)
                if at is not None:
                    todo.extend(window.commits[i] for i in window.parent_ids[at] if i >= 0)
        for sha, email in emails.items():
            position = window.introduced[sha]
            window.authors.setdefault(email.lower(), []).append(position)
            window.brought.setdefault(position, []).append(email)
        for positions in window.authors.values():
            positions.sort()
        try:
            window.renames = parse_renames(rename_log(repo, head, limit=None))
        except git.GitProblemError:
            window.renames = None
        return window

    def _read_merges(self, repo: Path, parents: list[list[str]]) -> None:
        """Each merge's paths differing from each of its parents (`merge_touched`)."""
        pairs = [
            (index, nth, parent)
            for index, above in enumerate(parents)
            if len(above) > 1
            for nth, parent in enumerate(above)
        ]
        if not pairs:
            return
        lines = "".join(f"{self.commits[i]} {parent}\n" for i, _nth, parent in pairs)
        # --always: one header (the merge) per pair, even when the pair's diff is empty
        out = git.run_git(
            repo,
            "-c",
            "core.quotePath=true",
            "diff-tree",
            "--stdin",
            "-r",
            "--no-renames",
            "--name-only",
            "--always",
            input=lines.encode("ascii"),
        )
        raw_lines = out.split(b"\n")
        at = 0
        for pair, (index, nth, _parent) in enumerate(pairs):
            merge = self.commits[index].encode("ascii")
            if at >= len(raw_lines) or raw_lines[at] != merge:
                raise GitError(f"unexpected `git diff-tree --stdin` output at {merge!r}")
            at += 1
            following = self.commits[pairs[pair + 1][0]].encode() if pair + 1 < len(pairs) else None
            while at < len(raw_lines) and raw_lines[at] != following:
                raw = raw_lines[at]
                at += 1
                if raw:
                    path = git.decode_path(git.unquote_c_path(raw) if raw.startswith(b'"') else raw)
                    self.merge_touched.setdefault(path, []).append((index, nth))

    def path_log(self, base: str, specs: Sequence[str]) -> list[LogEntry] | None:
        """`git log base --no-merges --no-renames --name-only --max-count=HISTORY_LIMIT --
        specs` (literal pathspecs; one ending in `/` is a folder) from the window, or None when
        `base` is not in it (or its paths could not be read). Each commit lists only its paths
        the specs match, as git's does.

        Git's walk is followed: newest committer date first, and its default history
        simplification (a merge whose paths of `specs` equal those of a parent continues
        through the first such parent only), so the commits and their order are git's.
        """
        start = self.order.get(base)
        if start is None or not self.paths_read or not specs:
            return None  # (no specs: git's log of every path, which familiarity never asks)
        matched: set[str] = set()
        for spec in dict.fromkeys(specs):
            if not spec.endswith("/") and (spec in self.touched or spec in self.merge_touched):
                matched.add(spec)
            prefix = spec if spec.endswith("/") else spec + "/"  # a spec names a file or folder
            at = bisect.bisect_left(self.sorted_paths, prefix)
            for path in itertools.islice(self.sorted_paths, at, None):
                if not path.startswith(prefix):
                    break
                matched.add(path)
        differs = {pair for path in matched for pair in self.merge_touched.get(path, ())}
        candidates: dict[int, set[str]] = {}
        for path in matched:
            for index in self.touched.get(path, ()):
                candidates.setdefault(index, set()).add(path)
        # git's walk: the commit with the newest committer date first (ties: the one queued
        # first); a merge continues through its first parent with the same paths, if any
        seen = bytearray(len(self.commits))
        seen[start] = 1
        queue = [(-self.dates[start], 0, start)]
        queued = 1
        out: list[LogEntry] = []
        while queue and len(out) < HISTORY_LIMIT:
            index = heapq.heappop(queue)[2]
            above = self.parent_ids[index]
            if len(above) > 1:
                same = [p for nth, p in enumerate(above) if (index, nth) not in differs][:1]
                above = tuple(same) or above
            elif index in candidates:
                email, name = self.idents[index]
                files = tuple(f for f in self.files[index] if f in candidates[index])
                out.append((self.commits[index], email, name, files))
            for parent in above:
                if parent >= 0 and not seen[parent]:
                    seen[parent] = 1
                    heapq.heappush(queue, (-self.dates[parent], queued, parent))
                    queued += 1
        return out

    def _position(self, base: str) -> int | None:
        return self.mainline.get(base)

    def _step(self, base: str, head: str) -> int | None:
        """`head`'s mainline position when `base` is its first parent (a replayed change)."""
        position = self.mainline.get(head)
        if position is None or self.mainline.get(base) != position - 1:
            return None
        return position

    def fork_point(self, base: str, head: str) -> str | None:
        """The merge base of `base` and `head` when `base` is `head`'s first parent (`base`
        itself, an ancestor of `head`), else None."""
        return base if self._step(base, head) is not None else None

    def authors_between(self, base: str, head: str) -> list[str] | None:
        """`git log --no-merges --format=%ae base..head` when `base` is `head`'s first parent:
        the emails of the commits `head` brought onto the mainline (None otherwise)."""
        position = self._step(base, head)
        return None if position is None else list(self.brought.get(position, []))

    def earlier_names(
        self, base: str, paths: Sequence[str]
    ) -> dict[str, list[tuple[str, str]]] | None:
        """`familiarity.earlier_names(repo, base, paths)` from the window's rename log, or None
        when it cannot answer (base off the mainline, or the log was unreadable)."""
        position = self._position(base)
        if position is None or self.renames is None:
            return None
        reached = [r for r in self.renames if self.introduced.get(r[0], position + 1) <= position]
        kept: list[Rename] = []
        commits: set[str] = set()
        for rename in reached:  # git's --max-count counts commits, not renames
            if rename[0] not in commits:
                if len(commits) == HISTORY_LIMIT:
                    break
                commits.add(rename[0])
            kept.append(rename)
        return follow_renames(kept, paths)

    def author_commit_count(self, base: str, emails: Sequence[str]) -> int | None:
        """Non-merge commits reachable from `base` whose author email is one of `emails`
        (compared without case), or None when `base` is off the mainline."""
        position = self._position(base)
        if position is None:
            return None
        return sum(
            bisect.bisect_right(self.authors.get(email, []), position)
            for email in {e.lower() for e in emails}
        )
