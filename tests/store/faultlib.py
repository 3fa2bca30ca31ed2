"""Faults for tests/store/test_faults.py: small file systems, read-only stores, a git that dies.

Each fault is real, not mocked: a size-limited tmpfs (or RLIMIT_FSIZE where mounting is not
allowed), a tmpfs remounted read-only (or, as root without mount rights, netgain run without the
capability that lets root write anywhere), and a `git` on PATH that passes the real git's output
through and then kills itself or pauses mid-stream.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.gitrepo import git_env
from tests.history.conftest import NETGAIN

Preexec = Callable[[], None] | None


def netgain(
    *args: str,
    env: dict[str, str] | None = None,
    preexec: Preexec = None,
    prefix: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    """Run the installed CLI as a user would; never raises on a failed exit."""
    return subprocess.run(
        [*prefix, NETGAIN, *args],
        capture_output=True,
        text=True,
        env=env or git_env(),
        preexec_fn=preexec,  # the child caps its own file size (RLIMIT_FSIZE), nothing else
        timeout=300,
        check=False,
    )


def ingest(
    repo: Path,
    url: str,
    *,
    upto: str | None = None,
    env: dict[str, str] | None = None,
    preexec: Preexec = None,
    prefix: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    """`netgain ingest`, or with `upto` the history up to that revision only (via provenance)."""
    args = (
        ("ingest", str(repo), "--db", url, "--json")
        if upto is None
        else ("provenance", upto, "-C", str(repo), "--db", url, "--json")
    )
    return netgain(*args, env=env, preexec=preexec, prefix=prefix)


def assert_clear_error(proc: subprocess.CompletedProcess[str], *needles: str) -> None:
    """Exit 2 with a one-paragraph message containing `needles`, and no Python traceback."""
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    flat = " ".join(proc.stderr.split())
    for needle in needles:
        assert needle in flat, (needle, proc.stderr)


def stored_whole(url: str) -> tuple[int, list[str]]:
    """Commits stored, and what is not whole: a commit without its attribution or with fewer file
    rows than its numstat, a duplicated sha, or (SQLite) a failed integrity check."""
    engine = create_engine(url, poolclass=NullPool)
    broken: list[str] = []
    try:
        with engine.connect() as conn:
            commits = int(conn.execute(text("SELECT count(*) FROM commits")).scalar_one())
            checks = {
                "without attribution": "SELECT count(*) FROM commits c WHERE NOT EXISTS "
                "(SELECT 1 FROM attributions a WHERE a.commit_id = c.id)",
                "with missing file rows": "SELECT count(*) FROM commits c WHERE c.files_changed "
                "<> (SELECT count(*) FROM file_changes f WHERE f.commit_id = c.id)",
                "duplicated": "SELECT count(*) - count(DISTINCT sha) FROM commits",
            }
            for what, query in checks.items():
                n = int(conn.execute(text(query)).scalar_one())
                if n:
                    broken.append(f"{n} commit(s) {what}")
            if conn.dialect.name == "sqlite":
                verdict = conn.execute(text("PRAGMA integrity_check")).scalar_one()
                if verdict != "ok":
                    broken.append(f"integrity_check: {verdict}")
    finally:
        engine.dispose()
    return commits, broken


def stored_shas(url: str) -> set[str]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return set(conn.execute(text("SELECT sha FROM commits")).scalars())
    finally:
        engine.dispose()


# -- file systems ------------------------------------------------------------------------------
@functools.cache
def can_mount() -> bool:
    """Whether this process may mount a tmpfs (root with CAP_SYS_ADMIN, as in CI)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    with tempfile.TemporaryDirectory() as probe:
        if _mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", probe).returncode != 0:
            return False
        _mount_cleanup(probe)
    return True


def _mount(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["mount", *args], capture_output=True, check=False)


def _mount_cleanup(path: str | Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


@contextmanager
def tmpfs(path: Path, size: int) -> Iterator[Path]:
    """A tmpfs of `size` bytes mounted at `path` for the block (unmounted even on failure)."""
    path.mkdir(parents=True, exist_ok=True)
    proc = _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path))
    assert proc.returncode == 0, proc.stderr
    try:
        yield path
    finally:
        _mount_cleanup(path)


@contextmanager
def store_folder(path: Path, *, on_tmpfs: bool) -> Iterator[Path]:
    """A folder for a store: a 64 MiB tmpfs mounted at `path`, or a plain folder."""
    if not on_tmpfs:
        path.mkdir(parents=True)
        yield path
        return
    with tmpfs(path, 64 << 20):
        yield path


def remount(path: Path, options: str) -> None:
    """Change a tmpfs's mount options (`ro`, `rw`, `size=N`)."""
    proc = _mount("-o", f"remount,{options}", str(path))
    assert proc.returncode == 0, proc.stderr


def used_bytes(path: Path) -> int:
    st = os.statvfs(path)
    return (st.f_blocks - st.f_bfree) * st.f_frsize


def file_size_limit(limit: int) -> Callable[[], None]:
    """A preexec_fn capping the size of any file the child writes (writes beyond it: EFBIG)."""

    def apply() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def without_dac_override() -> tuple[str, ...]:
    """A command prefix running the child as root without the capabilities that bypass file
    permissions, so that `chmod a-w` binds it as it binds any other user."""
    return ("setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--")


# -- a git that dies or pauses mid-stream --------------------------------------------------------
_SHIM = """#!{python}
import os, signal, subprocess, sys, time
from pathlib import Path

real = os.environ["NETGAIN_TEST_REAL_GIT"]
args = sys.argv[1:]
if "log" not in args or "--numstat" not in args:  # only ingest's history stream is touched
    os.execv(real, [real, *args])
proc = subprocess.Popen([real, *args], stdout=subprocess.PIPE)
out, left = sys.stdout.buffer, int(os.environ["NETGAIN_TEST_GIT_BYTES"])
while left > 0 and (chunk := proc.stdout.read(min(65536, left))):
    out.write(chunk)
    left -= len(chunk)
out.flush()
if os.environ["NETGAIN_TEST_GIT_MODE"] == "kill":
    proc.kill()
    os.kill(os.getpid(), signal.SIGKILL)
Path(os.environ["NETGAIN_TEST_GIT_PAUSED"]).touch()
while not Path(os.environ["NETGAIN_TEST_GIT_GO"]).exists():
    time.sleep(0.02)
while chunk := proc.stdout.read(65536):
    out.write(chunk)
out.flush()
sys.exit(proc.wait())
"""


def git_shim(folder: Path, *, mode: str, after_bytes: int) -> dict[str, str]:
    """An environment whose `git` streams `after_bytes` of `git log --numstat` output, then either
    dies by SIGKILL (`kill`) or waits (`pause`) until `folder / "go"` exists.

    While paused, `folder / "paused"` exists. Every other git call runs the real git.
    """
    real = shutil.which("git")
    assert real is not None
    bindir = folder / "bin"
    bindir.mkdir(parents=True)
    shim = bindir / "git"
    shim.write_text(_SHIM.format(python=sys.executable))
    shim.chmod(0o755)
    env = git_env()
    env.update(
        {
            "PATH": f"{bindir}{os.pathsep}{env.get('PATH', '')}",
            "NETGAIN_TEST_REAL_GIT": real,
            "NETGAIN_TEST_GIT_MODE": mode,
            "NETGAIN_TEST_GIT_BYTES": str(after_bytes),
            "NETGAIN_TEST_GIT_PAUSED": str(folder / "paused"),
            "NETGAIN_TEST_GIT_GO": str(folder / "go"),
        }
    )
    return env
