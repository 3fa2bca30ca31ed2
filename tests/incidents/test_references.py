"""The small parsers linking relies on: message references, root causes, reverts, PR subjects,
conventional-commit types. Each case is a message as people really write them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from netgain.incidents import conventional_type
from netgain.incidents.pulls import recover_from_message
from netgain.incidents.references import (
    custom_matches,
    incident_tokens,
    message_tokens,
    reverted,
    root_causes,
)

WHEN = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("message", "source", "ident", "linked"),
    [
        ("Fix refund sign\n\nFixes #101", "github", "101", True),
        ("Fix refund sign\n\ncloses: #101", "github", "101", True),
        ("Bump deps (#101)", "github", "101", False),  # a PR number, not a closing keyword
        ("Fixes #1010", "github", "101", False),
        ("Handle empty carts (INC-42)", "jira", "INC-42", True),
        ("Handle empty carts (INC-421)", "jira", "INC-42", False),
        ("Raise timeout (PD #1234)", "pagerduty", "1234", True),
        ("Follow-up to incident 1234", "pagerduty", "1234", True),
        ("Port 1234 is closed", "pagerduty", "1234", False),
        ("Resolved #7 and OUT-3", "generic", "7", True),
    ],
)
def test_message_references(message: str, source: str, ident: str, linked: bool) -> None:
    assert bool(message_tokens(message) & incident_tokens(source, ident)) is linked


def test_custom_patterns_match_whole_ids_only() -> None:
    assert custom_matches(["OUTAGE-{id}"], "12", "Fix OUTAGE-12 retry storm")
    assert not custom_matches(["OUTAGE-{id}"], "12", "Fix OUTAGE-123 retry storm")
    assert not custom_matches(["OUTAGE-{id}"], "1.2", "Fix OUTAGE-132")  # id is literal, not regex


def test_root_cause_and_revert() -> None:
    body = "Timeline...\nRoot cause: commit 3f2a9c1d0b7e changed the rounding.\n"
    assert root_causes(body) == ["3f2a9c1d0b7e"]
    assert root_causes("root-cause was abc1234") == ["abc1234"]
    assert root_causes("The root cause is unknown; see 2024 logs") == []
    sha = "a" * 40
    assert reverted(f'Revert "Add cache"\n\nThis reverts commit {sha}.\n') == [sha]


def test_pull_requests_from_merge_and_squash_subjects() -> None:
    merge = recover_from_message(
        "m" * 40,
        "Merge pull request #15 from acme/retry",
        "Merge pull request #15 from acme/retry\n\nRetry payment calls",
        True,
        WHEN,
        "a@example.com",
    )
    assert merge is not None
    assert (merge.number, merge.title, merge.source) == (15, "Retry payment calls", "merge-commit")
    squash = recover_from_message("s" * 40, "Add caching (#12)", "", False, WHEN, "a@example.com")
    assert squash is not None and (squash.number, squash.title) == (12, "Add caching")
    gitlab = recover_from_message(
        "g" * 40,
        "Merge branch 'x' into 'main'",
        "Merge branch\n\nSee merge request team/app!9\n",
        True,
        WHEN,
        "",
    )
    assert gitlab is not None and gitlab.number == 9
    assert (
        recover_from_message("x" * 40, "Merge branch 'x'", "Merge branch 'x'", True, WHEN, "")
        is None
    )
    assert recover_from_message("x" * 40, "Refs (#12) in the middle", "", False, WHEN, "") is None


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("feat(api)!: drop v1", ("feat", "feat(api)!")),
        ("FEAT: shout", ("feat", "FEAT")),
        ("fix: off by one", ("fix", "fix")),
        ("Store: outcome tables", None),  # an area prefix, not a type
        ("feat:missing space", None),
    ],
)
def test_conventional_types(subject: str, expected: tuple[str, str] | None) -> None:
    assert conventional_type(subject) == expected
