"""File familiarity from the window (`WindowHistory.path_log`) equals each base's own
`git log base -- paths`, history simplification included.

The planted history has the two shapes where git's simplification leaves commits out:

* a fix made twice, on a branch and on the mainline: the merge equals its first parent for the
  file, so git follows the mainline only and the branch's commit is not in the file's log;
* a file changed and changed back on the mainline while a branch changes it for good: the merge
  equals its second parent, so git follows the branch only and the mainline's pair is left out.

Plus renames (one on a branch, committed with a clock behind: git's walk order is by date),
new folders and a base off the mainline.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from netgain import git
from netgain.policy.familiarity import file_history, path_log
from netgain.policy.window_history import WindowHistory
from tests.gitrepo import BASE_EPOCH, GitRepo
from tests.policy.scenario import ADA, BOB

CAROL = ("Carol Side", "carol@example.com")
DAN = ("Dan Revert", "dan@example.com")
BODY = "".join(f"def f{i}(x):\n    return x * {i}\n\n" for i in range(12))


def build(path: Path) -> GitRepo:
    repo = GitRepo(path)
    repo.commit(
        {"src/a.py": BODY, "lib/x.py": "x = 1\n", "lib/y.py": "y = 1\n", "README.md": "hi\n"},
        "start",
        author=ADA,
    )
    repo.branch("side-fix")
    repo.commit({"lib/x.py": "x = 2\n", "docs/x.md": "x\n"}, "fix x on a branch", author=CAROL)
    repo.checkout("main")
    repo.commit({"lib/x.py": "x = 2\n"}, "fix x on the mainline", author=ADA)
    repo.merge("side-fix", "Merge pull request #1 from carol/side-fix")
    repo.branch("rename")
    # committed with a clock behind (a date older than its parent's): git's walk, newest date
    # first, then lists it after older mainline commits, and so must the window
    skewed = BASE_EPOCH - 3600
    repo.commit(
        {"src/a.py": None, "src/pkg/b.py": BODY}, "move a to pkg/b", author=BOB, date=skewed
    )
    repo.commit(
        {"lib/y.py": "y = 3\n", "src/pkg/new.py": "n = 1\n"}, "y for good", author=BOB, date=skewed
    )
    repo.checkout("main")
    repo.commit({"lib/y.py": "y = 2\n"}, "try y", author=DAN)
    repo.commit({"lib/y.py": "y = 1\n"}, "revert y", author=DAN)
    repo.merge("rename", "Merge pull request #2 from bob/rename")
    repo.commit({"src/pkg/b.py": BODY + "z = 0\n", "tests/t.py": "t = 1\n"}, "grow b", author=ADA)
    repo.commit({"src/pkg/c.py": "c = 1\n", "lib/x.py": "x = 3\n"}, "add c", author=CAROL)
    return repo


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    return build(tmp_path_factory.mktemp("pathlog") / "r")


def bases(repo: GitRepo) -> list[str]:
    mainline = repo.git("rev-list", "--first-parent", "--reverse", "HEAD").split()
    side = [repo.git("rev-parse", "HEAD~2^2"), repo.git("rev-parse", "HEAD~2^2~1")]
    return mainline + side


def specs_at(repo: GitRepo, base: str) -> list[list[str]]:
    files = git.ls_files(repo.path, base)
    return [
        files,
        [*files, "src/", "src/pkg/", "tests/", "docs/"],
        ["lib/x.py"],
        ["lib/y.py", "src/pkg/"],
        ["lib/x.py", "docs/x.md"],
        ["README.md", "lib/"],
    ]


def test_path_log_equals_gits_for_every_base_and_path_set(repo: GitRepo) -> None:
    window = WindowHistory.read(repo.path, repo.head())
    for base in bases(repo):
        for specs in specs_at(repo, base):
            assert window.path_log(base, specs) == path_log(repo.path, base, specs), (base, specs)


def test_file_history_from_the_window_equals_gits(repo: GitRepo) -> None:
    window = WindowHistory.read(repo.path, repo.head())
    for base in bases(repo):
        for specs in specs_at(repo, base):
            alone = file_history(repo.path, base, specs)
            shared = file_history(repo.path, base, specs, window)
            assert (shared.commits, shared.names) == (alone.commits, alone.names), (base, specs)


def test_the_simplified_commits_are_left_out(repo: GitRepo) -> None:
    """The shapes above do prune: without git's simplification the window would count them."""
    window = WindowHistory.read(repo.path, repo.head())
    base = repo.git("rev-parse", "HEAD~1")
    x = file_history(repo.path, base, ["lib/x.py"], window).commits["lib/x.py"]
    assert "carol@example.com" not in x  # the branch's copy of the mainline's fix
    y = file_history(repo.path, base, ["lib/y.py"], window).commits["lib/y.py"]
    assert y == {"ada@example.com": 1, "bob@example.com": 1}  # Dan's pair is left out
    # with another path in the set the first merge is no longer the same as its first parent
    both = file_history(repo.path, base, ["lib/x.py", "docs/x.md"], window).commits
    assert both["lib/x.py"]["carol@example.com"] == 1
    # the renamed file keeps its history from before the move (start), through the branch
    b = file_history(repo.path, base, ["src/pkg/b.py"], window).commits["src/pkg/b.py"]
    assert b == {"ada@example.com": 2, "bob@example.com": 1}  # start, move, grow b


def test_a_commit_outside_the_window_is_left_to_git(repo: GitRepo) -> None:
    window = WindowHistory.read(repo.path, repo.git("rev-parse", "HEAD~1"))
    assert window.path_log(repo.head(), ["lib/x.py"]) is None
