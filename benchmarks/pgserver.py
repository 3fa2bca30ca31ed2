"""A throw-away PostgreSQL server for the test suite and the benchmarks: initdb in a temp dir,
loopback only.

PostgreSQL refuses to run as root, so under root (as in CI) the server runs as the `postgres`
system user that Debian's package creates.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _bindir() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise RuntimeError("PostgreSQL server binaries not found (run scripts/ensure-postgres.sh)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """Start with `start()`, get `url`, stop with `stop()` (the data directory is removed)."""

    def __init__(self) -> None:
        self.bindir = _bindir()
        self.tmp = Path(tempfile.mkdtemp(prefix="netgain-pg-"))
        self.data = self.tmp / "data"
        self.port = _free_port()
        self.user: str | None = "postgres" if os.geteuid() == 0 else None
        self.url = f"postgresql+psycopg://netgain@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.tmp, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "netgain", "--auth=trust", "-E", "UTF8")
        self._serve()

    def _serve(self) -> None:
        sockets = self.tmp  # unix socket dir inside the temp dir, never /var/run
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-w",
            "-l",
            str(self.tmp / "server.log"),
            "-o",
            f"-h 127.0.0.1 -p {self.port} -k {sockets} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off",
            "start",
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("PostgreSQL did not start; see " + str(self.tmp / "server.log"))

    def restart(self) -> None:
        """Restart as an administrator would: `-m fast` cuts every client off mid-transaction
        (rolled back) and the server comes back on the same port with the same data.

        Not `-m immediate`: this server runs with synchronous_commit=off, so a crash would also
        lose commits it had already acknowledged, which no client can guard against.
        """
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        self._serve()

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(
            f"postgresql://netgain@127.0.0.1:{self.port}/postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://netgain@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)
