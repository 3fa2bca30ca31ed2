"""Author familiarity on real histories: first use of an API family, its cache, file history."""

from __future__ import annotations

import json
from pathlib import Path

from netgain import git
from netgain.policy.familiarity import file_history, first_use
from tests.gitrepo import GitRepo
from tests.policy.scenario import ADA, BOB

SQL = 'def q(cur):\n    cur.execute("SELECT 1")\n'


def test_first_use_cache_is_incremental_and_never_stale(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit({"a.py": "x = 1\n"}, "start", author=BOB)
    first = repo.head()
    cache = tmp_path / "cache" / "familiarity.json"
    assert first_use(repo.path, first, ["raw_sql"], ["bob@example.com"], cache_file=cache) == [
        "raw_sql"
    ]
    entry = json.loads(cache.read_text(encoding="utf-8"))["bob@example.com|raw_sql"]
    assert entry == {"searched": [first]}
    # Bob writes SQL after the cached search: the next base must see it (searched incrementally)
    repo.commit({"b.py": SQL}, "sql", author=BOB)
    second = repo.head()
    assert first_use(repo.path, second, ["raw_sql"], ["bob@example.com"], cache_file=cache) == []
    entry = json.loads(cache.read_text(encoding="utf-8"))["bob@example.com|raw_sql"]
    assert entry == {"found": second}
    # the found commit is not in an unrelated branch's history: not a reason to skip the search
    repo.checkout(first)
    repo.branch("other")
    assert first_use(
        repo.path, repo.head(), ["raw_sql"], ["bob@example.com"], cache_file=cache
    ) == ["raw_sql"]
    # a damaged cache only costs a fresh search
    cache.write_text("{broken", encoding="utf-8")
    assert first_use(repo.path, second, ["raw_sql"], ["bob@example.com"], cache_file=cache) == []


def test_sql_by_someone_else_or_in_other_files_does_not_count(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit({"a.py": SQL}, "ada's sql", author=ADA)
    repo.commit({"notes.md": 'cur.execute("SELECT 1")\n'}, "bob's notes", author=BOB)
    assert first_use(repo.path, repo.head(), ["raw_sql"], ["bob@example.com"]) == ["raw_sql"]
    assert first_use(repo.path, repo.head(), ["raw_sql"], ["ada@example.com"]) == []


def test_file_history_counts_files_and_folders(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit({"src/auth/a.py": "1\n", "src/app.py": "1\n"}, "one", author=ADA)
    repo.commit({"src/auth/b.py": "1\n"}, "two", author=BOB)
    repo.commit({"src/app.py": "2\n"}, "three", author=BOB)
    history = file_history(repo.path, repo.head(), ["src/app.py", "src/auth/"])
    assert history.commits["src/app.py"] == {"ada@example.com": 1, "bob@example.com": 1}
    assert history.commits["src/auth/"] == {"ada@example.com": 1, "bob@example.com": 1}
    assert history.touched_by("src/app.py", ["BOB@example.com"]) == 1
    assert git.rev_parse(repo.path, "HEAD") == repo.head()
