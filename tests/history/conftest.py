"""Helpers for history tests: run the CLI as a user would, in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.gitrepo import git_env

NETGAIN = str(Path(sys.executable).with_name("netgain"))


def netgain(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the installed `netgain` command; isolated from the developer's git config."""
    proc = subprocess.run(
        [NETGAIN, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=git_env(),
        timeout=300,
        check=False,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"netgain {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
    return proc


def netgain_json(*args: str, cwd: Path) -> Any:
    return json.loads(netgain(*args, "--json", cwd=cwd).stdout)
