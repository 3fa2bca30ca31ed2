"""The README's one command: `netgain serve` alone, SQLite and in-process jobs, as a user runs it."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import httpx

from tests.gitrepo import git_env
from tests.history.conftest import NETGAIN
from tests.service.conftest import World, signed
from tests.service.fakegithub import free_port


def test_netgain_serve_alone_checks_a_pull_request(world: World, tmp_path: Path) -> None:
    env = git_env()
    env.update(world.env(tmp_path / "svc"))
    port = free_port()
    with (tmp_path / "serve.log").open("wb") as log:
        proc = subprocess.Popen(
            [NETGAIN, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.time() + 60
            while time.time() < deadline:
                try:
                    if httpx.get(f"{base}/readyz").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            event = world.open_pull(7)
            head = event["pull_request"]["head"]["sha"]
            body, headers = signed("pull_request", event, "d-1")
            response = httpx.post(f"{base}/webhooks/github", content=body, headers=headers)
            assert response.status_code == 202
            while time.time() < deadline + 60 and not world.github.completed_runs(head):
                time.sleep(0.2)
            (run,) = world.github.completed_runs(head)
            assert run["conclusion"] == "failure"
            done = 'netgain_jobs{state="succeeded"} 1.0'
            while time.time() < deadline + 90 and done not in httpx.get(f"{base}/metrics").text:
                time.sleep(0.2)  # the job records its decision after completing the run
            assert done in httpx.get(f"{base}/metrics").text
        finally:
            proc.terminate()
            proc.wait(30)
    log_text = (tmp_path / "serve.log").read_text()
    # uvicorn stops gracefully on SIGTERM, then re-raises it so the exit status says why
    assert proc.returncode in (0, -signal.SIGTERM), log_text[-3000:]
    assert "/hooks/slack" not in log_text  # a Slack webhook URL is a credential
    assert "job check_pull_request octo-org/payments: failure" in log_text
    assert (tmp_path / "svc" / "netgain.db").is_file()
