"""Run the installed `netgain` command as a fork of an interpreter that has already imported it.

Why: the CLI tests start `netgain` hundreds of times and most of each start is spent importing
(SQLAlchemy, scikit-learn, scipy: a second or more on a loaded machine). A server process per
command module (tests/forkcli_server.py) imports exactly what the console script imports before it
runs a command of that module, then forks once per call. The child is still a separate process:
it gets the call's working directory, environment and stdio, and leaves through the interpreter's
normal exit path, so the caller sees the same output and exit status as from a fresh `netgain`.

Start-up reads the environment (locale, COLUMNS, settings read at import), so servers are keyed by
the whole environment of the call; only PYTEST_CURRENT_TEST, which pytest changes for every test
and which nothing reads at import, is left out of the key (the child still gets it). Help and
unknown commands, the first call of each command module and environment, and every call when
NETGAIN_TEST_SUBPROCESS=1, run as a real subprocess.
"""

from __future__ import annotations

import atexit
import json
import locale
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from netgain.cli.app import COMMAND_MODULES

_SERVER_SOURCE = (Path(__file__).with_name("forkcli_server.py")).read_text(encoding="utf-8")
_PER_TEST = "PYTEST_CURRENT_TEST"


class _Server:
    """One warm interpreter for one command module and one start-up environment."""

    def __init__(self, executable: str, module: str, env: Mapping[str, str]) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="netgain-forkcli-"))
        self.address = str(self.home / "socket")
        with (self.home / "server.log").open("wb") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    _SERVER_SOURCE,
                    str(Path(executable).parent),
                    module,
                    self.address,
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                env=dict(env),
                cwd=self.home,
            )
        assert self.proc.stdout is not None
        self.ready = self.proc.stdout.readline() == b"ready\n"

    def start_failure(self) -> str:
        return (self.home / "server.log").read_text(encoding="utf-8", errors="replace")

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()  # the server's cue to exit
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.home, ignore_errors=True)


_Key = tuple[str, str, frozenset[tuple[str, str]]]
_servers: dict[_Key, _Server] = {}
_seen: set[_Key] = set()
_lock = threading.Lock()
# A server holds a warm interpreter in memory; past this many a call simply starts cold.
MAX_SERVERS = 24


def _server(executable: str, module: str, env: Mapping[str, str]) -> _Server | None:
    """The warm server for this call, started at the second call that needs it.

    A start-up environment seen once (a test's own HOME, say) gains nothing from a server that
    imports everything only to fork once, so its first call starts cold.
    """
    key = (executable, module, frozenset((k, v) for k, v in env.items() if k != _PER_TEST))
    with _lock:
        server = _servers.get(key)
        if server is None:
            if key not in _seen or len(_servers) >= MAX_SERVERS:
                _seen.add(key)
                return None
            server = _servers[key] = _Server(executable, module, env)
    return server if server.ready else None


@atexit.register
def _close_servers() -> None:
    with _lock:
        while _servers:
            _servers.popitem()[1].close()


def _module_of(args: Sequence[str]) -> str | None:
    """The command module `netgain.cli.app._register` would import for these arguments."""
    command = next((a for a in args if not a.startswith("-")), None)
    return COMMAND_MODULES.get(command) if command is not None else None


def _text(data: bytes) -> str:
    """Decoded as `subprocess.run(text=True)` decodes: locale encoding, universal newlines."""
    text = data.decode(locale.getpreferredencoding(False))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def run(
    executable: str,
    args: Sequence[str],
    *,
    cwd: Path | str,
    env: Mapping[str, str],
    timeout: float,
) -> subprocess.CompletedProcess[str]:
    """`subprocess.run([executable, *args], capture_output=True, text=True, ...)`, started warm."""
    argv = [executable, *args]
    module = _module_of(args)
    server = None
    if module is not None and os.environ.get("NETGAIN_TEST_SUBPROCESS") != "1":
        server = _server(executable, module, env)
    if server is None:
        return subprocess.run(
            argv,
            cwd=cwd,
            capture_output=True,
            text=True,
            env=dict(env),
            timeout=timeout,
            check=False,
        )
    request = {"argv0": executable, "args": list(args), "cwd": str(cwd), "env": dict(env)}
    with (
        Path(os.devnull).open("rb") as stdin,
        tempfile.TemporaryFile() as stdout,
        tempfile.TemporaryFile() as stderr,
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn,
    ):
        conn.connect(server.address)
        fds = [stdin.fileno(), stdout.fileno(), stderr.fileno()]
        socket.send_fds(conn, [json.dumps(request).encode() + b"\n"], fds)
        replies = conn.makefile("rb")
        pid = json.loads(replies.readline())["pid"]
        conn.settimeout(timeout)
        try:
            line = replies.readline()
        except TimeoutError:
            os.kill(pid, signal.SIGKILL)
            raise subprocess.TimeoutExpired(argv, timeout) from None
        if not line:
            raise RuntimeError(f"the netgain fork server died:\n{server.start_failure()}")
        returncode = json.loads(line)["returncode"]
        stdout.seek(0)
        stderr.seek(0)
        return subprocess.CompletedProcess(
            argv, returncode, _text(stdout.read()), _text(stderr.read())
        )
