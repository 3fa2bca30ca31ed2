"""The embedded default end to end: a signed delivery in, a check run, comment and reviewers out."""

from __future__ import annotations

from pathlib import Path

from tests.service.conftest import World, embedded_service, signed


def test_pull_request_gets_check_run_comment_and_reviewers(world: World, tmp_path: Path) -> None:
    runtime, client = embedded_service(world, tmp_path)
    event = world.open_pull(7)
    head = event["pull_request"]["head"]["sha"]
    body, headers = signed("pull_request", event, "d-1")
    response = client.post("/webhooks/github", content=body, headers=headers)
    assert response.status_code == 202, response.text
    assert runtime.queue.run_pending() == 1
    gh = world.github
    runs = gh.completed_runs(head)
    assert len(runs) == 1
    run = runs[0]
    assert run["conclusion"] == "failure"  # the SQL injection blocks
    assert any(a["path"] == "src/db.py" for a in run["annotations"]), run
    comments = [c for c in gh.comments.values() if c["number"] == 7]
    assert len(comments) == 1 and "netgain review gate" in comments[0]["body"]
    requested = {login for _, _, req in gh.review_requests for login in req["reviewers"]}
    assert "bob" not in requested
    assert requested, "routed reviewers are requested"
    assert gh.git_requests and all(ok == "ok" for ok, _ in gh.git_requests)
