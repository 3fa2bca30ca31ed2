"""Provenance coverage in `netgain metrics` and `netgain report`: repository and team figures."""

from __future__ import annotations

import json
from pathlib import Path

from tests.gitrepo import BASE_EPOCH, GitRepo
from tests.history.conftest import netgain

DAY = 86_400
ALICE = ("Alice Agent", "alice@example.com")
BOB = ("Bob Hand", "bob@example.com")
CAROL = ("Carol Quiet", "carol@example.com")

PEOPLE = """\
[people]
teams = { agents = ["alice"], hands = ["bob", "carol"] }
aliases = { alice = ["alice@example.com"], bob = ["bob@example.com"], carol = ["carol@example.com"] }
"""


def lines(tag: str, n: int) -> str:
    return "".join(f"{tag}{i} = {i}\n" for i in range(n))


def build(path: Path) -> GitRepo:
    """alice: 10 Claude-marked lines; bob: 6 lines he declares human; carol: 4 unmarked lines."""
    repo = GitRepo(path)
    repo.commit({"netgain.toml": PEOPLE}, "Policy", author=BOB, date=BASE_EPOCH)
    repo.commit(
        {"a.py": lines("a", 10)},
        "Add a\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n",
        author=ALICE,
        date=BASE_EPOCH + DAY,
    )
    repo.commit(
        {"b.py": lines("b", 6)}, "Add b\n\nAI-Assisted: none\n", author=BOB, date=BASE_EPOCH + DAY
    )
    repo.commit({"c.py": lines("c", 4)}, "Add c", author=CAROL, date=BASE_EPOCH + 2 * DAY)
    return repo


def test_metrics_report_coverage_per_repository_and_team(tmp_path: Path) -> None:
    repo = build(tmp_path / "r")
    db = f"sqlite:///{tmp_path / 'n.db'}"
    doc = json.loads(netgain("metrics", "--db", db, "--json", "--no-rework", cwd=repo.path).stdout)
    section = doc["provenance"]
    whole = section["repository"]
    policy_lines = PEOPLE.count("\n")  # the policy commit's lines carry no evidence
    assert whole["evidence"] == {
        "line": 0,
        "commit": 16,
        "declared_human": 6,
        "none": 4 + policy_lines,
    }
    assert whole["lines"] == 20 + policy_lines
    assert whole["provenance_coverage"] == 16 / (20 + policy_lines)
    assert whole["ai_share_rests_on"] == "commit"
    teams = section["by_team"]
    assert set(teams) == {"agents", "hands"}  # teams only: no per-person rows
    assert teams["agents"]["provenance_coverage"] == 1.0
    assert teams["agents"]["ai_share"] == 1.0
    hands = teams["hands"]
    assert hands["evidence"]["declared_human"] == 6
    assert hands["unknown_share"] == (4 + policy_lines) / (10 + policy_lines)
    text = netgain("metrics", "--db", db, "--no-rework", cwd=repo.path).stdout
    assert "provenance coverage (repository)" in text
    assert "provenance coverage (hands)" in text
    assert "alice@example.com" not in text


def test_without_teams_the_section_says_what_would_fill_it(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit({"x.py": lines("x", 3)}, "Add x", date=BASE_EPOCH)
    db = f"sqlite:///{tmp_path / 'n.db'}"
    doc = json.loads(netgain("metrics", "--db", db, "--json", "--no-rework", cwd=repo.path).stdout)
    assert doc["provenance"]["repository"]["provenance_coverage"] == 0.0
    assert "define [people] teams" in doc["provenance"]["by_team"]["status"]
    out = tmp_path / "report.html"
    netgain("report", "--db", db, "--output", str(out), "--no-rework", cwd=repo.path)
    html = out.read_text(encoding="utf-8")
    assert "Provenance coverage" in html and 'data-scope="repository"' in html


def test_a_since_bound_keeps_the_teams() -> None:
    """`compute_metrics(..., since=...)` narrows the records but keeps who is in which team
    (a window used to drop the teams, and every team figure with them)."""
    from datetime import UTC, datetime

    from netgain.metrics import Change, Dataset, MetricsConfig, compute_metrics

    when = datetime(2024, 3, 1, tzinfo=UTC)
    data = Dataset(changes=[Change("a" * 40, "ada@example.com", when, 10, 0, 6, 4)])
    data.teams = {"core": {"ada@example.com"}}
    doc = compute_metrics(data, MetricsConfig(), since=datetime(2024, 1, 1, tzinfo=UTC))
    section = doc["provenance"]
    assert section["by_team"]["core"] == section["repository"]
