"""GitHub code-scanning analyses of the head, read as imported SARIF (recorded API shapes)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from netgain.errors import UsageError
from netgain.policy.code_scanning import fetch_code_scanning, head_analyses

HEAD = "c" * 40


def _analysis(ident: int, sha: str, created: str, category: str) -> dict[str, object]:
    """One item of `GET /repos/{o}/{r}/code-scanning/analyses`, as GitHub documents it."""
    return {
        "ref": "refs/pull/7/head",
        "commit_sha": sha,
        "analysis_key": ".github/workflows/codeql.yml:analyze",
        "environment": "{}",
        "category": category,
        "error": "",
        "created_at": created,
        "results_count": 1,
        "rules_count": 67,
        "id": ident,
        "url": f"https://api.github.com/repos/acme/shop/code-scanning/analyses/{ident}",
        "sarif_id": "6c81cd8e-b078-4ac3-a3be-1dad7dbd0b53",
        "tool": {"name": "CodeQL", "guid": None, "version": "2.19.0"},
        "deletable": True,
        "warning": "",
    }


SARIF = {
    "version": "2.1.0",
    "runs": [
        {
            "tool": {"driver": {"name": "CodeQL", "rules": [{"id": "js/sql-injection"}]}},
            "results": [
                {
                    "ruleId": "js/sql-injection",
                    "level": "error",
                    "message": {"text": "This query depends on a user-provided value."},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": "src/api/users.ts"},
                                "region": {"startLine": 2},
                            }
                        }
                    ],
                }
            ],
        }
    ],
}


def test_only_the_newest_analysis_of_the_head_per_category_is_kept() -> None:
    items = [
        _analysis(1, HEAD, "2026-12-01T10:00:00Z", "/language:javascript-typescript"),
        _analysis(2, HEAD, "2026-12-01T11:00:00Z", "/language:javascript-typescript"),
        _analysis(3, "d" * 40, "2026-12-01T12:00:00Z", "/language:javascript-typescript"),
        _analysis(4, HEAD, "2026-12-01T09:00:00Z", "/language:python"),
        "not an object",
    ]
    assert sorted(a["id"] for a in head_analyses(items, HEAD)) == [2, 4]


def test_analyses_are_downloaded_as_sarif_and_imported(tmp_path: Path) -> None:
    seen: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.path, request.headers["Accept"]))
        assert request.headers["Authorization"] == "Bearer t0ken"
        if request.url.path.endswith("/analyses"):
            assert request.url.params["ref"] == "refs/pull/7/head"
            listing = [_analysis(9, HEAD, "2026-12-01T10:00:00Z", "/language:javascript")]
            return httpx.Response(200, json=listing)
        return httpx.Response(200, content=json.dumps(SARIF).encode())

    imported = fetch_code_scanning(
        "acme/shop", 7, HEAD, "t0ken", root=tmp_path, transport=httpx.MockTransport(handler)
    )
    assert seen[1] == ("/repos/acme/shop/code-scanning/analyses/9", "application/sarif+json")
    (result,) = imported
    (run,) = result.runs
    assert run.source == "code scanning analysis 9"
    assert run.automation_id == "/language:javascript"
    assert [(f.location.path, f.location.line) for f in run.findings] == [("src/api/users.ts", 2)]


def test_an_api_failure_is_a_usage_error_not_a_crash(tmp_path: Path) -> None:
    def denied(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, json={"message": "Resource not accessible by integration"})

    with pytest.raises(UsageError, match="HTTP 403"):
        fetch_code_scanning(
            "acme/shop", 7, HEAD, "t0ken", root=tmp_path, transport=httpx.MockTransport(denied)
        )
    with pytest.raises(UsageError, match="not a GitHub repository"):
        fetch_code_scanning("acme/../x", 7, HEAD, "t0ken", root=tmp_path)


def test_no_analysis_yet_is_an_empty_listing_but_other_404s_fail(tmp_path: Path) -> None:
    def none_yet(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"message": "no analysis found"})

    found = fetch_code_scanning(
        "acme/shop", 7, HEAD, "t0ken", root=tmp_path, transport=httpx.MockTransport(none_yet)
    )
    assert found == []

    def missing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"message": "Not Found"})

    with pytest.raises(UsageError, match="HTTP 404"):
        fetch_code_scanning(
            "acme/shop", 7, HEAD, "t0ken", root=tmp_path, transport=httpx.MockTransport(missing)
        )
