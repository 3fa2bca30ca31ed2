"""The review brief on a real history: how much of a senior review it spares, and what it costs.

    .venv/bin/python benchmarks/brief.py REPO [--commits 30]

For the last COMMITS non-merge commits of REPO (a clone; ingest writes REPO/.netgain), runs the
gate in process on each commit against its parent, with the brief hook, and prints:

* how many changes the gate sends to a senior or an owner (those get a brief);
* for those, the added lines a senior reads without a brief (the whole diff, what `git diff`
  shows) against the lines the brief puts first: the attention it concentrates;
* the time to build and render the brief against the time of the whole `netgain check`.

It measures concentration and cost, not accuracy: whether later defects fall in the brief's lines
(Effort@20%, issue 18) is not measured here yet.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from netgain.cli.check import run_check  # noqa: E402
from netgain.policy.brief import Brief, build_brief  # noqa: E402
from netgain.policy.evaluate import Decision  # noqa: E402
from netgain.policy.facts import ChangeContext  # noqa: E402
from netgain.report.brief import render_brief  # noqa: E402


def commits(repo: Path, n: int) -> list[str]:
    out = subprocess.run(
        ["git", "-C", str(repo), "rev-list", "--no-merges", f"--max-count={n}", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [c for c in out.split() if c]


def check_options(
    repo: Path, sha: str, hook: Callable[[ChangeContext, Decision], None]
) -> dict[str, Any]:
    """`run_check` arguments for the commit `sha` against its first parent, with `hook` seeing
    what the gate gathered and decided; nothing is recorded."""
    return {
        "repo": repo,
        "base": f"{sha}^",
        "head": sha,
        "event": None,
        "reviews": None,
        "author": None,
        "approved_by": [],
        "pr_body": None,
        "coverage": None,
        "policy_path": None,
        "review_load": None,
        "labels": [],
        "db": None,
        "fetch_reviews": False,
        "record": False,
        "on_decision": hook,
    }


def one(repo: Path, sha: str) -> tuple[Brief, float, float]:
    """The brief for sha^..sha, the brief's own time and the whole check's time."""
    kept: list[tuple[Brief, float]] = []

    def hook(ctx: ChangeContext, decision: Decision) -> None:
        t = time.perf_counter()
        brief = build_brief(ctx, decision)
        render_brief(brief)
        kept.append((brief, time.perf_counter() - t))

    t = time.perf_counter()
    run_check(**check_options(repo, sha, hook))
    total = time.perf_counter() - t
    [(brief, spent)] = kept
    return brief, spent, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--commits", type=int, default=30)
    args = parser.parse_args()
    shas = commits(args.repo, args.commits + 1)[:-1]  # the root commit has no parent
    run_check_seconds = brief_seconds = 0.0
    needed = diff_lines = brief_lines = items = 0
    for sha in shas:
        brief, spent, total = one(args.repo, sha)
        brief_seconds += spent
        run_check_seconds += total
        if brief.needed:
            needed += 1
            items += len(brief.items)
            brief_lines += brief.lines_in_brief
            diff_lines += brief.lines_in_brief + sum(brief.low_attention.values())
    print(f"repository: {args.repo}  commits: {len(shas)}")
    print(f"sent to a senior or an owner (brief built): {needed}")
    if needed:
        print(
            f"added lines in those changes (read without a brief): {diff_lines}; "
            f"in the brief: {brief_lines} ({brief_lines / max(diff_lines, 1):.0%}); "
            f"items per brief: {items / needed:.1f}"
        )
    print(
        f"time: brief {brief_seconds * 1000:.1f} ms in total, check {run_check_seconds:.1f} s "
        f"in total; brief / check = {brief_seconds / run_check_seconds:.4f}"
    )


if __name__ == "__main__":
    main()
