"""`netgain report` on a real repository with nothing imported: what it fills, and how long it takes.

    .venv/bin/python benchmarks/report_dayone.py REPO [--warm-runs 5] [--json]

REPO is any git repository (e.g. a clone of urllib3/urllib3, fetched by hand: benchmarks may use
fetched repositories, `make test` never does). It is cloned into a temporary folder so the run
starts cold (no `.netgain/`), then, one command at a time:

  * cold: `netgain report` (ingest, PRs and features from git, SZZ on every fix commit within
    `[metrics] szz_seconds`, rework from the history, risk evaluation, HTML); repeated while SZZ
    still has fix commits pending (each run continues where the last stopped);
  * warm: `netgain report` again, `--warm-runs` times, nothing changed (best and median);
  * the floor: a plain `git log --numstat` read of the same history, what any script reading
    the history pays (best of 3).

Wall time and the CPU time of the command and its children are both printed, with the load
average before each phase: on a shared machine the wall time is the CPU time plus the wait.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

NETGAIN = str(Path(sys.executable).with_name("netgain"))


def timed(cmd: list[str], cwd: Path) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the command and its children, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, out.stdout


def report(repo: Path, out: Path) -> tuple[float, float, dict[str, Any]]:
    wall, cpu, stdout = timed([NETGAIN, "report", "--json", "-o", str(out)], repo)
    doc: dict[str, Any] = json.loads(stdout)["metrics"]
    return wall, cpu, doc


def load() -> float:
    return os.getloadavg()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--warm-runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        subprocess.run(["git", "clone", "-q", str(args.repo.resolve()), str(repo)], check=True)
        commits = int(
            subprocess.run(
                ["git", "rev-list", "--count", "HEAD"],
                cwd=repo,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        html = Path(tmp) / "report.html"
        figures: dict[str, Any] = {"repository": str(args.repo), "commits": commits}
        figures["load_before_cold"] = load()
        cold = []
        doc: dict[str, Any] = {}
        while True:
            wall, cpu, doc = report(repo, html)
            cold.append({"wall": round(wall, 2), "cpu": round(cpu, 2)})
            pending = (doc["sections"]["defect_density"].get("fill") or "").split(" fix ")[0]
            if doc["sections"]["defect_density"]["status"] != "partial" or len(cold) >= 10:
                break
            print(f"cold run {len(cold)}: {wall:.1f} s, SZZ pending {pending}", file=sys.stderr)
        figures["cold_runs"] = cold
        figures["load_before_warm"] = load()
        warm = [report(repo, html)[:2] for _ in range(args.warm_runs)]
        walls = [w for w, _c in warm]
        figures["warm_wall_best"] = round(min(walls), 2)
        figures["warm_wall_median"] = round(statistics.median(walls), 2)
        figures["warm_cpu_median"] = round(statistics.median(c for _w, c in warm), 2)
        figures["load_before_git_log"] = load()
        log = [
            timed(["git", "log", "--numstat", "--format=%H %an %ae %at %s", "HEAD"], repo)[:2]
            for _ in range(3)
        ]
        figures["git_log_wall_best"] = round(min(w for w, _c in log), 2)
        figures["warm_over_git_log"] = round(figures["warm_wall_best"] / min(w for w, _c in log), 1)
        figures["sections"] = {k: v["status"] for k, v in doc["sections"].items()}
        figures["sources"] = {k: v["source"] for k, v in doc["sections"].items() if v["source"]}
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    filled = sum(1 for s in figures["sections"].values() if s != "empty")
    print(f"{figures['repository']}: {commits} commits")
    print(f"sections filled: {filled} of {len(figures['sections'])}")
    for key, status in figures["sections"].items():
        print(f"  {key:22} {status:8} {figures['sources'].get(key, '')}")
    for i, run in enumerate(cold, 1):
        print(f"cold run {i}: {run['wall']:.1f} s wall, {run['cpu']:.1f} s CPU")
    print(
        f"warm: best {figures['warm_wall_best']:.2f} s, median {figures['warm_wall_median']:.2f} s"
        f" wall, {figures['warm_cpu_median']:.2f} s CPU (load {figures['load_before_warm']:.1f})"
    )
    print(
        f"plain git log --numstat: {figures['git_log_wall_best']:.2f} s; "
        f"warm report / git log: {figures['warm_over_git_log']}x"
    )


if __name__ == "__main__":
    main()
