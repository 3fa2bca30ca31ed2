"""How much each evidence class under-counts, measured against git-ai notes (issue 15, item 6).

    .venv/bin/python benchmarks/provenance_coverage.py REPO [REPO ...]

For every commit of REPO that carries a git-ai note (`refs/notes/ai`) and whose object is in the
clone, the note's line-level attribution (attested lines intersected with the lines the commit
added) is the truth. The same commit is then attributed by commit markers alone (trailers, bot
authors, footers: what a repository without notes gives). Printed per tool:

* AI lines the notes attest, and how many of them commit markers find (the marker's commit is
  counted whole, as netgain does at commit level, so over-attribution is printed too);
* noted commits, and noted commits that carry any marker.

Also printed: where the notes sit (reachable from the default branch, only from pull-request
refs, or on commits the clone does not have): squash merges leave notes on pre-squash commits.
The run never executes repository code; it reads git objects only.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from netgain import git
from netgain.git.log import iter_commits
from netgain.provenance import AuthorKind, attribute_commit, builtin_markers, parse_note
from netgain.provenance.gitai import NoteFormatError


def _reachable(repo: Path, ref: str) -> set[str]:
    out = subprocess.run(
        ["git", "-C", str(repo), "rev-list", ref], capture_output=True, text=True, check=False
    )
    return set(out.stdout.split())


def _refs(repo: Path, prefix: str) -> list[str]:
    out = git.run_git(repo, "for-each-ref", "--format=%(refname)", prefix).decode()
    return [r for r in out.split("\n") if r]


def measure(repo: Path) -> None:
    start = time.perf_counter()
    notes = git.read_notes(repo, "refs/notes/ai")
    head = git.rev_parse(repo, "HEAD")
    main = _reachable(repo, head) if head else set()
    pulls = set()
    for ref in _refs(repo, "refs/pull"):
        pulls |= _reachable(repo, ref)
    present = {sha for sha in notes if git.object_exists(repo, sha)}
    print(f"## {repo}")
    print(
        f"notes {len(notes)}: on the default branch {len(set(notes) & main)}, only on "
        f"pull-request refs {len((set(notes) & pulls) - main)}, commit absent from the clone "
        f"{len(set(notes) - present)}"
    )
    rules = builtin_markers()
    wanted = sorted(present)
    commits = {c.sha: c for c in iter_commits(repo, wanted, oldest_first=False) if c.sha in notes}
    added = {
        sha: {d.path: list(d.added) for d in diffs}
        for sha, diffs in git.iter_commit_diffs(repo, sorted(commits))
    }
    truth: Counter[str] = Counter()
    found: Counter[str] = Counter()
    over: Counter[str] = Counter()
    noted: Counter[str] = Counter()
    marked: Counter[str] = Counter()
    bad = 0
    with_marker = 0
    for sha, commit in commits.items():
        try:
            note = parse_note(notes[sha], sha)
        except NoteFormatError:
            bad += 1
            continue
        lines = added.get(sha, {})
        line_level = attribute_commit(commit, added=lines, note=note, markers=())
        by_markers = attribute_commit(commit, added=lines, note=None, markers=rules)
        marker_tools = {e.tool for e in by_markers.evidence if e.author is AuthorKind.AI}
        with_marker += bool(marker_tools)
        for share in line_level.by_tool:
            tool = share.tool or "unnamed"
            truth[tool] += share.lines
            noted[tool] += 1
            if by_markers.counts.ai:
                found[tool] += share.lines
                marked[tool] += 1
        if by_markers.counts.ai and marker_tools:
            over["all"] += max(0, by_markers.counts.ai - line_level.counts.ai)
    seconds = time.perf_counter() - start
    print(f"noted commits read {len(commits)}, unparsable notes {bad}")
    print(
        "| tool (per note) | AI lines (notes) | found by markers | share | noted commits | "
        "with a marker |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for tool, lines in truth.most_common():
        share = found[tool] / lines if lines else 0.0
        print(
            f"| {tool} | {lines} | {found[tool]} | {share:.0%} | {noted[tool]} | {marked[tool]} |"
        )
    total = sum(truth.values())
    share_all = sum(found.values()) / total if total else 0.0
    print(
        f"| all | {total} | {sum(found.values())} | {share_all:.0%} | "
        f"{len(commits)} | {with_marker} |"
    )
    print(f"lines markers attribute beyond the notes' AI lines: {over['all']}")
    print(f"time {seconds:.2f}s")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("repos", nargs="+", type=Path)
    for repo in parser.parse_args(argv).repos:
        measure(repo)
    return 0


if __name__ == "__main__":
    sys.exit(main())
