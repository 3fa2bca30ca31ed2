"""The scan's file walk, which now also counts the code it does not analyse, next to `git ls-files`.

    .venv/bin/python benchmarks/scan_collect.py WORK_TREE... [--repeat 15]

For each work tree: the files `netgain scan` reads (Python, JavaScript, TypeScript), the code in
other languages it reports as not analysed (per language), and the best-of-N wall time of the
walk (`netgain.analysis.scanner.collect`) next to `git ls-files -z` run in a child process, the
cheapest listing of a work tree a user would reach for (it reads the index; it classifies
nothing). Absolute times depend on the load; the ratio is the figure.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from netgain.analysis.scanner import collect  # noqa: E402


def _best(run: object, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()  # type: ignore[operator]
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    print(
        "| work tree | files (git) | scanned | not analysed (by language) | walk | git ls-files | ratio |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for tree in args.trees:
        root = tree.resolve()
        files, other = collect([root], root)

        def listing(root: Path = root) -> bytes:
            return subprocess.run(
                ["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True
            ).stdout

        tracked = len([p for p in listing().split(b"\0") if p])
        walk = _best(lambda root=root: collect([root], root), args.repeat)
        git = _best(listing, args.repeat)
        languages = Counter(f.language for f in other).most_common(4)
        shown = ", ".join(f"{name} {n}" for name, n in languages) or "-"
        print(
            f"| {root.name} | {tracked} | {len(files)} | {len(other)} ({shown}) "
            f"| {walk * 1000:.1f} ms | {git * 1000:.1f} ms | {walk / git:.2f}x |"
        )


if __name__ == "__main__":
    main()
