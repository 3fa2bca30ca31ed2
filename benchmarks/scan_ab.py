"""Cold `netgain scan` CPU time of two netgain source trees on one target, alternated.

    .venv/bin/python benchmarks/scan_ab.py --before OLD/src --after NEW/src TARGET [--rounds 3]

Why: a change to the analyzer must not slow a cold scan down, and on a shared host one run of
each is noise. Each round scans TARGET with the old code and then the new (`PYTHONPATH` points
the same console script at either tree, `--no-cache`), each as a child of this process; CPU time
comes from `os.wait4` (user + system), which load from other processes disturbs far less than
wall time. Prints every round, the medians and their ratio.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NETGAIN = str(Path(sys.executable).parent / "netgain")


def _cold_scan(src: Path, target: Path, out: Path) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    start = time.perf_counter()
    cmd = [NETGAIN, "scan", str(target), "--no-cache", "--format", "json", "--output", str(out)]
    child = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(child.pid, 0)
    return usage.ru_utime + usage.ru_stime, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the old code's src folder")
    parser.add_argument("--after", type=Path, required=True, help="the new code's src folder")
    parser.add_argument("target", type=Path, help="the tree to scan")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    cpu: dict[str, list[float]] = {"before": [], "after": []}
    with tempfile.TemporaryDirectory(prefix="netgain-ab-") as tmp:
        for n in range(1, args.rounds + 1):
            for label, src in (("before", args.before), ("after", args.after)):
                seconds, wall = _cold_scan(src, args.target, Path(tmp) / f"{label}.json")
                cpu[label].append(seconds)
                print(f"round {n} {label}: {seconds:.2f} s CPU, {wall:.2f} s wall", flush=True)
    medians = {k: sorted(v)[len(v) // 2] for k, v in cpu.items()}
    for label, values in cpu.items():
        print(
            f"{label}: median {medians[label]:.2f} s CPU (all: {', '.join(f'{v:.2f}' for v in values)})"
        )
    print(f"after / before: {medians['after'] / medians['before']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
