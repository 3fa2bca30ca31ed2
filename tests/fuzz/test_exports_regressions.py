"""Pull/merge request exports and review exports under hostile input.

The regressions below are the crashes the fuzz targets found, each in a real export's shape.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks.fuzzing.seeds import INCIDENTS
from netgain.errors import UsageError
from netgain.incidents.prexport import read_pull_requests
from netgain.metrics.review_export import read_review_exports


def _netgain_pr(**fields: Any) -> dict[str, Any]:
    return {"number": 12, "merged_at": "2024-01-02T10:00:00Z", "reviews": [], **fields}


@pytest.mark.parametrize("key", ["reviews", "commits", "labels"])
def test_a_review_export_field_of_the_wrong_type_is_a_note(tmp_path: Path, key: str) -> None:
    """Iterating `"reviews": 5` raised TypeError out of `netgain metrics --reviews`."""
    path = tmp_path / "reviews.json"
    entries = [_netgain_pr(number=1), _netgain_pr(number=2, **{key: 5})]
    path.write_text(json.dumps(entries, indent=1), encoding="utf-8")
    prs, notes = read_review_exports([path])
    assert [pr.number for pr in prs] == [1]
    assert notes == [f"{path}:7: entry 1: {key!r} must be a list, not int"]


def test_a_pull_request_url_with_a_huge_number_is_a_note(tmp_path: Path) -> None:
    """int() of a 5,000-digit PR number in pull_request_url raised ValueError."""
    reviews = json.loads((INCIDENTS / "github_reviews.json").read_text(encoding="utf-8"))
    reviews[0]["pull_request_url"] = "https://api.github.com/repos/octo/shop/pulls/" + "7" * 5000
    path = tmp_path / "reviews.json"
    path.write_text(json.dumps(reviews, indent=1), encoding="utf-8")
    prs, notes = read_review_exports([path])
    assert prs
    assert notes[0] == f"{path}:2: entry 0: pull_request_url does not name a pull request"


def test_a_second_page_nested_too_deeply_names_its_line(tmp_path: Path) -> None:
    """`gh api --paginate` output whose second page nests 5,000 deep raised RecursionError."""
    page = (INCIDENTS / "github_pulls.json").read_text(encoding="utf-8")
    path = tmp_path / "pulls.json"
    path.write_text(page + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    line = page.count("\n") + 1
    with pytest.raises(UsageError, match=rf"pulls\.json:{line}: not valid JSON: nested too deeply"):
        read_pull_requests(path, "github")
