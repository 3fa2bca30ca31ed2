"""Helpers for history tests: run the CLI as a user would, in its own process.

The process is forked from a warm interpreter (tests/forkcli.py) rather than started cold, which
only skips the imports; NETGAIN_TEST_SUBPROCESS=1 starts every call cold.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests import forkcli
from tests.gitrepo import git_env

NETGAIN = str(Path(sys.executable).with_name("netgain"))


def netgain(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the installed `netgain` command; isolated from the developer's git config."""
    proc = forkcli.run(NETGAIN, args, cwd=cwd, env=git_env(), timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"netgain {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
    return proc


def netgain_json(*args: str, cwd: Path) -> Any:
    return json.loads(netgain(*args, "--json", cwd=cwd).stdout)
