"""The server half of tests/forkcli.py, run as `python -c <this source> BINDIR MODULE SOCKET`.

It imports what the `netgain` console script imports before it runs a command of MODULE, then
forks once per request. netgain's commands import their heavy modules inside the command, so
each child also writes down, at exit, the modules it imported; the server imports them between
requests (in the order the child first imported them), and later children start warm. A child
therefore may find modules already imported that a fresh process of the same command would import
later; nothing else differs. Nothing of the server (no `with`, no `try`) encloses the fork: the child
leaves through the SystemExit of `sys.exit(main())`, which must unwind straight to the
interpreter's own exit path (thread joins, atexit, flushing, a traceback and status 1 on an
uncaught exception) exactly as in a freshly started `netgain`.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import json
import os
import select
import socket
import sys
from pathlib import Path
from typing import Any


def _receive(conn: socket.socket) -> tuple[dict[str, Any], list[int]]:
    """One request: a JSON line; the caller's stdin, stdout and stderr ride on its first part."""
    data, fds, _flags, _addr = socket.recv_fds(conn, 1 << 16, 3)
    while not data.endswith(b"\n"):
        more = conn.recv(1 << 16)
        if not more:
            raise EOFError("request cut short")
        data += more
    request: dict[str, Any] = json.loads(data)
    return request, fds


def _reply(conn: socket.socket, message: dict[str, int]) -> None:
    """Best effort: a caller that timed out and went away must not take the server down."""
    with contextlib.suppress(OSError):
        conn.sendall(json.dumps(message).encode() + b"\n")


def _write_modules(path: str) -> None:
    """At the child's exit (the first atexit handler registered, so it runs last)."""
    Path(path).write_text("\n".join(sys.modules), encoding="utf-8")


def _learn_modules(path: Path) -> None:
    """Import what a child imported; a module that only imports in context is left to children."""
    if not path.exists():
        return
    names = path.read_text(encoding="utf-8").split("\n")
    path.unlink()
    for name in names:
        if name in sys.modules or name == "__main__" or name.startswith("tests"):
            continue
        try:
            importlib.import_module(name)
        except Exception as exc:
            print(f"not preloaded: {name}: {exc!r}", file=sys.stderr)


def _become_command(
    request: dict[str, Any],
    fds: list[int],
    sockets: list[socket.socket],
    pidfds: list[int],
    modules_file: Path,
) -> None:
    """In the child: take the caller's directory, environment and stdio, then run `netgain`."""
    for sock in sockets:
        sock.close()
    for fd in pidfds:
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    sys.argv = [request["argv0"], *request["args"]]
    atexit.register(_write_modules, str(modules_file))
    from netgain.cli.app import main

    sys.exit(main())  # as the console script does


def _serve() -> None:
    bindir, module, address = sys.argv[1:4]
    sys.path[0] = bindir  # the console script's interpreter has its own directory first
    importlib.import_module("netgain.cli.app")
    importlib.import_module(f"netgain.cli.{module}")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen(64)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    running: dict[int, tuple[int, socket.socket]] = {}  # pidfd -> (pid, connection)
    home = Path(address).parent
    while True:
        readable, _, _ = select.select([listener, 0, *running], [], [])
        if 0 in readable and not os.read(0, 1):
            return  # the test process closed our stdin: it is done (or gone)
        if listener in readable:
            conn, _ = listener.accept()
            request, fds = _receive(conn)
            pid = os.fork()
            if pid == 0:
                sockets = [listener, conn, *(c for _, c in running.values())]
                modules_file = home / f"modules-{os.getpid()}"
                _become_command(request, fds, sockets, list(running), modules_file)
            for fd in fds:
                os.close(fd)
            _reply(conn, {"pid": pid})
            running[os.pidfd_open(pid)] = (pid, conn)
        for pidfd in [fd for fd in readable if isinstance(fd, int) and fd in running]:
            pid, conn = running.pop(pidfd)
            _, status = os.waitpid(pid, 0)
            os.close(pidfd)
            code = os.waitstatus_to_exitcode(status)
            _reply(conn, {"returncode": code})
            conn.close()
            _learn_modules(home / f"modules-{pid}")


if __name__ == "__main__":
    _serve()
