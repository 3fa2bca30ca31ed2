"""The overview's latest gate decisions: walking the decisions newest first gives exactly the
latest decision per pull request in the range, newest first, across batch boundaries, only for
the repositories named (any case), never a pull request twice."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from netgain.service.tables import create_tables, decisions
from netgain.service.web.dashboard.pull_request import recent_pull_requests

START = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_walk_equals_the_latest_per_pull_request(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    engine = create_engine(f"sqlite:///{tmp_path / 'd.db'}")
    create_tables(engine)
    rows = []
    for i in range(600):  # ids ascend with time, as the service inserts them
        rows.append(
            {
                "repository": rng.choice(["o/A", "o/b", "o/hidden"]),
                "number": rng.choice([None, *range(1, 40)]),
                "head_sha": f"{i:040x}",
                "verdict": rng.choice(["approved", "blocked", "pending"]),
                "conclusion": "success",
                "document": {"verdict": "approved", "facts": {"ai_share": 0.5}},
                "created_at": START + timedelta(hours=i),
            }
        )
    with engine.begin() as conn:
        conn.execute(decisions.insert(), rows)
    start, end = START + timedelta(hours=50), START + timedelta(hours=500)
    for limit in (1, 7, 20, 30, 200):
        latest: dict[tuple[str, int], int] = {}
        for i, row in enumerate(rows, start=1):
            inside = start <= row["created_at"] < end
            if inside and row["number"] is not None and row["repository"] != "o/hidden":
                latest[(row["repository"].lower(), row["number"])] = i
        expected = sorted(latest.items(), key=lambda kv: -kv[1])[:limit]
        got = recent_pull_requests(engine, ["O/a", "o/B"], start, end, limit=limit)
        assert [(p.repository.lower(), p.number) for p in got] == [k for k, _ in expected]
        assert [p.head_sha for p in got] == [f"{i - 1:040x}" for _, i in expected]
        assert {p.repository for p in got} <= {"O/a", "o/B"}  # named as the caller named them
    assert recent_pull_requests(engine, [], start, end) == []
    engine.dispose()
