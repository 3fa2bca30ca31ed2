"""How much the warm `netgain` of tests/forkcli.py saves: the same tests, cold and warm, side by side.

    .venv/bin/python benchmarks/suite.py tests/replay/test_replay_cli.py tests/risk/test_cli.py

Both runs start together (one process tree, the same machine load) and each is one pytest
process; the figures are wall time and CPU time (user + system of pytest and every process it
waited for, forked netgain calls included). The cold run sets NETGAIN_TEST_SUBPROCESS=1, which
starts every `netgain` call as a new interpreter, as the suite did before tests/forkcli.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _start(paths: list[str], cold: bool) -> tuple[subprocess.Popen[bytes], float]:
    env = dict(os.environ)
    env.pop("NETGAIN_TEST_SUBPROCESS", None)
    if cold:
        env["NETGAIN_TEST_SUBPROCESS"] = "1"
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *paths]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    return proc, time.monotonic()


def main(paths: list[str]) -> int:
    runs = {"cold": _start(paths, cold=True), "warm": _start(paths, cold=False)}
    figures: dict[str, tuple[float, float, int]] = {}
    pending = {proc.pid: name for name, (proc, _) in runs.items()}
    while pending:
        pid, status, usage = os.wait4(-1, 0)
        name = pending.pop(pid, None)
        if name is None:
            continue
        wall = time.monotonic() - runs[name][1]
        figures[name] = (wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status))
    for name, (wall, cpu, code) in figures.items():
        print(f"{name}: wall {wall:7.1f} s  cpu {cpu:7.1f} s  pytest exit {code}")
    cold, warm = figures["cold"], figures["warm"]
    print(f"warm/cold: wall {warm[0] / cold[0]:.2f}  cpu {warm[1] / cold[1]:.2f}")
    return max(cold[2], warm[2])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["tests/replay/test_replay_cli.py", "tests/risk/test_cli.py"]))
