"""Where a cold replay's CPU goes: the analysis against everything else (git included).

    python benchmarks/replay_cpu.py REPO N [--out PER_CHANGE.json]

Replays the N most recent merged changes of REPO in this process (cold: `.netgain/cache` is
removed first, no stored facts, the four policies of `benchmarks/replay_policies/`) and prints
the CPU seconds a change of the analysis (the main thread's CPU in the scan of the changed
files, their parses and their imported modules: what incremental analysis can save) and of the
rest (this process outside the analysis, and every git child). Run it with `PYTHONPATH=OLD/src`
to measure another netgain source tree; `--out` writes the per-change JSON to compare two runs.
"""

from __future__ import annotations

import argparse
import functools
import json
import resource
import shutil
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from netgain.cli.policy import replay_document
from netgain.policy import facts

POLICIES = Path(__file__).resolve().parent / "replay_policies"
ANALYSIS = ("_scan_changed", "parse_source", "_imported_modules")
THREAD_CPU: defaultdict[str, float] = defaultdict(float)


def _timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        began = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            THREAD_CPU[name] += time.thread_time() - began

    return timed


def _cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("repo", type=Path)
    parser.add_argument("changes", type=int)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    for name in ANALYSIS:
        setattr(facts, name, _timed(name, getattr(facts, name)))
    shutil.rmtree(args.repo / ".netgain" / "cache", ignore_errors=True)
    own_before, git_before = _cpu()
    began = time.perf_counter()
    doc = replay_document(
        args.repo,
        None,
        since=None,
        policy_paths=[
            POLICIES / f"{n}.toml" for n in ("default", "risk-high", "risk-tiers", "risk-only")
        ],
        reviews=[],
        szz=False,
        quiet=True,
        per_change=True,
        limit=args.changes,
        jobs=1,
        stored_facts=False,
    )
    own_after, git_after = _cpu()
    n = max(1, doc["replayed"])
    total = own_after - own_before + git_after - git_before
    analysis = sum(THREAD_CPU[name] for name in ANALYSIS)
    print(
        f"{doc['replayed']} changes, wall {time.perf_counter() - began:.1f} s; CPU s a change: "
        f"total {total / n:.3f}, analysis {analysis / n:.3f}, rest {(total - analysis) / n:.3f} "
        f"(git {(git_after - git_before) / n:.3f})"
    )
    if args.out is not None:
        args.out.write_text(json.dumps(doc["per_change"], indent=0, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
