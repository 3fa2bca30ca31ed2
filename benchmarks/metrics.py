"""Ingest-to-report time on a generated history, against what a user would otherwise script.

    .venv/bin/python benchmarks/metrics.py [--commits 100000] [--pydriller-commits 3000] [--repo PATH]

Times, each in a subprocess:
  * netgain: `netgain ingest` into a fresh SQLite store, then `netgain report --no-rework --no-szz`
    (the metrics document and the HTML file; SZZ and rework, which PyDriller's script does not
    compute, left out); with --with-rework, `netgain report --no-szz` again with rework measured
    from the history (benchmarks/report_dayone.py times the whole day-one report);
  * the baseline a user would otherwise pick: a PyDriller script computing the same weekly
    throughput (changes, lines added, AI-trailer lines) on a prefix of the history, extrapolated to
    the whole history by its commits-per-second rate.
Prints ratios; absolute times vary with the machine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NETGAIN = str(Path(sys.executable).with_name("netgain"))

PYDRILLER_SCRIPT = """
import sys, time, collections
from pydriller import Repository
start = time.perf_counter()
weeks = collections.defaultdict(lambda: [0, 0, 0])
n = 0
for commit in Repository(sys.argv[1], order="reverse", only_no_merge=True).traverse_commits():
    key = commit.author_date.isocalendar()[:2]
    row = weeks[key]
    row[0] += 1
    row[1] += commit.insertions
    if "co-authored-by: claude" in commit.msg.lower() or "copilot" in commit.msg.lower():
        row[2] += commit.insertions
    n += 1
    if n >= int(sys.argv[2]):
        break
print(n, time.perf_counter() - start)
"""


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def commit_count(repo: Path) -> int:
    out = subprocess.run(
        ["git", "-C", str(repo), "rev-list", "--count", "--no-merges", "HEAD"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=100_000)
    parser.add_argument("--pydriller-commits", type=int, default=3000)
    parser.add_argument("--repo", type=Path, default=None)
    parser.add_argument(
        "--with-rework", action="store_true", help="Also time a report with rework measured."
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        repo = args.repo
        if repo is None:
            sys.path.insert(0, str(HERE.parent))
            from benchmarks.make_history import make_history

            start = time.perf_counter()
            repo = make_history(work / "repo", commits=args.commits)
            print(f"generated {args.commits} commits in {time.perf_counter() - start:.1f} s")
        n = commit_count(repo)
        db = f"sqlite:///{work / 'store.db'}"
        print(f"history: {n} non-merge commits", flush=True)
        ingest = timed([NETGAIN, "ingest", "--db", db], repo)
        print(f"netgain ingest:                         {ingest:8.1f} s", flush=True)
        report = timed(
            [NETGAIN, "report", "--db", db, "--no-rework", "--no-szz", "-o", str(work / "r.html")],
            repo,
        )
        print(f"netgain report (metrics + HTML):        {report:8.1f} s", flush=True)
        if args.with_rework:
            rework = timed(
                [NETGAIN, "report", "--db", db, "--no-szz", "-o", str(work / "r2.html")], repo
            )
            print(f"netgain report with rework:             {rework:8.1f} s", flush=True)
        out = subprocess.run(
            [sys.executable, "-c", PYDRILLER_SCRIPT, str(repo), str(args.pydriller_commits)],
            check=True,
            capture_output=True,
            text=True,
        )
        done, seconds = out.stdout.split()
        rate = int(done) / float(seconds)
        pydriller_total = n / rate
        netgain_total = ingest + report
        print(f"netgain ingest-to-report:               {netgain_total:8.1f} s")
        print(
            f"PyDriller weekly throughput only:       {pydriller_total:8.1f} s "
            f"(extrapolated from {done} commits at {rate:.0f} commits/s)"
        )
        print(f"ratio PyDriller / netgain ingest-to-report: {pydriller_total / netgain_total:.1f}x")


if __name__ == "__main__":
    main()
