"""Comprehension ownership (issue 18 item 2): the author's checklist, a design document that came
before the code and that an owner approved, the reviewer of record, and comprehension risk.

Real repositories, the gate as `netgain check` runs it, reviews in GitHub's list-reviews shape.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from netgain.policy.comprehension import read_checklist
from tests.gitrepo import GitRepo
from tests.policy.scenario import (
    ADA,
    ADR,
    AUTH_CODE,
    BOB,
    CLAUDE,
    POLICY,
    SAM,
    base_repo,
    human_note,
)
from tests.policy.test_attestation import review
from tests.policy.test_check import check, rule, validate_document

DOC = "docs/adr/0001-tokens.md"
ITEMS = ("I can explain every changed line", "I have read the design document")
TICKED = "\n".join(f"- [x] {item}" for item in ITEMS)
COMPREHENSION_POLICY = (
    POLICY
    + """
[design_docs]
paths = ["docs/adr/**/*.md"]
urls = ["https://wiki.acme.dev/rfc/{date}-*"]
must_predate_change = true
owner_approval = true

[comprehension]
checklist = ["I can explain every changed line", "I have read the design document"]

[[rules]]
name = "architectural-checkpoint"
tier = "owner"
if = "size(change.design_doc_zones) > 0"
design_doc = true
author_attests = true
approvals = [{ count = 1, zone_owners = true }]
"""
)
CAROL = ("Carol Contractor", "carol@example.com")
DAY = 86_400


def repo_with_adr(
    tmp: Path, *, adr_author: tuple[str, str] = ADA, adr_message: str = "ADR: tokens"
) -> GitRepo:
    """main holds a human-written ADR (git-ai human note) by `adr_author`; feature adds AI auth
    code on top of it."""
    repo = base_repo(tmp / "r", policy=COMPREHENSION_POLICY)
    sha = repo.commit({DOC: ADR}, adr_message, author=adr_author)
    repo.notes_add("refs/notes/ai", sha, human_note(DOC, 4))
    repo.git("branch", "-f", "base")
    repo.branch("feature")
    repo.commit({"src/auth/tokens.py": AUTH_CODE}, "Add token helpers" + CLAUDE, author=BOB)
    return repo


def run(
    repo: GitRepo, tmp: Path, body: str, reviews: list[tuple[str, str]] | None = None
) -> dict[str, Any]:
    """Check base..feature with `body` as the description and (login, review text) approvals."""
    path = tmp / "reviews.json"
    head = repo.git("rev-parse", "HEAD")
    items = [review(who, "APPROVED", text, head, i) for i, (who, text) in enumerate(reviews or [])]
    path.write_text(json.dumps(items), encoding="utf-8")
    doc = check(repo, tmp, body, reviews=path, record=False)
    validate_document(doc)
    return doc


def requirement(doc: dict[str, Any], kind: str) -> dict[str, Any]:
    checkpoint = rule(doc, "architectural-checkpoint")
    return next(r for r in checkpoint["requirements"] if r["kind"] == kind)


def test_owner_written_design_doc_before_the_change_and_ticked_checklist_approve(
    tmp_path: Path,
) -> None:
    repo = repo_with_adr(tmp_path)
    doc = run(repo, tmp_path, f"Design: {DOC}\n\n{TICKED}\n", [("ada", "LGTM")])
    [adr] = doc["design_documents"]
    assert adr["accepted"], adr["reason"]
    assert adr["predates"].startswith("exists at the fork point")
    assert adr["owner_approved_by"] == ["ada"]  # she wrote it, and owns src/auth (CODEOWNERS)
    comprehension = doc["comprehension"]
    assert comprehension["design_doc_zones"] == ["auth"]
    assert comprehension["checklist"]["required"] and comprehension["checklist"]["satisfied"]
    assert comprehension["reviewer_of_record"] == {
        "login": "ada",
        "rule": "architectural-checkpoint",
        "tier": "owner",
        "reason": "approved for rule architectural-checkpoint (owner tier)",
    }
    assert rule(doc, "architectural-checkpoint")["status"] == "approved"
    assert doc["verdict"] == "approved"


def test_design_doc_written_in_the_change_does_not_count(tmp_path: Path) -> None:
    """Design before code: the ADR committed on the feature branch, even human-written and
    approved by the owner, did not exist at the fork point."""
    repo = base_repo(tmp_path / "r", policy=COMPREHENSION_POLICY)
    repo.branch("feature")
    sha = repo.commit({DOC: ADR}, "ADR: tokens", author=ADA)
    repo.notes_add("refs/notes/ai", sha, human_note(DOC, 4))
    repo.commit({"src/auth/tokens.py": AUTH_CODE}, "Add token helpers" + CLAUDE, author=BOB)
    doc = run(repo, tmp_path, f"Design: {DOC}\n\n{TICKED}\n", [("ada", "LGTM")])
    [adr] = doc["design_documents"]
    assert not adr["accepted"]
    assert "did not exist before the change's first commit" in adr["reason"]
    assert not requirement(doc, "design_doc")["satisfied"]
    assert doc["verdict"] == "blocked"
    # the reviewer of record is still named: the owner approved, only the document is missing
    assert doc["comprehension"]["reviewer_of_record"]["login"] == "ada"


def test_design_doc_by_a_non_owner_needs_an_owners_approval(tmp_path: Path) -> None:
    repo = repo_with_adr(tmp_path, adr_author=BOB)
    body = f"Design: {DOC}\n\nApproved-by: ada\nnetgain: design-doc-approved {DOC}\n\n{TICKED}\n"
    # the PR text (the author's words) never approves a document, nor does a plain approval
    doc = run(repo, tmp_path, body, [("ada", "LGTM")])
    [adr] = doc["design_documents"]
    assert not adr["accepted"]
    assert "no owner approved it (owners: ada, carol" in adr["reason"]
    # the owner approves the document by name in her approving review
    doc = run(
        repo, tmp_path, body, [("ada", f"Read the design.\n\nnetgain: design-doc-approved {DOC}")]
    )
    [adr] = doc["design_documents"]
    assert adr["accepted"] and adr["owner_approved_by"] == ["ada"], adr["reason"]


def test_an_approved_by_trailer_in_the_documents_history_counts(tmp_path: Path) -> None:
    repo = repo_with_adr(
        tmp_path, adr_author=BOB, adr_message="ADR: tokens\n\nApproved-by: Ada <ada@example.com>\n"
    )
    doc = run(repo, tmp_path, f"Design: {DOC}\n\n{TICKED}\n", [("sam", "LGTM")])
    [adr] = doc["design_documents"]
    assert adr["accepted"] and adr["owner_approved_by"] == ["ada"], adr["reason"]


def test_external_design_doc_is_dated_by_its_url(tmp_path: Path) -> None:
    """Before the fork point: counts (with an owner's approval); after it: rejected."""
    repo = repo_with_adr(tmp_path)
    old = "https://wiki.acme.dev/rfc/2020-01-02-tokens"
    late = "https://wiki.acme.dev/rfc/2999-01-01-tokens"
    approve = [("ada", f"netgain: design-doc-approved {old}\nnetgain: design-doc-approved {late}")]
    doc = run(repo, tmp_path, f"Design: {old} and {late}\n\n{TICKED}\n", approve)
    by_link = {d["link"]: d for d in doc["design_documents"]}
    assert by_link[old]["accepted"] and by_link[old]["predates"].startswith("dated 2020-01-02")
    assert not by_link[late]["accepted"]
    assert "after the change's fork point" in by_link[late]["reason"]


def test_checklist_satisfies_only_its_own_requirement(tmp_path: Path) -> None:
    repo = repo_with_adr(tmp_path)
    # nothing ticked (and a tick inside a code block is not a tick)
    fenced = f"Design: {DOC}\n\n```\n{TICKED}\n```\n- [ ] {ITEMS[0]}\n"
    doc = run(repo, tmp_path, fenced, [("ada", "LGTM")])
    attest = requirement(doc, "author_attestation")
    assert not attest["satisfied"] and "has not ticked 2 of 2" in attest["detail"]
    assert doc["comprehension"]["checklist"]["missing"] == list(ITEMS)
    assert doc["verdict"] == "blocked"
    # all ticked, but no design document linked: the ticks lift nothing else
    doc = run(repo, tmp_path, TICKED, [("ada", "LGTM")])
    assert requirement(doc, "author_attestation")["satisfied"]
    assert not requirement(doc, "design_doc")["satisfied"]
    assert doc["verdict"] == "blocked"
    # the ticks are not a fact a rule condition could read
    assert "comprehension" not in doc["facts"] and "checklist" not in json.dumps(doc["facts"])


def test_read_checklist_normalises_and_ignores_unticked() -> None:
    body = "- [X]  I can explain EVERY changed line.\n* [ ] I have read the design document\n"
    got = read_checklist(body, ITEMS)
    assert got.ticked == [ITEMS[0]] and got.missing == [ITEMS[1]] and not got.satisfied


START = 1_700_000_000


def carols_tokens(tmp: Path, when: int) -> GitRepo:
    """A repository whose src/auth/tokens.py an agent wrote for Carol at `when`."""
    repo = GitRepo(tmp / "r")
    repo.commit(
        {"netgain.toml": COMPREHENSION_POLICY, ".github/CODEOWNERS": "/src/auth/ @ada\n"},
        "policy",
        author=ADA,
        date=START,
    )
    repo.commit({"src/auth/tokens.py": AUTH_CODE}, "tokens" + CLAUDE, author=CAROL, date=when)
    return repo


def test_comprehension_risk_of_ai_code_whose_author_left(tmp_path: Path) -> None:
    """Carol (a contractor, new to the code) had an agent write src/auth/tokens.py, then left;
    Sam since edited it, reviewed by Ada. Bob's change to it shows that risk."""
    start = START + DAY
    repo = carols_tokens(tmp_path, start)
    edited = AUTH_CODE.replace("SECRET_ENV", "SECRET_NAME")
    repo.commit(
        {"src/auth/tokens.py": edited},
        "rename the secret\n\nReviewed-by: Ada <ada@example.com>\n",
        author=SAM,
        date=start + 200 * DAY,
    )
    repo.git("branch", "base")
    repo.branch("feature")
    repo.commit(
        {"src/auth/tokens.py": edited + "\n\nLEEWAY = 30\n"},
        "leeway",
        author=BOB,
        date=start + 201 * DAY,
    )
    doc = run(repo, tmp_path, "")
    [risk] = doc["comprehension"]["files"]
    assert risk["path"] == "src/auth/tokens.py" and risk["zones"] == ["auth"]
    assert risk["ai_lines"] == risk["lines"] - 1  # all but Sam's edited line
    assert risk["ai_authors"] == [
        {
            "email": "carol@example.com",
            "ai_lines": risk["ai_lines"],
            "left": True,
            "earlier_commits_in_area": 0,
        }
    ]
    assert risk["risk"] == ["author-left", "author-unfamiliar"]
    assert (risk["touched_since"], risk["reviewed_since"]) == (1, 1)


def test_markdown_and_text_show_comprehension(tmp_path: Path) -> None:
    """The PR comment names the reviewer of record, the boxes still to tick and the risky file."""
    from netgain.cli.check import render_text
    from netgain.report.markdown import render_markdown

    start = START
    repo = carols_tokens(tmp_path, start)
    repo.commit({"README.md": "# service\n"}, "readme", author=ADA, date=start + 99 * DAY)
    repo.git("branch", "base")
    repo.branch("feature")
    repo.commit(
        {"src/auth/tokens.py": AUTH_CODE + "\nLEEWAY = 30\n"},
        "leeway",
        author=BOB,
        date=start + 100 * DAY,
    )
    doc = run(repo, tmp_path, f"- [x] {ITEMS[0]}\n")
    markdown = render_markdown(doc)
    section = markdown.split("### Comprehension\n", 1)[1].split("###", 1)[0]
    assert "- Reviewer of record: none yet (none yet: awaiting an approval for rule" in section
    assert f"  - [ ] {ITEMS[1]}" in section and ITEMS[0] not in section
    assert "`src/auth/tokens.py`: 19 of 19 lines AI-written by carol@example.com" in section
    assert "⚠️ author-left, author-unfamiliar" in section
    text = render_text(doc)
    assert "comprehension risk: src/auth/tokens.py: author-left, author-unfamiliar" in text


def test_the_changes_own_policy_edit_does_not_lift_the_checklist_or_the_predating(
    tmp_path: Path,
) -> None:
    """The change turns author_attests and must_predate_change off in its own netgain.toml and
    adds its ADR: the gate reads the policy at base, so neither takes effect."""
    repo = base_repo(tmp_path / "r", policy=COMPREHENSION_POLICY)
    repo.branch("feature")
    loosened = COMPREHENSION_POLICY.replace("author_attests = true", "author_attests = false")
    loosened = loosened.replace("must_predate_change = true", "must_predate_change = false")
    sha = repo.commit({DOC: ADR, "netgain.toml": loosened}, "ADR and policy", author=ADA)
    repo.notes_add("refs/notes/ai", sha, human_note(DOC, 4))
    repo.commit({"src/auth/tokens.py": AUTH_CODE}, "Add token helpers" + CLAUDE, author=BOB)
    doc = run(repo, tmp_path, f"Design: {DOC}\n", [("ada", "LGTM")])
    assert doc["policy_files_changed"] == ["netgain.toml"]
    assert not requirement(doc, "author_attestation")["satisfied"]
    [adr] = doc["design_documents"]
    assert not adr["accepted"] and "did not exist before" in adr["reason"]
    assert doc["verdict"] == "blocked"


def test_url_dates_from_dated_patterns_only() -> None:
    from datetime import date

    from netgain.policy.globs import url_date, url_matches

    patterns = ["https://wiki.acme.dev/rfc/{date}-*", "https://notion.so/*"]
    assert url_matches(patterns, "https://wiki.acme.dev/rfc/2026/11/03-tokens")
    assert url_date(patterns, "https://wiki.acme.dev/rfc/20261103-tokens") == (
        True,
        date(2026, 11, 3),
    )
    assert url_date(patterns, "https://notion.so/tokens-2020-01-01") == (False, None)
    assert url_date(patterns, "https://wiki.acme.dev/rfc/2026-13-45-x") == (True, None)
    assert not url_matches(patterns, "https://wiki.acme.dev/rfc/tokens")


def test_ai_code_in_the_root_commit_has_no_earlier_history(tmp_path: Path) -> None:
    """An agent wrote the zone file in the repository's first commit: no parent to read."""
    repo = GitRepo(tmp_path / "r")
    repo.commit(
        {"netgain.toml": COMPREHENSION_POLICY, "src/auth/tokens.py": AUTH_CODE},
        "start" + CLAUDE,
        author=CAROL,
        date=START,
    )
    repo.git("branch", "base")
    repo.branch("feature")
    repo.commit({"src/auth/tokens.py": AUTH_CODE + "\nX = 1\n"}, "x", author=BOB, date=START + DAY)
    [risk] = run(repo, tmp_path, "")["comprehension"]["files"]
    assert risk["ai_authors"][0]["earlier_commits_in_area"] == 0
    assert risk["ai_authors"][0]["left"] is False  # the base commit is hers
