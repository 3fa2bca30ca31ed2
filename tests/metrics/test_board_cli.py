"""`netgain metrics --board` on real git histories with a planted AI adoption and throughput
change at a known week (benchmarks.board_history): the adoption week is found from the commits'
Co-authored-by trailers, the level change has the right sign and an interval covering the truth,
a flat history's interval covers 0, and a short history says insufficient data."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from jsonschema import Draft202012Validator

from benchmarks.board_history import make_board_history
from tests.history.conftest import netgain, netgain_json

SCHEMA = json.loads(
    (Path(__file__).parents[2] / "src/netgain/metrics/board.schema.json").read_text()
)


def _adoption_week(epoch: int) -> str:
    year, week, _ = datetime.fromtimestamp(epoch, UTC).isocalendar()
    return f"{year}-W{week:02d}"


def test_a_planted_jump_is_found_at_the_planted_week(tmp_path: Path) -> None:
    made = make_board_history(tmp_path / "r", weeks=60, adopt=30, rate=10, jump=12, seed=4)
    doc = netgain_json("metrics", "--board", "--no-szz", cwd=tmp_path / "r")
    Draft202012Validator(SCHEMA).validate(doc)
    assert doc["schema"] == "netgain.board/1"
    assert doc["adoption"]["status"] == "ok"
    assert doc["adoption"]["week"] == _adoption_week(made.adopt_week_start)
    assert doc["adoption"]["ai_share_before"] == 0
    items = doc["throughput"]["items"]
    assert items["status"] == "ok"
    change = items["level_change"]
    assert change["low"] > 0  # the right sign
    assert change["low"] <= 12 <= change["high"]  # and the truth inside the interval
    assert items["weeks_before"] == 29  # the partial first week is left out
    assert len(doc["series"]) == doc["weeks"]["count"]
    assert doc["net_gain"]["status"] == "ok"
    assert doc["net_gain"]["after_minus_before"]["low"] > 0  # more features, no cost data
    assert doc["net_gain"]["upper_bound"] is True
    assert set(doc["net_gain"]["missing_costs"]) == {"incidents", "review"}


def test_a_flat_history_gives_an_interval_covering_zero(tmp_path: Path) -> None:
    make_board_history(tmp_path / "r", weeks=60, adopt=30, rate=10, jump=0, seed=5)
    doc = netgain_json("metrics", "--board", "--no-szz", cwd=tmp_path / "r")
    change = doc["throughput"]["items"]["level_change"]
    assert change["low"] <= 0 <= change["high"]


def test_a_given_adoption_date_overrides_the_data(tmp_path: Path) -> None:
    make_board_history(tmp_path / "r", weeks=60, adopt=30, rate=10, jump=0, seed=5)
    doc = netgain_json(
        "metrics", "--board", "--no-szz", "--adoption-date", "2023-03-08", cwd=tmp_path / "r"
    )
    assert doc["adoption"]["week"] == "2023-W10"
    assert doc["adoption"]["method"].startswith("given")
    bad = netgain("metrics", "--board", "--adoption-date", "March", cwd=tmp_path / "r", check=False)
    assert bad.returncode == 2
    assert "--adoption-date 'March'" in bad.stderr


def test_a_short_history_says_insufficient_data(tmp_path: Path) -> None:
    make_board_history(tmp_path / "r", weeks=10, adopt=5, rate=10, jump=5, seed=6)
    out = netgain("metrics", "--board", "--no-szz", cwd=tmp_path / "r").stdout
    # weeks 2..9 are complete (the partial first and last are left out); adoption in week 6
    assert "items: insufficient data: 4 complete week(s) before the adoption and 4 after" in out
    assert "needs 8 on each side" in out
    doc = netgain_json("metrics", "--board", "--no-szz", cwd=tmp_path / "r")
    Draft202012Validator(SCHEMA).validate(doc)
    assert doc["throughput"]["items"]["status"] == "insufficient data"
    assert "level_change" not in doc["throughput"]["items"]
