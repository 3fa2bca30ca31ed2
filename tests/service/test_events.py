"""Which jobs each webhook event asks for (netgain.service.events.route), in GitHub's shapes."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from netgain.service import events
from tests.policy.payloads_util import load

INSTALLATION = {"id": 4242, "node_id": "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg=="}


def _pr(action: str) -> dict[str, Any]:
    event = copy.deepcopy(load("pull_request_opened.json"))
    event["action"], event["installation"] = action, INSTALLATION
    return dict(event)


@pytest.mark.parametrize("action", sorted(events.PULL_REQUEST_ACTIONS))
def test_pull_request_actions_queue_a_check(action: str) -> None:
    event = _pr(action)
    (job,) = events.route("pull_request", event).jobs
    name, number = event["repository"]["full_name"], event["number"]
    assert job.task == events.CHECK
    assert job.args["head_sha"] == event["pull_request"]["head"]["sha"]
    assert job.lock == f"repo:{name}" and job.queueing_lock == f"pr:{name}#{number}"


def test_other_pull_request_activity_is_ignored() -> None:
    assert events.route("pull_request", _pr("assigned")).ignored
    closed = _pr("edited")
    closed["pull_request"]["state"] = "closed"
    assert events.route("pull_request", closed).jobs == []


def test_reviews_rerequests_and_merge_groups() -> None:
    review = copy.deepcopy(load("pull_request_review_submitted.json"))
    review["installation"] = INSTALLATION
    assert events.route("pull_request_review", review).jobs[0].task == events.CHECK
    assert events.route("pull_request_review", dict(review, action="deleted")).jobs == []
    suite = {
        "action": "rerequested",
        "check_suite": {"head_sha": "a" * 40, "pull_requests": [{"number": 3}, {"number": 4}]},
        "repository": {"full_name": "o/r"},
        "installation": INSTALLATION,
    }
    assert [j.args["number"] for j in events.route("check_suite", suite).jobs] == [3, 4]
    run = {
        "action": "rerequested",
        "check_run": {"head_sha": "b" * 40, "pull_requests": [{"number": 5}]},
        "repository": {"full_name": "o/r"},
        "installation": INSTALLATION,
    }
    assert events.route("check_run", run).jobs[0].args["head_sha"] == "b" * 40
    group = {
        "action": "checks_requested",
        "merge_group": {"head_sha": "c" * 40, "base_sha": "d" * 40, "head_ref": "x"},
        "repository": {"full_name": "o/r"},
        "installation": INSTALLATION,
    }
    (job,) = events.route("merge_group", group).jobs
    assert job.task == events.MERGE_GROUP and job.args["base_sha"] == "d" * 40


def test_installations_backfill_added_and_forget_removed() -> None:
    added = {
        "action": "added",
        "installation": INSTALLATION,
        "repositories_added": [{"full_name": "o/new"}],
        "repositories_removed": [{"full_name": "o/old"}],
    }
    jobs = events.route("installation_repositories", added).jobs
    assert [(j.task, j.args.get("repository"), j.args.get("backfill")) for j in jobs] == [
        (events.INGEST, "o/new", True),
        (events.FORGET, "o/old", None),
    ]
    created = {
        "action": "created",
        "installation": INSTALLATION,
        "repositories": [{"full_name": "o/a"}],
    }
    assert events.route("installation", created).jobs[0].args["backfill"] is True


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        ("pull_request", []),
        ("pull_request", {"action": "opened"}),
        ("pull_request", {"action": "opened", "pull_request": {"number": "7"}}),
        ("push", {"ref": "refs/heads/main", "repository": {"default_branch": 3}}),
        (
            "installation_repositories",
            {"action": "added", "installation": INSTALLATION, "repositories_added": {}},
        ),
        (
            "pull_request",
            {"action": "opened", "pull_request": {"number": True, "head": {"sha": "a"}}},
        ),
    ],
)
def test_malformed_payloads_name_the_field(event: str, payload: Any) -> None:
    with pytest.raises(events.MalformedPayloadError):
        events.route(event, payload)


def test_merged_pull_requests_and_releases_ask_for_their_commits() -> None:
    merged = _pr("closed")
    merged["pull_request"].update(state="closed", merged=True)
    [job] = events.route("pull_request", merged).jobs
    assert (
        job.task == events.PULL_COMMITS and job.args["number"] == merged["pull_request"]["number"]
    )
    unmerged = _pr("closed")
    unmerged["pull_request"].update(state="closed", merged=False)
    assert events.route("pull_request", unmerged).jobs == []
    release = {
        "action": "published",
        "release": {"id": 5, "tag_name": "v1.0", "prerelease": False, "draft": False},
        "repository": {"full_name": "acme/api"},
        "installation": {"id": 1},
    }
    [job] = events.route("release", release).jobs
    assert job.task == events.RELEASE_COMMIT and job.args["tag"] == "v1.0"
    release["release"]["prerelease"] = True
    assert events.route("release", release).jobs == []


def test_an_ingest_asks_for_its_organisations_overview_documents_later() -> None:
    from netgain.service.jobs import follow_ups

    ingest = events.ingest_job(1, "Octo-Org/payments")
    (documents,) = follow_ups(ingest.task, ingest.args)
    assert documents.task == events.DOCUMENTS and documents.args == {"org": "octo-org"}
    assert documents.queueing_lock == documents.lock == "documents:octo-org"
    assert documents.delay == events.DOCUMENTS_DELAY > 0  # a burst of pushes computes once
    check = events.check_job(1, "o/r", 7, "a" * 40)
    assert follow_ups(check.task, check.args) == []


def test_every_job_kind_has_a_procrastinate_task() -> None:
    """A job deferred by name without a registered task would never run on a worker."""
    from netgain.service.queue import build_procrastinate

    app = build_procrastinate("postgresql://nobody@127.0.0.1:1/none", lambda _t, _a: "")
    assert set(events.TASKS) <= set(app.tasks)
    assert len(set(events.TASKS)) == len(events.TASKS)
