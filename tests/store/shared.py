"""Build an expensive test input once per test run, also when xdist splits the run over workers.

pytest's session fixtures run once per worker; the history and the one-by-one reference that the
concurrency and fault tests compare against take seconds of CPU each, so the first worker builds
them under a file lock in the run's shared temporary folder and the others load the result.
"""

from __future__ import annotations

import fcntl
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


def shared_dir(factory: pytest.TempPathFactory) -> Path:
    """A folder shared by the workers of this run (the run's own folder without xdist)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], Any]) -> Any:
    """`build(folder)`'s result, computed by the first worker to ask and pickled for the rest.

    `folder` is a shared folder for files the result refers to (a repository, a store).
    """
    root = shared_dir(factory) / f"once-{name}"
    root.mkdir(exist_ok=True)
    result = root / "result.pickle"
    with (root / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not result.exists():
            value = build(root)
            tmp = root / "result.tmp"
            tmp.write_bytes(pickle.dumps(value))
            tmp.replace(result)
        return pickle.loads(result.read_bytes())  # noqa: S301 - written by this test run
