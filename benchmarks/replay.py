"""Policy replay on a real history: the trade-off table, and the time per change against the
alternative a user has today (a script running `netgain check` on each merged change, once per
policy), in one process tree on the same machine.

    python benchmarks/replay.py REPO [--since DATE] [--policy FILE]... [--sample N]
    python benchmarks/replay.py REPO --speed N [--jobs J] [--before-src DIR]

REPO is an ingested clone (`netgain ingest REPO`). Without --policy, the candidates in
benchmarks/replay_policies/ are replayed (default.toml first: the baseline). The sample of the N
most recent changes is also run through `netgain check` per policy: its seconds per change give
the ratio, and its tiers must equal the replay's (the replay reuses the gate's code; a mismatch is
printed and makes the exit status 1).

`--speed N` measures the replay itself over the N most recent changes, in one process tree: cold
(every cache removed first: scan cache, stored facts) in one process, cold in J worker processes
storing the facts, and warm from the stored facts (what replaying a new draft policy costs);
with `--before-src DIR` first the cold replay by another netgain source tree (e.g. `git archive
<older commit> src | tar -x -C DIR`, then DIR/src). Wall and CPU seconds (the process tree's user
+ system time, which a loaded machine inflates much less than wall time) are printed per mode.
Every mode must give the same per-change verdicts; a difference is printed and makes the exit
status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

NETGAIN = str(Path(sys.executable).with_name("netgain"))
POLICIES = Path(__file__).resolve().parent / "replay_policies"
ORDER = ("default", "risk-high", "risk-tiers", "risk-only")


def run_json(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[Any, float]:
    began = time.perf_counter()
    proc = subprocess.run(
        [NETGAIN, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=7200,
        env=env,
    )
    elapsed = time.perf_counter() - began
    if proc.returncode not in (0, 1):
        raise SystemExit(f"netgain {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
    return json.loads(proc.stdout), elapsed


def fmt_rate(est: dict[str, Any]) -> str:
    if est["value"] is None:
        return f"n={est['n']} insufficient"
    return f"{est['value']:.0%} [{est['low']:.0%}-{est['high']:.0%}] n={est['n']}"


def table(doc: dict[str, Any]) -> None:
    print(
        f"{'policy':<11} {'senior':>6} {'owner':>5} {'peer-only':>9} {'senior h':>8} "
        f"{'cut':>5} {'defects c/m':>11} {'incidents c/m':>13} {'vulns c/m':>9}  "
        "defect catch rate (Wilson 95%)"
    )
    for row in doc["policies"]:
        t, c, m = row["tiers"], row["caught"], row["missed"]
        cut = row["against_first"]["senior_reviews_cut"]
        print(
            f"{row['name']:<11} {t['senior']:>6} {t['owner']:>5} {t['peer_only']:>9} "
            f"{row['senior_hours']:>8.1f} {'-' if cut is None else f'{cut:.0%}':>5} "
            f"{c['defects']:>5}/{m['defects']:<5} {c['incidents']:>6}/{m['incidents']:<6} "
            f"{c['vulnerabilities']:>4}/{m['vulnerabilities']:<4}  "
            f"{fmt_rate(row['catch_rate']['defects'])}"
        )


def check_tiers(doc: dict[str, Any]) -> set[str]:
    tiers: set[str] = set()
    for rule in doc["rules"]:
        if rule["status"] == "skipped":
            continue
        if rule["tier"]:
            tiers.add(rule["tier"])
        if any(r["kind"] == "design_doc" for r in rule["requirements"]):
            tiers.add("design_doc")
    return tiers


def cold_cache(repo: Path) -> None:
    """Remove every cache the replay reads (scan, stored facts, familiarity): a first replay."""
    shutil.rmtree(repo / ".netgain" / "cache", ignore_errors=True)


def speed(args: argparse.Namespace, policies: list[Path]) -> int:
    base = ["policy", "replay", "--json", "--per-change", "--no-szz", "--last", str(args.speed)]
    for p in policies:
        base += ["--policy", str(p)]
    modes: list[tuple[str, list[str], dict[str, str] | None, bool]] = []
    if args.before_src:
        # the same command on another netgain source tree (e.g. `git archive` of an older commit)
        env = {**os.environ, "PYTHONPATH": str(args.before_src.resolve())}
        modes.append(
            ("cold, in process, --before-src", ["-j", "1", "--no-stored-facts"], env, True)
        )
    modes.append(("cold, in process", ["-j", "1", "--no-stored-facts"], None, True))
    if not args.cold_only:
        modes += [
            (f"cold, {args.jobs} workers, storing facts", ["-j", str(args.jobs)], None, True),
            ("warm: from stored facts (a new draft)", ["-j", str(args.jobs)], None, False),
        ]
    first: list[Any] | None = None
    differ = 0
    rows = []
    for name, extra, env, cold in modes:
        if cold:
            cold_cache(args.repo)
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        doc, wall = run_json([*base, *extra], args.repo, env)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - used.ru_utime) + (after.ru_stime - used.ru_stime)
        if first is None:
            first = doc["per_change"]
        elif doc["per_change"] != first:
            differ += 1
            print(f"{name}: per-change verdicts differ from the first mode")
        t = doc["timings"]
        rows.append(
            (name, doc["replayed"], t["replay_seconds"], wall, cpu, t["stored_facts"]["reused"])
        )
    reference = rows[0][2]
    print(
        f"{'mode':<38} {'changes':>7} {'replay s':>9} {'s/change':>9} {'wall s':>7} "
        f"{'cpu s':>7} {'cpu s/change':>12} {'reused':>6} {'vs first':>8}"
    )
    for name, n, replay_s, wall, cpu, reused in rows:
        print(
            f"{name:<38} {n:>7} {replay_s:>9.1f} {replay_s / max(1, n):>9.3f} {wall:>7.1f} "
            f"{cpu:>7.1f} {cpu / max(1, n):>12.3f} {reused:>6} "
            f"{reference / max(replay_s, 1e-9):>7.1f}x"
        )
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("repo", type=Path)
    parser.add_argument("--since")
    parser.add_argument("--policy", action="append", type=Path)
    parser.add_argument("--sample", type=int, default=5)
    parser.add_argument("--replay-json", type=Path, help="reuse a replay document (--per-change)")
    parser.add_argument("--speed", type=int, help="measure replay modes over the last N changes")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for --speed")
    parser.add_argument(
        "--before-src",
        type=Path,
        help="with --speed: also replay cold with this netgain source tree (PYTHONPATH), first",
    )
    parser.add_argument(
        "--cold-only",
        action="store_true",
        help="with --speed: only the cold in-process modes (--before-src, then this code)",
    )
    args = parser.parse_args()
    policies = args.policy or [POLICIES / f"{name}.toml" for name in ORDER]
    if args.speed:
        return speed(args, policies)
    if args.replay_json:
        doc, wall = json.loads(args.replay_json.read_text()), None
    else:
        cmd = ["policy", "replay", "--json", "--per-change"]
        cmd += ["--since", args.since] if args.since else []
        for p in policies:
            cmd += ["--policy", str(p)]
        doc, wall = run_json(cmd, args.repo)
    print(
        f"{args.repo}: {doc['replayed']} of {doc['changes']} merged changes "
        f"({doc['window']['first_merge']} to {doc['window']['last_merge']}), "
        f"{doc['pull_requests']} pull requests; incidents: {doc['sources']['incidents']}; "
        f"defects: SZZ over {doc['sources']['szz']['fix_commits']} fix commits; "
        f"risk model: {doc['sources']['risk_model']}"
    )
    ai_heavy = sum(1 for c in doc.get("per_change", []) if c["ai_share"] > 0.5)
    print(f"changes more than half AI-written: {ai_heavy}")
    table(doc)
    per_replay = doc["timings"]["seconds_per_change"]
    print(
        f"replay: {per_replay:.3f} s per change for {len(doc['policies'])} policies "
        + (f"(wall {wall:.0f} s)" if wall is not None else "")
    )
    sample = doc.get("per_change", [])[-args.sample :] if args.sample else []
    if not sample:
        return 0
    mismatches = 0
    spent = 0.0
    for change in sample:
        for policy in policies:
            name = policy.stem
            check, elapsed = run_json(
                [
                    "check",
                    "--base",
                    change["base"],
                    "--head",
                    change["head"],
                    "--policy",
                    str(policy),
                    "--format",
                    "json",
                    "--no-record",
                ],
                args.repo,
            )
            spent += elapsed
            want = set(change["policies"][name]["tiers"])
            if check_tiers(check) != want:
                mismatches += 1
                print(
                    f"tier mismatch {change['id']} {name}: check {check_tiers(check)} replay {want}"
                )
    per_check = spent / len(sample)
    print(
        f"netgain check per change, {len(policies)} policies: {per_check:.3f} s over "
        f"{len(sample)} changes; replay is {per_check / per_replay:.1f}x faster; "
        f"tier mismatches: {mismatches}"
    )
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
