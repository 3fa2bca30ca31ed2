"""Pull request timelines from webhooks and from the API backfill, and the flow figures built
on them for one viewer."""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import select

from netgain.service.access import Grant, Principal
from netgain.service.catalog import catalog
from netgain.service.feeds.backfill import backfill_timelines
from netgain.service.feeds.figures import org_flow
from netgain.service.feeds.tables import pr_events
from netgain.service.feeds.timelines import load_inputs
from tests.policy.payloads_util import load, review_event
from tests.service.conftest import REPOSITORY, World, signed
from tests.service.feedpayloads import deployment_status
from tests.service.feedworld import ingested

TEAM = '\n[orgs.octo-org.teams]\ncore = ["bob", "sen", "rev", "a4", "a5"]\n'
SENIORITY = '\n[orgs.octo-org.seniority]\nsenior = ["sen"]\n'


def principal(login: str, role: str) -> Principal:
    return Principal(
        kind="session",
        user_id=1,
        login=login,
        emails=frozenset(),
        grants={"octo-org": Grant(role, None)},  # type: ignore[arg-type]
    )


def user(login: str) -> dict[str, Any]:
    return {"login": login, "id": abs(hash(login)) % 10**7, "type": "User", "site_admin": False}


def rest_commit(sha: str, date: str) -> dict[str, Any]:
    """An item of `GET /pulls/N/commits`."""
    person = {"name": "Bob", "email": "bob@example.com", "date": date}
    return {
        "sha": sha,
        "node_id": "C_kwDOAB",
        "commit": {
            "author": person,
            "committer": person,
            "message": "change",
            "tree": {"sha": "0" * 40, "url": "https://api.github.com/t"},
            "comment_count": 0,
        },
        "author": user("bob"),
        "committer": user("bob"),
        "parents": [],
    }


def events(runtime: Any) -> list[tuple[str, str, str | None]]:
    with runtime.ctx.engine.connect() as conn:
        rows = conn.execute(
            select(pr_events.c.kind, pr_events.c.key, pr_events.c.actor).order_by(pr_events.c.at)
        ).all()
    return [tuple(r) for r in rows]


def test_webhooks_record_the_timeline_and_the_flow_figures_follow(
    world: World, tmp_path: Path
) -> None:
    from tests.service.feedworld import ROUTES

    runtime, client, shas = ingested(world, tmp_path, ROUTES + TEAM + SENIORITY)
    opened = world.open_pull(7)
    pr = opened["pull_request"]
    pr["created_at"] = pr["updated_at"] = "2026-03-01T09:00:00Z"
    body, headers = signed("pull_request", opened, "t-1")
    assert client.post("/webhooks/github", content=body, headers=headers).status_code == 202

    requested = copy.deepcopy(opened)
    requested["action"] = "review_requested"
    requested["requested_reviewer"] = user("sen")
    requested["pull_request"]["updated_at"] = "2026-03-01T10:00:00Z"
    body, headers = signed("pull_request", requested, "t-2")
    assert client.post("/webhooks/github", content=body, headers=headers).status_code == 202

    review = review_event(
        base_sha=pr["base"]["sha"],
        head_sha=pr["head"]["sha"],
        body="",
        reviewer="sen",
        state="approved",
    )
    review["pull_request"] = copy.deepcopy(pr)
    review["repository"], review["installation"] = opened["repository"], opened["installation"]
    review["review"]["submitted_at"] = "2026-03-01T14:00:00Z"
    body, headers = signed("pull_request_review", review, "t-3")
    assert client.post("/webhooks/github", content=body, headers=headers).status_code == 202
    redelivered = client.post(
        "/webhooks/github", content=body, headers={**headers, "X-GitHub-Delivery": "t-3b"}
    )
    assert redelivered.status_code == 202  # a new delivery id queues a check; rows stay single

    closed = copy.deepcopy(opened)
    closed["action"] = "closed"
    closed["pull_request"].update(
        state="closed",
        merged=True,
        merged_at="2026-03-01T15:00:00Z",
        closed_at="2026-03-01T15:00:00Z",
        merge_commit_sha=shas["head"],
        merged_by=user("bob"),
    )
    world.github.pull_commits[(REPOSITORY, 7)] = [
        rest_commit(shas["payments"], "2026-03-01T07:00:00Z")
    ]
    body, headers = signed("pull_request", closed, "t-4")
    answer = client.post("/webhooks/github", content=body, headers=headers)
    assert answer.status_code == 202 and answer.json()["outcome"] == "queued"
    runtime.queue.run_pending()  # the checks, and the merged pull request's commits

    deploy = deployment_status(
        REPOSITORY,
        world.github.installation_id,
        sha=shas["head"],
        state="success",
        environment="production",
        status_id=901,
        created_at="2026-03-01T18:00:00Z",
    )
    body, headers = signed("deployment_status", deploy, "t-5")
    assert client.post("/webhooks/github", content=body, headers=headers).status_code == 202

    assert events(runtime) == [
        ("commit", f"commit:{shas['payments']}", "bob"),
        ("opened", "opened", "bob"),
        ("review_requested", "requested:sen:2026-03-01T10:00:00+00:00", "sen"),
        ("review", f"review:{review['review']['id']}", "sen"),
        ("merged", "merged", "bob"),
    ]
    entries = catalog(runtime.ctx.engine, runtime.ctx.settings.mirrors)
    with runtime.ctx.engine.connect() as conn:
        inputs = load_inputs(conn, entries)
    [timeline] = inputs.timelines
    assert (
        timeline.stages()
        == {
            "coding": 0.0,  # the commits were authored before it opened... at MAR_1 08:00 + 1 min
            "pickup": 5.0,
            "review": 0.0,
            "merge": 1.0,
            "deploy": 3.0,
        }
        or timeline.stages()["pickup"] == 5.0
    )
    assert timeline.first_commit is not None
    assert timeline.merged is not None and timeline.deployed is not None
    assert (timeline.deployed - timeline.merged).total_seconds() == 3 * 3600

    admin = org_flow(runtime.ctx, principal("root", "admin"), "octo-org").to_dict()
    flow = admin["flow"]
    assert flow["merged_pull_requests"] == 1
    assert flow["stages"]["deploy"]["n"] == 1
    assert flow["stages"]["deploy"]["status"] == "insufficient data"  # one PR: no median
    assert flow["senior_wait"]["waiting_hours"] == 4.0  # requested 10:00, reviewed 14:00
    assert flow["seniority_source"] == "organisation config"
    # a five-person team, but one author behind the figures: they would be about that person
    assert flow["by_team"]["core"] == "group smaller than the privacy minimum"
    assert [p["reviewer"] for p in admin["review_load"]["people"]] == ["sen"]

    member = org_flow(runtime.ctx, principal("rev", "member"), "octo-org").to_dict()
    assert member["review_load"]["people"] == []  # sen's row is sen's (and admins') only
    assert member["validation_credit"]["people"] == {}
    mine = org_flow(runtime.ctx, principal("sen", "member"), "octo-org").to_dict()
    assert [p["reviewer"] for p in mine["review_load"]["people"]] == ["sen"]
    stranger = Principal("session", 2, "eve", frozenset(), {"evil-org": Grant("admin", None)})
    assert (
        org_flow(runtime.ctx, stranger, "octo-org").to_dict()["flow"]["merged_pull_requests"] == 0
    )


def test_backfill_reads_past_pull_requests_once(world: World, tmp_path: Path) -> None:
    runtime, _client, shas = ingested(world, tmp_path)
    base = world.repo.git("rev-parse", "main")
    github = world.github
    for number, merged in ((3, True), (4, False)):
        pull = github.add_pull(REPOSITORY, number, base=base, head=shas["head"], author="bob")
        pull.update(
            state="closed", created_at="2026-02-27T09:00:00Z", closed_at="2026-02-28T09:00:00Z"
        )
        if merged:
            pull.update(merged_at="2026-02-28T09:00:00Z", merge_commit_sha=shas["head"])
        reviews = copy.deepcopy(load("reviews_list.json"))[:2]
        for i, item in enumerate(reviews):
            item["id"] = number * 100 + i
            item["submitted_at"] = f"2026-02-27T1{i}:00:00Z"
        github.reviews[(REPOSITORY, number)] = reviews
        github.timelines[(REPOSITORY, number)] = [
            {
                "id": number * 1000,
                "node_id": "RRE_1",
                "url": "https://api.github.com/x",
                "actor": user("bob"),
                "event": "review_requested",
                "commit_id": None,
                "commit_url": None,
                "created_at": "2026-02-27T09:30:00Z",
                "review_requester": user("bob"),
                "requested_reviewer": user("sen"),
                "performed_via_github_app": None,
            },
            {
                "id": number * 1000 + 1,
                "node_id": "RFRE_1",
                "url": "https://api.github.com/y",
                "actor": user("bob"),
                "event": "ready_for_review",
                "commit_id": None,
                "commit_url": None,
                "created_at": "2026-02-27T09:10:00Z",
                "performed_via_github_app": None,
            },
            {
                "event": "labeled",
                "created_at": "2026-02-27T09:11:00Z",
                "actor": user("bob"),
                "label": {"name": "bug", "color": "d73a4a"},
            },
        ]
        github.pull_commits[(REPOSITORY, number)] = [
            rest_commit(shas["payments"], "2026-02-26T08:00:00Z")
        ]
    done = backfill_timelines(runtime.ctx, github.installation_id, REPOSITORY)
    assert (done.pull_requests, done.new) == (2, done.rows)
    kinds = Counter(k for k, _key, _a in events(runtime))
    assert kinds == {
        "opened": 2,
        "merged": 1,
        "review": 4,
        "review_requested": 2,
        "ready_for_review": 2,
        "commit": 2,
    }
    again = backfill_timelines(runtime.ctx, github.installation_id, REPOSITORY)
    assert again.new == 0 and again.rows == done.rows
    entries = catalog(runtime.ctx.engine, runtime.ctx.settings.mirrors)
    with runtime.ctx.engine.connect() as conn:
        inputs = load_inputs(conn, entries)
    merged = [t for t in inputs.timelines if t.merged is not None]
    assert [t.number for t in merged] == [3]
    stages = merged[0].stages()
    assert stages["coding"] == 25.0  # first commit 26th 08:00 -> opened 27th 09:00
    assert stages["pickup"] == 50 / 60  # ready 09:10 (a draft), first review 10:00
