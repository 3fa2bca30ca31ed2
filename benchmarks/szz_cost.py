"""SZZ's cost per fix, one netgain source tree against another, side by side.

    git archive be909c4 src | tar -x -C /tmp/szz-old     # the default before the oracle work
    .venv/bin/python benchmarks/szz_cost.py REPO... --oracle FILE --old-src /tmp/szz-old/src
                                            [--rounds 3] [--variant netgain]

Runs one variant over every fix of the `Fixes:`-trailer oracle (benchmarks/szz_oracle.py
`--oracle-out`) with the old source tree and with this one, in child processes of this one
process, alternating which goes first each round so that a busy machine slows both alike. Each
child blames with one worker (`jobs=1`) and the trailers hidden, so the two do the same work
per fix; a third contender, this tree with the trailers read as in production, shows what a
project that writes `Fixes:` lines pays. Reported per contender: the best of the rounds' wall
time and CPU time (the child's and its git processes') per fix, and the ratio to the old tree.
"""

from __future__ import annotations

import argparse
import inspect
import json
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def child(src: Path, variant: str, oracle: Path, repos: list[Path], trailers: bool) -> None:
    """Run in the child: SZZ on every oracle fix with the netgain found under `src`."""
    sys.path.insert(0, str(src))
    from netgain.szz import find_inducing

    by_project: dict[str, list[str]] = defaultdict(list)
    for line in oracle.read_text().splitlines():
        row = json.loads(line)
        by_project[row["project"]].append(row["fix"])
    # an old tree has no `trailers` switch (and reads no message)
    kwargs: dict[str, Any] = {}
    if "trailers" in inspect.signature(find_inducing).parameters:
        kwargs["trailers"] = trailers
    fixes = 0
    for repo in repos:
        todo = by_project.get(repo.resolve().name, [])
        find_inducing(repo, todo, variant, jobs=1, **kwargs)
        fixes += len(todo)
    print(json.dumps({"fixes": fixes}))


def measure(argv: list[str]) -> tuple[float, float, int]:
    """Wall and CPU seconds (child plus its git processes) of one child run, and its fixes."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, int(json.loads(done.stdout.splitlines()[-1])["fixes"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("repos", type=Path, nargs="+", help="local clones (project = folder name)")
    parser.add_argument("--oracle", type=Path, required=True)
    parser.add_argument("--old-src", type=Path, help="the old tree's src folder")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--variant", default="netgain")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--trailers", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.variant, args.oracle, args.repos, args.trailers)
        return
    if args.old_src is None:
        parser.error("--old-src is required")
    new_src = HERE.parent / "src"
    contenders = {
        "old tree": [str(args.old_src.resolve())],
        "this tree": [str(new_src)],
        "this tree, trailers read": [str(new_src), "--trailers"],
    }
    common = [str(p) for p in args.repos] + ["--oracle", str(args.oracle)]
    best: dict[str, tuple[float, float]] = {}
    fixes = 0
    for n in range(args.rounds):
        names = list(contenders)
        for name in names if n % 2 == 0 else names[::-1]:
            src, *extra = contenders[name]
            argv = [sys.executable, __file__, *common, "--variant", args.variant, "--child", src]
            wall, cpu, fixes = measure(argv + extra)
            print(f"round {n + 1}: {name}: {wall:.1f} s wall, {cpu:.1f} s CPU", file=sys.stderr)
            w, c = best.get(name, (wall, cpu))
            best[name] = (min(w, wall), min(c, cpu))
    old_wall, old_cpu = best["old tree"]
    print(f"{fixes} fixes, variant {args.variant}, best of {args.rounds} rounds\n")
    print("| source | ms per fix (wall) | ms per fix (CPU) | wall vs old | CPU vs old |")
    print("|---|---:|---:|---:|---:|")
    for name, (wall, cpu) in best.items():
        print(
            f"| {name} | {1000 * wall / fixes:.1f} | {1000 * cpu / fixes:.1f} "
            f"| {wall / old_wall:.2f}x | {cpu / old_cpu:.2f}x |"
        )


if __name__ == "__main__":
    main()
