"""How far the AI-share blame looks for copied lines (`compute_share(copy_search=...)`).

`netgain check` uses git's widest search (`-M -C -C -C`: every file of every commit's parent);
a replay the cheaper `-M -C -C` (every file only for the commit that creates the file). The two
differ on exactly one shape: a block copied from an untouched file into a file that already
existed. Copied into a new file, both find it; `-M -C` (files past the replay's bound) finds
neither.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from netgain.git.blame import CopySearch, copy_args
from netgain.history.share import compute_share, share_method
from tests.gitrepo import GitRepo

# long enough for git's copy threshold (40 alphanumeric characters a block)
BLOCK = "".join(
    f"def helper_{i}(payload: dict[str, int]) -> int:\n    return payload['value_{i}'] * {i}\n"
    for i in range(5)
)
OWN = "def main() -> None:\n    print('main')\n"


def copied(tmp_path: Path, into: str) -> tuple[GitRepo, str, str]:
    """A change that copies util.py's block (util.py untouched) into `into`, plus 2 own lines."""
    repo = GitRepo(tmp_path / "r")
    repo.commit({"lib/util.py": BLOCK, "app.py": OWN}, "Start")
    base = repo.commit({"README.md": "readme\n"}, "Docs")
    text = (OWN if into == "app.py" else "") + BLOCK + "x = 1\ny = 2\n"
    head = repo.commit({into: text}, "Copy the helpers")
    return repo, base, head


def new_lines(repo: GitRepo, base: str, head: str, path: str, search: CopySearch) -> int:
    """Lines of `path` the range introduced (no provenance: all of them unknown)."""
    result = compute_share(
        repo.path, base, head, {}, label="t", paths=[path], jobs=1, copy_search=search
    )
    assert result.problems == [] and result.degraded == {}
    return sum(f.unknown for f in result.files)


def test_copy_args_per_level() -> None:
    assert copy_args() == ["-M", "-C", "-C", "-C"]
    assert copy_args(copy_search="creating-commit") == ["-M", "-C", "-C"]
    assert copy_args(100, 100, copy_search="changed-files") == ["-M100", "-C100"]
    assert share_method("creating-commit", 50).startswith("git blame -M -C -C (")
    assert "first 50 of a change: -M -C" in share_method("creating-commit", 50)
    assert share_method("whole-tree").startswith("git blame -M -C -C -C (")


def test_a_block_copied_into_an_existing_file_is_found_by_the_whole_tree_search_only(
    tmp_path: Path,
) -> None:
    repo, base, head = copied(tmp_path, "app.py")
    assert new_lines(repo, base, head, "app.py", "whole-tree") == 2
    # the commit that created app.py is not in the range: -C -C looks in changed files only
    assert new_lines(repo, base, head, "app.py", "creating-commit") == 2 + 10
    assert new_lines(repo, base, head, "app.py", "changed-files") == 2 + 10


@pytest.mark.parametrize(("search", "expected"), [("whole-tree", 2), ("creating-commit", 2)])
def test_a_block_copied_into_a_new_file_is_found_by_both(
    tmp_path: Path, search: CopySearch, expected: int
) -> None:
    repo, base, head = copied(tmp_path, "lib/new.py")
    assert new_lines(repo, base, head, "lib/new.py", search) == expected


def test_changed_files_only_misses_a_copy_into_a_new_file(tmp_path: Path) -> None:
    repo, base, head = copied(tmp_path, "lib/new.py")
    assert new_lines(repo, base, head, "lib/new.py", "changed-files") == 12
