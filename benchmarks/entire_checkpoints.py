"""Entire checkpoints as evidence with counts, against the trailer marker alone (issue 15).

    .venv/bin/python benchmarks/entire_checkpoints.py REPO [REPO ...]

REPO must hold Entire's checkpoint branch (`entire/checkpoints/v1`, local or remote-tracking).
For every commit of HEAD with an `Entire-Checkpoint` trailer, the commit is attributed twice: by
markers alone (what a reader of trailers gives: the whole commit is AI) and by the checkpoint's
counts (what netgain now does). Printed: how many commits the counts attribute, how many
checkpoints describe another change (not used), the AI / human / unknown lines each way, and the
time to read the branch. Git objects are read, nothing is executed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from netgain import git
from netgain.git.log import iter_commits
from netgain.history.entire_branch import read_checkpoints
from netgain.provenance import attribute_commit, builtin_markers
from netgain.provenance.entire import checkpoint_ids


def measure(repo: Path) -> None:
    start = time.perf_counter()
    checkpoints, problems = read_checkpoints(repo)
    read_seconds = time.perf_counter() - start
    head = git.rev_parse(repo, "HEAD")
    rules = builtin_markers()
    commits = [
        c
        for c in iter_commits(repo, [head] if head else [])
        if checkpoint_ids(c) and not c.is_merge
    ]
    markers: Counter[str] = Counter()
    counted: Counter[str] = Counter()
    used = unused = absent = 0
    for commit in commits:
        ids = checkpoint_ids(commit)
        checkpoint = next((checkpoints[i] for i in ids if i in checkpoints), None)
        absent += checkpoint is None
        by_markers = attribute_commit(commit, added=None, note=None, markers=rules)
        by_counts = attribute_commit(
            commit, added=None, note=None, markers=rules, checkpoint=checkpoint
        )
        uses = any(e.kind == "session-record" for e in by_counts.evidence)
        used += uses
        unused += checkpoint is not None and not uses
        for name, result in (("markers", by_markers), ("counts", by_counts)):
            tally = markers if name == "markers" else counted
            tally["ai"] += result.counts.ai
            tally["human"] += result.counts.human
            tally["unknown"] += result.counts.unknown
    print(f"## {repo}")
    print(
        f"checkpoints with counts on the branch {len(checkpoints)} (read in {read_seconds:.2f}s, "
        f"{len(problems)} unreadable); commits with a checkpoint trailer {len(commits)}: "
        f"attributed by counts {used}, counts for another change (not used) {unused}, "
        f"no counts for the checkpoint (absent, or no attribution recorded) {absent}"
    )
    print("| reading | AI lines | human lines (declared) | unknown lines |")
    print("| --- | ---: | ---: | ---: |")
    for name, tally in (("trailer markers alone", markers), ("checkpoint counts", counted)):
        print(f"| {name} | {tally['ai']} | {tally['human']} | {tally['unknown']} |")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("repos", nargs="+", type=Path)
    for repo in parser.parse_args(argv).repos:
        measure(repo)
    return 0


if __name__ == "__main__":
    sys.exit(main())
