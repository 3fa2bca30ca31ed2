"""Cursor AI code tracking and Copilot usage metrics, imported from files in the APIs' shapes.

Cursor: the `GET /analytics/ai-code/commits` response (cursor.com/docs/account/teams/
ai-code-tracking-api): `{"items": [...], "totalCount", "page", "pageSize"}`. Copilot: the
user-level usage metrics report, one JSON record per line (docs.github.com, "Copilot usage
metrics", example schema).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.gitrepo import BASE_EPOCH, GitRepo
from tests.history.conftest import netgain
from tests.metrics.test_provenance_coverage import ALICE, BOB, CAROL, DAY, PEOPLE, lines


def cursor_item(sha: str, email: str, tab: int, composer: int, manual: int) -> dict[str, Any]:
    return {
        "commitHash": sha,
        "userId": "user_3k9x8q",
        "userEmail": email,
        "repoName": "company/repo",
        "branchName": "main",
        "isPrimaryBranch": True,
        "totalLinesAdded": tab + composer + manual,
        "totalLinesDeleted": 0,
        "tabLinesAdded": tab,
        "tabLinesDeleted": 0,
        "composerLinesAdded": composer,
        "composerLinesDeleted": 0,
        "nonAiLinesAdded": manual,
        "nonAiLinesDeleted": 0,
        "message": "Add c",
        "commitTs": "2024-01-03T00:00:00.000Z",
        "createdAt": "2024-01-03T00:00:30.000Z",
    }


def copilot_day(login: str, day: str, loc_added: int) -> dict[str, Any]:
    feature = {
        "code_acceptance_activity_count": 3,
        "code_generation_activity_count": 4,
        "feature": "code_completion",
        "loc_added_sum": loc_added,
        "loc_deleted_sum": 0,
        "loc_suggested_to_add_sum": loc_added + 2,
        "loc_suggested_to_delete_sum": 0,
        "user_initiated_interaction_count": 0,
    }
    return {
        "code_acceptance_activity_count": 3,
        "code_generation_activity_count": 4,
        "day": day,
        "enterprise_id": "1",
        "loc_added_sum": loc_added,
        "loc_deleted_sum": 0,
        "loc_suggested_to_add_sum": loc_added + 2,
        "loc_suggested_to_delete_sum": 0,
        "totals_by_feature": [feature],
        "totals_by_ide": [
            {
                **{k: v for k, v in feature.items() if k != "feature"},
                "ide": "vscode",
                "last_known_ide_version": {
                    "ide_version": "1.85.0",
                    "sampled_at": f"{day}T00:00:02.000Z",
                },
            }
        ],
        "totals_by_language_feature": [{**feature, "language": "python"}],
        "used_agent": False,
        "used_chat": False,
        "user_id": 1000 + len(login),
        "user_initiated_interaction_count": 0,
        "user_login": login,
    }


def setup(tmp_path: Path) -> tuple[GitRepo, dict[str, str]]:
    repo = GitRepo(tmp_path / "r")
    shas = {}
    policy = PEOPLE + "\n[metrics]\nmin_sample = 1\n"
    repo.commit({"netgain.toml": policy}, "Policy", author=BOB, date=BASE_EPOCH)
    shas["alice"] = repo.commit(
        {"a.py": lines("a", 10)}, "Add a", author=ALICE, date=BASE_EPOCH + DAY
    )
    shas["carol"] = repo.commit(
        {"c.py": lines("c", 4)}, "Add c", author=CAROL, date=BASE_EPOCH + 2 * DAY
    )
    return repo, shas


def metrics(repo: GitRepo, tmp_path: Path, *args: str) -> dict[str, Any]:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    out = netgain("metrics", "--db", db, "--json", "--no-rework", *args, cwd=repo.path).stdout
    return dict(json.loads(out))


def test_cursor_commits_become_commit_level_evidence_with_exact_counts(tmp_path: Path) -> None:
    repo, shas = setup(tmp_path)
    page = {
        "items": [
            cursor_item(shas["carol"][:8], "carol@example.com", 2, 1, 1),
            cursor_item("f" * 40, "dev@example.com", 5, 0, 0),  # a commit not in this history
            {**cursor_item(shas["alice"], "alice@example.com", 1, 1, 1), "tabLinesAdded": "2"},
        ],
        "totalCount": 3,
        "page": 1,
        "pageSize": 100,
    }
    path = tmp_path / "cursor.json"
    path.write_text(json.dumps(page, indent=2), encoding="utf-8")
    before = metrics(repo, tmp_path)["provenance"]["repository"]
    doc = metrics(repo, tmp_path, "--cursor-commits", str(path))
    after = doc["provenance"]["repository"]
    assert after["evidence"]["commit"] == before["evidence"]["commit"] + 4
    assert after["evidence"]["declared_human"] == 0  # Cursor measures, it does not claim
    assert after["ai_share"] > before["ai_share"]
    cursor = doc["provenance"]["cursor"]
    assert cursor["commits_attributed"] == 1 and cursor["records_without_commit"] == 1
    # the bad item is a note naming the file and line; the rest was used
    assert any(f"{path}:" in n and "tabLinesAdded" in n for n in doc["notes"])


def test_copilot_user_days_give_an_estimate_kept_apart(tmp_path: Path) -> None:
    repo, _shas = setup(tmp_path)
    path = tmp_path / "copilot.ndjson"
    records = [
        copilot_day("alice", "2024-01-02", 5),
        copilot_day("carol", "2024-01-03", 2),
        copilot_day("ghost", "2024-01-03", 50),  # a licence holder with no commits here
    ]
    path.write_text(
        "".join(json.dumps(r) + "\n" for r in records) + "{not json\n", encoding="utf-8"
    )
    plain = metrics(repo, tmp_path)
    doc = metrics(repo, tmp_path, "--copilot-metrics", str(path))
    estimated = doc["provenance"]["estimated"]
    assert estimated["evidence"] == "estimated"
    assert estimated["repository"]["value"] == 7 / 14
    assert estimated["repository"]["low"] is not None
    assert (estimated["users"], estimated["users_matched_to_commits"]) == (3, 2)
    assert estimated["by_team"]["agents"]["value"] == 5 / 10
    assert "ghost" not in json.dumps(estimated)  # people are counted, not named
    # never mixed into measured figures
    assert doc["provenance"]["repository"] == plain["provenance"]["repository"]
    assert any(f"{path}:4" in n for n in doc["notes"])


def test_fetching_cursor_pages_saves_an_importable_file(tmp_path: Path) -> None:
    import base64

    import httpx
    import pytest

    from netgain.errors import UsageError
    from netgain.metrics.tool_telemetry import fetch_cursor_commits, read_cursor_commits

    shas = [f"{i:040x}" for i in range(1, 4)]
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        page = int(request.url.params["page"])
        chunk = [cursor_item(s, "dev@example.com", 1, 1, 1) for s in shas[(page - 1) * 2 :][:2]]
        return httpx.Response(
            200, json={"items": chunk, "totalCount": 3, "page": page, "pageSize": 2}
        )

    out = fetch_cursor_commits(
        "key_abc", tmp_path / "c.json", start="7d", transport=httpx.MockTransport(handler)
    )
    records, notes = read_cursor_commits([out])
    assert [r.commit_hash for r in records] == shas and notes == []
    assert [r.url.params["page"] for r in seen] == ["1", "2"]
    assert seen[0].url.path == "/analytics/ai-code/commits"
    assert seen[0].url.params["startDate"] == "7d"
    expected = "Basic " + base64.b64encode(b"key_abc:").decode()
    assert seen[0].headers["authorization"] == expected

    refused = httpx.MockTransport(lambda _r: httpx.Response(401, json={"error": "Unauthorized"}))
    with pytest.raises(UsageError, match="HTTP 401"):
        fetch_cursor_commits("bad", tmp_path / "d.json", transport=refused)
