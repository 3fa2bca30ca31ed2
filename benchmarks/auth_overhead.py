"""What access control costs each request: the caller resolved from a session cookie or an API
token, next to the same uvicorn stack answering without any (the floor every request pays).

    .venv/bin/python benchmarks/auth_overhead.py [--requests 1500] [--clients 4] [--postgres]
        [--json FILE]

Serves the real app (`create_app`, the embedded SQLite store or, with --postgres, a throw-away
PostgreSQL from benchmarks/pgserver.py) on loopback with uvicorn in this process, signs one admin in
(a session and an API token through `netgain.service.access`), then sends `--requests` requests
from `--clients` threads to each of:

- `GET /healthz`: no caller at all (the floor);
- `GET /auth/me` with the session cookie (one session lookup, the user, the grants);
- `GET /auth/me` with `Authorization: Bearer` (token hash lookup, the creator's grants, the
  `last_used_at` write at most once a minute);
- `GET /api/v1/orgs/acme/tokens` with the token (resolution plus an org-scoped query).

Printed: requests/s and p50/p99 latency of each, and each one's p50 as a ratio of the floor's.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.fakegithub import Served  # noqa: E402
from netgain.service import access  # noqa: E402
from netgain.service.app import create_app  # noqa: E402
from netgain.service.runtime import open_runtime  # noqa: E402
from netgain.service.settings import from_env  # noqa: E402


def measure(url: str, headers: dict[str, str], requests: int, clients: int) -> dict[str, float]:
    latencies: list[float] = []

    def worker(count: int) -> list[float]:
        done = []
        with httpx.Client(headers=headers, timeout=30) as http:
            for _ in range(count):
                started = time.perf_counter()
                answer = http.get(url)
                done.append(time.perf_counter() - started)
                if answer.status_code != 200:
                    raise RuntimeError(f"{url}: {answer.status_code} {answer.text[:200]}")
        return done

    share = [requests // clients] * clients
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for part in pool.map(worker, share):
            latencies.extend(part)
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests_per_s": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    scratch = Path(tempfile.mkdtemp(prefix="auth-bench-"))
    env = {"NETGAIN_SERVICE_DIR": str(scratch / "svc"), "NETGAIN_PUBLIC_URL": "http://127.0.0.1"}
    server = None
    if args.postgres:
        from benchmarks.pgserver import PostgresServer

        server = PostgresServer()
        server.start()
        env["NETGAIN_DATABASE_URL"] = server.create_database("auth_bench")
    runtime = open_runtime(from_env(env))
    try:
        engine = runtime.ctx.engine
        user = access.upsert_user(engine, provider="github", subject="1", login="olga")
        access.replace_grants(engine, user, {"acme": access.Grant("admin", None)})
        cookie, _ = access.open_session(engine, user)
        token = access.issue_token(engine, user_id=user, org="acme", scope="read", name="bench")
        bearer = {"Authorization": f"Bearer {token}"}
        with Served(create_app(runtime.ctx, runtime.queue)) as served:
            base = served.url
            cases = {
                "no caller (GET /healthz)": (f"{base}/healthz", {}),
                "session cookie (GET /auth/me)": (
                    f"{base}/auth/me",
                    {"Cookie": f"{access.SESSION_COOKIE}={cookie}"},
                ),
                "API token (GET /auth/me)": (f"{base}/auth/me", bearer),
                "API token + org query (GET .../tokens)": (
                    f"{base}/api/v1/orgs/acme/tokens",
                    bearer,
                ),
            }
            for url, headers in cases.values():  # warm-up
                measure(url, headers, 50, 1)
            results = {
                name: measure(url, headers, args.requests, args.clients)
                for name, (url, headers) in cases.items()
            }
    finally:
        runtime.ctx.close()
        if server is not None:
            server.stop()
    floor = results["no caller (GET /healthz)"]["p50_ms"]
    for figures in results.values():
        figures["p50_vs_floor"] = figures["p50_ms"] / floor
    return {
        "store": "postgresql" if args.postgres else "sqlite",
        "requests": args.requests,
        "clients": args.clients,
        "results": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    report = run(args)
    print(f"store {report['store']}, {report['requests']} requests x {report['clients']} clients")
    print(f"{'case':<42} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'p50/floor':>10}")
    for name, r in report["results"].items():
        print(
            f"{name:<42} {r['requests_per_s']:>8.0f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f}"
            f" {r['p50_vs_floor']:>10.2f}"
        )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
