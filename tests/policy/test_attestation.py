"""A reviewer's explicit attestation makes a design document without human evidence count.

Real repository, the CLI's check as a user runs it, reviews in GitHub's REST list-reviews shape.
Only an approving review from an owner of the touched design-doc zone or a senior counts; the
author's own text (description or review) never does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from netgain.policy.attestation import attested_targets
from tests.policy.scenario import ai_auth_change, base_repo
from tests.policy.test_check import check, rule, validate_document

DOC = "docs/adr/0001-tokens.md"
ATTEST = f"Read it end to end.\r\n\r\nnetgain: design-doc-attested {DOC}\r\n"


def review(login: str, state: str, body: str, commit_id: str, n: int) -> dict[str, Any]:
    """One review exactly as `GET /repos/{owner}/{repo}/pulls/{n}/reviews` returns it."""
    return {
        "id": 80 + n,
        "node_id": f"MDE3OlB1bGxSZXF1ZXN0UmV2aWV3ODA{n}",
        "user": {"login": login, "id": 1000 + n, "type": "User", "site_admin": False},
        "body": body,
        "state": state,
        "html_url": f"https://github.com/acme/service/pull/7#pullrequestreview-8{n}",
        "pull_request_url": "https://api.github.com/repos/acme/service/pulls/7",
        "author_association": "MEMBER",
        "_links": {"html": {"href": "https://github.com/acme/service/pull/7"}},
        "submitted_at": f"2026-12-01T10:0{n}:00Z",
        "commit_id": commit_id,
    }


def run(
    tmp: Path, body: str, reviews: list[tuple[str, str, str]], reviewed_at: str = "HEAD"
) -> dict[str, Any]:
    """`netgain check` of an unmarked auth change linking an unmarked ADR, with these reviews
    (given on the commit `reviewed_at`)."""
    repo = base_repo(tmp / "r")
    ai_auth_change(repo, adr="unmarked")
    head = repo.git("rev-parse", reviewed_at)
    path = tmp / "reviews.json"
    items = [review(who, state, text, head, i) for i, (who, state, text) in enumerate(reviews)]
    path.write_text(json.dumps(items), encoding="utf-8")
    return check(repo, tmp, body, reviews=path)


def test_a_seniors_attestation_makes_an_unmarked_design_document_count(tmp_path: Path) -> None:
    doc = run(
        tmp_path,
        f"Design: {DOC}",
        [("ada", "APPROVED", "LGTM"), ("sam", "APPROVED", ATTEST)],
    )
    [adr] = doc["design_documents"]
    assert adr["accepted"] and adr["attested_by"] == ["sam"]
    assert "lacks human evidence" in adr["reason"] and "attestation of sam" in adr["reason"]
    assert rule(doc, "architectural-checkpoint")["status"] == "approved"
    assert doc["facts"]["design_doc_linked"] is True
    validate_document(doc)


def test_a_zone_owner_may_attest_by_the_link_as_written(tmp_path: Path) -> None:
    url = f"https://github.com/acme/shop/blob/feature/{DOC}"
    doc = run(
        tmp_path,
        f"Design: [ADR]({url})",
        [("ada", "APPROVED", f"netgain: design-doc-attested <{url}>")],
    )
    [adr] = doc["design_documents"]
    assert adr["attested_by"] == ["ada"] and adr["accepted"]


def test_the_author_cannot_attest_to_their_own_document(tmp_path: Path) -> None:
    doc = run(
        tmp_path,
        f"Design: {DOC}\n\nnetgain: design-doc-attested {DOC}\n",
        [("bob", "APPROVED", ATTEST), ("ada", "APPROVED", "LGTM"), ("sam", "APPROVED", "ok")],
    )
    [adr] = doc["design_documents"]
    assert not adr["accepted"] and adr["attested_by"] == []
    assert rule(doc, "architectural-checkpoint")["status"] == "blocked"


def test_only_standing_approvals_from_eligible_reviewers_attest(tmp_path: Path) -> None:
    doc = run(
        tmp_path,
        f"Design: {DOC}",
        [
            ("carol", "APPROVED", ATTEST),  # neither senior nor owner of the auth zone
            ("sam", "COMMENTED", ATTEST),  # not an approval
            ("ada", "APPROVED", ATTEST),
            ("ada", "CHANGES_REQUESTED", "wait"),  # ada's approval no longer stands
        ],
    )
    [adr] = doc["design_documents"]
    assert not adr["accepted"] and adr["attested_by"] == []


def test_an_attestation_given_before_the_diff_moved_is_stale(tmp_path: Path) -> None:
    # sam attested when the branch held only the ADR; the auth code came later
    doc = run(tmp_path, f"Design: {DOC}", [("sam", "APPROVED", ATTEST)], reviewed_at="HEAD~1")
    [adr] = doc["design_documents"]
    assert not adr["accepted"] and adr["attested_by"] == []


def test_attestation_lines_are_read_one_per_line() -> None:
    body = "netgain: design-doc-attested docs/a.md\nsee netgain: design-doc-attested docs/b.md\n"
    assert attested_targets(body) == {"docs/a.md"}
    assert attested_targets("NETGAIN: Design-Doc-Attested <docs/c.md>.") == {"docs/c.md"}
