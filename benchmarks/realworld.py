"""Every netgain history command on real repositories: crashes, problems, time and ratio to git.

    .venv/bin/python benchmarks/realworld.py --repos benchmarks/realworld_repos.txt
        [--only NAME]... [--skip-heavy] [--out FILE] [--timeout SECONDS]
    .venv/bin/python benchmarks/realworld.py --repos LIST --table-from FILE... (table only)

FILE lists local clones, one path per line (`#` starts a comment; benchmarks/realworld_repos.txt
says where each one comes from). For each repository, in a scratch clone (`git clone --shared`,
so the original's `.netgain/` and configuration stay untouched) and with a fresh SQLite store:

* `ingest`, then `provenance HEAD` (all history), beside `git log -z --numstat -M`;
* `share PREV..TAG` for the newest `--tags` release tags, beside sequential `git blame -M -C -C -C`
  of the files the release touched;
* `szz` on the newest `--fixes` fix commits (the fix heuristic `risk train` uses), beside plain
  B-SZZ with `git diff -U0` + `git blame -L` per fix and file;
* `risk train` and `risk evaluate` (whole pipeline: SZZ on every fix, then the model);
* `scan` of the checked-out tree;
* `check` on the last `--changes` changes of the first-parent line (a merge M: `M^1` against
  `M^2`; a squash commit C: `C^1` against `C`), beside `git diff -M`, `git log --numstat` and
  `git blame -M -C -C -C` of the touched files (the blame that attributes the added lines);
* the newer commands (benchmarks/realworld_newer.py): `report` cold then warm, `metrics --board
  --json`, `policy replay --since` over the last `--replay-window` changes and `check --brief` on
  the same changes as `check` (`--newer-only`: these after ingest and provenance, nothing else).

Real histories are hostile input, so the bar is zero crashes: a crash is a Python traceback, an
exit code the command does not document, or a `--json` output that is not JSON. A step that
reaches `--timeout` is recorded as `timeout`, not a crash. Prints a Markdown table and writes all
results (with the stderr of every crash) to `--out`. Run it niced on a shared machine:
`nice -n 10 .venv/bin/python benchmarks/realworld.py --repos ...`.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.realworld_newer import step_newer  # noqa: E402
from benchmarks.realworld_steps import (  # noqa: E402
    ENV,
    NETGAIN,
    Context,
    Outcome,
    fix_commits,
    git,
    recent_changes,
    release_ranges,
    shape,
    step_check,
    step_ingest,
    step_ingest_again,
    step_provenance,
    step_risk,
    step_scan,
    step_share,
    step_szz,
)

EVIDENCE_REFS = ("+refs/notes/*:refs/notes/*", "+refs/ai/*:refs/ai/*")


OVERRIDABLE = ("tags", "fixes", "changes", "timeout")


def read_list(path: Path) -> list[tuple[Path, dict[str, float]]]:
    """Clone paths from the list file, one per line, each optionally followed by bounds of its
    own (`--tags 1`: a huge repository's releases span months of history). `#` comments and
    blank lines are ignored."""
    repos = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        options = dict(zip(words[1::2], words[2::2], strict=False))
        unknown = [k for k in options if k.removeprefix("--") not in OVERRIDABLE]
        if unknown or len(words) % 2 == 0:
            raise SystemExit(
                f"{path}:{number}: expected PATH [--tags|--fixes|--changes|--timeout N]..."
            )
        bounds = {k.removeprefix("--"): float(v) for k, v in options.items()}
        repos.append((Path(words[0]).expanduser(), bounds))
    return repos


def scratch_clone(source: Path, dest: Path) -> None:
    """A clone sharing the source's objects, checked out at its HEAD, with the source's notes
    and git-ai refs (a clone leaves them behind, and they are line-level AI evidence). A checkout
    that fails on blobs a snapshot left out is kept (history commands read commits, not files).

    A partial clone (a promisor remote) is copied whole instead: a clone of it would not be
    one, and its shape (missing blobs a `git` command may try to fetch from the promisor) is
    what the run is for. netgain must never fetch them unasked."""
    promisor = subprocess.run(
        ["git", "-C", str(source), "config", "--get", "remote.origin.promisor"],
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    if promisor.stdout.strip() == "true":
        shutil.copytree(source, dest, symlinks=True)
        shutil.rmtree(dest / ".netgain", ignore_errors=True)
        return
    subprocess.run(
        ["git", "clone", "-q", "--shared", "--no-checkout", str(source), str(dest)],
        check=True,
        env=ENV,
        capture_output=True,
    )
    subprocess.run(
        ["git", "-C", str(dest), "fetch", "-q", "origin", *EVIDENCE_REFS],
        check=True,
        env=ENV,
        capture_output=True,
    )
    subprocess.run(
        ["git", "-C", str(dest), "checkout", "-q", "-f", "HEAD"],
        check=False,
        env=ENV,
        capture_output=True,
    )


def bench_repo(source: Path, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    """All steps on one repository; returns its shape, its outcomes and the crash logs."""
    name = source.name
    work = tmp / name
    out = tmp / f"{name}-out"
    out.mkdir()
    scratch_clone(source, work)
    started = time.perf_counter()
    facts = shape(work)
    facts["head"] = git(work, "rev-parse", "HEAD").strip()
    ctx = Context(work=work, db=f"sqlite:///{out}/netgain.db", timeout=args.timeout, out=out)
    heavy = not args.skip_heavy
    results: list[Outcome] = []

    def record(result: Outcome) -> None:
        results.append(result)
        ratio = f"{result.ratio:.2f}x git" if result.ratio is not None else "-"
        cpu = f", {result.cpu_seconds:.1f} s CPU" if result.cpu_seconds is not None else ""
        print(
            f"  {result.step}: {result.outcome} in {result.seconds:.1f} s{cpu} ({ratio}), "
            f"{result.problems} problems; {result.detail}",
            flush=True,
        )

    print(f"== {name}: {facts['commits']} commits, {facts['merges']} merges", flush=True)
    ingest = step_ingest(ctx)
    record(ingest)
    record(step_ingest_again(ctx))
    record(step_provenance(ctx, ingest))
    changes = recent_changes(work, args.changes if heavy else 5)
    fixes: list[str] = []
    if not args.newer_only:
        for base, tag in release_ranges(work, args.tags if heavy else 1):
            record(step_share(ctx, base, tag, args.blame_sample))
        fixes = fix_commits(work, args.fixes if heavy else min(args.fixes, 50))
        record(step_szz(ctx, fixes, args.szz_sample))
        if heavy:
            for result in step_risk(ctx):
                record(result)
        record(step_scan(ctx))
        record(step_check(ctx, changes))
    for result in step_newer(ctx, changes, args.replay_window):
        record(result)
    return {
        "name": name,
        "source": str(source),
        "shape": facts,
        "fixes_selected": len(fixes),
        "seconds": time.perf_counter() - started,
        "steps": [r.as_dict() for r in results],
        "crash_logs": ctx.log,
    }


def cell(step: dict[str, Any]) -> str:
    """One table cell: time, outcome when not plain ok, ratio to git."""
    text = f"{step['seconds']:.1f} s"
    if str(step.get("step", "")).startswith("report") and step.get("cpu_seconds") is not None:
        text += f" (CPU {step['cpu_seconds']:.1f} s)"  # the warm report's load-proof time
    if step["outcome"] not in ("ok", "gate"):
        text += f" **{step['outcome']}**"
    if step["ratio"] is not None:
        text += f" ({step['ratio']:.2f}x)"
    if step.get("problems"):
        text += f", {step['problems']} pb"
    return text


COLUMNS = [
    "ingest",
    "ingest again",
    "provenance",
    "share",
    "szz",
    "risk train",
    "risk evaluate",
    "scan",
    "check",
    "report",
    "report warm",
    "metrics --board",
    "policy replay",
    "check --brief",
]


def column_of(step: str) -> str:
    """The table column of a step name (`share A..B` and `szz (N fixes)` share one column)."""
    if step.startswith("check --brief"):
        return "check --brief"
    return next((c for c in ("share", "szz", "check") if step.startswith(c)), step)


def describe_shape(shape: dict[str, Any]) -> str:
    """The shape in a few words: main file kinds, AI evidence, large files, release tags."""
    parts = [" ".join(shape.get("top_extensions", [])[:2])]
    if shape.get("ai_trailer_commits"):
        parts.append(f"{shape['ai_trailer_commits']} AI-trailer commits")
    if shape.get("notes_refs"):
        parts.append("notes " + " ".join(r.removeprefix("refs/") for r in shape["notes_refs"]))
    if shape.get("agent_trace_files"):
        parts.append(f"{len(shape['agent_trace_files'])} agent-trace files")
    if shape.get("files_over_1mb"):
        parts.append(f"{shape['files_over_1mb']} files > 1 MB")
    parts.append(f"{shape.get('tags', 0)} version tags")
    return "; ".join(p for p in parts if p)


def table(results: list[dict[str, Any]]) -> str:
    """Markdown: one row per repository, one column per command (share summed over tags).

    A cell is the wall time, the outcome unless ok, the ratio to the git reading and the problems
    the command reported ("pb"; stored ingest problems are repeated by later commands). The
    problems column counts distinct kinds over every step, with their largest count."""
    rows = [
        "| repository | shape | commits (merges) | "
        + " | ".join(COLUMNS)
        + " | problems | crashes |",
        "| --- | --- | ---: |" + " --- |" * (len(COLUMNS) + 2),
    ]
    for repo in results:
        steps = repo["steps"]
        cells = []
        for column in COLUMNS:
            group = [s for s in steps if column_of(s["step"]) == column]
            cells.append(merge_cells(group) if group else "-")
        crashes = sum(1 for s in steps if s["outcome"] == "crash")
        kinds: dict[str, int] = {}
        for step in steps:
            for kind, count in step.get("problem_kinds", {}).items():
                kinds[kind] = max(kinds.get(kind, 0), count)
        problems = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "0"
        rows.append(
            f"| {repo['name']} | {describe_shape(repo['shape'])} | "
            f"{repo['shape']['commits']:,} ({repo['shape']['merges']:,}) | "
            + " | ".join(cells)
            + f" | {problems} | {crashes} |"
        )
    return "\n".join(rows)


def merge_cells(group: list[dict[str, Any]]) -> str:
    """Several runs of one command (share per tag) as one cell: total time, worst outcome."""
    if len(group) == 1:
        return cell(group[0])
    seconds = sum(s["seconds"] for s in group)
    git_seconds = [s["git_seconds"] for s in group if s["git_seconds"] is not None]
    order = ["skipped", "ok", "gate", "error", "timeout", "wrong", "crash"]
    worst = max((s["outcome"] for s in group), key=order.index)
    merged: dict[str, Any] = {
        "seconds": seconds,
        "outcome": worst,
        "ratio": seconds / sum(git_seconds) if git_seconds and sum(git_seconds) > 0 else None,
        "problems": max(s["problems"] for s in group),
    }
    return cell(merged) + f" ×{len(group)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repos", type=Path, required=True, help="file listing local clones")
    parser.add_argument("--only", action="append", default=[], help="repository folder name")
    parser.add_argument("--skip-heavy", action="store_true", help="no risk; 1 tag, 50 fixes")
    parser.add_argument("--out", type=Path, default=Path("realworld-results.json"))
    parser.add_argument("--timeout", type=float, default=1800.0, help="bound per command (s)")
    parser.add_argument("--tags", type=int, default=3, help="release ranges for share")
    parser.add_argument("--fixes", type=int, default=300, help="newest fix commits for szz")
    parser.add_argument("--changes", type=int, default=20, help="recent changes for check")
    parser.add_argument(
        "--replay-window", type=int, default=20, help="recent changes policy replay covers"
    )
    parser.add_argument(
        "--newer-only",
        action="store_true",
        help="after ingest and provenance, only the newer commands (report, board, replay, brief)",
    )
    parser.add_argument("--blame-sample", type=int, default=60, help="files blamed by git (share)")
    parser.add_argument("--szz-sample", type=int, default=60, help="fixes blamed by git (szz)")
    parser.add_argument(
        "--table-from",
        type=Path,
        nargs="+",
        help="print the table of earlier --out files (merged, in order) and run nothing",
    )
    args = parser.parse_args()
    if args.table_from:
        merged = [
            repo
            for path in args.table_from
            for repo in json.loads(path.read_text(encoding="utf-8"))["repositories"]
        ]
        print(table(merged))
        return
    repos = [r for r in read_list(args.repos) if not args.only or r[0].name in args.only]
    version = subprocess.run(
        [NETGAIN, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    document: dict[str, Any] = {
        "netgain": version,
        "git": subprocess.run(
            ["git", "--version"], check=True, capture_output=True, text=True
        ).stdout.strip(),
        "python": platform.python_version(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "arguments": {k: str(v) for k, v in vars(args).items()},
        "repositories": [],
    }
    for source, bounds in repos:
        if not (source / ".git").exists() and not (source / "HEAD").exists():
            print(f"== {source}: not a clone, skipped", flush=True)
            continue
        own = argparse.Namespace(
            **{**vars(args), **{k: type(getattr(args, k))(v) for k, v in bounds.items()}}
        )
        with tempfile.TemporaryDirectory(prefix="netgain-realworld-") as tmp:
            try:
                result = bench_repo(source, own, Path(tmp))
                result["bounds"] = bounds
            finally:
                shutil.rmtree(Path(tmp) / source.name, ignore_errors=True)
        document["repositories"].append(result)
        args.out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print()
    print(table(document["repositories"]))
    crashes = sum(
        1 for r in document["repositories"] for s in r["steps"] if s["outcome"] == "crash"
    )
    print(f"\n{crashes} crash(es); results in {args.out}")
    sys.exit(1 if crashes else 0)


if __name__ == "__main__":
    main()
