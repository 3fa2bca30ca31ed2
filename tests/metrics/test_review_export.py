"""Review exports: GitHub's list-reviews payload (recorded) and netgain's PR list, by line."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from netgain.errors import UsageError
from netgain.metrics.review_export import read_review_exports
from tests.history.conftest import netgain
from tests.incidents.prs_repo import build_prs_repo

DATA = Path(__file__).parents[1] / "incidents" / "data"
REVIEWS = DATA / "github_reviews.json"


def test_github_reviews_grouped_by_pull_request() -> None:
    prs, notes = read_review_exports([REVIEWS])
    assert [pr.number for pr in prs] == [1, 2]
    assert [(r.reviewer, r.submitted_at) for r in prs[0].reviews] == [
        ("sam", datetime(2024, 1, 3, 12, tzinfo=UTC)),
        ("sam", datetime(2024, 1, 3, 18, tzinfo=UTC)),
        ("ola", datetime(2024, 1, 3, 19, tzinfo=UTC)),
    ]
    assert [r.reviewer for r in prs[1].reviews] == ["sam"]
    # Review objects start on lines 2, 33, 64, 95, 126 (pending) and 156 (deleted user).
    assert notes == [
        f"{REVIEWS}:126: entry 4: pending review (not submitted) not counted",
        f"{REVIEWS}:156: entry 5: needs 'reviewer' or user.login (a deleted account has user: null)",
    ]


def test_netgain_and_github_shapes_merge(tmp_path: Path) -> None:
    own = tmp_path / "own.json"
    own.write_text(
        json.dumps(
            [
                {"number": 1, "commits": ["a" * 40], "reviews": [{"reviewer": "lee", "hours": 2}]},
                {"number": 3, "reviews": [{"reviewer": "kim", "hours": -1}]},
            ],
            indent=1,
        )
    )
    prs, notes = read_review_exports([own, REVIEWS])
    one = next(pr for pr in prs if pr.number == 1)
    assert [r.reviewer for r in one.reviews] == ["lee", "sam", "sam", "ola"]
    assert one.commits == ("a" * 40,)
    assert notes[0] == f"{own}:14: entry 1 review 0: 'hours' must be a non-negative number"
    bad = tmp_path / "bad.json"
    bad.write_text('{"reviews": 1}')
    with pytest.raises(UsageError, match="expected a JSON array"):
        read_review_exports([bad])


def test_metrics_review_load_from_a_github_payload(tmp_path: Path) -> None:
    repo, _ = build_prs_repo(tmp_path / "r")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    (repo.path / "netgain.toml").write_text(
        '[metrics]\nmin_sample = 1\nsenior_reviewers = ["sam"]\nbootstrap_iterations = 50\n'
    )
    netgain(
        "prs",
        "import",
        str(DATA / "github_pulls.json"),
        "--db",
        db,
        "--no-link",
        cwd=repo.path,
        check=False,
    )
    doc = json.loads(
        netgain(
            "metrics",
            "--db",
            db,
            "--json",
            "--no-rework",
            "--reviews",
            str(REVIEWS),
            cwd=repo.path,
        ).stdout
    )
    review = doc["review"]
    assert review["status"] == "ok" and review["reviews"] == 4
    assert review["by_role"]["senior"] == {"reviews": 3, "hours": 1.5}  # 0.5 h estimated each
    assert review["by_role"]["other"] == {"reviews": 1, "hours": 0.5}
    assert review["estimated_hours_reviews"] == 4
    assert sum(1 for n in doc["notes"] if str(REVIEWS) in n) == 2


def test_a_review_export_that_is_not_utf8_names_its_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "reviews.json"
    bad.write_bytes(b'[\n  {"user": {"login": "a"},\n   "body": "\xff"}\n]\n')
    with pytest.raises(UsageError, match=r"reviews\.json:3: not UTF-8 text"):
        read_review_exports([bad])
