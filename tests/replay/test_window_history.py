"""The history a replay reads once for its window answers as each base's own git calls would.

The planted mainline has a rename chain (a.py -> b.py on the mainline, b.py -> c.py on a branch
merged with a merge commit), a CODEOWNERS file added and then changed inside the window, and an
author with a GitHub no-reply address that has capitals (`123+Bob@users.noreply...`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from netgain import git
from netgain.analysis.options import ScanOptions
from netgain.errors import GitError
from netgain.policy.codeowners import SEARCH_ORDER
from netgain.policy.docorigin import fork_point
from netgain.policy.facts import gather
from netgain.policy.familiarity import author_commit_count, earlier_names, file_history
from netgain.policy.github import PullRequest
from netgain.policy.schema import load_policy
from netgain.policy.window_history import WindowHistory
from tests.gitrepo import GitRepo
from tests.policy.scenario import ADA

NOREPLY = ("Bob Builder", "123+Bob@users.noreply.github.com")
BODY = "".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(12))


def build(path: Path) -> GitRepo:
    repo = GitRepo(path)
    repo.commit({"src/a.py": BODY, "README.md": "hello\n"}, "start", author=ADA)
    repo.commit({"src/a.py": None, "src/b.py": BODY}, "move a to b", author=NOREPLY)
    repo.commit({".github/CODEOWNERS": "* @ada\n"}, "owners", author=ADA)
    repo.branch("feature")
    repo.commit({"src/b.py": None, "src/c.py": BODY}, "move b to c", author=NOREPLY)
    repo.commit({"src/c.py": BODY + "y = 1\n"}, "grow c", author=NOREPLY)
    repo.checkout("main")
    repo.commit({"README.md": "hello again\n"}, "readme", author=ADA)
    repo.merge("feature", "Merge pull request #7 from bob/feature")
    repo.commit({".github/CODEOWNERS": "* @ada\nsrc/ @bob\n"}, "bob owns src", author=ADA)
    repo.commit({"src/c.py": None, "src/d.py": BODY + "y = 1\n"}, "move c to d", author=ADA)
    return repo


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    return build(tmp_path_factory.mktemp("window") / "r")


def mainline_bases(repo: GitRepo) -> list[str]:
    """The base (first parent) of every mainline change, oldest first."""
    tips = repo.git("rev-list", "--first-parent", "--reverse", "HEAD").split()
    return tips[:-1]  # every tip but the newest is the base of the next change


def test_renames_equal_each_bases_own_rename_log(repo: GitRepo) -> None:
    window = WindowHistory.read(repo.path, repo.head())
    paths = ["src/a.py", "src/b.py", "src/c.py", "src/d.py", "README.md"]
    answers = []
    for base in mainline_bases(repo):
        from_window = window.earlier_names(base, paths)
        assert from_window == earlier_names(repo.path, base, paths), base
        answers.append(from_window)
    # the chain is followed through the merged branch (the test would pass on empty answers)
    assert [old for old, _ in answers[-1]["src/c.py"]] == ["src/b.py", "src/a.py"]
    assert answers[0] == {}


def test_file_history_from_the_window_equals_the_per_change_one(repo: GitRepo) -> None:
    window = WindowHistory.read(repo.path, repo.head())
    for base in mainline_bases(repo):
        paths = [p for p in git.ls_files(repo.path, base) if p.startswith("src/")] + ["src/"]
        alone = file_history(repo.path, base, paths)
        shared = file_history(repo.path, base, paths, window)
        assert shared.commits == alone.commits
        assert shared.names == alone.names
    last = file_history(repo.path, mainline_bases(repo)[-1], ["src/d.py"], window)
    assert last.commits == {}  # d.py does not exist at the last base yet: nothing to follow
    c = file_history(repo.path, mainline_bases(repo)[-1], ["src/c.py"], window)
    assert c.commits["src/c.py"]["123+bob@users.noreply.github.com"] == 3  # a->b, b->c, grow


def test_author_commit_count_matches_no_reply_addresses_with_capitals(repo: GitRepo) -> None:
    window = WindowHistory.read(repo.path, repo.head())
    email = "123+bob@users.noreply.github.com"  # the gate lower-cases the author's emails
    counts = []
    for base in mainline_bases(repo):
        alone = author_commit_count(repo.path, base, [email])
        assert author_commit_count(repo.path, base, [email], window) == alone
        assert window.author_commit_count(base, ["ADA@example.com"]) == author_commit_count(
            repo.path, base, ["ADA@example.com"]
        )
        counts.append(alone)
    # read as a regular expression, `\+` matched none of Bob's commits and capitals hid them all
    assert counts == [0, 1, 1, 1, 3, 3]


def test_a_base_off_the_mainline_is_left_to_git(repo: GitRepo) -> None:
    window = WindowHistory.read(repo.path, repo.head())
    side = repo.git("rev-parse", "HEAD~2^2")  # the merged branch's tip
    assert window.earlier_names(side, ["src/c.py"]) is None
    assert window.author_commit_count(side, ["ada@example.com"]) is None
    history = file_history(repo.path, side, ["src/c.py"], window)  # falls back to git
    assert history.commits == file_history(repo.path, side, ["src/c.py"]).commits


def answer(read: Callable[[], bytes | None]) -> object:
    """What `read` returns, or the type and message of what it raises."""
    try:
        return read()
    except GitError as exc:
        return (type(exc), str(exc))


def test_codeowners_through_the_long_lived_cat_file_equals_read_blob(repo: GitRepo) -> None:
    seen = set()
    with git.CatFileBatch(repo.path) as blobs:
        for base in mainline_bases(repo):
            for path in SEARCH_ORDER:
                data = blobs.blob_at(base, path)
                assert data == git.read_blob(repo.path, base, path)
                seen.add(data)
        assert blobs.problems == []  # an absent CODEOWNERS is an answer, not a problem
        # an unknown revision and a tree at the path: whatever read_blob does, blob_at does
        for rev, path in (("0" * 40, ".github/CODEOWNERS"), ("nope", "x"), (repo.head(), "src")):
            assert answer(lambda r=rev, p=path: blobs.blob_at(r, p)) == answer(
                lambda r=rev, p=path: git.read_blob(repo.path, r, p)
            )
        with pytest.raises(GitError):
            blobs.blob_at(repo.head(), "src")  # read_blob refuses a tree
    assert seen == {None, b"* @ada\n", b"* @ada\nsrc/ @bob\n"}


def test_gathered_facts_with_the_window_equal_the_per_change_ones(repo: GitRepo) -> None:
    policy = load_policy(repo.path)
    window = WindowHistory.read(repo.path, repo.head())
    tips = repo.git("rev-list", "--first-parent", "--reverse", "HEAD").split()
    owners = []
    with git.CatFileBatch(repo.path) as blobs:
        for base, head in itertools.pairwise(tips):
            common: dict[str, Any] = {
                "provenance_for": lambda shas: {},
                "scan_options": ScanOptions(),
            }
            pr = PullRequest(head_sha=head, base_sha=base)
            alone = gather(repo.path, base, head, policy, pr, **common)
            shared = gather(repo.path, base, head, policy, pr, blobs=blobs, window=window, **common)
            assert shared.facts == alone.facts
            assert shared.codeowners == alone.codeowners
            assert shared.history.commits == alone.history.commits
            owners.append(len(shared.codeowners.entries))
    assert owners == [0, 0, 1, 1, 1, 2]  # CODEOWNERS is read at the base: it appears a change later


def test_fork_point_and_authors_of_each_change_equal_gits(repo: GitRepo) -> None:
    window = WindowHistory.read(repo.path, repo.head())
    tips = repo.git("rev-list", "--first-parent", "--reverse", "HEAD").split()
    for base, head in itertools.pairwise(tips):
        assert window.fork_point(base, head) == fork_point(repo.path, base, head)[0]
        listed = repo.git("log", "--no-merges", "--format=%ae", f"{base}..{head}").split()
        assert window.authors_between(base, head) == listed
    merge = tips[4]  # the merge commit brought two of Bob's commits
    assert window.authors_between(tips[3], merge) == [NOREPLY[1], NOREPLY[1]]
    # not a replayed change (base is not head's first parent): left to git
    assert window.fork_point(tips[0], tips[2]) is None
    assert window.authors_between(tips[0], tips[2]) is None
