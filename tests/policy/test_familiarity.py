"""Author familiarity on real histories: first use of an API family, its cache, file history."""

from __future__ import annotations

import json
from pathlib import Path

from netgain import git
from netgain.policy.familiarity import FileHistory, blame_removed, file_history, first_use
from tests.gitrepo import GitRepo
from tests.policy.scenario import ADA, BOB, SAM

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


def test_file_history_follows_renames(tmp_path: Path) -> None:
    """Ada wrote auth.py; Bob moved it twice. Her commits under the earlier names count for the
    file, and the commits of a new file that later reuses an old name do not."""
    body = "".join(f"def f{i}() -> int:\n    return {i}\n\n\n" for i in range(12))
    repo = GitRepo(tmp_path / "r")
    repo.commit({"auth.py": body}, "auth", author=ADA)
    repo.commit({"auth.py": body + "X = 1\n"}, "auth 2", author=ADA)
    repo.commit({"auth.py": None, "src/auth.py": body + "X = 1\n"}, "move", author=BOB)
    repo.commit({"src/auth.py": None, "src/auth/tokens.py": body + "X = 2\n"}, "move", author=BOB)
    repo.commit({"auth.py": "print('a new file')\n"}, "reuse the name", author=SAM)
    history = file_history(repo.path, repo.head(), ["src/auth/tokens.py", "auth.py"])
    assert history.commits["src/auth/tokens.py"] == {"ada@example.com": 2, "bob@example.com": 2}
    assert history.touched_by("src/auth/tokens.py", ["ada@example.com"]) == 2
    # the path itself keeps its whole history, as before (renames only add earlier names)
    assert history.commits["auth.py"] == {
        "ada@example.com": 2,
        "bob@example.com": 1,
        "sam@example.com": 1,
    }


def test_renamed_file_is_not_new_to_its_author(tmp_path: Path) -> None:
    """The gate's `author.files_new_to_author` (and the brief's item) follows renames too."""
    from tests.history.conftest import netgain

    body = "".join(f"def f{i}() -> int:\n    return {i}\n\n\n" for i in range(12))
    repo = GitRepo(tmp_path / "r")
    repo.commit({"lib.py": body}, "lib", author=BOB)
    repo.commit({"lib.py": None, "pkg/lib.py": body}, "move", author=ADA)
    base = repo.head()
    repo.commit({"pkg/lib.py": body + "Y = 1\n"}, "extend", author=BOB)
    result = netgain(
        "check", "--base", base, "--head", "HEAD", "--format", "json", cwd=repo.path, check=False
    )
    doc = json.loads(result.stdout)
    assert doc["facts"]["author"]["files_new_to_author"] == [], doc["facts"]["author"]


def _assets_history(tmp_path: Path) -> tuple[GitRepo, str, str]:
    """Ada's logo moved and edited in one commit (an inexact rename), then her app.py moved
    exactly, then Bob's change to app code. Returns the repo, the logo's first blob, the base."""
    logo = bytes(range(256)) * 40
    repo = GitRepo(tmp_path / "r")
    repo.commit({"logo.png": logo, "app.py": "x = 1\n"}, "logo", author=ADA)
    first_logo = repo.git("rev-parse", "HEAD:logo.png")
    repo.commit(
        {"logo.png": None, "public/img/logo.png": logo + b"\x00"}, "move the logo", author=BOB
    )
    repo.commit({"app.py": None, "src/app.py": "x = 1\n"}, "move app", author=BOB)
    return repo, first_logo, repo.head()


def test_file_history_survives_a_blob_the_snapshot_left_out(tmp_path: Path) -> None:
    """gogs/gogs as fetched: a blob of an old binary asset is absent (no partial clone), and
    `git log -M --diff-filter=R` (the earlier names of the changed files) died on it when
    rename detection compared the asset with its moved copy, so `netgain check` of an
    unrelated change exited 2. Exact renames need no blob: they are still followed, and the
    degradation is a problem naming the absent object."""
    repo, first_logo, base = _assets_history(tmp_path)
    (repo.path / ".git" / "objects" / first_logo[:2] / first_logo[2:]).unlink()

    history = file_history(repo.path, base, ["src/app.py"])
    assert history.commits["src/app.py"] == {"ada@example.com": 1, "bob@example.com": 1}
    [problem] = history.problems
    assert problem.kind == "missing-blob"
    assert first_logo in problem.message
    assert "exact renames only" in problem.message


def test_file_history_with_every_blob_reports_nothing(tmp_path: Path) -> None:
    """The look-alike: the same history whole follows the inexact rename, with no problem."""
    repo, _, base = _assets_history(tmp_path)
    history = file_history(repo.path, base, ["public/img/logo.png"])
    assert history.commits["public/img/logo.png"] == {"ada@example.com": 1, "bob@example.com": 1}
    assert history.problems == []


def test_check_completes_when_a_blob_of_history_is_absent(tmp_path: Path) -> None:
    """The gogs shape through the CLI: the gate decides the change and lists the problem."""
    from tests.history.conftest import netgain

    repo, first_logo, base = _assets_history(tmp_path)
    head = repo.commit({"src/app.py": "x = 2\n"}, "change app", author=BOB)
    (repo.path / ".git" / "objects" / first_logo[:2] / first_logo[2:]).unlink()
    proc = netgain(
        "check", "--base", base, "--head", head, "--format", "json", "--no-record",
        cwd=repo.path, check=False,
    )  # fmt: skip
    assert proc.returncode in (0, 1), proc.stderr
    doc = json.loads(proc.stdout)
    assert any(p["kind"] == "missing-blob" and first_logo in p["message"] for p in doc["problems"])


def test_removed_lines_are_blamed_per_file_and_range_as_a_blame_per_range_would(
    tmp_path: Path,
) -> None:
    """One `git blame` per file with every removed range: the counts a blame per range gives
    (lines 2-3 Ada's, 6 Bob's, 9-10 Sam's and Ada's; the other file's line Ada's)."""
    lines = [f"line {i}\n" for i in range(1, 13)]
    repo = GitRepo(tmp_path / "r")
    repo.commit({"a.py": "".join(lines), "b.py": "x = 1\ny = 2\n"}, "ada", author=ADA)
    lines[5] = "line 6 by bob\n"
    repo.commit({"a.py": "".join(lines)}, "bob", author=BOB)
    lines[8] = "line 9 by sam\n"
    repo.commit({"a.py": "".join(lines)}, "sam", author=SAM)
    base = repo.head()
    kept = [line for n, line in enumerate(lines, 1) if n not in (2, 3, 6, 9, 10)]
    repo.commit({"a.py": "".join(kept), "b.py": "y = 2\n"}, "remove", author=BOB)
    diffs = git.diff_between(repo.path, base, repo.head())
    assert sorted(len(d.removed) for d in diffs) == [1, 3]
    history = FileHistory()
    blame_removed(repo.path, base, diffs, history)
    assert history.blamed["a.py"] == {
        "ada@example.com": 3,
        "bob@example.com": 1,
        "sam@example.com": 1,
    }
    assert history.blamed["b.py"] == {"ada@example.com": 1}
    assert not history.problems


def test_first_use_finds_the_earlier_use_of_an_address_with_capitals(tmp_path: Path) -> None:
    # the gate lower-cases the author's emails; a GitHub no-reply address keeps its capitals and
    # its `+` (as a regular expression, re.escape's `\+` is literal in git's extended syntax)
    noreply = ("Bob Builder", "123+Bob.B@users.noreply.github.com")
    repo = GitRepo(tmp_path / "r")
    repo.commit({"a.py": "x = 1\n"}, "start", author=ADA)
    email = noreply[1].lower()
    assert first_use(repo.path, repo.head(), ["raw_sql"], [email]) == ["raw_sql"]
    repo.commit({"b.py": SQL}, "sql", author=noreply)
    assert first_use(repo.path, repo.head(), ["raw_sql"], [email]) == []
    # ignoring case in the address does not make the code pattern ignore case
    repo.commit({"c.py": 'def q(cur):\n    cur.EXECUTE("SELECT 1")\n'}, "upper", author=ADA)
    assert first_use(repo.path, repo.head(), ["raw_sql"], ["ada@example.com"]) == ["raw_sql"]
    # a look-alike address (another user's, differing only in an escaped character) is not Bob
    assert first_use(
        repo.path, repo.head(), ["raw_sql"], ["123+bobxb@users.noreply.github.com"]
    ) == ["raw_sql"]
