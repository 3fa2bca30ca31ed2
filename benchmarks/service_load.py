"""Webhook load on loopback: deliveries/s, acknowledgement latency, and exactly-once jobs.

    .venv/bin/python benchmarks/service_load.py [--repos 50] [--deliveries 2000] [--workers 2]
        [--clients 16] [--json FILE]

Starts, in this process tree: a throw-away PostgreSQL (benchmarks/pgserver.py), a fake GitHub with
`--repos` small repositories served over smart HTTP (benchmarks/fakegithub.py), `netgain serve`
and `--workers` `netgain worker` processes. It then sends `--deliveries` signed `pull_request`
deliveries (opened, then synchronize with a new head each time, one pull request per repository;
one in ten is a redelivery of an earlier id) from `--clients` threads, and waits for the queue
to drain.

Printed: deliveries/s, p50/p99 acknowledgement latency, the same for a no-op endpoint on the same
uvicorn stack (the HTTP floor: what any receiver pays), and the exactly-once account: every
delivery acknowledged; redeliveries queued nothing; every queued job ran once (one attempt) and
completed its head's check run once; and each pull request's final head has a completed run.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import psycopg
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.fakegithub import FakeGitHub, Served, free_port  # noqa: E402
from benchmarks.github_payloads import pull_request_event  # noqa: E402
from benchmarks.gitrepo import GitRepo, git_env  # noqa: E402
from benchmarks.pgserver import PostgresServer  # noqa: E402
from netgain.service.signature import sign  # noqa: E402

NETGAIN = str(Path(sys.executable).with_name("netgain"))
SECRET = "load-test-secret"  # noqa: S105 (a throw-away secret of this run)


def _keys() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def _repo(path: Path) -> GitRepo:
    repo = GitRepo(path)
    repo.commit({"app.py": "def main() -> None:\n    print('hi')\n"}, "Start")
    repo.branch("feature")
    repo.checkout("feature")
    return repo


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _floor(url: str, count: int, clients: int) -> list[float]:
    """Latency of GET /healthz on the same server: the HTTP floor under the same concurrency."""
    latencies: list[float] = []
    with httpx.Client(base_url=url) as http:

        def one(_: int) -> None:
            started = time.perf_counter()
            http.get("/healthz").raise_for_status()
            latencies.append(time.perf_counter() - started)

        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(one, range(count)))
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=50)
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="netgain-load-"))
    private, public = _keys()
    (tmp / "app.pem").write_text(private)
    (tmp / "secret").write_text(SECRET)
    pg = PostgresServer()
    pg.start()
    procs: list[subprocess.Popen[bytes]] = []
    try:
        url = pg.create_database("load")
        github = FakeGitHub(public_key=public, app_id="1")
        repos: dict[str, GitRepo] = {}
        for i in range(args.repos):
            name = f"org/repo{i:03d}"
            repos[name] = _repo(tmp / "repos" / f"repo{i:03d}")
            github.repos[name] = repos[name].path / ".git"
        with Served(github.asgi()) as fake:
            port = free_port()
            env = git_env()
            env.update(
                {
                    "NETGAIN_DATABASE_URL": url,
                    "NETGAIN_GITHUB_APP_ID": "1",
                    "NETGAIN_GITHUB_PRIVATE_KEY_FILE": str(tmp / "app.pem"),
                    "NETGAIN_WEBHOOK_SECRET_FILE": str(tmp / "secret"),
                    "NETGAIN_GITHUB_API_URL": fake.url,
                    "NETGAIN_GITHUB_WEB_URL": fake.url,
                }
            )
            log = (tmp / "serve.log").open("wb")
            procs.append(
                subprocess.Popen(
                    [NETGAIN, "serve", "--port", str(port)],
                    env={**env, "NETGAIN_SERVICE_DIR": str(tmp / "serve")},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            base = f"http://127.0.0.1:{port}"
            while True:
                try:
                    if httpx.get(f"{base}/readyz").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            for w in range(args.workers):
                wlog = (tmp / f"worker{w}.log").open("wb")
                procs.append(
                    subprocess.Popen(
                        [NETGAIN, "worker"],
                        env={**env, "NETGAIN_SERVICE_DIR": str(tmp / f"worker{w}")},
                        stdout=wlog,
                        stderr=subprocess.STDOUT,
                    )
                )
            result = _load(args, github, repos, base, url)
            result["floor"] = _floor(base, args.deliveries // 2, args.clients)
            _report(args, result)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(30)
        pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def _load(
    args: argparse.Namespace,
    github: FakeGitHub,
    repos: dict[str, GitRepo],
    base: str,
    url: str,
) -> dict[str, Any]:
    # the schedule: per repository, "opened" then synchronize after each new head
    names = list(repos)
    rng = random.Random(13)
    plan: list[tuple[str, int]] = []  # (repository, step)
    for k in range(args.deliveries):
        plan.append((names[k % len(names)], k // len(names)))
    bodies: list[tuple[bytes, dict[str, str]]] = []
    heads: dict[str, str] = {}
    for k, (name, step) in enumerate(plan):
        repo = repos[name]
        if step > 0 and rng.random() < 0.1:  # GitHub redelivering this repository's last one
            bodies.append(bodies[k - len(names)])
            continue
        head = repo.commit({"app.py": f"VALUE = {step}\n"}, f"Step {step}")
        repo.update_ref("refs/pull/1/head", head)
        main_sha = repo.git("rev-parse", "main")
        event = pull_request_event(base_sha=main_sha, head_sha=head, body="", number=1)
        event["action"] = "opened" if step == 0 else "synchronize"
        event["repository"]["full_name"] = name
        event["installation"] = {"id": github.installation_id}
        heads[name] = head
        body = json.dumps(event).encode()
        bodies.append(
            (
                body,
                {
                    "X-GitHub-Event": "pull_request",
                    "X-GitHub-Delivery": f"load-{k}",
                    "X-Hub-Signature-256": sign(SECRET.encode(), body),
                    "Content-Type": "application/json",
                },
            )
        )
    for name, head in heads.items():  # the fake answers each pull request with its final head
        github.add_pull(name, 1, base=repos[name].git("rev-parse", "main"), head=head, author="bob")
    latencies: list[float] = []
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    with httpx.Client(base_url=base, timeout=30) as http:

        def send(item: tuple[bytes, dict[str, str]]) -> None:
            started = time.perf_counter()
            response = http.post("/webhooks/github", content=item[0], headers=item[1])
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                outcomes[f"{response.status_code} {response.json().get('outcome')}"] += 1

        started = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(send, bodies))
        intake = time.perf_counter() - started
    drain_start = time.perf_counter()
    conninfo = url.replace("postgresql+psycopg", "postgresql")
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
    drain = time.perf_counter() - drain_start
    with psycopg.connect(conninfo) as conn:
        attempts = dict(
            conn.execute(
                "SELECT attempts, count(*) FROM procrastinate_jobs "
                "WHERE task_name <> 'prune_service_tables' GROUP BY 1"
            ).fetchall()
        )
        deliveries = conn.execute("SELECT count(*) FROM service_deliveries").fetchone()
    completions: Counter[int] = Counter(
        run_id for run_id, update in github.check_run_updates if update.get("status") == "completed"
    )
    final_ok = sum(
        1
        for name, head in heads.items()
        if any(
            r["head_sha"] == head and r["status"] == "completed" and r["repository"] == name
            for r in github.check_runs.values()
        )
    )
    return {
        "latencies": latencies,
        "outcomes": dict(outcomes),
        "intake_seconds": intake,
        "drain_seconds": drain,
        "jobs": rows,
        "attempts": attempts,
        "deliveries_recorded": deliveries[0] if deliveries else 0,
        "check_runs": len(github.check_runs),
        "max_completions_per_run": max(completions.values(), default=0),
        "completions": sum(completions.values()),
        "runs_completed": len(completions),
        "final_heads_completed": final_ok,
        "pull_requests": len(heads),
    }


def _report(args: argparse.Namespace, r: dict[str, Any]) -> None:
    lat, floor = r["latencies"], r["floor"]
    queued = sum(n for k, n in r["outcomes"].items() if k.startswith("202"))
    print(f"deliveries sent: {len(lat)} from {args.clients} clients, {args.repos} repositories")
    print(f"outcomes: {r['outcomes']}")
    print(
        f"intake: {len(lat) / r['intake_seconds']:.0f} deliveries/s over {r['intake_seconds']:.1f} s"
    )
    p50, p99 = _percentile(lat, 0.5) * 1000, _percentile(lat, 0.99) * 1000
    f50, f99 = _percentile(floor, 0.5) * 1000, _percentile(floor, 0.99) * 1000
    print(f"ack latency: p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {max(lat) * 1000:.0f} ms")
    print(f"HTTP floor (GET /healthz): p50 {f50:.1f} ms, p99 {f99:.1f} ms")
    print(f"ratio to the floor: p50 {p50 / f50:.1f}x, p99 {p99 / f99:.1f}x")
    print(
        f"deliveries recorded: {r['deliveries_recorded']} (accepted {queued} + ignored/duplicate)"
    )
    print(f"jobs: {r['jobs']}, attempts: {r['attempts']}")
    done = r["jobs"].get("succeeded", 0)
    print(
        f"check runs: {r['check_runs']} (one per head checked), completions: "
        f"{r['completions']} for {done} succeeded job(s): "
        + ("exactly once" if r["completions"] == done and set(r["attempts"]) == {1} else "MISMATCH")
    )
    print(f"final heads with a completed run: {r['final_heads_completed']}/{r['pull_requests']}")
    print(
        f"drain after the last delivery: {r['drain_seconds']:.1f} s with {args.workers} worker(s)"
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {k: v for k, v in r.items() if k not in ("latencies", "floor")}
                | {"p50_ms": p50, "p99_ms": p99, "floor_p50_ms": f50, "floor_p99_ms": f99},
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
