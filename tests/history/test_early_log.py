"""A first ingest starts git's log before the store is open, and uses it only when it fits."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from benchmarks.make_history import make_history
from netgain.git.log import EarlyLog, start_early_log
from netgain.history import ingest_repository
from netgain.store.engine import open_store
from tests.gitrepo import GitRepo
from tests.history.conftest import netgain_json

TABLES = {
    "commits": "sha, parents, author_name, author_email, author_date, committer_date, message, "
    "trailers, is_merge, lines_added, lines_deleted, files_changed, id",
    "file_changes": "commit_id, path, old_path, added, deleted, id",
    "attributions": "commit_id, ai_lines, human_lines, unknown_lines, level, tools, models, "
    "evidence, line_map",
}


def stored(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    out: dict[str, list[tuple[object, ...]]] = {}
    with engine.connect() as conn:
        for table, cols in TABLES.items():
            query = f"SELECT {cols} FROM {table} ORDER BY 1"  # noqa: S608 - constant names
            out[table] = [tuple(r) for r in conn.execute(text(query))]
    return out


def head(repo: Path) -> str:
    return GitRepo(repo, init=False).head()


def test_a_new_store_reads_the_early_log_and_stores_the_same_rows(tmp_path: Path) -> None:
    repo = make_history(tmp_path / "repo", commits=300, files=20, notes=5, merge_every=25)
    plain = open_store(f"sqlite:///{tmp_path / 'plain.db'}")
    ingest_repository(repo, plain)

    early = start_early_log(repo, [head(repo)])
    assert early is not None
    fast = open_store(f"sqlite:///{tmp_path / 'early.db'}")
    try:
        report = ingest_repository(repo, fast, early=early)
    finally:
        early.close()
    assert early.adopted
    assert early.process.returncode == 0  # read to the end, reaped
    assert report.commits_added == len(stored(plain)["commits"]) >= 300
    assert stored(fast) == stored(plain)


def test_an_early_log_that_does_not_fit_is_killed_unread(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    first = repo.commit({"a.py": "1\n"}, "one")
    engine = open_store(f"sqlite:///{tmp_path / 's.db'}")
    ingest_repository(repo.path, engine)
    repo.commit({"a.py": "1\n2\n"}, "two")

    # The store already holds `first`: the log it needs excludes it, so the early one is unused.
    early = start_early_log(repo.path, [repo.head()])
    assert early is not None
    report = ingest_repository(repo.path, engine, early=early)
    early.close()
    assert not early.adopted
    assert early.process.returncode is not None  # killed and reaped, no zombie
    assert report.commits_added == 1

    # HEAD moved after the early start: its heads are not the run's, so it is not used either.
    stale = start_early_log(repo.path, [first])
    assert stale is not None
    repo.commit({"b.py": "x\n"}, "three")
    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    report = ingest_repository(repo.path, other, early=stale)
    stale.close()
    assert not stale.adopted
    assert report.commits_added == 3


def test_cli_ingest_into_a_new_store_then_an_existing_one(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit({"a.py": "1\n"}, "one")
    repo.commit({"a.py": "1\n2\n"}, "two\n\nCo-authored-by: Claude <noreply@anthropic.com>\n")
    db = f"sqlite:///{tmp_path / 'new' / 'store.db'}"
    first = netgain_json("ingest", str(repo.path), "--db", db, cwd=tmp_path)
    assert (first["commits_seen"], first["commits_added"]) == (2, 2)
    repo.commit({"a.py": "1\n2\n3\n"}, "three")
    again = netgain_json("ingest", str(repo.path), "--db", db, cwd=tmp_path)
    assert (again["commits_seen"], again["commits_added"]) == (1, 1)
    everything = netgain_json("ingest", str(repo.path), "--db", db, "--all", cwd=tmp_path)
    assert everything["commits_added"] == 0


def test_the_command_line_is_looked_at_narrowly_before_typer_parses_it() -> None:
    from netgain.cli.early import _ingest_args

    assert _ingest_args(["ingest"]) == (Path(), None, False)
    assert _ingest_args(["ingest", "r", "--db", "sqlite:///x.db", "--json"]) == (
        Path("r"),
        "sqlite:///x.db",
        False,
    )
    assert _ingest_args(["ingest", "--db=sqlite:///x.db", "--all", "r"]) == (
        Path("r"),
        "sqlite:///x.db",
        True,
    )
    for other in (
        ["provenance", "r"],
        ["ingest", "--help"],
        ["ingest", "r", "s"],
        ["ingest", "--db"],
        ["ingest", "--db", "--json"],
        ["ingest", "--", "r"],
        ["ingest", "r", "--quiet"],
    ):
        assert _ingest_args(other) is None, other


def test_cli_ingest_adopts_the_log_started_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`netgain ingest` starts git's log before typer parses its arguments, and the command
    reads that very process: one log started, adopted; arguments it did not expect start none
    early (the command starts its own)."""
    import netgain.cli.early as early_module
    from netgain.cli.app import main

    repo = make_history(tmp_path / "repo", commits=60, files=5, merge_every=10)
    started: list[EarlyLog] = []

    def recording(root: Path, heads: list[str]) -> EarlyLog | None:
        log = start_early_log(root, heads)
        if log is not None:
            started.append(log)
        return log

    monkeypatch.setattr(early_module, "start_early_log", recording)

    def not_now(*_args: object) -> None:
        raise AssertionError("the command started its own log: nothing was started before")

    monkeypatch.setattr("netgain.cli.history.start_early", not_now)
    for n, extra in enumerate(([], ["--all"])):
        db = f"sqlite:///{tmp_path / f'new{n}.db'}"
        monkeypatch.setattr("sys.argv", ["netgain", "ingest", str(repo), "--db", db, *extra])
        with pytest.raises(SystemExit) as done:
            main()
        assert done.value.code in (0, None)
    assert "Ingested" in capsys.readouterr().out
    assert len(started) == 1 and started[0].adopted  # --all: no early start at all
    assert started[0].process.returncode == 0
