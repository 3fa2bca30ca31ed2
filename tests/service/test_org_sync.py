"""`netgain org sync` as a user runs it: every installed repository backfilled into the store."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from tests.gitrepo import git_env
from tests.history.conftest import NETGAIN
from tests.service.conftest import World


def test_org_sync_backfills_every_installed_repository(world: World, tmp_path: Path) -> None:
    env = git_env()
    env.update(world.env(tmp_path / "svc"))
    proc = subprocess.run(
        [NETGAIN, "org", "sync", "--run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "1 repositories in 1 installation(s): 1 backfill(s) queued" in proc.stdout
    assert "1 job(s) run" in proc.stdout
    with sqlite3.connect(tmp_path / "svc" / "netgain.db") as db:
        commits = db.execute("SELECT count(*) FROM commits").fetchone()[0]
        status = db.execute(
            "SELECT task, status, error FROM service_embedded_jobs ORDER BY id"
        ).fetchall()
    # the backfill ran; the organisation's overview documents wait for their delay (the next
    # `netgain serve` or worker runs them)
    assert status == [
        ("ingest_repository", "succeeded", None),
        ("store_org_documents", "todo", None),
    ]
    assert commits == len(world.repo.git("rev-list", "main").split())
