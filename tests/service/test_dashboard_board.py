"""The dashboard's board page on a store holding a real git history with a planted AI adoption
(benchmarks.board_history: a throughput jump of 12 items a week at a known week) next to the
dashboard world's short repository: the page gives the same answer as `netgain metrics --board`
run in the repository, per repository and for the organisation, says "insufficient data" with
the reason where a history is too short, and keeps to what the viewer may read."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import httpx
import pytest

from benchmarks.board_history import BoardHistory, make_board_history
from netgain.report.board_text import interval
from netgain.service import access
from tests.gitrepo import GitRepo
from tests.history.conftest import netgain_json
from tests.service.apiworld import _ingest
from tests.service.conftest import REPOSITORY, World
from tests.service.dashboard_world import ORG, DashboardWorld, dashboard_world

PLANTED = f"{ORG}/planted"
BOARD = f"/dashboard/{ORG}/board"


def add_planted_repository(dash: DashboardWorld, work: Path) -> BoardHistory:
    """A 60-week history (adoption at week 30, +12 items a week) mirrored and ingested into the
    service's store as its ingest job does for an installed repository."""
    made = make_board_history(work, weeks=60, adopt=30, rate=10, jump=12, seed=4)
    _ingest(GitRepo(work, init=False), dash.runtime.ctx.settings.mirrors, PLANTED, _store(dash))
    return made


def _store(dash: DashboardWorld) -> str:
    return dash.runtime.ctx.settings.store_url


def _adoption_week(epoch: int) -> str:
    year, week, _ = datetime.fromtimestamp(epoch, UTC).isocalendar()
    return f"{year}-W{week:02d}"


def _row(html: str, repository: str) -> str:
    found = re.search(rf'<tr data-repository="{re.escape(repository)}">(.*?)</tr>', html, re.S)
    assert found, f"no row for {repository}"
    return unescape(re.sub(r"<[^>]+>", " ", found.group(1)))


@pytest.fixture
def planted(world: World, tmp_path: Path) -> tuple[DashboardWorld, BoardHistory, Path]:
    dash = dashboard_world(world, tmp_path)
    work = tmp_path / "planted-work"
    return dash, add_planted_repository(dash, work), work


def _get(dash: DashboardWorld, login: str, grants: dict[str, access.Grant], path: str) -> str:
    cookie = dash.session_for(login, grants)
    with httpx.Client(
        base_url=dash.url, cookies={access.SESSION_COOKIE: cookie}, timeout=300
    ) as client:
        response = client.get(path, headers={"accept": "text/html"})
    assert response.status_code == 200, response.text[:500]
    return response.text


def test_the_board_page_gives_the_cli_answer_per_repository(
    planted: tuple[DashboardWorld, BoardHistory, Path],
) -> None:
    dash, made, work = planted
    cli = netgain_json("metrics", "--board", "--no-szz", cwd=work)
    items = cli["throughput"]["items"]
    assert items["status"] == "ok" and items["level_change"]["low"] > 0  # the planted jump
    html = _get(dash, "alice", {ORG: access.Grant("member", None)}, BOARD + "?range=all")
    row = _row(html, PLANTED)
    # the same adoption week and the same intervals as the CLI, to the printed digit
    assert _adoption_week(made.adopt_week_start) in row
    assert cli["adoption"]["week"] == _adoption_week(made.adopt_week_start)
    assert interval(items["level_change"]) in row
    assert interval(cli["net_gain"]["after_minus_before"]) in row
    # the short repository says why it has no answer, in the words of the CLI
    short = _row(html, REPOSITORY)
    assert "insufficient data" in short and "adoption" in short
    # the organisation's answer is computed from the combined weekly counts, and says so
    assert 'data-board="scope"' in html and "the whole history of 2 repositories" in html
    assert re.search(r'data-outcome="items" data-status="ok"', html)
    # every weight is labelled with its basis
    bases = set(re.findall(r'data-weight="[a-z_]+" data-basis="([a-z]+)"', html))
    assert bases and bases <= {"measured", "configured", "guessed"}
    # the chart carries its figures in words, the fitted level change first
    equivalent = re.search(r"<details class=\"text-equivalent\".*?</details>", html, re.S)
    assert equivalent and "level change at adoption" in equivalent.group(0)


def test_one_repository_filter_is_that_repositorys_board(
    planted: tuple[DashboardWorld, BoardHistory, Path],
) -> None:
    dash, _made, work = planted
    cli = netgain_json("metrics", "--board", "--no-szz", cwd=work)
    html = _get(
        dash,
        "alice",
        {ORG: access.Grant("member", None)},
        BOARD + "?range=all&repository=octo-org%2Fplanted",
    )
    top = html.split('data-board="repositories"')[0]
    assert interval(cli["throughput"]["items"]["level_change"]) in unescape(top)
    assert f"AI adoption: week {cli['adoption']['week']}" in top


def test_a_small_team_is_withheld_and_a_team_board_carries_its_caution(
    planted: tuple[DashboardWorld, BoardHistory, Path],
) -> None:
    dash, _made, _work = planted
    member = {ORG: access.Grant("member", None)}
    tiny = _get(dash, "alice", member, BOARD + "?range=all&team=tiny")
    assert "data-withheld" in tiny and "at least 5" in tiny
    assert 'data-table="board-repositories"' not in tiny
    team = _get(dash, "alice", member, BOARD + "?range=all&team=payments")
    assert "today&#39;s organisation file" in team or "today's organisation file" in team


def test_a_partial_grant_sees_only_its_repositories_on_the_board(
    planted: tuple[DashboardWorld, BoardHistory, Path],
) -> None:
    dash, _made, _work = planted
    only_payments = {ORG: access.Grant("member", frozenset({REPOSITORY}))}
    html = _get(dash, "bob", only_payments, BOARD + "?range=all")
    assert "planted" not in html
    assert f'data-repository="{REPOSITORY}"' in html
    assert "the whole history of 1 repository" in html


def _adopted(week: str, date: str) -> dict[str, object]:
    return {"adoption": {"status": "ok", "week": week, "date": date}}


def test_adoption_weeks_far_apart_are_said_to_blend() -> None:
    """One adoption week for combined records blends repositories that adopted AI at different
    times; within STAGGER_WEEKS of each other they read as one adoption."""
    from netgain.service.views.board_views import STAGGER_WEEKS, staggered_adoption

    near = [
        ("a/x", _adopted("2024-W10", "2024-03-04")),
        ("a/y", _adopted("2024-W14", "2024-04-01")),
    ]
    assert STAGGER_WEEKS >= 4 and staggered_adoption(near) is None
    late = ("a/z", _adopted("2024-W40", "2024-09-30"))
    none = ("a/w", {"adoption": {"status": "insufficient data", "reason": "no week"}})
    said = staggered_adoption([*near, late, none])
    assert said is not None and "2024-W10 for a/x" in said and "2024-W40 for a/z" in said
    assert staggered_adoption([late, none]) is None  # one adoption week: nothing to blend
