"""The embedded default end to end: a signed delivery in, a check run, comment and reviewers out."""

from __future__ import annotations

import base64
import logging
import threading
from collections import Counter
from pathlib import Path

import pytest

from netgain.service.check_job import STICKY_MARKER
from tests.service.conftest import REPOSITORY, World, embedded_service, signed


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


def test_a_review_reevaluates_on_the_same_run_and_comment(world: World, tmp_path: Path) -> None:
    runtime, client = embedded_service(world, tmp_path)
    event = world.open_pull(7)
    head = event["pull_request"]["head"]["sha"]
    body, headers = signed("pull_request", event, "d-1")
    client.post("/webhooks/github", content=body, headers=headers)
    runtime.queue.run_pending()
    asked = {login for _, _, req in world.github.review_requests for login in req["reviewers"]}
    reviewer = sorted(asked)[0]
    world.github.reviews[(REPOSITORY, 7)].append(
        {
            "id": 80,
            "user": {"login": reviewer, "id": 1, "type": "User"},
            "body": "",
            "state": "COMMENTED",
            "commit_id": head,
            "submitted_at": "2024-01-02T00:00:00Z",
        }
    )
    review = dict(event, action="submitted", review=world.github.reviews[(REPOSITORY, 7)][-1])
    body, headers = signed("pull_request_review", review, "d-2")
    first_calls = len(world.github.calls)
    assert client.post("/webhooks/github", content=body, headers=headers).status_code == 202
    assert runtime.queue.run_pending() == 1
    runs = [r for r in world.github.check_runs.values() if r["head_sha"] == head]
    assert len(runs) == 1 and runs[0]["status"] == "completed"
    comments = [c for c in world.github.comments.values() if c["number"] == 7]
    assert len(comments) == 1
    again = [login for _, _, req in world.github.review_requests[1:] for login in req["reviewers"]]
    # the run and the comment are remembered: no search for either the second time
    second = [call for call in world.github.calls[first_calls:] if call[0] == "GET"]
    assert not [path for _, path in second if "check-runs" in path or "comments" in path]
    assert reviewer not in again  # already reviewed, and already asked


def test_a_result_for_a_head_that_moved_on_is_dropped(world: World, tmp_path: Path) -> None:
    runtime, client = embedded_service(world, tmp_path)
    event = world.open_pull(7)
    head = event["pull_request"]["head"]["sha"]
    body, headers = signed("pull_request", event, "d-1")
    client.post("/webhooks/github", content=body, headers=headers)
    release = threading.Event()
    world.github.stall[f"/repos/{REPOSITORY}/pulls/7/reviews"] = release
    worker = threading.Thread(target=runtime.queue.run_pending)
    worker.start()
    world.github.stalled.setdefault(f"/repos/{REPOSITORY}/pulls/7/reviews", threading.Event()).wait(
        30
    )
    world.github.pulls[(REPOSITORY, 7)]["head"]["sha"] = "f" * 40  # a push meanwhile
    release.set()
    worker.join(60)
    (run,) = world.github.completed_runs(head)
    assert run["conclusion"] == "neutral"
    assert world.github.comments == {} and world.github.review_requests == []


def test_the_token_never_reaches_config_logs_or_errors(
    world: World, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    runtime, client = embedded_service(world, tmp_path)
    event = world.open_pull(7)
    body, headers = signed("pull_request", event, "d-1")
    client.post("/webhooks/github", content=body, headers=headers)
    with caplog.at_level(logging.DEBUG):
        runtime.queue.run_pending()
    (token,) = world.github.tokens
    mirror = tmp_path / "svc" / "mirrors" / "octo-org" / "payments.git"
    assert (mirror / "HEAD").is_file()
    stored = b"".join(p.read_bytes() for p in mirror.rglob("*") if p.is_file())
    assert token.encode() not in stored
    assert base64.b64encode(f"x-access-token:{token}".encode()) not in stored

    # the git server now refuses this repository: the job fails, saying so without the token
    world.github.repos["octo-org/payments"] = tmp_path / "gone"
    world.repo.checkout("feature")
    newer = world.repo.commit({"src/app.py": "x = 1\n"}, "Change")
    event = world.open_pull(7, head=newer)
    body, headers = signed("pull_request", dict(event, action="synchronize"), "d-2")
    client.post("/webhooks/github", content=body, headers=headers)
    with caplog.at_level(logging.DEBUG):
        runtime.queue.run_pending()
    (run,) = world.github.completed_runs(newer)
    assert run["conclusion"] == "failure" and "not analysed" in run["output"]["title"]
    # the public summary names the job, not the error (server paths stay in the log)
    summary = run["output"]["summary"]
    assert "git fetch" not in summary and str(tmp_path) not in summary
    from sqlalchemy import text

    with runtime.ctx.engine.connect() as conn:
        failed = conn.execute(text("SELECT max(id) FROM service_embedded_jobs")).scalar()
    assert f"job {failed} " in summary
    assert any(
        f"job {failed}:" in r.getMessage() and "git fetch" in r.getMessage() for r in caplog.records
    )
    for secret in world.github.tokens:
        assert secret not in run["output"]["summary"]
        assert secret not in caplog.text
    with runtime.ctx.engine.connect() as conn:
        errors = conn.execute(text("SELECT error FROM service_embedded_jobs")).scalars().all()
    assert any(e and "git fetch" in e for e in errors)
    assert not any(secret in (e or "") for e in errors for secret in world.github.tokens)


def test_channels_hear_once_what_a_change_needs(world: World, tmp_path: Path) -> None:
    runtime, client = embedded_service(world, tmp_path)
    event = world.open_pull(7)
    for delivery, action in (("d-1", "opened"), ("d-2", "labeled")):
        body, headers = signed("pull_request", dict(event, action=action), delivery)
        assert client.post("/webhooks/github", content=body, headers=headers).status_code == 202
        runtime.queue.run_pending()
    assert len(world.github.completed_runs(event["pull_request"]["head"]["sha"])) == 1
    hooks = dict(world.github.notifications)
    assert len(world.github.notifications) == 2  # one per channel: the second run changed nothing
    assert "octo-org/payments#7 blocked, needs a senior, needs an owner" in hooks["slack"]["text"]
    generic = hooks["generic"]
    assert generic["verdict"] == "blocked" and generic["pull_request"] == 7
    assert generic["url"].startswith(f"{world.url}/octo-org/payments/pull/7/checks?check_run_id=")


def _merge_group(world: World, head: str, ref: str) -> dict[str, object]:
    world.repo.update_ref(f"refs/heads/{ref}", head)
    return {
        "action": "checks_requested",
        "merge_group": {
            "head_sha": head,
            "head_ref": f"refs/heads/{ref}",
            "base_sha": world.repo.git("rev-parse", "main"),
            "base_ref": "refs/heads/main",
            "head_commit": {"id": head, "message": "Merge queue"},
        },
        "repository": {"full_name": REPOSITORY, "default_branch": "main"},
        "installation": {"id": world.github.installation_id},
    }


def test_merge_groups_never_wait_and_blocked_ones_fail(world: World, tmp_path: Path) -> None:
    runtime, client = embedded_service(world, tmp_path)
    blocked = world.repo.git("rev-parse", "feature")
    world.repo.checkout("main")
    world.repo.branch("clean")
    world.repo.checkout("clean")
    clean = world.repo.commit(
        {"README.md": "# payments\n"}, "Document", author=("Ada", "ada@example.com")
    )
    for n, head in enumerate((blocked, clean)):
        event = _merge_group(world, head, f"gh-readonly-queue/main/pr-{n}-{head[:8]}")
        body, headers = signed("merge_group", event, f"mg-{n}")
        assert client.post("/webhooks/github", content=body, headers=headers).status_code == 202
    assert runtime.queue.run_pending() == 2
    (failed,) = world.github.completed_runs(blocked)
    assert failed["conclusion"] == "failure"
    (passed,) = world.github.completed_runs(clean)
    assert passed["conclusion"] == "success", passed["output"]


# analysed code with a SQL injection per function (never run)
VULNERABLE_QUERY = (
    "\n\ndef find_N(conn: sqlite3.Connection, name: str) -> list:\n"
    "    return conn.execute(\"SELECT * FROM t_N WHERE name = '%s'\" % name).fetchall()\n"
)


def test_more_than_fifty_annotations_go_in_batches(world: World, tmp_path: Path) -> None:
    runtime, client = embedded_service(world, tmp_path)
    world.repo.checkout("main")
    world.repo.branch("many")
    world.repo.checkout("many")
    functions = "".join(VULNERABLE_QUERY.replace("_N", f"_{i}") for i in range(60))
    head = world.repo.commit({"src/queries.py": "import sqlite3" + functions}, "Add queries")
    event = world.open_pull(8, head=head)
    body, headers = signed("pull_request", event, "d-many")
    client.post("/webhooks/github", content=body, headers=headers)
    assert runtime.queue.run_pending() == 1
    (run,) = world.github.completed_runs(head)
    titles = Counter(a["title"] for a in run["annotations"] if a["path"] == "src/queries.py")
    # each query is a finding and, as raw SQL, a data-access zone signal
    assert titles == {"sql-injection (high, CWE-89)": 60, "zone data_access: raw_sql": 60}
    patches = [u for i, u in world.github.check_run_updates if i == run["id"] and "output" in u]
    assert [len(u["output"].get("annotations", [])) for u in patches] == [50, 50, 20]


def test_a_deleted_sticky_comment_is_posted_again(world: World, tmp_path: Path) -> None:
    runtime, client = embedded_service(world, tmp_path)
    event = world.open_pull(7)
    for delivery, action in (("d-1", "opened"), ("d-2", "labeled")):
        if delivery == "d-2":
            world.github.comments.clear()  # someone deleted netgain's comment
        body, headers = signed("pull_request", dict(event, action=action), delivery)
        client.post("/webhooks/github", content=body, headers=headers)
        assert runtime.queue.run_pending() == 1
    (comment,) = world.github.comments.values()
    assert comment["number"] == 7 and STICKY_MARKER in comment["body"]


GO_ENDPOINT = (
    "func Run(w http.ResponseWriter, r *http.Request) {\n"
    '  out, _ := exec.Command("sh", "-c", r.URL.Query().Get("cmd")).Output()\n'
    "  w.Write(out)\n"
    "}\n"
)


def _go_pull(world: World, number: int) -> dict[str, object]:
    """A pull request that adds Go, which netgain does not analyse itself."""
    world.repo.branch("go-feature", "main")
    world.repo.checkout("go-feature")
    world.repo.commit(
        {"src/api/run.go": GO_ENDPOINT}, "run endpoint", author=("Bob Builder", "bob@example.com")
    )
    return world.open_pull(number, head=world.repo.head())


def _analysis(head: str, number: int, results: list[dict[str, object]]) -> dict[str, object]:
    """One code-scanning analysis as GitHub lists it, with the SARIF it serves for it."""
    rule = "go/command-line-injection"
    return {
        "id": 501,
        "ref": f"refs/pull/{number}/head",
        "commit_sha": head,
        "analysis_key": ".github/workflows/codeql.yml:analyze",
        "environment": "{}",
        "category": ".github/workflows/codeql.yml:analyze/language:go",
        "error": "",
        "created_at": "2024-01-02T00:00:00Z",
        "results_count": len(results),
        "rules_count": 1,
        "url": "https://api.github.com/repos/acme/api/code-scanning/analyses/501",
        "sarif_id": "6c81cd8e-b078-4ac3-a3be-1dad7dbd0b53",
        "tool": {"name": "CodeQL", "guid": None, "version": "2.19.0"},
        "deletable": True,
        "warning": "",
        "sarif": {
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {"driver": {"name": "CodeQL", "rules": [{"id": rule}]}},
                    "versionControlProvenance": [{"repositoryUri": "x", "revisionId": head}],
                    "results": results,
                }
            ],
        },
    }


def test_code_scanning_results_judge_what_netgain_does_not_read(
    world: World, tmp_path: Path
) -> None:
    runtime, client = embedded_service(world, tmp_path)
    event = _go_pull(world, 9)
    head = str(event["pull_request"]["head"]["sha"])  # type: ignore[index]
    body, headers = signed("pull_request", event, "d-go-1")
    client.post("/webhooks/github", content=body, headers=headers)
    assert runtime.queue.run_pending() == 1
    # no analysis on GitHub: the Go file is not analysed, so the gate cannot approve it
    (run,) = world.github.completed_runs(head)
    assert run["conclusion"] == "action_required"
    assert "src/api/run.go: not analysed" in run["output"]["summary"]

    finding = {
        "ruleId": "go/command-line-injection",
        "level": "error",
        "message": {"text": "This command depends on a user-provided value."},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "src/api/run.go"},
                    "region": {"startLine": 2},
                }
            }
        ],
    }
    world.github.analyses[REPOSITORY] = [_analysis(head, 9, [finding])]
    rerun = dict(event, action="synchronize")
    body, headers = signed("pull_request", rerun, "d-go-2")
    client.post("/webhooks/github", content=body, headers=headers)
    assert runtime.queue.run_pending() == 1
    run = next(r for r in world.github.check_runs.values() if r["head_sha"] == head)
    assert run["conclusion"] == "failure"
    assert any(a["path"] == "src/api/run.go" for a in run["annotations"]), run["annotations"]
    assert "not analysed" not in run["output"]["summary"]


def test_senior_reviews_get_the_review_brief_in_comment_and_check_run(
    world: World, tmp_path: Path
) -> None:
    runtime, client = embedded_service(world, tmp_path)
    event = world.open_pull(7)  # AI-written auth code and a SQL injection: seniors and owners
    head = event["pull_request"]["head"]["sha"]
    body, headers = signed("pull_request", event, "d-brief-1")
    client.post("/webhooks/github", content=body, headers=headers)
    assert runtime.queue.run_pending() == 1
    (run,) = world.github.completed_runs(head)
    (comment,) = [c for c in world.github.comments.values() if c["number"] == 7]
    for text in (run["output"]["summary"], comment["body"]):
        brief = text.split("<summary>Review brief</summary>", 1)
        assert len(brief) == 2, text[-400:]
        # the verdict stays on top; the brief's first item is the taint sink in src/db.py
        assert "netgain review gate" in brief[0] or "verdict" in brief[0].lower()
        first = next(line for line in brief[1].splitlines() if line.startswith("1. "))
        assert "src/db.py" in first and "taint path" in first


def test_a_change_no_senior_must_read_gets_no_brief(world: World, tmp_path: Path) -> None:
    runtime, client = embedded_service(world, tmp_path)
    event = _go_pull(world, 9)
    head = str(event["pull_request"]["head"]["sha"])  # type: ignore[index]
    body, headers = signed("pull_request", event, "d-brief-2")
    client.post("/webhooks/github", content=body, headers=headers)
    assert runtime.queue.run_pending() == 1
    (run,) = world.github.completed_runs(head)
    (comment,) = [c for c in world.github.comments.values() if c["number"] == 9]
    assert "Review brief" not in run["output"]["summary"]
    assert "Review brief" not in comment["body"]
