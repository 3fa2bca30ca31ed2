"""Cold `netgain scan` CPU time of two netgain source trees on one target, alternated.

    .venv/bin/python benchmarks/scan_ab.py --before OLD/src --after NEW/src TARGET... [--rounds 3]
        [--bandit]

Why: a change to the analyzer must not slow a cold scan down, and on a shared host one run of
each is noise. Each round scans TARGET with the old code and then the new (`PYTHONPATH` points
the same console script at either tree, `--no-cache`), each as a child of this process; CPU time
comes from `os.wait4` (user + system), which load from other processes disturbs far less than
wall time. Prints every round, the medians and their ratio. With `--bandit`, each round also
runs `bandit -r` on the same targets (the tool a user would otherwise pick), and the medians are
compared with Bandit's too: the "cold scan at most 0.6x Bandit" target, measured side by side.
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
BANDIT = str(Path(sys.executable).parent / "bandit")


def _child_cpu(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """CPU seconds (user + system) and wall seconds of one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(child.pid, 0)
    return usage.ru_utime + usage.ru_stime, time.perf_counter() - start


def _cold_scan(src: Path, targets: list[Path], out: Path) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    cmd = [NETGAIN, "scan", *map(str, targets), "--no-cache", "--format", "json"]
    return _child_cpu([*cmd, "--output", str(out)], env)


def _bandit(targets: list[Path], out: Path) -> tuple[float, float]:
    return _child_cpu([BANDIT, "-r", *map(str, targets), "-q", "-f", "json", "-o", str(out)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the old code's src folder")
    parser.add_argument("--after", type=Path, required=True, help="the new code's src folder")
    parser.add_argument("target", type=Path, nargs="+", help="the trees to scan (one scan)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--bandit", action="store_true", help="run bandit -r each round too")
    args = parser.parse_args()
    cpu: dict[str, list[float]] = {"before": [], "after": []}
    if args.bandit:
        cpu["bandit"] = []
    with tempfile.TemporaryDirectory(prefix="netgain-ab-") as tmp:
        for n in range(1, args.rounds + 1):
            for label, seconds_so_far in cpu.items():
                out = Path(tmp) / f"{label}.json"
                if label == "bandit":
                    seconds, wall = _bandit(args.target, out)
                else:
                    src = args.before if label == "before" else args.after
                    seconds, wall = _cold_scan(src, args.target, out)
                seconds_so_far.append(seconds)
                print(f"round {n} {label}: {seconds:.2f} s CPU, {wall:.2f} s wall", flush=True)
    medians = {k: sorted(v)[len(v) // 2] for k, v in cpu.items()}
    for label, values in cpu.items():
        print(
            f"{label}: median {medians[label]:.2f} s CPU (all: {', '.join(f'{v:.2f}' for v in values)})"
        )
    print(f"after / before: {medians['after'] / medians['before']:.3f}")
    if "bandit" in medians:
        for label in ("before", "after"):
            print(f"{label} / bandit: {medians[label] / medians['bandit']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
