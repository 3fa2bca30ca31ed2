"""Unified diff parsing: line ranges, renames, copies, binaries, modes, quoting, bulk diffs."""

from __future__ import annotations

from pathlib import Path

import pytest

from netgain.errors import GitError
from netgain.git import (
    FileDiff,
    LineRange,
    diff_between,
    iter_commit_diffs,
    iter_commits,
    parse_unified_diff,
)
from tests.gitrepo import GitRepo

OLD = "".join(f"line {i}\n" for i in range(1, 21))


def lines(*numbers: int | tuple[int, int]) -> list[LineRange]:
    return [LineRange(n, n) if isinstance(n, int) else LineRange(*n) for n in numbers]


def edited() -> str:
    rows = OLD.splitlines(keepends=True)
    rows[2] = "changed 3\n"  # line 3 modified
    del rows[9:11]  # old lines 10-11 removed
    rows.insert(15, "new A\n")
    rows.insert(16, "new B\n")
    return "".join(rows)


def test_ranges_in_old_and_new_file(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    base = repo.commit({"f.txt": OLD}, "base")
    head = repo.commit({"f.txt": edited()}, "edit")
    [diff] = diff_between(repo.path, base, head)
    assert diff.path == "f.txt" and diff.old_path is None and diff.status == "M"
    assert diff.removed == lines(3, (10, 11))
    assert diff.added == lines(3, (16, 17))
    assert (diff.added_count, diff.removed_count) == (3, 3)


def test_context_size_does_not_change_ranges(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    base = repo.commit({"f.txt": OLD}, "base")
    head = repo.commit({"f.txt": edited()}, "edit")
    for context in ("-U0", "-U3", "-U10"):
        [diff] = parse_unified_diff(repo.git_bytes("diff", context, base, head))
        assert diff.removed == lines(3, (10, 11)), context
        assert diff.added == lines(3, (16, 17)), context


def test_removed_lines_that_look_like_file_headers(tmp_path: Path) -> None:
    """`-- x` removed prints as `--- x`; `++ y` added prints as `+++ y`: still content."""
    repo = GitRepo(tmp_path / "r")
    base = repo.commit({"q.sql": "-- comment\nselect 1;\n++ weird\n"}, "base")
    head = repo.commit({"q.sql": "select 1;\n++ plus\n-- new comment\n"}, "edit")
    [diff] = diff_between(repo.path, base, head)
    assert diff.path == "q.sql"
    assert diff.removed == lines(1, 3)
    assert diff.added == lines((2, 3))


def test_new_deleted_binary_mode_and_no_newline(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    base = repo.commit(
        {"gone.py": "a\nb\n", "run.sh": "echo\n", "img.bin": b"\x00\x01", "tail.txt": "x\ny"},
        "base",
    )
    repo.git("update-index", "--chmod=+x", "run.sh")
    head = repo.commit(
        {"gone.py": None, "new.py": "1\n2\n3\n", "img.bin": b"\x00\x02\x03", "tail.txt": "x\nz"},
        "change",
    )
    diffs = {d.path: d for d in diff_between(repo.path, base, head)}
    assert diffs["gone.py"].status == "D" and diffs["gone.py"].removed == lines((1, 2))
    assert diffs["new.py"].status == "A" and diffs["new.py"].added == lines((1, 3))
    assert diffs["img.bin"].is_binary and diffs["img.bin"].added == []
    mode = diffs["run.sh"]
    assert (mode.old_mode, mode.new_mode, mode.added, mode.removed) == ("100644", "100755", [], [])
    assert diffs["tail.txt"].removed == lines(2) and diffs["tail.txt"].added == lines(2)


def test_rename_and_copy(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    base = repo.commit({"orig.py": OLD}, "base")
    head = repo.commit({"orig.py": None, "moved dir/new.py": OLD + "extra\n"}, "rename")
    [diff] = diff_between(repo.path, base, head)
    assert (diff.status, diff.old_path, diff.path) == ("R", "orig.py", "moved dir/new.py")
    assert diff.added == lines(21) and diff.removed == []
    copied = repo.commit({"copy.py": OLD}, "copy")
    data = repo.git_bytes("diff", "-U0", "-C", "--find-copies-harder", head, copied)
    [copy] = parse_unified_diff(data)
    assert (copy.status, copy.old_path, copy.path) == ("C", "moved dir/new.py", "copy.py")
    assert (copy.added, copy.removed) == ([], lines(21))


def test_quoted_and_odd_paths(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    names = ['tab\there "q".py', "space name.py", "ünï.py", "bad\udcff.py", "new\nline.py"]
    base = repo.commit(dict.fromkeys(names, "a\n"), "base")
    head = repo.commit(dict.fromkeys(names, "a\nb\n"), "edit")
    diffs = diff_between(repo.path, base, head)
    assert sorted(d.path for d in diffs) == sorted(names)
    assert all(d.added == lines(2) and d.old_path is None for d in diffs)
    renamed = repo.commit({names[0]: None, "to\tother.py": "a\nb\n"}, "rename")
    [diff] = diff_between(repo.path, head, renamed)
    assert (diff.old_path, diff.path, diff.status) == (names[0], "to\tother.py", "R")
    only = diff_between(repo.path, base, head, paths=["space name.py", "*.py"])
    assert [d.path for d in only] == ["space name.py"]  # literal pathspecs: no glob


def test_hand_written_diff_with_sections_git_does_not_emit_for_us() -> None:
    data = (
        b"diff --git a/x b/x\n"
        b"index 1..2 100644\n"
        b"--- a/x\n"
        b"+++ b/x\n"
        b"@@ -1 +1,2 @@\n"
        b"-old\n"
        b"\\ No newline at end of file\n"
        b"+new\n"
        b"+more\n"
        b"\\ No newline at end of file\n"
        b"diff --cc merged.c\n"
        b"index 1,2..3\n"
        b"@@@ -1,1 -1,1 +1,1 @@@\n"
        b"- a\n"
        b" -b\n"
        b"++c\n"
        b"diff --git a/sub b/sub\n"
        b"index 1111111..2222222 160000\n"
        b"--- a/sub\n"
        b"+++ b/sub\n"
        b"@@ -1 +1 @@\n"
        b"-Subproject commit 1111111111111111111111111111111111111111\n"
        b"+Subproject commit 2222222222222222222222222222222222222222\n"
    )
    x, sub = parse_unified_diff(data)
    assert x == FileDiff("x", None, added=lines((1, 2)), removed=lines(1))
    assert sub.path == "sub" and sub.is_submodule and sub.added == [] and sub.removed == []


def test_iter_commit_diffs_matches_numstat_on_generated_history(tmp_path: Path) -> None:
    """Cross-check two independent git outputs: diff ranges per commit == numstat per commit."""
    from benchmarks.make_history import make_history

    repo = make_history(tmp_path / "h", commits=300, files=30, seed=7)
    commits = list(iter_commits(repo, ["HEAD"]))
    diffs = dict(iter_commit_diffs(repo, [c.sha for c in commits]))
    merges = {c.sha for c in commits if c.is_merge}
    assert merges and not merges & set(diffs)  # merges produce nothing
    assert commits[0].sha in diffs  # the root commit is diffed against the empty tree
    for commit in commits:
        if commit.is_merge or not commit.files:
            continue
        got = {d.path: (d.added_count, d.removed_count) for d in diffs[commit.sha]}
        want = {f.path: (f.added or 0, f.deleted or 0) for f in commit.files}
        assert got == want, commit.sha
        assert {d.old_path for d in diffs[commit.sha]} == {f.old_path for f in commit.files}


def test_iter_commit_diffs_empty_input_and_empty_commit(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    root = repo.commit({"a": "1\n"}, "root")
    empty = repo.commit({}, "empty")
    assert list(iter_commit_diffs(repo.path, [])) == []
    out = dict(iter_commit_diffs(repo.path, [root, empty, root]))
    assert list(out) == [root]
    assert out[root][0].added == lines(1) and out[root][0].status == "A"


def test_malformed_hunk_header_names_the_line() -> None:
    data = b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,x +1 @@\n-a\n+b\n"
    with pytest.raises(GitError, match="diff line 4"):
        parse_unified_diff(data)


def test_truncated_diff_does_not_crash() -> None:
    data = b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,5 +1,5 @@\n-a\n+b\n"
    [diff] = parse_unified_diff(data)
    assert diff.removed == lines(1) and diff.added == lines(1)


def test_binary_and_mode_changes_with_tricky_names(tmp_path: Path) -> None:
    """No ---/+++ lines here: the path must come from the `diff --git` line itself."""
    repo = GitRepo(tmp_path / "r")
    names = ["img x b/y.bin", "tab\tb/z.bin", "plain.bin"]
    base = repo.commit(dict.fromkeys(names, b"\x00one"), "base")
    head = repo.commit(dict.fromkeys(names, b"\x00two"), "edit")
    diffs = diff_between(repo.path, base, head)
    assert sorted(d.path for d in diffs) == sorted(names)
    assert all(d.is_binary and d.old_path is None for d in diffs)
    repo.git("update-index", "--chmod=+x", "--", names[0])
    mode = repo.commit({}, "chmod")
    [diff] = diff_between(repo.path, head, mode)
    assert (diff.path, diff.old_path, diff.new_mode) == (names[0], None, "100755")
