"""A repository's history read once for a window of changes (a policy replay), not once a change.

`netgain check` judges one change and asks git about its base directly (policy.familiarity). A
replay judges hundreds of consecutive mainline changes, and two of those questions cost a walk of
the whole history each time although their answer for one base is a filter of the answer for
the newest head:

* the renames behind file familiarity (`git log -M --diff-filter=R`, rename detection over every
  commit: on pallets/click 0.4 s a change, the largest part of its familiarity time);
* how many commits the author made before (`git rev-list --count --author`).

Every base of a replayed change is a first-parent (mainline) commit of the replayed head, so "is
commit C reachable from base B" is "was C first brought onto the mainline at or before B": one
`git log` over the head's graph gives each commit that mainline position (`introduced`), and the
answer for any base is a comparison. Commits keep the head's log order (git's default, newest
commit date first), which is the base's own log order restricted to what the base reaches.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from netgain import git

HISTORY_LIMIT = 5000  # most recent commits per change considered for file familiarity

Rename = tuple[str, str, str]  # (commit, old path, new path)


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

    @classmethod
    def read(cls, repo: Path, head: str) -> WindowHistory:
        """Two `git log` walks of `head`: its graph and authors, and its renames."""
        window = cls()
        first_parent = git.run_git(repo, "rev-list", "--first-parent", head, "--")
        for position, tip in enumerate(reversed(first_parent.decode("ascii").split())):
            window.mainline[tip] = position
        out = git.run_git(repo, "log", "--format=%H%x09%P%x09%ae", head, "--")
        parents: dict[str, list[str]] = {}
        emails: dict[str, str] = {}
        for line in out.decode("utf-8", "replace").split("\n"):
            if not line:
                continue
            sha, _, rest = line.partition("\t")
            above, _, email = rest.partition("\t")
            parents[sha] = above.split()
            if len(parents[sha]) <= 1:
                emails[sha] = email
        for tip, position in sorted(window.mainline.items(), key=lambda item: item[1]):
            todo = [tip]
            while todo:
                commit = todo.pop()
                if commit in window.introduced:
                    continue
                window.introduced[commit] = position
                todo.extend(parents.get(commit, ()))
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
