"""Cursor's AI code tracking inside the gate (issue 15): exact per-commit counts feed
`change.ai_share` as commit-level evidence, and a Cursor file the change itself modifies is
refused, because the gate never takes evidence from the change it judges."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.metrics.test_tool_telemetry import cursor_item
from tests.policy.scenario import BOB, base_repo
from tests.policy.test_check import check, validate_document
from tests.policy.test_unknown_as import APP_CODE, statuses

ADDED = 4  # the change adds bye() to the base's src/app.py


def cursor_page(*items: dict[str, Any]) -> dict[str, Any]:
    return {"items": list(items), "totalCount": len(items), "page": 1, "pageSize": 100}


def test_cursor_counts_raise_the_ai_share_and_call_the_senior(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    repo.branch("feature")
    sha = repo.commit({"src/app.py": APP_CODE}, "Say goodbye", author=BOB)
    export = tmp_path / "cursor.json"
    # Composer wrote 3 of the 4 added lines, Tab none, the human 1
    export.write_text(json.dumps(cursor_page(cursor_item(sha, "bob@example.com", 0, 3, 1))))

    without = check(repo, tmp_path, "", approved_by=["carol"])
    assert without["facts"]["ai_share"] == 0.0
    assert statuses(without)["tiered-review"] == "skipped"

    doc = check(repo, tmp_path, "", approved_by=["carol"], cursor_commits=[export])
    facts = doc["facts"]
    assert (facts["ai_lines"], facts["human_lines"], facts["unknown_lines"]) == (3, 1, 0)
    assert facts["commit_evidence_lines"] == ADDED
    assert facts["declared_human_lines"] == 0  # measured by the editor, not claimed
    assert facts["ai_share"] > 0.5 and facts["provenance_coverage"] == 1.0
    assert doc["provenance"]["by_tool"] == {"cursor": 3}
    assert doc["provenance"]["imports"]["cursor"]["commits_attributed"] == 1
    assert statuses(doc)["tiered-review"] == "pending"  # the senior is now required
    validate_document(doc)


def test_a_cursor_file_the_change_modifies_is_refused(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    repo.branch("feature")
    sha = repo.commit({"src/app.py": APP_CODE}, "Say goodbye", author=BOB)
    forged = cursor_page(cursor_item(sha, "bob@example.com", 0, 0, ADDED))
    repo.commit({"cursor.json": json.dumps(forged)}, "Evidence", author=BOB)
    doc = check(repo, tmp_path, "", cursor_commits=[repo.path / "cursor.json"])
    assert doc["provenance"]["imports"]["cursor"]["records"] == 0
    assert doc["facts"]["human_lines"] == 0  # the forged human lines were not used
    assert any("modifies this file" in p["message"] for p in doc["problems"])
    validate_document(doc)
