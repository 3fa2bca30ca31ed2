"""Several netgain processes on one store at once: failures, duplicated and lost rows, wall time.

    .venv/bin/python benchmarks/concurrency.py [--commits 2000] [--processes 8] [--postgres URL]

Builds a history with benchmarks/make_history.py, then for each store (a SQLite file, and a
PostgreSQL database: --postgres, else a throw-away server from benchmarks/pgserver.py) runs the same
mix of `risk train`, `check`, `szz` and `ingest` commands twice on a fresh store and a fresh copy
of the repository: one after another (the reference), then all started together. It prints the
wall times, the processes that failed, and per table the rows the concurrent run has more
(duplicated) or fewer (lost) than the reference, compared by content without surrogate ids.

tests/store/test_concurrency.py runs the same functions on a smaller history.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `benchmarks` and `tests` importable
    sys.path.insert(0, str(ROOT))

NETGAIN = str(Path(sys.executable).with_name("netgain"))
KINDS = ("risk", "check", "szz", "ingest")  # the mix cycles through these, in this order

# Each table's rows by content, surrogate ids replaced by commit shas: equal lists mean nothing
# was duplicated or lost. Generations, timestamps and run ids are left out (they differ).
CONTENT = {
    "repositories": "SELECT shallow FROM repositories",
    "commits": "SELECT sha, parents, author_email, subject, lines_added, lines_deleted, "
    "files_changed FROM commits",
    "file_changes": "SELECT c.sha, f.path, f.old_path, f.added, f.deleted "
    "FROM file_changes f JOIN commits c ON c.id = f.commit_id",
    "attributions": "SELECT c.sha, a.ai_lines, a.human_lines, a.unknown_lines, a.level "
    "FROM attributions a JOIN commits c ON c.id = a.commit_id",
    "problems": "SELECT fingerprint, kind FROM problems",
    # the per-author rollup ingest keeps: racing ingests must add each commit's sums once
    "author_months": "SELECT author, month, bucket, changes, lines_added, ai_lines, "
    "human_lines, unknown_lines FROM author_months",
    "szz_runs": "SELECT fix_sha, variant, candidates FROM szz_runs",
    "szz_links": "SELECT fix_sha, inducing_sha, variant, path, inducing_path FROM szz_links",
    "risk_features": "SELECT c.sha, r.vector, r.apis "
    "FROM risk_features r JOIN commits c ON c.id = r.commit_id",
    "risk_feature_state": "SELECT key, commits FROM risk_feature_state",
    "risk_feature_snapshots": "SELECT s.key, c.sha "
    "FROM risk_feature_snapshots s JOIN commits c ON c.id = s.commit_id",
    "finished_ingest_runs": "SELECT 1 FROM ingest_runs WHERE finished_at IS NOT NULL",
}


@dataclass(frozen=True, slots=True)
class Plan:
    """What the mix works on: fix commits for `szz`, and the change `check` judges."""

    fixes: list[str]
    base: str
    head: str


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: str
    returncode: int
    stderr: str


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


def plan_for(repo: Path) -> Plan:
    """A few fix commits (messages starting "Fix") and the last five commits as the change."""
    fixes = [
        line.split(" ", 1)[0]
        for line in _git(repo, "log", "--no-merges", "--format=%H %s").splitlines()
        if line.split(" ", 1)[1].startswith("Fix")
    ]
    return Plan(fixes[:6], _git(repo, "rev-parse", "HEAD~5").strip(), "HEAD")


def commands(
    n: int, repo: Path, url: str, plan: Plan, *, model: bool = True
) -> list[tuple[str, list[str]]]:
    """`n` (kind, argv) pairs cycling through KINDS, all on the store at `url`.

    `risk train` labels history with SZZ and stores feature vectors; with `model` it also fits
    and saves a model (`--gap-days 0`, so a small history qualifies), which costs seconds of
    scikit-learn per process and writes only the model file, not the store.
    """
    out: list[tuple[str, list[str]]] = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        where = ["-C", str(repo), "--db", url]
        if kind == "risk":
            gap = ["--gap-days", "0"] if model else []
            argv = ["risk", "train", *where, *gap, "--json"]
        elif kind == "check":
            argv = ["check", "--base", plan.base, "--head", plan.head, *where, "--format", "json"]
        elif kind == "szz":
            argv = ["szz", *plan.fixes[i % 3 : i % 3 + 3], *where, "--json"]
        else:
            argv = ["ingest", str(repo), "--db", url, "--json"]
        out.append((kind, [NETGAIN, *argv]))
    return out


def run_together(
    cmds: Sequence[tuple[str, list[str]]], env: dict[str, str], timeout: float = 600
) -> list[Outcome]:
    """Start every command at once, wait for all; a hung process is killed and fails the run."""
    procs = [
        (kind, subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        for kind, argv in cmds
    ]
    outcomes: list[Outcome] = []
    try:
        for kind, proc in procs:
            _out, err = proc.communicate(timeout=timeout)
            outcomes.append(Outcome(kind, proc.returncode, err.decode("utf-8", "replace")))
    finally:
        for _kind, proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return outcomes


def run_one_by_one(
    cmds: Sequence[tuple[str, list[str]]], env: dict[str, str], timeout: float = 600
) -> list[Outcome]:
    """The reference: the same commands, each after the previous one finished."""
    outcomes = []
    for kind, argv in cmds:
        proc = subprocess.run(argv, env=env, capture_output=True, timeout=timeout, check=False)
        outcomes.append(Outcome(kind, proc.returncode, proc.stderr.decode("utf-8", "replace")))
    return outcomes


def store_content(url: str) -> dict[str, Counter[tuple[Any, ...]]]:
    """Every table's rows by content (see CONTENT), as multisets."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return {
                table: Counter(tuple(map(_comparable, row)) for row in conn.execute(text(query)))
                for table, query in CONTENT.items()
            }
    finally:
        engine.dispose()


def _comparable(value: Any) -> Any:
    """The same value from either store (a driver may return a memoryview for bytes)."""
    return value.tobytes() if isinstance(value, memoryview) else value


def differences(
    reference: dict[str, Counter[tuple[Any, ...]]], got: dict[str, Counter[tuple[Any, ...]]]
) -> dict[str, tuple[int, int]]:
    """Per table with a difference: (rows duplicated or extra, rows lost) against the reference."""
    out: dict[str, tuple[int, int]] = {}
    for table, expected in reference.items():
        found = got.get(table, Counter())
        extra, lost = sum((found - expected).values()), sum((expected - found).values())
        if extra or lost:
            out[table] = (extra, lost)
    return out


def failures(outcomes: Sequence[Outcome], expected_codes: dict[str, int]) -> list[str]:
    """The processes that ended otherwise than the same command alone did, or said 'locked'."""
    bad = []
    for i, o in enumerate(outcomes):
        if o.returncode != expected_codes[o.kind] or "database is locked" in o.stderr:
            bad.append(f"#{i} {o.kind}: exit {o.returncode}: {o.stderr.strip()[-300:]}")
        elif "Traceback" in o.stderr:
            bad.append(f"#{i} {o.kind}: traceback: {o.stderr.strip()[-300:]}")
    return bad


def fresh_copy(repo: Path, where: Path) -> Path:
    """A copy of the repository (its `.netgain` folder, decisions and model, starts empty)."""
    shutil.copytree(repo, where, symlinks=True, ignore=shutil.ignore_patterns(".netgain"))
    return where


def create_database(server_url: str, name: str) -> str:
    """A new database `name` on the PostgreSQL server of `server_url`; returns its URL."""
    import psycopg

    admin = server_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server_url.rsplit('/', 1)[0]}/{name}"


def measure(store: str, repo: Path, urls: tuple[str, str], processes: int, tmp: Path) -> list[str]:
    """Run the mix one by one and together on fresh stores; one table row and detail lines."""
    from benchmarks.gitrepo import git_env

    env = git_env()
    plan = plan_for(repo)
    ref_url, url = urls
    cmds = commands(processes, fresh_copy(repo, tmp / f"{store}-alone"), ref_url, plan)
    start = time.perf_counter()
    alone = run_one_by_one(cmds, env)
    sequential = time.perf_counter() - start
    codes = {o.kind: o.returncode for o in alone}
    cmds = commands(processes, fresh_copy(repo, tmp / f"{store}-together"), url, plan)
    start = time.perf_counter()
    together = run_together(cmds, env)
    wall = time.perf_counter() - start
    diff = differences(store_content(ref_url), store_content(url))
    failed = failures(together, codes)
    lines = [
        f"| {store} | {processes} | {sequential:.1f} s | {wall:.1f} s ({sequential / wall:.2f}x) "
        f"| {len(failed)} | {sum(d[0] for d in diff.values())} "
        f"| {sum(d[1] for d in diff.values())} |"
    ]
    lines += [f"    {line}" for line in failed]
    lines += [f"    {t}: {more} duplicated, {fewer} lost" for t, (more, fewer) in diff.items()]
    return lines


def main() -> None:
    from benchmarks.make_history import make_history
    from benchmarks.pgserver import PostgresServer

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--postgres", help="an existing server's URL (databases are created)")
    args = parser.parse_args()
    server = None
    if args.postgres is None:
        server = PostgresServer()
        server.start()
    pg = args.postgres or (server.url if server is not None else "")
    try:
        with tempfile.TemporaryDirectory(prefix="netgain-concurrency-") as name:
            tmp = Path(name)
            repo = make_history(tmp / "repo", commits=args.commits, files=120, notes=10)
            kinds = [kind for kind, _argv in commands(args.processes, repo, "", plan_for(repo))]
            print(f"{args.commits}-commit history; mix: {', '.join(kinds)}")
            print("| store | processes | one by one | together | failed | duplicated | lost |")
            print("| --- | --- | --- | --- | --- | --- | --- |")
            sqlite = (f"sqlite:///{tmp / 'alone.db'}", f"sqlite:///{tmp / 'together.db'}")
            postgres = (create_database(pg, "bench_alone"), create_database(pg, "bench_together"))
            for store, urls in (("SQLite", sqlite), ("PostgreSQL", postgres)):
                print("\n".join(measure(store, repo, urls, args.processes, tmp)), flush=True)
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
