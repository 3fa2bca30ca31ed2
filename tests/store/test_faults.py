"""Faults: each gives a clear error, keeps what was stored, and a re-run finishes the job.

Every case injects a real fault (tests/store/faultlib.py) into an ingest of a real 200-commit
history, checks the message (exit 2, names the store, no traceback), checks that the store still
holds whole commits only and everything stored before the fault, then removes the fault, runs
the command again and compares every table with a clean run (benchmarks/concurrency.py's
content comparison). Which mechanism a case used is recorded as a test property.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from benchmarks.concurrency import differences, store_content
from benchmarks.make_history import make_history
from tests.gitrepo import git_env
from tests.gitrepo import run as git
from tests.history.conftest import NETGAIN
from tests.pgserver import PostgresServer
from tests.store.faultlib import (
    assert_clear_error,
    can_mount,
    file_size_limit,
    git_shim,
    ingest,
    netgain,
    remount,
    store_folder,
    stored_shas,
    stored_whole,
    used_bytes,
    without_dac_override,
)
from tests.store.shared import once

MIB = 1 << 20
ENV = git_env() | {"NETGAIN_INGEST_BATCH": "25"}  # many transactions: a fault lands between them


@dataclass(frozen=True, slots=True)
class History:
    repo: Path
    content: dict[str, Counter[tuple[Any, ...]]]  # what a clean ingest stores
    half: str  # a revision about halfway: the part stored before a fault
    log_bytes: int  # about the size of ingest's `git log` stream


def _build(folder: Path) -> History:
    repo = make_history(folder / "repo", commits=200, files=30, notes=5, merge_every=30)
    url = f"sqlite:///{folder / 'clean.db'}"
    assert ingest(repo, url, env=ENV).returncode == 0
    half = git(repo, "rev-parse", "HEAD~100").stdout.decode().strip()
    log = git(repo, "log", "-z", "--numstat", "-M", "--format=%H%P%an%ae%B").stdout
    return History(repo, store_content(url), half, len(log))


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    built: History = once(tmp_path_factory, "faults", _build)
    return built


def _digest(*paths: Path) -> str:
    sha = hashlib.sha256()
    for path in paths:
        sha.update(path.read_bytes())
    return sha.hexdigest()


def _assert_finishes(history: History, url: str) -> None:
    """A plain re-run succeeds and the store then equals a clean run's (its earlier finished
    runs aside: a case that stored half the history first has one more)."""
    again = ingest(history.repo, url, env=ENV)
    assert again.returncode == 0, again.stderr
    content = store_content(url)
    assert content.pop("finished_ingest_runs")
    expected = {t: rows for t, rows in history.content.items() if t != "finished_ingest_runs"}
    assert differences(expected, content) == {}


def _stored_before(history: History, url: str) -> set[str]:
    first = ingest(history.repo, url, upto=history.half, env=ENV)
    assert first.returncode == 0, first.stderr
    return stored_shas(url)


@pytest.mark.parametrize("limit", ["tmpfs", "rlimit"])
def test_disk_full_during_ingest(
    limit: str, history: History, tmp_path: Path, record_property: Any
) -> None:
    if limit == "tmpfs" and not can_mount():
        pytest.xfail("a size-limited tmpfs needs root with CAP_SYS_ADMIN; case `rlimit` ran")
    record_property("fault", "tmpfs full" if limit == "tmpfs" else "RLIMIT_FSIZE (EFBIG)")
    with store_folder(tmp_path / "disk", on_tmpfs=limit == "tmpfs") as disk:
        db = disk / "netgain.db"
        url = f"sqlite:///{db}"
        before = _stored_before(history, url)
        preexec = None
        if limit == "tmpfs":
            remount(disk, f"size={used_bytes(disk) + 128 * 1024}")
        else:
            preexec = file_size_limit(128 * 1024)  # below the store's own size: any growth fails
        full = ingest(history.repo, url, env=ENV, preexec=preexec)
        assert_clear_error(full, f"could not write the store {db}", "everything stored before")
        _commits, broken = stored_whole(url)
        assert broken == [] and before <= stored_shas(url)
        if limit == "tmpfs":
            remount(disk, f"size={64 * MIB}")
        _assert_finishes(history, url)


@pytest.mark.parametrize("how", ["tmpfs", "permissions"])
def test_read_only_store(how: str, history: History, tmp_path: Path, record_property: Any) -> None:
    if how == "tmpfs" and not can_mount():
        pytest.xfail(
            "remounting a tmpfs read-only needs root with CAP_SYS_ADMIN; see `permissions`"
        )
    root = os.geteuid() == 0
    # root ignores file permissions: run netgain without the capabilities that let it
    prefix = without_dac_override() if how == "permissions" and root else ()
    record_property("fault", "tmpfs remounted ro" if how == "tmpfs" else f"chmod a-w{prefix}")
    with store_folder(tmp_path / "store", on_tmpfs=how == "tmpfs") as folder:
        db = folder / "netgain.db"
        url = f"sqlite:///{db}"
        before = _stored_before(history, url)
        files = sorted(folder.iterdir())
        digest = _digest(*files)
        if how == "tmpfs":
            remount(folder, "ro")
        else:
            db.chmod(0o444)
            folder.chmod(0o555)
        proc = ingest(history.repo, url, env=ENV, prefix=prefix)
        assert_clear_error(proc, f"the store {db} is read-only", "nothing was written")
        assert sorted(folder.iterdir()) == files and _digest(*files) == digest
        if how == "tmpfs":
            remount(folder, "rw")
        else:
            folder.chmod(0o755)
            db.chmod(0o644)
        assert before <= stored_shas(url)
        _assert_finishes(history, url)


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_damaged_sqlite_store(damage: str, history: History, tmp_path: Path) -> None:
    db = tmp_path / "netgain.db"
    url = f"sqlite:///{db}"
    _stored_before(history, url)
    size = db.stat().st_size
    with db.open("r+b") as fh:
        if damage == "garbage":
            fh.seek(size // 2)
            fh.write(os.urandom(16 * 1024))
        else:
            fh.truncate(size // 2)
    for _attempt in range(2):  # the damage is reported every time, never skipped or "repaired"
        proc = ingest(history.repo, url, env=ENV)
        assert_clear_error(
            proc, f"the store {db} is damaged", f"mv {db} {db}.damaged", "never deletes"
        )
        if damage == "truncated":
            assert "it is truncated" in proc.stderr
    aside = tmp_path / "netgain.db.damaged"
    db.rename(aside)  # what the message says to do; its -wal and -shm go with it
    for leftover in tmp_path.glob("netgain.db-*"):
        leftover.rename(tmp_path / leftover.name.replace("netgain.db", "netgain.db.damaged"))
    _assert_finishes(history, url)
    assert aside.stat().st_size > 0  # the damaged store is still there for a recovery attempt


def test_git_killed_mid_stream(history: History, tmp_path: Path) -> None:
    env = git_shim(tmp_path / "shim", mode="kill", after_bytes=history.log_bytes // 2) | {
        "NETGAIN_INGEST_BATCH": "25"
    }
    url = f"sqlite:///{tmp_path / 'netgain.db'}"
    proc = ingest(history.repo, url, env=env)
    assert_clear_error(proc, "git log failed", "killed by SIGKILL", "last complete commit")
    commits, broken = stored_whole(url)
    assert broken == [] and 0 < commits < sum(history.content["commits"].values())
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:  # no resume point: the next run reads the history again
        finished = conn.execute(
            text("SELECT count(*) FROM ingest_runs WHERE finished_at IS NOT NULL")
        )
        assert finished.scalar_one() == 0
    engine.dispose()
    _assert_finishes(history, url)


@pytest.mark.postgres
def test_postgres_restarted_mid_ingest(
    history: History, tmp_path: Path, postgres_server: PostgresServer, postgres_url: str
) -> None:
    shim = tmp_path / "shim"
    env = git_shim(shim, mode="pause", after_bytes=history.log_bytes // 2) | {
        "NETGAIN_INGEST_BATCH": "25"
    }
    proc = subprocess.Popen(
        [NETGAIN, "ingest", str(history.repo), "--db", postgres_url, "--json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # git pauses half-way through the history; wait until batches before it are committed
        while not (shim / "paused").exists() or stored_whole(postgres_url)[0] < 25:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            proc_wait(proc)
        postgres_server.restart()  # every connection of the ingest is cut
        (shim / "go").touch()
        _out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0 and "Traceback" not in err, err  # it reconnected by itself
    assert differences(history.content, store_content(postgres_url)) == {}


def proc_wait(proc: subprocess.Popen[str]) -> None:
    """Give the ingest a moment (a poll interval, not a timing assertion)."""
    with suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=0.05)


def test_corrupt_analysis_cache_is_counted_and_rebuilt(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text("import os\n\ndef run(cmd):\n    os.system(cmd)\n")
    (project / "calc.py").write_text("def calc(expr):\n    return eval(expr)\n")
    gate = ("--format", "json", "--fail-on-confidence", "low")  # library mode: low confidence
    clean = netgain("scan", str(project), *gate)
    assert clean.returncode == 1  # two findings at or above high
    (snapshot,) = (project / ".netgain" / "cache" / "scan").glob("*/snapshot-*.pickle")
    for damage in ("garbage", "truncated", "flipped"):
        data = bytearray(snapshot.read_bytes())
        if damage == "garbage":
            data = bytearray(os.urandom(len(data)))
        elif damage == "truncated":
            del data[len(data) // 2 :]
        else:
            data[len(data) // 3 : len(data) // 3 + 64] = bytes(64)
        snapshot.write_bytes(bytes(data))
        rescan = netgain("scan", str(project), *gate)
        assert rescan.returncode == clean.returncode, rescan.stderr
        report, expected = _json(rescan.stdout), _json(clean.stdout)
        assert report["findings"] == expected["findings"]
        problems = [p for p in report["problems"] if p["kind"] == "cache"]
        assert len(problems) == 1 and str(snapshot) in problems[0]["message"], report["problems"]
        again = _json(netgain("scan", str(project), "--format", "json").stdout)
        assert again["problems"] == [] and again["findings"] == expected["findings"]  # rebuilt


def _json(out: str) -> Any:
    return json.loads(out)
