"""The repository behind the recorded PR export fixtures (tests/incidents/data/github_pulls.json).

GitRepo's fixed clock and identity give the same commit ids on every machine, so the recorded
payloads can name real merge commits; `build_prs_repo` checks that they still do.
"""

from __future__ import annotations

from pathlib import Path

from tests.gitrepo import BASE_EPOCH, GitRepo

DAY = 86_400


def build_prs_repo(path: Path) -> tuple[GitRepo, dict[str, str]]:
    """main: initial; PR 1 merged with a merge commit (two branch commits); PR 2 squashed
    (`(#2)` subject); PR 3 squashed, naming Jira bug PROJ-7; PR 4 rebased as one commit naming
    Jira story PROJ-5 (no `(#4)`: git alone does not know it was a PR)."""
    repo = GitRepo(path)
    shas: dict[str, str] = {}
    shas["initial"] = repo.commit({"app.py": "x = 1\n"}, "Initial", date=BASE_EPOCH + DAY)
    repo.branch("search")
    shas["search1"] = repo.commit(
        {"search.py": "def search():\n    return []\n"}, "Add search", date=BASE_EPOCH + 2 * DAY
    )
    shas["search2"] = repo.commit(
        {"search.py": "def search(q):\n    return [q]\n"},
        "Search takes a query",
        date=BASE_EPOCH + 2 * DAY + 3600,
    )
    repo.checkout("main")
    shas["merge1"] = repo.merge(
        "search", "Merge pull request #1 from octo/search\n\nAdd search", date=BASE_EPOCH + 3 * DAY
    )
    shas["squash2"] = repo.commit(
        {"export.py": "def export():\n    pass\n"},
        "Add export button (#2)",
        date=BASE_EPOCH + 4 * DAY,
    )
    shas["squash3"] = repo.commit(
        {"search.py": "def search(q):\n    return [q] if q else []\n"},
        "Fix empty search crash, PROJ-7 (#3)",
        date=BASE_EPOCH + 5 * DAY,
    )
    shas["rebase4"] = repo.commit(
        {"login.py": "def login():\n    return True\n"},
        "PROJ-5: add login",
        date=BASE_EPOCH + 6 * DAY,
    )
    return repo, shas
