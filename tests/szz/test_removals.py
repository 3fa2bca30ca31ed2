"""Removed lines read forward from the history replay, checked against `git blame` on both sides.

For a non-merge commit D, the lines it removed are the origins `git blame` gives at D's parent and
no longer gives at D; `removals` must report exactly those, less the lines D moved (the same text
added again by D), with the whole history read or a pathspec of the files.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from netgain.git import parse_incremental
from netgain.szz.removals import Removal, removals, renamed_family
from tests.gitrepo import GitRepo

Line = tuple[str, str, int]  # origin commit, path there, line there


def _blamed(repo: GitRepo, rev: str, path: str) -> tuple[set[Line], dict[Line, bytes]]:
    out = repo.git_bytes("blame", "--incremental", "--root", rev, "--", path)
    lines = {b.final_line: (b.sha, b.orig_path, b.orig_line) for b in parse_incremental(out)}
    text = repo.git_bytes("show", f"{rev}:{path}").split(b"\n")
    return set(lines.values()), {origin: text[n - 1] for n, origin in lines.items()}


def _touched(repo: GitRepo, sha: str) -> list[tuple[str, str | None, str | None]]:
    """(status, path at the parent, path at the commit) per file, renames paired."""
    out = repo.git("diff-tree", "--no-commit-id", "-r", "-M", "--name-status", sha)
    rows = []
    for line in out.splitlines():
        status, *paths = line.split("\t")
        if status.startswith("R"):
            rows.append(("R", paths[0], paths[1]))
        elif status == "A":
            rows.append(("A", None, paths[0]))
        elif status == "D":
            rows.append(("D", paths[0], None))
        else:
            rows.append((status, paths[0], paths[0]))
    return rows


def _squeeze(text: bytes) -> bytes:
    return b" ".join(text.split())


def _oracle(repo: GitRepo, sha: str) -> tuple[set[Line], set[Line]]:
    """(removed, of them the ones whose text the commit added again) by git blame."""
    removed: set[Line] = set()
    texts: dict[Line, bytes] = {}
    added: Counter[bytes] = Counter()
    diff = repo.git_bytes("show", "-M", "-U0", "--format=", sha)
    for line in diff.split(b"\n"):
        if line.startswith(b"+") and not line.startswith(b"+++"):
            added[_squeeze(line[1:])] += 1
    for _status, old, new in _touched(repo, sha):
        if old is None:
            continue
        before, text = _blamed(repo, f"{sha}^", old)
        after = _blamed(repo, sha, new)[0] if new is not None else set()
        removed |= before - after
        texts.update(text)
    moved = {o for o in removed if added[_squeeze(texts[o])] > 0}
    return removed, moved


@pytest.mark.parametrize("whole", [False, True], ids=["pathspec", "whole-history"])
def test_removals_are_what_git_blame_loses_less_moved_lines(tmp_path: Path, whole: bool) -> None:
    from benchmarks.make_history import make_history

    path = make_history(tmp_path / "h", commits=300, files=12, seed=5, merge_every=10)
    repo = GitRepo(path, init=False)
    repo.git("reset", "-q", "--hard", "main")
    head = repo.head()
    found: dict[str, set[Line]] = {}

    def keep(removal: Removal) -> None:
        found[removal.commit] = {(o.sha, o.path, o.line) for o in removal.origins}

    recent = repo.git("rev-list", "--no-merges", "-n", "40", "main").split()
    touched = Counter(p for sha in recent for _s, _o, p in _touched(repo, sha) if p is not None)
    files = [p for p, _n in touched.most_common(3)]
    family = {n for f in files for n in _names(repo, f)}
    removals(path, head, None if whole else files, keep)
    assert repo.git("rev-list", "--merges", "--count", "main") != "0"
    checked = 0
    for sha in recent:
        removed, moved = _oracle(repo, sha)
        ours = found.get(sha, set())
        if not whole:  # only the chosen files' lines
            removed = {o for o in removed if o[1] in family}
            ours = {o for o in ours if o[1] in family}
            moved &= removed
        # Every reported line was really removed; every removed line not reported was moved.
        assert ours <= removed, sha
        assert removed - ours <= moved, sha
        checked += bool(ours)
    assert checked >= 10


def _names(repo: GitRepo, path: str) -> set[str]:
    """Every name the file at `path` had on main."""
    out = repo.git("log", "--follow", "--name-only", "--format=", "main", "--", path)
    return {p for p in out.split("\n") if p}


def test_a_rename_is_not_a_removal_even_with_a_pathspec_of_the_old_name(tmp_path: Path) -> None:
    r = GitRepo(tmp_path / "r")
    first = r.commit({"old.py": "".join(f"value_{i} = {i}\n" for i in range(10))}, "Add")
    r.commit({"old.py": None, "new.py": "".join(f"value_{i} = {i}\n" for i in range(10))}, "Move")
    edit = r.commit(
        {"new.py": "".join(f"value_{i} = {i + 100 if i < 3 else i}\n" for i in range(10))}, "Edit"
    )
    found: list[Removal] = []
    removals(r.path, r.head(), {"old.py"}, found.append)
    assert [x.commit for x in found] == [edit]
    assert sorted(o.line for o in found[0].origins) == [1, 2, 3]
    assert {o.sha for o in found[0].origins} == {first}
    assert renamed_family(["old.py"], {"new.py": {"old.py"}}) == ["new.py", "old.py"]


def test_moved_lines_are_not_removed_but_rewritten_ones_are(tmp_path: Path) -> None:
    r = GitRepo(tmp_path / "r")
    body = "def total(price, qty):\n    return price * qty\n"
    r.commit({"a.py": body + "\ndef keep():\n    return 1\n"}, "Add")
    moved = r.commit({"a.py": "def keep():\n    return 1\n", "b.py": body}, "Move total to b.py")
    rewrite = r.commit({"a.py": "def keep():\n    return 2\n"}, "Rewrite keep")
    found: list[Removal] = []
    removals(r.path, r.head(), None, found.append)
    by_commit = {x.commit: x for x in found}
    # The move removed only the blank line that separated the functions (no text re-added).
    assert [o.line for o in by_commit[moved].origins] == [3]
    # Origins are numbered as the commit that wrote them: "return 1" was line 5 of "Add".
    assert [o.line for o in by_commit[rewrite].origins] == [5]
