"""Backfill of many repositories through the queue with 1, 2 and 4 workers.

    .venv/bin/python benchmarks/service_backfill.py [--repos 200] [--commits 30]
        [--workers 1,2,4] [--json FILE]

Generates `--repos` repositories (git fast-import: `--commits` commits each over a few Python
files, one in five a "Fix ..." commit that rewrites lines an earlier commit wrote, so SZZ has fixes
to label), serves them from a fake GitHub over smart HTTP, and for each worker count: a fresh
PostgreSQL database, `netgain org sync` (queues one backfill per repository: fetch, ingest, SZZ,
risk training), then that many `netgain worker` processes, timed until the queue is empty.
Prints the wall time, repositories/s, the speed-up over one worker, and the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.fakegithub import FakeGitHub, Served  # noqa: E402
from benchmarks.gitrepo import git_env  # noqa: E402
from benchmarks.pgserver import PostgresServer  # noqa: E402

NETGAIN = str(Path(sys.executable).with_name("netgain"))
AUTHORS = ["Ada <ada@example.com>", "Bob <bob@example.com>", "Cy <cy@example.com>"]


def fast_import_stream(commits: int, seed: int) -> bytes:
    """A linear history: each commit rewrites one of three modules; every fifth is a fix."""
    out: list[bytes] = []
    files: dict[str, list[str]] = {f"pkg/mod{i}.py": [] for i in range(3)}
    for n in range(commits):
        path = f"pkg/mod{(n + seed) % 3}.py"
        lines = files[path]
        fix = n % 5 == 4 and lines
        if fix:
            lines[len(lines) // 2] = f"VALUE_{len(lines) // 2} = {n}  # corrected"
            message = f"Fix wrong value in {path}\n"
        else:
            lines.extend(f"def f_{n}_{k}(x: int) -> int:\n    return x + {k}" for k in range(3))
            message = f"Add helpers {n} to {path}\n"
        content = ("\n".join(lines) + "\n").encode()
        when = 1_704_067_200 + n * 3600
        author = AUTHORS[(n + seed) % len(AUTHORS)]
        out.append(b"commit refs/heads/main\n")
        out.append(f"author {author} {when} +0000\ncommitter {author} {when} +0000\n".encode())
        out.append(f"data {len(message.encode())}\n{message}".encode())
        out.append(f"M 644 inline {path}\ndata {len(content)}\n".encode() + content + b"\n")
    return b"".join(out)


def make_repos(root: Path, count: int, commits: int) -> dict[str, Path]:
    repos = {}
    for i in range(count):
        path = root / f"repo{i:03d}.git"
        subprocess.run(["git", "init", "-q", "--bare", str(path)], check=True, env=git_env())
        subprocess.run(
            ["git", "fast-import", "--quiet"],
            cwd=path,
            input=fast_import_stream(commits, i),
            check=True,
            env=git_env(),
        )
        subprocess.run(["git", "symbolic-ref", "HEAD", "refs/heads/main"], cwd=path, check=True)
        repos[f"org/repo{i:03d}"] = path
    return repos


def _keys(tmp: Path) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (tmp / "app.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(
    pg: PostgresServer, fake_url: str, tmp: Path, workers: int, repos: int
) -> dict[str, float]:
    name = f"backfill_{workers}"
    url = pg.create_database(name)
    env = git_env()
    env.update(
        {
            "NETGAIN_DATABASE_URL": url,
            "NETGAIN_GITHUB_APP_ID": "1",
            "NETGAIN_GITHUB_PRIVATE_KEY_FILE": str(tmp / "app.pem"),
            "NETGAIN_WEBHOOK_SECRET": "unused",
            "NETGAIN_GITHUB_API_URL": fake_url,
            "NETGAIN_GITHUB_WEB_URL": fake_url,
        }
    )
    sync = subprocess.run(
        [NETGAIN, "org", "sync"],
        env={**env, "NETGAIN_SERVICE_DIR": str(tmp / name / "sync")},
        capture_output=True,
        text=True,
        check=False,
    )
    if sync.returncode != 0:
        raise SystemExit(f"netgain org sync failed:\n{sync.stderr}")
    print(f"  {sync.stdout.strip()}")
    load_before = os.getloadavg()[0]
    cpu_before = _children_cpu()
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [NETGAIN, "worker"],
            env={**env, "NETGAIN_SERVICE_DIR": str(tmp / name / f"w{w}")},
            stdout=subprocess.DEVNULL,
            stderr=(tmp / f"{name}-w{w}.log").open("wb"),
        )
        for w in range(workers)
    ]
    conninfo = url.replace("postgresql+psycopg", "postgresql")
    try:
        while True:
            with psycopg.connect(conninfo) as conn:
                rows = dict(
                    conn.execute(
                        "SELECT status::text, count(*) FROM procrastinate_jobs "
                        "WHERE task_name <> 'prune_service_tables' GROUP BY 1"
                    ).fetchall()
                )
            if not rows.get("todo") and not rows.get("doing"):
                break
            time.sleep(0.5)
        wall = time.perf_counter() - started
        with psycopg.connect(conninfo) as conn:
            commits = conn.execute("SELECT count(*) FROM commits").fetchone()
            links = conn.execute("SELECT count(*) FROM szz_links").fetchone()
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(30)
    cpu = _children_cpu() - cpu_before  # the workers and their git processes, once waited for
    return {
        "cpu_seconds": cpu,
        "cpu_per_repo": cpu / repos,
        "workers": workers,
        "wall_seconds": wall,
        "repos_per_second": repos / wall,
        "succeeded": rows.get("succeeded", 0),
        "failed": rows.get("failed", 0),
        "commits": commits[0] if commits else 0,
        "szz_links": links[0] if links else 0,
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=200)
    parser.add_argument("--commits", type=int, default=30)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="netgain-backfill-"))
    pg = PostgresServer()
    pg.start()
    try:
        started = time.perf_counter()
        repos = make_repos(tmp / "repos", args.repos, args.commits)
        print(f"generated {len(repos)} repositories in {time.perf_counter() - started:.1f} s")
        fake = FakeGitHub(public_key=_keys(tmp), app_id="1")
        fake.repos.update(repos)
        results = []
        with Served(fake.asgi()) as served:
            for workers in (int(w) for w in args.workers.split(",")):
                print(f"{workers} worker(s):")
                result = run_once(pg, served.url, tmp, workers, len(repos))
                results.append(result)
                print(
                    f"  {result['wall_seconds']:.1f} s, {result['repos_per_second']:.2f} repos/s, "
                    f"{result['succeeded']} succeeded, {result['failed']} failed, "
                    f"{result['commits']} commits, {result['szz_links']} SZZ links, "
                    f"CPU {result['cpu_seconds']:.0f} s ({result['cpu_per_repo']:.2f} s a repository), "
                    f"load {result['load_before']:.1f} -> {result['load_after']:.1f}"
                )
        one = results[0]["wall_seconds"]
        for r in results:
            print(f"speed-up with {r['workers']} worker(s): {one / r['wall_seconds']:.2f}x")
        print(f"cores: {os.cpu_count()}")
        if args.json:
            args.json.write_text(json.dumps(results, indent=2))
    finally:
        pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
