"""Ingest and share speed: netgain vs the floor (bare git) vs PyDriller, side by side in one run.

    .venv/bin/python benchmarks/ingest.py [--commits 50000] [--pydriller-commits 2000] [--repo PATH]
    .venv/bin/python benchmarks/ingest.py --real-only --repo PATH [--repo PATH] [--runs 3]
        [--baseline OLD/src]

Builds a synthetic history with benchmarks/make_history.py (or uses --repo), then times, each in
its own subprocess of this process tree:
  * the floor: `git log --numstat -z` with netgain's format, read to /dev/null;
  * `netgain ingest` into a fresh SQLite store (history, numstat, trailers, notes, attribution);
  * PyDriller iterating the same commits with their modified files (on a prefix of the history,
    reported as commits per second because a full run takes many minutes);
  * `netgain share A..B` against the bare `git blame --porcelain -M -C -C -C A..B` calls it needs,
    run one after another.
Prints ratios; absolute times vary with the machine.

`--real-only` measures just ingest against the floor on each `--repo`, runs alternating (git,
ingest, git, ingest, ...) so that both see the same machine load, with the exact `git log`
arguments netgain's reader uses (`netgain.git.log`), and prints each run's ratio and the median.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NETGAIN = str(Path(sys.executable).with_name("netgain"))
LOG_FORMAT = "--format=%x00%H%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B%x00"


def timed(cmd: list[str], **kwargs: object) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kwargs)  # type: ignore[call-overload]
    return time.perf_counter() - start


def best_of(runs: int, cmd: list[str], **kwargs: object) -> float:
    return min(timed(cmd, **kwargs) for _ in range(runs))


def commit_count(repo: Path) -> int:
    out = subprocess.run(
        ["git", "-C", str(repo), "rev-list", "--count", "HEAD"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout)


PYDRILLER_SCRIPT = """
import sys, time
from pydriller import Repository
start = time.perf_counter()
n = 0
for commit in Repository(sys.argv[1], order="reverse").traverse_commits():
    for m in commit.modified_files:
        m.added_lines, m.deleted_lines
    n += 1
    if n >= int(sys.argv[2]):
        break
print(n, time.perf_counter() - start)
"""


def pydriller_rate(repo: Path, limit: int) -> tuple[int, float]:
    out = subprocess.run(
        [sys.executable, "-c", PYDRILLER_SCRIPT, str(repo), str(limit)],
        check=True,
        capture_output=True,
        text=True,
    )
    n, seconds = out.stdout.split()
    return int(n), float(seconds)


def bench_ingest(repo: Path, pydriller_commits: int, runs: int) -> dict[str, float]:
    n = commit_count(repo)
    floor = best_of(runs, ["git", "-C", str(repo), "log", "-z", "--numstat", "-M", LOG_FORMAT])
    ingest_times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            db = f"sqlite:///{tmp}/bench.db"
            ingest_times.append(timed([NETGAIN, "ingest", str(repo), "--db", db, "--json"]))
    ingest = min(ingest_times)
    pd_n, pd_seconds = pydriller_rate(repo, pydriller_commits)
    pd_rate = pd_n / pd_seconds
    netgain_rate = n / ingest
    print(f"\n## ingest: {repo} ({n} commits)")
    print("| tool | time | commits/s | vs floor |")
    print("|---|---|---|---|")
    print(f"| git log --numstat (floor) | {floor:.2f}s | {n / floor:,.0f} | 1.00x |")
    print(
        f"| netgain ingest (SQLite) | {ingest:.2f}s | {netgain_rate:,.0f} | {ingest / floor:.2f}x |"
    )
    print(
        f"| PyDriller (first {pd_n} commits) | {pd_seconds:.2f}s | {pd_rate:,.0f} | "
        f"{(n / pd_rate) / floor:.1f}x (extrapolated) |"
    )
    print(f"netgain ingest is {netgain_rate / pd_rate:.1f}x faster than PyDriller per commit")
    return {
        "floor": floor,
        "ingest": ingest,
        "pydriller_rate": pd_rate,
        "netgain_rate": netgain_rate,
    }


def bench_share(repo: Path, base: str, head: str) -> None:
    files = subprocess.run(
        ["git", "-C", str(repo), "diff", "--name-only", "-z", "--diff-filter=d", base, head],
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    paths = [os.fsdecode(f) for f in files if f]
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{tmp}/bench.db"
        subprocess.run(
            [NETGAIN, "ingest", str(repo), "--db", db, "--json"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        share = timed([NETGAIN, "share", f"{base}..{head}", "-C", str(repo), "--db", db, "--json"])
    start = time.perf_counter()
    for path in paths:
        subprocess.run(
            [
                "git",
                "-C",
                str(repo),
                "blame",
                "--porcelain",
                "-M",
                "-C",
                "-C",
                "-C",
                f"{base}..{head}",
                "--",
                path,
            ],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    bare = time.perf_counter() - start
    print(f"\n## share {base}..{head} on {repo} ({len(paths)} files)")
    print("| tool | time | vs sequential git blame |")
    print("|---|---|---|")
    print(f"| git blame -M -C -C -C, one file after another | {bare:.2f}s | 1.00x |")
    print(
        f"| netgain share (parallel blame + attribution, incl. start-up) | {share:.2f}s | "
        f"{share / bare:.2f}x |"
    )


def netgain_log_cmd(repo: Path) -> list[str]:
    """The `git log` netgain's reader runs for a full ingest of HEAD (same options, same format)."""
    from netgain.git.log import _log_args

    return ["git", "-C", str(repo), *_log_args(True), "--numstat", "-M", "HEAD", "--"]


def timed_cpu(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command and every process it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def bench_side_by_side(repo: Path, runs: int, baseline: Path | None) -> None:
    """Alternating runs of git, (baseline ingest,) ingest; medians of wall and CPU time.

    Wall time on a loaded machine swings by 2x between runs, so every run's ratio is printed and
    CPU time (user + system of the process tree, git included) is reported beside it: it moves
    far less with load. `baseline` is another checkout's `src` folder (e.g. main's, from
    `git archive`), run by the same interpreter, for a before/after under the same load.
    """
    n = commit_count(repo)
    tools: dict[str, tuple[list[str], dict[str, str] | None]] = {
        "git": (netgain_log_cmd(repo), None)
    }
    if baseline is not None:
        env = {**os.environ, "PYTHONPATH": str(baseline)}
        tools["baseline ingest"] = ([sys.executable, "-c", RUN_NETGAIN, "ingest"], env)
    tools["ingest"] = ([sys.executable, "-c", RUN_NETGAIN, "ingest"], None)
    walls: dict[str, list[float]] = {name: [] for name in tools}
    cpus: dict[str, list[float]] = {name: [] for name in tools}
    print(f"\n## ingest side by side: {repo} ({n} commits)")
    print("| run | tool | wall | CPU | wall / git wall | CPU / git CPU |")
    print("|---|---|---|---|---|---|")
    for i in range(runs):
        for name, (cmd, env) in tools.items():
            with tempfile.TemporaryDirectory() as tmp:
                full = (
                    cmd
                    if name == "git"
                    else [*cmd, str(repo), "--db", f"sqlite:///{tmp}/b.db", "--json"]
                )
                wall, cpu = timed_cpu(full, env)
            walls[name].append(wall)
            cpus[name].append(cpu)
            print(
                f"| {i + 1} | {name} | {wall:.2f}s | {cpu:.2f}s | "
                f"{wall / walls['git'][-1]:.2f}x | {cpu / cpus['git'][-1]:.2f}x |"
            )
    git_wall, git_cpu = statistics.median(walls["git"]), statistics.median(cpus["git"])
    for name in tools:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        print(
            f"median {name}: wall {wall:.2f}s ({wall / git_wall:.2f}x git), "
            f"CPU {cpu:.2f}s ({cpu / git_cpu:.2f}x git)"
        )


RUN_NETGAIN = "import sys; from netgain.cli.app import main; sys.argv[0] = 'netgain'; main()"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--commits", type=int, default=50_000)
    parser.add_argument("--pydriller-commits", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--repo",
        type=Path,
        action="append",
        default=[],
        help="a real repository to measure too (repeatable)",
    )
    parser.add_argument(
        "--real-only",
        action="store_true",
        help="only ingest vs git log on each --repo, alternating runs (no synthetic, no share)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="with --real-only: a `src` folder of another version, ingested alternately too",
    )
    args = parser.parse_args()
    if args.real_only:
        for repo in args.repo:
            bench_side_by_side(repo, args.runs, args.baseline)
        return

    sys.path.insert(0, str(HERE))
    from make_history import make_history  # type: ignore[import-not-found]

    with tempfile.TemporaryDirectory() as tmp:
        synthetic = Path(tmp) / "synthetic"
        start = time.perf_counter()
        make_history(synthetic, commits=args.commits)
        print(f"generated {args.commits} commits in {time.perf_counter() - start:.1f}s")
        bench_ingest(synthetic, args.pydriller_commits, args.runs)
        bench_share(synthetic, "HEAD~200", "HEAD")
        for repo in [ROOT, *args.repo]:
            bench_ingest(repo, args.pydriller_commits, args.runs)
            if commit_count(repo) > 20:
                bench_share(repo, "HEAD~20", "HEAD")


if __name__ == "__main__":
    main()
