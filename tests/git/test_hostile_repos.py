"""Histories as they come in real life: partial and shallow clones, submodules."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from netgain.git import (
    CatFileBatch,
    FileStat,
    GitProblem,
    GitProblemError,
    blame_file,
    blame_files,
    diff_between,
    is_partial_clone,
    is_shallow,
    iter_commit_diffs,
    iter_commits,
    ls_files,
    read_blob,
    read_notes,
    shallow_commits,
)
from tests.gitrepo import GitRepo, run


@pytest.fixture
def origin(tmp_path: Path) -> tuple[GitRepo, list[str]]:
    repo = GitRepo(tmp_path / "origin")
    c1 = repo.commit({"stable.txt": "never changes\n"}, "c1: add stable")
    c2 = repo.commit({"b.txt": "v1\n"}, "c2: add b")
    c3 = repo.commit({"b.txt": "v1\nv2\n"}, "c3: edit b")
    repo.notes_add("refs/notes/ai", c2, "note for c2")
    return repo, [c1, c2, c3]


def partial_clone(origin: GitRepo, dest: Path, *extra: str) -> GitRepo:
    clone = origin.clone(dest, "--filter=blob:none", *extra)
    clone.git("fetch", "-q", "origin", "refs/notes/ai:refs/notes/ai")
    return clone


def missing_objects(repo: GitRepo) -> set[str]:
    out = repo.git("rev-list", "--objects", "--missing=print", "--all")
    return {line[1:] for line in out.splitlines() if line.startswith("?")}


def test_partial_clone_never_fetches_even_when_the_remote_is_reachable(
    origin: tuple[GitRepo, list[str]], tmp_path: Path
) -> None:
    repo, (_c1, c2, _c3) = origin
    clone = partial_clone(repo, tmp_path / "clone")
    assert is_partial_clone(clone.path)
    before = missing_objects(clone)
    assert before  # b.txt v1 was not fetched
    with pytest.raises(GitProblemError) as info:
        read_blob(clone.path, c2, "b.txt")
    assert info.value.problem.kind == "missing-blob" and info.value.problem.path == "b.txt"
    assert missing_objects(clone) == before  # nothing was downloaded behind our back


def test_unreachable_promisor_fails_fast(origin: tuple[GitRepo, list[str]], tmp_path: Path) -> None:
    repo, (_c1, c2, _c3) = origin
    clone = partial_clone(repo, tmp_path / "clone")
    clone.git("remote", "set-url", "origin", "https://example.invalid/never/reached.git")
    started = time.monotonic()
    with pytest.raises(GitProblemError):
        blame_file(clone.path, c2, "b.txt")
    assert time.monotonic() - started < 10


def test_partial_clone_degrades_per_commit(
    origin: tuple[GitRepo, list[str]], tmp_path: Path
) -> None:
    repo, (c1, c2, c3) = origin
    clone = partial_clone(repo, tmp_path / "clone")  # checkout fetched HEAD's blobs only
    (tmp_path / "origin").rename(tmp_path / "gone")  # and the remote disappears

    problems: list[GitProblem] = []
    commits = {c.sha: c for c in iter_commits(clone.path, ["HEAD"], problems=problems)}
    assert list(commits) == [c1, c2, c3]
    assert commits[c1].stats_available and commits[c1].files == [FileStat("stable.txt", 1, 0)]
    for sha in (c2, c3):
        assert not commits[sha].stats_available
        assert commits[sha].files == [FileStat("b.txt", None, None)]
    assert sorted((p.kind, p.sha) for p in problems) == sorted(
        [("missing-blob", c2), ("missing-blob", c3)]
    )

    diff_problems: list[GitProblem] = []
    diffs = dict(iter_commit_diffs(clone.path, [c1, c2, c3], problems=diff_problems))
    assert list(diffs) == [c1]
    assert {p.sha for p in diff_problems} == {c2, c3}

    with pytest.raises(GitProblemError):
        diff_between(clone.path, c1, c2)
    assert read_blob(clone.path, c3, "b.txt") == b"v1\nv2\n"  # present: checked out
    results = dict(blame_files(clone.path, "HEAD", ["b.txt", "stable.txt"]))
    assert isinstance(results["b.txt"], GitProblem) and results["b.txt"].kind == "missing-blob"
    assert isinstance(results["stable.txt"], list)
    # The notes ref came through the filtered fetch too: its note blobs are missing as well.
    note_problems: list[GitProblem] = []
    assert read_notes(clone.path, problems=note_problems) == {}
    assert [p.kind for p in note_problems] == ["missing-blob"]
    assert ls_files(clone.path, c3) == ["b.txt", "stable.txt"]


def test_cat_file_batch_survives_missing_blobs(
    origin: tuple[GitRepo, list[str]], tmp_path: Path
) -> None:
    repo, (c1, c2, c3) = origin
    clone = partial_clone(repo, tmp_path / "clone", "--no-checkout")
    (tmp_path / "origin").rename(tmp_path / "gone")
    with CatFileBatch(clone.path) as batch:
        got = dict(batch.read_many([f"{c2}:b.txt", c1, f"{c3}:b.txt", c3]))
    assert got[f"{c2}:b.txt"] is None and got[f"{c3}:b.txt"] is None
    assert got[c1] is not None and got[c3] is not None  # commits are present; reading went on
    assert [p.kind for p in batch.problems] == ["missing-blob", "missing-blob"]
    problems: list[GitProblem] = []
    commits = list(iter_commits(clone.path, ["HEAD"], problems=problems))
    assert len(commits) == 3 and len(problems) == 3  # no blob at all: every commit degraded


def test_treeless_clone_still_yields_commits(
    origin: tuple[GitRepo, list[str]], tmp_path: Path
) -> None:
    repo, shas = origin
    clone = repo.clone(tmp_path / "treeless", "--filter=tree:0", "--no-checkout")
    (tmp_path / "origin").rename(tmp_path / "gone")
    problems: list[GitProblem] = []
    commits = list(iter_commits(clone.path, ["HEAD"], problems=problems))
    assert [c.sha for c in commits] == shas
    assert commits[2].subject == "c3: edit b"
    assert all(not c.stats_available and c.files == [] for c in commits)
    assert {p.kind for p in problems} == {"missing-tree"} and len(problems) == 3


def test_shallow_clone_is_detected_and_cut_commit_not_counted(
    origin: tuple[GitRepo, list[str]], tmp_path: Path
) -> None:
    repo, (_c1, c2, c3) = origin
    clone = repo.clone(tmp_path / "shallow", "--depth", "2")
    assert is_shallow(clone.path) and not is_shallow(repo.path)
    assert shallow_commits(clone.path) == {c2} and shallow_commits(repo.path) == set()
    problems: list[GitProblem] = []
    commits = list(iter_commits(clone.path, ["HEAD"], problems=problems))
    assert [c.sha for c in commits] == [c2, c3]
    cut = commits[0]
    assert cut.parents == () and not cut.stats_available  # not a real root commit
    assert cut.files == [FileStat("b.txt", None, None), FileStat("stable.txt", None, None)]
    assert commits[1].files == [FileStat("b.txt", 1, 0)]
    assert [(p.kind, p.sha) for p in problems] == [("shallow-history", c2)]


def test_submodule_gitlinks_do_not_break_anything(tmp_path: Path) -> None:
    lib = GitRepo(tmp_path / "lib")
    lib.commit({"lib.py": "x\n"}, "lib 1")
    repo = GitRepo(tmp_path / "app")
    repo.commit({"app.py": "a\n"}, "app")
    run(repo.path, "submodule", "add", "-q", lib.url(), "vendor/lib")
    added = repo.commit({}, "add submodule")
    lib.commit({"lib.py": "y\n"}, "lib 2")
    run(repo.path / "vendor" / "lib", "pull", "-q", "origin", "main")
    run(repo.path, "add", "vendor/lib")
    bumped = repo.commit({}, "bump submodule")

    commits = {c.sha: c for c in iter_commits(repo.path, ["HEAD"])}
    assert {f.path for f in commits[added].files} == {".gitmodules", "vendor/lib"}
    assert [f.path for f in commits[bumped].files] == ["vendor/lib"]
    diffs = dict(iter_commit_diffs(repo.path, [added, bumped]))
    [bump] = diffs[bumped]
    assert bump.is_submodule and bump.added == [] and bump.removed == []
    gitlinks: list[str] = []
    assert ls_files(repo.path, "HEAD", gitlinks=gitlinks) == [".gitmodules", "app.py"]
    assert gitlinks == ["vendor/lib"]
    results = dict(blame_files(repo.path, "HEAD", ["app.py", "vendor/lib"]))
    assert isinstance(results["app.py"], list)
    assert isinstance(results["vendor/lib"], GitProblem)


def test_corrupt_repository_missing_a_loose_blob(tmp_path: Path) -> None:
    """Not a partial clone, yet a blob is gone: git log dies half-way; the commits still come."""
    repo = GitRepo(tmp_path / "r")
    c1 = repo.commit({"a.txt": "1\n"}, "c1")
    c2 = repo.commit({"b.txt": "only in c2\n"}, "c2")
    c3 = repo.commit({"b.txt": None}, "c3")
    c4 = repo.commit({"a.txt": "1\n2\n"}, "c4")
    blob = repo.git("rev-parse", f"{c2}:b.txt")
    (repo.path / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    problems: list[GitProblem] = []
    commits = {c.sha: c for c in iter_commits(repo.path, ["HEAD"], problems=problems)}
    assert list(commits) == [c1, c2, c3, c4]
    assert commits[c1].files == [FileStat("a.txt", 1, 0)]
    assert commits[c4].files == [FileStat("a.txt", 1, 0)]
    assert not commits[c2].stats_available and not commits[c3].stats_available
    assert sorted((p.kind, p.sha) for p in problems) == sorted(
        [("missing-blob", c2), ("missing-blob", c3)]
    )
