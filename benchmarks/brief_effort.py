"""Effort@20% recall of the review brief on real histories: does reading the brief's top 20% of
added lines find the lines that later turned out defective?

    .venv/bin/python benchmarks/brief_effort.py CLONE... [--skip 150] [--commits 120] [--json OUT]
    .venv/bin/python benchmarks/brief_effort.py --pool OUT.REPO.json...

Each CLONE is a clone of a public repository (`netgain ingest CLONE` first, or it is ingested
here). For every non-merge commit in the window (the COMMITS commits before the newest SKIP, so
each has later history in which a fix can find it), the gate runs in process against the commit's
first parent and the brief's ranking (`policy.brief.rank_change`) orders the commit's added lines:
the brief's items first, in their order, then the rest in the baseline's order. The same lines
are also ordered by two size baselines from the effort-aware just-in-time defect prediction
literature, applied inside a change:

* largest file first: lines of the file with the most added lines first, top to bottom (the
  size-ordered baseline of issue 18; "LT"/largest-first in Kamei et al. 2013);
* smallest file first: the reverse ("ManualUp", Yang et al. 2016; the strong one under effort).

Defect lines are the commit's added lines in code files that netgain's SZZ (the default variant,
run here on every fix commit of the history by `metrics.derive.szz_on_fixes`) links to a later fix
as bug-introducing (`szz_links.inducing_lines`). Finding lines are the lines of `netgain scan`
findings at the clone's HEAD (sink and trace) that `git blame` gives to a commit of the window, at
the line the commit wrote. Effort@20% recall is the share of those lines that fall in the first
ceil(20%) of the commit's added lines, pooled over the window (each line counts once), with a
Wilson 95% interval, and the mean of the per-change recalls (one large change cannot carry it);
a random order is expected to reach 20%. `--json OUT` writes, per repository, each change's target
ranks under each order; `--pool` sums such dumps into one figure.

Reported twice: over every commit of the window (the ranking as if every change got a brief),
and over the commits the default policy sends to a senior or an owner (those that get one).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from sqlalchemy import select  # noqa: E402

from benchmarks.brief import check_options  # noqa: E402
from netgain.cli.check import run_check  # noqa: E402
from netgain.cli.history import open_workspace, run_ingest  # noqa: E402
from netgain.errors import ConfigError  # noqa: E402
from netgain.metrics.derive import SZZ_VARIANT, szz_on_fixes  # noqa: E402
from netgain.policy.brief import Brief, brief_order, build_brief, rank_change  # noqa: E402
from netgain.policy.evaluate import Decision  # noqa: E402
from netgain.policy.facts import ChangeContext  # noqa: E402
from netgain.risk.paths import path_kind  # noqa: E402
from netgain.store.models import Repository  # noqa: E402
from netgain.store.outcome_models import SzzLink  # noqa: E402

Line = tuple[str, int]
TOP = 0.2


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


def window(repo: Path, skip: int, count: int) -> list[str]:
    """Non-merge commits with a parent: COUNT of them, after the newest SKIP."""
    out = git(repo, "rev-list", "--no-merges", f"--skip={skip}", f"--max-count={count}", "HEAD")
    return [c for c in out.split() if c and git(repo, "rev-list", "--parents", "-n1", c).count(" ")]


def defect_lines(repo: Path, shas: set[str]) -> tuple[dict[str, set[Line]], int]:
    """SZZ on every fix commit of the history, then the window's bug-introducing code lines."""
    ws = open_workspace(repo, None)
    run_ingest(ws, ["HEAD"], quiet=True)
    with ws.engine.connect() as conn:
        repo_id = conn.execute(
            select(Repository.id).where(Repository.root_path == str(ws.root))
        ).scalar_one()
    progress = szz_on_fixes(ws.engine, repo_id, ws.root, {}, budget_seconds=3600)
    out: dict[str, set[Line]] = {}
    with ws.engine.connect() as conn:
        rows = conn.execute(
            select(SzzLink.inducing_sha, SzzLink.inducing_path, SzzLink.inducing_lines).where(
                SzzLink.repository_id == repo_id, SzzLink.variant == SZZ_VARIANT
            )
        ).all()
    for sha, path, lines in rows:
        if sha in shas and path_kind(path) == "code":
            out.setdefault(sha, set()).update((path, int(n)) for n in lines)
    ws.engine.dispose()
    return out, progress.fixes


def finding_lines(repo: Path, shas: set[str]) -> tuple[dict[str, set[Line]], int]:
    """`netgain scan` at HEAD; each finding line blamed to the commit (and line) that wrote it."""
    netgain = str(Path(sys.executable).with_name("netgain"))
    proc = subprocess.run(
        [netgain, "scan", str(repo), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode not in (0, 1):
        raise SystemExit(f"netgain scan {repo} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    doc = json.loads(proc.stdout)
    wanted: set[Line] = set()
    for finding in doc.get("findings", []):
        wanted.add((finding["location"]["path"], int(finding["location"]["line"])))
        for step in finding.get("trace", []):
            wanted.add((step["path"], int(step["line"])))
    out: dict[str, set[Line]] = {}
    for path, line in sorted(wanted):
        span = f"{line},{line}"
        blame = subprocess.run(
            ["git", "-C", str(repo), "blame", "--porcelain", "-L", span, "HEAD", "--", path],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        head = blame.split("\n", 1)[0].split()
        if len(head) < 2:
            continue
        origin_path = path
        for row in blame.splitlines():
            if row.startswith("filename "):
                origin_path = row[len("filename ") :]
        if head[0] in shas:
            out.setdefault(head[0], set()).add((origin_path, int(head[1])))
    return out, len(doc.get("findings", []))


def by_size(added: dict[str, set[int]], largest_first: bool) -> list[Line]:
    """Lines of the largest (or smallest) file first, top to bottom; ties by path."""
    sign = -1 if largest_first else 1
    paths = sorted(added, key=lambda p: (sign * len(added[p]), p))
    return [(p, n) for p in paths for n in sorted(added[p])]


def brief_then(brief: Brief, rest: list[Line]) -> list[Line]:
    """The brief's lines first, then the other added lines in the baseline's order."""
    first = brief_order(brief)
    seen = set(first)
    return first + [key for key in rest if key not in seen]


@dataclass
class Tally:
    """Hits in the top 20% per ordering over one set of changes: pooled over lines, and the
    mean of the per-change recalls (so one large change cannot carry the figure)."""

    changes: int = 0
    changes_with_targets: int = 0
    lines: int = 0
    targets: int = 0
    hits: dict[str, int] = field(default_factory=dict)
    recalls: dict[str, list[float]] = field(default_factory=dict)

    def add(self, orders: dict[str, list[Line]], targets: set[Line]) -> None:
        self.changes += 1
        n = len(next(iter(orders.values())))
        self.lines += n
        if not targets:
            return
        self.changes_with_targets += 1
        self.targets += len(targets)
        k = math.ceil(TOP * n)
        for name, order in orders.items():
            found = len(set(order[:k]) & targets)
            self.hits[name] = self.hits.get(name, 0) + found
            self.recalls.setdefault(name, []).append(found / len(targets))


def wilson(hits: int, n: int) -> tuple[float, float]:
    if n == 0:
        return (0.0, 0.0)
    z = 1.96
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (centre - half, centre + half)


@dataclass
class Change:
    sha: str
    brief: Brief
    needed: bool
    added: dict[str, set[int]]


def rank(repo: Path, sha: str) -> Change | None:
    kept: list[Change] = []

    def hook(ctx: ChangeContext, decision: Decision) -> None:
        needed = build_brief(ctx, decision).needed
        added = {p: set(lines) for p, lines in ctx.added.items() if lines}
        kept.append(Change(sha, rank_change(ctx), needed, added))

    try:
        run_check(**check_options(repo, sha, hook))
    except ConfigError as exc:  # the gate refuses a base whose configuration is invalid
        print(f"  skipped {sha[:12]}: {exc}", flush=True)
        return None
    [change] = kept
    return change


ORDERS = ("brief", "largest-first", "smallest-first")


def orders_of(change: Change) -> dict[str, list[Line]]:
    largest = by_size(change.added, largest_first=True)
    return {
        "brief": brief_then(change.brief, largest),
        "largest-first": largest,
        "smallest-first": by_size(change.added, largest_first=False),
    }


def tally(changes: Iterable[Change], targets: dict[str, set[Line]]) -> Tally:
    out = Tally()
    for change in changes:
        added = {(p, n) for p, lines in change.added.items() for n in lines}
        out.add(orders_of(change), targets.get(change.sha, set()) & added)
    return out


def show(label: str, t: Tally) -> list[str]:
    rows = [
        f"  {label}: {t.changes} changes, {t.lines} added lines; "
        f"{t.targets} target lines in {t.changes_with_targets} changes"
    ]
    for name in ORDERS:
        hits = t.hits.get(name, 0)
        low, high = wilson(hits, t.targets)
        share = hits / t.targets if t.targets else 0.0
        recalls = t.recalls.get(name, [])
        mean = sum(recalls) / len(recalls) if recalls else 0.0
        rows.append(
            f"    {name:<15} Effort@20% recall {share:6.1%} ({hits}/{t.targets}) "
            f"[{low:.0%}-{high:.0%}]; per-change mean {mean:6.1%}"
        )
    return rows


def dump(
    path: Path, changes: list[Change], defects: dict[str, set[Line]], findings: dict[str, set[Line]]
) -> None:
    """Per change: added lines, brief lines, and each target's rank under each ordering."""
    rows = []
    for change in changes:
        orders = orders_of(change)
        added = {(p, n) for p, lines in change.added.items() for n in lines}
        row: dict[str, Any] = {
            "sha": change.sha,
            "needed": change.needed,
            "added": len(added),
            "brief_lines": change.brief.lines_in_brief,
            "kinds": sorted({i.kind for i in change.brief.items}),
        }
        for label, targets in (("defects", defects), ("findings", findings)):
            wanted = targets.get(change.sha, set()) & added
            row[label] = {
                name: sorted(i for i, key in enumerate(order) if key in wanted)
                for name, order in orders.items()
            }
        rows.append(row)
    path.write_text(json.dumps(rows, indent=1), encoding="utf-8")


def pool(paths: list[Path]) -> None:
    """The figures over several repositories' `--json` dumps, as if run together."""
    rows = [row for path in paths for row in json.loads(path.read_text(encoding="utf-8"))]
    for label in ("defects", "findings"):
        for subset, chosen in (
            ("all commits", rows),
            ("briefed commits", [r for r in rows if r["needed"]]),
        ):
            t = Tally()
            for row in chosen:
                t.changes += 1
                t.lines += row["added"]
                ranks = row[label]
                n = len(ranks["brief"])
                if not n:
                    continue
                t.changes_with_targets += 1
                t.targets += n
                k = math.ceil(TOP * row["added"])
                for name in ORDERS:
                    found = sum(1 for i in ranks[name] if i < k)
                    t.hits[name] = t.hits.get(name, 0) + found
                    t.recalls.setdefault(name, []).append(found / n)
            for line in show(f"{label}, {subset}", t):
                print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("repos", type=Path, nargs="*")
    parser.add_argument("--skip", type=int, default=150)
    parser.add_argument("--commits", type=int, default=120)
    parser.add_argument("--no-findings", action="store_true", help="Skip the HEAD scan.")
    parser.add_argument("--json", type=Path, help="Write per-change line orders' hits here.")
    parser.add_argument(
        "--pool", type=Path, nargs="+", help="Pool earlier --json dumps instead of running."
    )
    args = parser.parse_args()
    if args.pool:
        pool(args.pool)
        return
    totals: dict[str, list[Change]] = {}
    all_defects: dict[str, set[Line]] = {}
    all_findings: dict[str, set[Line]] = {}
    for repo in args.repos:
        began = time.perf_counter()
        shas = window(repo, args.skip, args.commits)
        defects, fixes = defect_lines(repo, set(shas))
        findings, scanned = ({}, 0) if args.no_findings else finding_lines(repo, set(shas))
        ranked = [rank(repo, sha) for sha in shas]
        changes = [c for c in ranked if c is not None]
        totals[str(repo)] = changes
        all_defects |= defects
        all_findings |= findings
        if args.json is not None:
            dump(args.json.with_suffix(f".{repo.name}.json"), changes, defects, findings)
        print(
            f"{repo.name}: {len(changes)} commits ({shas[-1][:8]}..{shas[0][:8]}), "
            f"{fixes} fix commits analysed by SZZ, {scanned} findings at HEAD, "
            f"{time.perf_counter() - began:.0f} s"
        )
        needed = [c for c in changes if c.needed]
        for line in (
            show("SZZ defect lines, all commits", tally(changes, defects))
            + show("SZZ defect lines, briefed commits", tally(needed, defects))
            + show("finding lines, all commits", tally(changes, findings))
        ):
            print(line, flush=True)
    everything = [c for cs in totals.values() for c in cs]
    print("all repositories:")
    for line in (
        show("SZZ defect lines, all commits", tally(everything, all_defects))
        + show(
            "SZZ defect lines, briefed commits",
            tally([c for c in everything if c.needed], all_defects),
        )
        + show("finding lines, all commits", tally(everything, all_findings))
    ):
        print(line)


if __name__ == "__main__":
    main()
