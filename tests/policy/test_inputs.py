"""GitHub payloads, coverage reports, code signals and outputs of the review gate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from netgain.analysis.signals import find_signals
from netgain.errors import UsageError
from netgain.policy.coverage import diff_coverage, parse_coverage
from netgain.policy.designdoc import extract_links
from netgain.policy.github import latest_states, parse_event, parse_reviews
from netgain.report.github_check import BATCH, check_run
from tests.history.conftest import netgain
from tests.policy.payloads_util import PAYLOADS, load, write


def test_pull_request_event_in_githubs_shape() -> None:
    pr = parse_event(PAYLOADS / "pull_request_opened.json")
    assert (pr.event, pr.number, pr.author, pr.repository) == (
        "pull_request",
        7,
        "bob",
        "acme/shop",
    )
    assert pr.head_sha == "2" * 40 and pr.base_sha == "1" * 40
    assert pr.labels == ["ai-assisted"] and pr.requested_reviewers == ["ada"]
    assert "docs/adr/0001-tokens.md" in pr.body


def test_review_event_and_rest_reviews() -> None:
    pr = parse_event(PAYLOADS / "pull_request_review_submitted.json")
    assert pr.event == "pull_request_review"
    assert [(r.login, r.state) for r in pr.reviews] == [
        ("sam", "APPROVED")
    ]  # webhook is lower-case
    reviews = parse_reviews(PAYLOADS / "reviews_list.json")
    assert [r.state for r in reviews] == ["CHANGES_REQUESTED", "COMMENTED", "APPROVED", "COMMENTED"]
    # a later comment neither cancels ada's approval nor counts as one for carol
    assert latest_states(reviews) == {"ada": "APPROVED"}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", ":1: event payload is not valid JSON"),
        ("[]", "event payload must be a JSON object"),
        ('{"action": "created", "issue": {}}', "not a pull_request or pull_request_review event"),
        ('{"pull_request": {"number": "7"}}', "pull_request.number must be int"),
        (
            '{"pull_request": {"number": 7, "user": {"login": "a"}, "head": {}}}',
            "no pull_request.head.sha",
        ),
    ],
)
def test_malformed_event_payloads_get_clear_errors(
    tmp_path: Path, content: str, expected: str
) -> None:
    path = tmp_path / "event.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError) as info:
        parse_event(path)
    assert str(info.value).startswith(str(path))
    assert expected in str(info.value)


def test_malformed_event_exits_2_from_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "event.json"
    path.write_text('{"pull_request": {"number": 7}}', encoding="utf-8")
    proc = netgain("check", "--event", str(path), cwd=tmp_path, check=False)
    assert proc.returncode == 2
    flat = " ".join(proc.stderr.split())  # rich wraps long messages at the terminal width
    assert f"{path}: event payload has no pull_request.user.login" in flat
    bad_reviews = write(tmp_path / "reviews.json", {"reviews": []})
    with pytest.raises(UsageError, match="must be a JSON array"):
        parse_reviews(bad_reviews)


def test_cobertura_and_lcov_diff_coverage(tmp_path: Path) -> None:
    xml = tmp_path / "coverage.xml"
    xml.write_text(
        '<?xml version="1.0" ?><coverage version="7.6"><sources><source>/ci/src</source></sources>'
        '<packages><package name="app"><classes><class name="users.py" filename="app/users.py">'
        '<lines><line number="1" hits="1"/><line number="2" hits="0"/><line number="4" hits="3"/>'
        "</lines></class></classes></package></packages></coverage>",
        encoding="utf-8",
    )
    result = diff_coverage(parse_coverage(xml), {"src/app/users.py": {1, 2, 3}})
    assert (result.covered, result.executable, result.uncovered) == (
        1,
        2,
        {"src/app/users.py": [2]},
    )
    lcov = tmp_path / "lcov.info"
    lcov.write_text("TN:\nSF:src/app/users.py\nDA:1,0\nDA:3,5\nend_of_record\n", encoding="utf-8")
    assert diff_coverage(parse_coverage(lcov), {"src/app/users.py": {1, 3}}).ratio == 0.5
    lcov.write_text("SF:x.py\nDA:one,1\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"lcov.info:2: malformed DA record"):
        parse_coverage(lcov)


def test_signals_resolve_aliases_and_only_count_added_lines() -> None:
    source = b"""import jwt as tokens
from stripe import Charge
import hashlib


def pay(cur, amount, user):
    Charge.create(amount=amount)
    cur.execute(f"UPDATE users SET paid = 1 WHERE id = {user}")
    cur.execute(query_from_elsewhere)
    return tokens.decode(user, "k", algorithms=["HS256"])
"""
    signals, unparsed = find_signals({"pay.py": source}, {"pay.py": {2, 7, 8, 9, 10}})
    assert unparsed == []
    found = {(s.family, s.line) for s in signals}
    assert found == {("payments", 2), ("payments", 7), ("raw_sql", 8), ("jwt", 10)}
    assert next(s for s in signals if s.line == 10).detail == "jwt.decode()"
    _, unparsed = find_signals({"bad.py": b"def (:\n"}, {"bad.py": {1}})
    assert unparsed and unparsed[0][0] == "bad.py"


def test_design_doc_links_are_extracted_from_markdown_and_text() -> None:
    body = (
        "See [the ADR](docs/adr/0002-x.md) and https://wiki.example.com/design/auth.\n"
        "Also ./docs/design/flows.md, not ../secret.md."
    )
    assert extract_links(body) == [
        "docs/adr/0002-x.md",
        "https://wiki.example.com/design/auth",
        "./docs/design/flows.md",
        "../secret.md",  # extracted, then refused as a repository path (it leaves the repository)
    ]


def _doc(findings: int) -> dict[str, Any]:
    finding = {
        "rule_id": "sql-injection",
        "severity": "high",
        "cwe": [89],
        "message": "SQL built from input",
        "path": "app.py",
        "line": 3,
        "trace": [{"path": "app.py", "line": 1, "message": "source"}],
    }
    return {
        "verdict": "blocked",
        "head": "a" * 40,
        "findings": [finding] * findings,
        "zones": [],
        "signals": [],
        "rules": [],
        "tree": {"all_of": [], "status": "blocked"},
        "tiers": [],
        "reviewers": [],
        "design_documents": [],
        "unparsed_files": [],
        "problems": [],
        "codeowners": {"path": None, "problems": []},
        "provenance": {
            "ai_lines": 0,
            "human_lines": 1,
            "unknown_lines": 0,
            "ai_share": 0.0,
            "by_tool": {},
        },
        "facts": {"author": {"login": "bob", "first_signals": []}},
    }


def test_check_run_batches_annotations_by_fifty() -> None:
    payload = check_run(_doc(120))
    assert payload["conclusion"] == "failure"
    assert len(payload["output"]["annotations"]) == BATCH == 50
    assert [len(b) for b in payload["annotation_batches"]] == [50, 20]
    first = payload["output"]["annotations"][0]
    assert first["annotation_level"] == "failure" and first["message"].endswith("Trace: app.py:1")
    assert json.loads(json.dumps(payload)) == payload
    pending = _doc(0) | {"verdict": "pending"}
    assert check_run(pending)["conclusion"] == "action_required"
    assert check_run(_doc(0) | {"verdict": "approved"})["conclusion"] == "success"


def test_recorded_payload_files_are_githubs_shapes() -> None:
    event = load("pull_request_opened.json")
    assert {"action", "number", "pull_request", "repository", "sender"} <= set(event)
    assert {"head", "base", "user", "body", "labels", "draft"} <= set(event["pull_request"])
    review = load("pull_request_review_submitted.json")["review"]
    assert {"id", "user", "state", "commit_id", "submitted_at"} <= set(review)


def test_reviews_from_the_api_follow_pagination_without_network() -> None:
    import httpx

    from netgain.policy.github import fetch_reviews

    reviews = load("reviews_list.json")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.params.get("page") == "2":
            return httpx.Response(200, json=reviews[2:])
        nxt = "https://api.github.com/repos/acme/shop/pulls/7/reviews?per_page=100&page=2"
        return httpx.Response(200, json=reviews[:2], headers={"Link": f'<{nxt}>; rel="next"'})

    got = fetch_reviews("acme/shop", 7, "t0ken", transport=httpx.MockTransport(handler))
    assert [r.login for r in got] == ["ada", "carol", "ada", "ada"]
    assert len(seen) == 2
    assert seen[0].headers["Authorization"] == "Bearer t0ken"
    assert seen[0].url.path == "/repos/acme/shop/pulls/7/reviews"

    def denied(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, json={"message": "Resource not accessible by integration"})

    with pytest.raises(UsageError, match="HTTP 403"):
        fetch_reviews("acme/shop", 7, "t0ken", transport=httpx.MockTransport(denied))


def test_design_doc_link_kinds(tmp_path: Path) -> None:
    from netgain.policy.designdoc import _repo_path, check_design_docs
    from netgain.policy.schema import DesignDocs

    blob = "https://github.com/acme/shop/blob/main/docs/adr/0001-tokens.md#context"
    assert _repo_path(blob, "acme/shop") == "docs/adr/0001-tokens.md"
    assert _repo_path(blob, "evil/shop") is None  # another repository's file proves nothing here
    assert _repo_path("/docs/adr/1.md", None) == "docs/adr/1.md"
    assert _repo_path("docs/../../etc/passwd", None) is None
    config = DesignDocs(urls=["https://wiki.example.com/design/*"])

    def no_provenance(shas: list[str]) -> dict[str, Any]:
        raise AssertionError("external links need no provenance")

    checks = check_design_docs(
        tmp_path,
        "HEAD",
        "RFC: https://wiki.example.com/design/tokens and https://example.org/other",
        config,
        no_provenance,
    )
    assert [(c.link, c.kind, c.accepted) for c in checks] == [
        ("https://wiki.example.com/design/tokens", "external", True)
    ]


def test_reviews_of_deleted_accounts_and_bad_items(tmp_path: Path) -> None:
    reviews = load("reviews_list.json")
    reviews[0]["user"] = None  # a deleted account, as GitHub sends it
    parsed = parse_reviews(write(tmp_path / "r.json", reviews))
    assert parsed[0].login == "ghost"
    reviews[1] = {"state": "APPROVED"}
    with pytest.raises(UsageError, match=r"reviews\[1\]: a review needs user.login and state"):
        parse_reviews(write(tmp_path / "r.json", reviews))


def test_api_token_never_leaves_the_api_host() -> None:
    import httpx

    from netgain.policy.github import fetch_reviews

    def hostile(request: httpx.Request) -> httpx.Response:
        nxt = "https://collector.example.net/steal?page=2"
        return httpx.Response(200, json=[], headers={"Link": f'<{nxt}>; rel="next"'})

    with pytest.raises(UsageError, match=r"pagination left api\.github\.com"):
        fetch_reviews("acme/shop", 7, "t0ken", transport=httpx.MockTransport(hostile))
    with pytest.raises(UsageError, match="not a GitHub repository"):
        fetch_reviews("acme/shop/../../x?", 7, "t0ken", transport=httpx.MockTransport(hostile))
