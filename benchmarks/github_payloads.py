"""Recorded GitHub payloads (benchmarks/payloads/github/) adapted to a test repository's commits.

Shared by the test suite (tests/policy/payloads_util.py re-exports it) and the benchmarks.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

PAYLOADS = Path(__file__).parent / "payloads" / "github"


def load(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


def pull_request_event(
    *, base_sha: str, head_sha: str, body: str, author: str = "bob", number: int = 7
) -> dict[str, Any]:
    event = copy.deepcopy(load("pull_request_opened.json"))
    pr = event["pull_request"]
    pr["base"]["sha"], pr["head"]["sha"], pr["body"] = base_sha, head_sha, body
    pr["user"]["login"] = author
    pr["number"] = event["number"] = number
    return dict(event)


def review_event(
    *, base_sha: str, head_sha: str, body: str, reviewer: str, state: str
) -> dict[str, Any]:
    event = copy.deepcopy(load("pull_request_review_submitted.json"))
    pr = event["pull_request"]
    pr["base"]["sha"], pr["head"]["sha"], pr["body"] = base_sha, head_sha, body
    event["review"]["user"]["login"] = reviewer
    event["review"]["state"] = state
    event["review"]["commit_id"] = head_sha
    return dict(event)


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
