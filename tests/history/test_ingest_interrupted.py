"""An ingest killed with SIGKILL mid-way loses nothing and duplicates nothing on the next run."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from benchmarks.make_history import make_history
from netgain.store.models import Attribution, Commit, FileChange
from tests.gitrepo import git_env
from tests.history.conftest import NETGAIN


def counts(url: str) -> tuple[int, int, int, int, int]:
    engine = create_engine(url)
    with Session(engine) as session:
        result = (
            session.scalar(select(func.count()).select_from(Commit)) or 0,
            session.scalar(select(func.count(func.distinct(Commit.sha)))) or 0,
            session.scalar(select(func.count()).select_from(FileChange)) or 0,
            session.scalar(select(func.count()).select_from(Attribution)) or 0,
            session.scalar(select(func.coalesce(func.sum(Attribution.ai_lines), 0))) or 0,
        )
    engine.dispose()
    return result


def stored_commits(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM commits")).scalar() or 0)
    except Exception:  # the schema may not exist yet in the first instants
        return 0
    finally:
        engine.dispose()


def test_sigkill_mid_ingest_then_rerun_matches_uninterrupted(tmp_path: Path) -> None:
    repo = make_history(tmp_path / "repo", commits=3000, files=60, notes=10, merge_every=50)
    env = git_env() | {"NETGAIN_INGEST_BATCH": "100"}
    reference = f"sqlite:///{tmp_path / 'reference.db'}"
    subprocess.run(
        [NETGAIN, "ingest", str(repo), "--db", reference, "--json"],
        check=True,
        env=env,
        capture_output=True,
    )
    expected = counts(reference)
    assert expected[0] >= 3000 and expected[0] == expected[1] == expected[3]

    interrupted = f"sqlite:///{tmp_path / 'interrupted.db'}"
    proc = subprocess.Popen(
        [NETGAIN, "ingest", str(repo), "--db", interrupted, "--json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while stored_commits(interrupted) < 300 and time.monotonic() < deadline:
        assert proc.poll() is None, "ingest finished before it could be interrupted"
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = counts(interrupted)
    assert 0 < partial[0] < expected[0], "the kill must land mid-way"
    assert partial[0] == partial[3], "a commit is never stored without its attribution"

    subprocess.run(
        [NETGAIN, "ingest", str(repo), "--db", interrupted, "--json"],
        check=True,
        env=env,
        capture_output=True,
    )
    assert counts(interrupted) == expected
