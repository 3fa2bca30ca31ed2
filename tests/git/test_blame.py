"""Blame through `git blame --incremental`, single and parallel."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import pytest

from netgain.errors import GitError
from netgain.git import BlameLine, GitProblem, blame_file, blame_files
from tests.gitrepo import GitRepo


@pytest.fixture
def history(tmp_path: Path) -> tuple[GitRepo, list[str]]:
    repo = GitRepo(tmp_path / "r")
    c1 = repo.commit(
        {"app.py": "a\nb\nc\n", "lib.py": "".join(f"lib {i}\n" for i in range(12))}, "1"
    )
    c2 = repo.commit({"app.py": "a\nB\nc\nd\n"}, "2")
    c3 = repo.commit({"app.py": "a\nB\nc\nd\ne\n"}, "3")
    return repo, [c1, c2, c3]


def test_each_line_names_the_commit_that_wrote_it(history: tuple[GitRepo, list[str]]) -> None:
    repo, (c1, c2, c3) = history
    result = blame_file(repo.path, "HEAD", "app.py")
    assert [(b.final_line, b.sha, b.boundary) for b in result] == [
        (1, c1, False),  # the root commit wrote it: not a boundary
        (2, c2, False),
        (3, c1, False),
        (4, c2, False),
        (5, c3, False),
    ]
    assert result[2] == BlameLine(3, c1, "app.py", 3, False)


def test_since_marks_older_lines_as_boundary(history: tuple[GitRepo, list[str]]) -> None:
    repo, (_c1, c2, c3) = history
    result = blame_file(repo.path, c3, "app.py", since=c2)
    assert [(b.sha, b.boundary) for b in result] == [
        (c2, True),  # a: older than the range, attributed to the boundary commit
        (c2, True),
        (c2, True),
        (c2, True),
        (c3, False),
    ]


def test_moved_lines_followed_only_with_copies(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    block = "".join(f"def helper_{i}(x):\n    return x * {i} + 17\n" for i in range(10))
    origin = repo.commit({"a.py": block, "b.py": "start\n"}, "origin")
    move = repo.commit({"a.py": "", "b.py": "start\n" + block}, "move block to b.py")
    copied = blame_file(repo.path, "HEAD", "b.py", copies=True)
    plain = blame_file(repo.path, "HEAD", "b.py", copies=False)
    assert {b.sha for b in copied[1:]} == {origin}
    assert {b.orig_path for b in copied[1:]} == {"a.py"}
    assert {b.sha for b in plain[1:]} == {move}


def test_odd_path_and_errors(history: tuple[GitRepo, list[str]]) -> None:
    repo, _ = history
    name = 'we\tird "name".py'
    sha = repo.commit({name: "x\ny\n"}, "odd")
    result = blame_file(repo.path, "HEAD", name)
    assert [(b.sha, b.orig_path) for b in result] == [(sha, name), (sha, name)]
    with pytest.raises(GitError):
        blame_file(repo.path, "HEAD", "missing.py")
    with pytest.raises(GitError, match="option"):
        blame_file(repo.path, "--output=x", "app.py")


def test_blame_files_in_parallel_keeps_order_and_reports_failures(
    history: tuple[GitRepo, list[str]],
) -> None:
    repo, _ = history
    paths = ["lib.py", "nope.py", "app.py"] * 5
    results = list(blame_files(repo.path, "HEAD", paths, jobs=3))
    assert [p for p, _ in results] == paths
    for path, result in results:
        if path == "nope.py":
            assert isinstance(result, GitProblem) and result.kind == "blame-failed"
            assert result.path == "nope.py"
        else:
            assert isinstance(result, list)
            assert result == blame_file(repo.path, "HEAD", path)


def test_blame_files_abandoned_early(history: tuple[GitRepo, list[str]]) -> None:
    repo, _ = history
    gen = blame_files(repo.path, "HEAD", ["app.py"] * 20, jobs=2)
    assert isinstance(gen, Generator)
    first = next(gen)
    gen.close()
    assert first[0] == "app.py"
