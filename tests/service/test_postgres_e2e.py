"""End to end on PostgreSQL: `netgain serve` and `netgain worker` processes, signed deliveries in,
the fake GitHub's record out; and a worker killed mid-job whose job another worker finishes."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import httpx
import psycopg
import pytest

from tests.gitrepo import git_env
from tests.history.conftest import NETGAIN
from tests.pgserver import PostgresServer
from tests.service.conftest import REPOSITORY, World, signed
from tests.service.fakegithub import free_port

pytestmark = pytest.mark.postgres


class Processes:
    def __init__(self, world: World, tmp_path: Path, database_url: str) -> None:
        self.world, self.tmp, self.url = world, tmp_path, database_url
        self.procs: list[subprocess.Popen[bytes]] = []
        self.logs: list[IO[bytes]] = []
        self.port = free_port()

    def env(self, name: str) -> dict[str, str]:
        env = git_env()
        env.update(self.world.env(self.tmp / name, self.url))
        env.update(
            {
                "NETGAIN_WORKER_HEARTBEAT": "0.5",
                "NETGAIN_WORKER_STALLED_AFTER": "2",
                "NETGAIN_CHECK_DELAY": "0.3",  # through Procrastinate's schedule_in
            }
        )
        return env

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (self.tmp / f"{name}.log").open("wb")
        self.logs.append(log)
        proc = subprocess.Popen(
            [NETGAIN, *args], env=self.env(name), stdout=log, stderr=subprocess.STDOUT
        )
        self.procs.append(proc)
        return proc

    def serve(self) -> str:
        self.start("serve", "serve", "--port", str(self.port))
        base = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(f"{base}/readyz").status_code == 200:
                    return base
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError((self.tmp / "serve.log").read_text())

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for log in self.logs:
            log.close()


@pytest.fixture
def processes(world: World, tmp_path: Path, postgres_url: str) -> Iterator[Processes]:
    running = Processes(world, tmp_path, postgres_url)
    try:
        yield running
    finally:
        running.stop()


def _jobs(url: str) -> dict[str, int]:
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
        rows = conn.execute(
            "SELECT status::text, count(*) FROM procrastinate_jobs "
            "WHERE task_name <> 'prune_service_tables' GROUP BY 1"
        ).fetchall()
    return dict(rows)


def _wait_done(processes: Processes, expected: int, timeout: float = 120) -> dict[str, int]:
    deadline = time.time() + timeout
    while time.time() < deadline:
        jobs = _jobs(processes.url)
        if (
            jobs.get("succeeded", 0) + jobs.get("failed", 0) >= expected
            and not jobs.get("todo")
            and not jobs.get("doing")
        ):
            return jobs
        time.sleep(0.2)
    logs = "\n".join(p.read_text()[-3000:] for p in processes.tmp.glob("*.log"))
    with psycopg.connect(processes.url.replace("postgresql+psycopg", "postgresql")) as conn:
        rows = conn.execute(
            "SELECT id, task_name, status::text, scheduled_at, lock, queueing_lock, attempts "
            "FROM procrastinate_jobs ORDER BY id"
        ).fetchall()
    raise AssertionError(f"jobs not done: {rows}\n{logs}")


def _heads(world: World, count: int) -> list[str]:
    heads = []
    for n in range(1, count + 1):
        world.repo.checkout("feature")
        world.repo.branch(f"pr{n}")
        world.repo.checkout(f"pr{n}")
        heads.append(world.repo.commit({f"src/mod{n}.py": f"VALUE = {n}\n"}, f"Module {n}"))
    return heads


def test_serve_and_two_workers_report_each_head_once(world: World, processes: Processes) -> None:
    base = processes.serve()
    processes.start("worker1", "worker")
    processes.start("worker2", "worker")
    heads = _heads(world, 4)
    with httpx.Client(base_url=base) as client:
        for n, head in enumerate(heads, start=1):
            event = world.open_pull(n, head=head)
            body, headers = signed("pull_request", event, f"delivery-{n}")
            assert client.post("/webhooks/github", content=body, headers=headers).status_code == 202
            # GitHub's redelivery of the same delivery is acknowledged, not queued again
            assert client.post("/webhooks/github", content=body, headers=headers).status_code == 200
        bad = signed("pull_request", world.open_pull(1, head=heads[0]), "delivery-x", secret="no")
        assert client.post("/webhooks/github", content=bad[0], headers=bad[1]).status_code == 401
    assert _wait_done(processes, len(heads)) == {"succeeded": len(heads)}
    gh = world.github
    for n, head in enumerate(heads, start=1):
        runs = [r for r in gh.check_runs.values() if r["head_sha"] == head]
        assert len(runs) == 1 and runs[0]["status"] == "completed", runs
        assert runs[0]["conclusion"] == "failure"
        assert any(a["path"] == "src/db.py" for a in runs[0]["annotations"])
        completions = [
            u
            for i, u in gh.check_run_updates
            if i == runs[0]["id"] and u.get("status") == "completed"
        ]
        assert len(completions) == 1
        assert len([c for c in gh.comments.values() if c["number"] == n]) == 1
        asked = [
            login
            for _, number, req in gh.review_requests
            if number == n
            for login in req["reviewers"]
        ]
        assert asked and "bob" not in asked


def test_a_worker_killed_mid_job_is_replaced(world: World, processes: Processes) -> None:
    base = processes.serve()
    first = processes.start("worker1", "worker")
    path = f"/repos/{REPOSITORY}/pulls/1/reviews"
    release = threading.Event()
    world.github.stall[path] = release
    event = world.open_pull(1)
    head = event["pull_request"]["head"]["sha"]
    body, headers = signed("pull_request", event, "delivery-1")
    assert httpx.post(f"{base}/webhooks/github", content=body, headers=headers).status_code == 202
    assert world.github.stalled.setdefault(path, threading.Event()).wait(60)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(10)
    release.set()
    assert _jobs(processes.url) == {"doing": 1}
    processes.start("worker2", "worker")
    assert _wait_done(processes, 1, timeout=90) == {"succeeded": 1}
    (run,) = [r for r in world.github.check_runs.values() if r["head_sha"] == head]
    assert run["status"] == "completed" and run["conclusion"] == "failure"
    completions = [
        u
        for i, u in world.github.check_run_updates
        if i == run["id"] and u.get("status") == "completed"
    ]
    assert len(completions) == 1


def test_postgres_restart_loses_nothing(
    world: World, processes: Processes, postgres_server: PostgresServer
) -> None:
    base = processes.serve()
    worker = processes.start("worker1", "worker")
    heads = _heads(world, 2)
    with httpx.Client(base_url=base) as client:
        body, headers = signed("pull_request", world.open_pull(1, head=heads[0]), "delivery-1")
        assert client.post("/webhooks/github", content=body, headers=headers).status_code == 202
        _wait_done(processes, 1)
        postgres_server.restart()
        again = client.post("/webhooks/github", content=body, headers=headers)
        assert again.json()["outcome"] == "duplicate"  # recorded before the restart, still known
        body, headers = signed("pull_request", world.open_pull(2, head=heads[1]), "delivery-2")
        assert client.post("/webhooks/github", content=body, headers=headers).status_code == 202
    assert _wait_done(processes, 2) == {"succeeded": 2}
    for head in heads:
        assert len(world.github.completed_runs(head)) == 1
    assert worker.poll() is None, "the worker survived the restart"
    assert processes.procs[0].poll() is None, "serve survived the restart"


def test_a_workers_ingest_queues_the_overview_documents(world: World, processes: Processes) -> None:
    """The follow-up is deferred from inside a Procrastinate worker's job: a push's ingest
    leaves the organisation's documents job waiting for its delay, once for a burst."""
    base = processes.serve()
    processes.start("worker1", "worker")
    push = {
        "ref": "refs/heads/main",
        "after": world.repo.git("rev-parse", "main"),
        "repository": {"full_name": REPOSITORY, "default_branch": "main"},
        "installation": {"id": world.github.installation_id},
    }
    with httpx.Client(base_url=base) as client:
        body, headers = signed("push", push, "d-push-1")
        assert client.post("/webhooks/github", content=body, headers=headers).status_code == 202
    deadline = time.time() + 120
    rows: list[tuple[str, str, str | None]] = []
    while time.time() < deadline:
        with psycopg.connect(processes.url.replace("postgresql+psycopg", "postgresql")) as conn:
            rows = conn.execute(
                "SELECT task_name, status::text, queueing_lock FROM procrastinate_jobs "
                "WHERE task_name <> 'prune_service_tables' ORDER BY id"
            ).fetchall()
        if ("ingest_repository", "succeeded") in [(t, s) for t, s, _ in rows]:
            break
        time.sleep(0.2)
    assert [(t, s) for t, s, _ in rows] == [
        ("ingest_repository", "succeeded"),
        ("store_org_documents", "todo"),
    ], rows
    assert rows[1][2] == "documents:octo-org"
