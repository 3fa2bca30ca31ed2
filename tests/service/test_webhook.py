"""Hostile and ordinary deliveries at the webhook: status codes, and which ones queue a job."""

from __future__ import annotations

import time
from pathlib import Path

from netgain.service.signature import sign, verify
from tests.service.conftest import World, embedded_service, signed


def test_signature_is_checked_in_full() -> None:
    body = b'{"zen": "Design for failure."}'
    good = sign(b"s3cret", body)
    assert verify(b"s3cret", body, good)
    assert not verify(b"s3cret", body + b" ", good)
    assert not verify(b"other", body, good)
    assert not verify(b"s3cret", body, good[:-1])
    assert not verify(b"s3cret", body, None)
    assert not verify(b"s3cret", body, "sha1=" + good[7:])
    assert not verify(b"s3cret", body, "sha256=\u00e9")


def test_hostile_deliveries_queue_nothing(world: World, tmp_path: Path) -> None:
    runtime, client = embedded_service(world, tmp_path)
    event = world.open_pull(7)
    body, headers = signed("pull_request", event, "d-1")

    unsigned = {k: v for k, v in headers.items() if k != "X-Hub-Signature-256"}
    assert client.post("/webhooks/github", content=body, headers=unsigned).status_code == 401
    forged = signed("pull_request", event, "d-1", secret="guess")[1]
    assert client.post("/webhooks/github", content=body, headers=forged).status_code == 401
    tampered = body.replace(b'"opened"', b'"closed"')
    assert client.post("/webhooks/github", content=tampered, headers=headers).status_code == 401

    huge = b"{" + b" " * (25 * 1024 * 1024) + b"}"
    big_headers = {**headers, "X-Hub-Signature-256": sign(b"It's a Secret to Everybody", huge)}
    assert client.post("/webhooks/github", content=huge, headers=big_headers).status_code == 413

    broken = b'{"action": "opened", '
    broken_headers = signed("pull_request", {}, "d-2")[1]
    broken_headers["X-Hub-Signature-256"] = sign(b"It's a Secret to Everybody", broken)
    response = client.post("/webhooks/github", content=broken, headers=broken_headers)
    assert response.status_code == 400

    shapeless = signed("pull_request", {"action": "opened", "pull_request": []}, "d-3")
    assert (
        client.post("/webhooks/github", content=shapeless[0], headers=shapeless[1]).status_code
        == 400
    )

    unknown = signed("watch", {"action": "started"}, "d-4")  # an event nothing reads
    response = client.post("/webhooks/github", content=unknown[0], headers=unknown[1])
    assert response.status_code == 200 and response.json()["outcome"] == "ignored"

    ping = signed("ping", {"zen": "Keep it logically awesome.", "hook_id": 1}, "d-5")
    assert client.post("/webhooks/github", content=ping[0], headers=ping[1]).status_code == 200
    assert runtime.queue.counts() == {}

    assert client.post("/webhooks/github", content=body, headers=headers).status_code == 202
    replay = client.post("/webhooks/github", content=body, headers=headers)
    assert replay.status_code == 200 and replay.json()["outcome"] == "duplicate"
    assert runtime.queue.counts() == {"todo": 1}

    metrics = client.get("/metrics").text
    assert "netgain_queue_depth 1.0" in metrics
    assert (
        'netgain_webhook_deliveries_total{event="pull_request",outcome="bad_signature"} 3.0'
        in metrics
    )
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").json() == {"status": "ready"}


def test_a_newer_head_joins_the_waiting_check(world: World, tmp_path: Path) -> None:
    """synchronize while the opened delivery's job waits: one job, and it checks the new head."""
    runtime, client = embedded_service(world, tmp_path)
    first = world.open_pull(7)
    body, headers = signed("pull_request", first, "d-1")
    assert client.post("/webhooks/github", content=body, headers=headers).status_code == 202
    world.repo.checkout("feature")
    newer = world.repo.commit({"src/app.py": "def main() -> None:\n    print('hi')\n"}, "Tweak")
    second = world.open_pull(7, head=newer)
    second["action"] = "synchronize"
    body, headers = signed("pull_request", second, "d-2")
    response = client.post("/webhooks/github", content=body, headers=headers)
    assert response.status_code == 202 and response.json()["coalesced"] == 1
    assert runtime.queue.run_pending() == 1
    old = first["pull_request"]["head"]["sha"]
    assert world.github.completed_runs(old) == []
    assert len(world.github.completed_runs(newer)) == 1


def test_push_to_default_branch_ingests(world: World, tmp_path: Path) -> None:
    runtime, client = embedded_service(world, tmp_path)
    push = {
        "ref": "refs/heads/main",
        "after": world.repo.git("rev-parse", "main"),
        "repository": {"full_name": "octo-org/payments", "default_branch": "main"},
        "installation": {"id": world.github.installation_id},
    }
    body, headers = signed("push", push, "d-push")
    assert client.post("/webhooks/github", content=body, headers=headers).status_code == 202
    other = signed("push", {**push, "ref": "refs/heads/feature"}, "d-push-2")
    assert client.post("/webhooks/github", content=other[0], headers=other[1]).status_code == 200
    assert runtime.queue.run_pending() == 1
    # the ingest asked for its organisation's overview documents, due a minute later
    assert runtime.queue.counts() == {"succeeded": 1, "todo": 1}
    from sqlalchemy import text

    with runtime.ctx.engine.connect() as conn:
        commits = conn.execute(text("SELECT count(*) FROM commits")).scalar_one()
    assert commits == len(world.repo.git("rev-list", "main").split())


def test_a_check_delay_merges_a_burst_into_one_job(world: World, tmp_path: Path) -> None:
    runtime, client = embedded_service(world, tmp_path, {"NETGAIN_CHECK_DELAY": "4"})
    event = world.open_pull(7)
    for delivery, action in (("d-1", "opened"), ("d-2", "labeled"), ("d-3", "edited")):
        body, headers = signed("pull_request", dict(event, action=action), delivery)
        assert client.post("/webhooks/github", content=body, headers=headers).status_code == 202
    assert runtime.queue.run_pending() == 0  # not yet due
    assert runtime.queue.counts() == {"todo": 1}
    time.sleep(4.1)
    assert runtime.queue.run_pending() == 1
    assert len(world.github.completed_runs(event["pull_request"]["head"]["sha"])) == 1
