"""Where `netgain ingest`'s own CPU goes: start-up, the streamed write, the feature pass.

    .venv/bin/python benchmarks/ingest_phases.py REPO [--db URL]

Runs the ingest in this process (a fresh SQLite store unless --db is given) and prints the CPU
time (user + system of this process, every thread; git's own CPU is not included) spent before
git starts streaming (interpreter, imports, opening and migrating the store, reading notes and
traces), while it streams (parsing, attribution, batch writes and, on a first ingest, feature
vectors, overlapped with git), on the last batch once git's output ended, in the risk feature
pass after the last commit, and after it. CPU, not wall: on a shared machine wall time
mostly measures the other jobs.
"""

from __future__ import annotations

import time

START = time.process_time()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--db", help="store URL (default: a fresh SQLite file)")
    args = parser.parse_args()

    from netgain.cli.app import main as netgain_main
    from netgain.history import ingest

    marks: dict[str, float] = {}
    after_write = ingest._after_write
    iter_commits = ingest.git.iter_commits

    def timed_after_write(*a: Any, **k: Any) -> None:
        marks["streamed"] = time.process_time()
        after_write(*a, **k)
        marks["features"] = time.process_time()

    def timed_iter_commits(*a: Any, **k: Any) -> Any:
        marks["stream"] = time.process_time()
        yield from iter_commits(*a, **k)
        marks["git ended"] = time.process_time()

    ingest._after_write = timed_after_write  # type: ignore[assignment]
    ingest.git.iter_commits = timed_iter_commits  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or f"sqlite:///{tmp}/phases.db"
        sys.argv = ["netgain", "ingest", str(args.repo), "--db", db, "--json"]
        with contextlib.suppress(SystemExit):
            netgain_main()
    end = time.process_time()
    print(
        f"CPU s: start-up {marks['stream'] - START:.2f}, "
        f"streaming {marks['git ended'] - marks['stream']:.2f}, "
        f"last batch {marks['streamed'] - marks['git ended']:.2f}, "
        f"feature pass {marks['features'] - marks['streamed']:.2f}, "
        f"finish {end - marks['features']:.2f}, total {end - START:.2f}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
