"""The per-author monthly rollup behind a team's overview, on SQLite and the real PostgreSQL:
kept equal to the commits by ingest (re-ingest, rewritten history), and the team figures it
gives equal the direct aggregate over the commits for any window and any team membership."""

from __future__ import annotations

import itertools
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from netgain.service.access import Grant, Principal
from netgain.service.org_config import OrgConfig
from netgain.service.settings import ServiceSettings, from_env
from netgain.service.views import overview
from netgain.service.views.context import ViewContext
from netgain.service.views.scope import Window
from netgain.store import author_months
from netgain.store.models import Commit
from tests.gitrepo import GitRepo, git_env
from tests.service.apiworld import CLAUDE, ingest_mirror

_DATABASES = itertools.count()
ADA = ("Ada", "ada@example.com")
BOB = ("Bob", "Bob@Example.com")  # stored with capitals: the team file names it in lower case
CY = ("Cy", "cy@example.com")
ZOE = ("Zoë", "ZOË@example.com")  # non-ASCII: the rollup lowers it with the database's lower()
PEOPLE = ["ada@example.com", "bob@example.com", "cy@example.com", "zoë@example.com", "x@x"]


def _stamp(day: str, offset: str = "+0000") -> str:
    return f"{day} {offset}"


@dataclass
class World:
    settings: ServiceSettings
    engine: Engine
    work: dict[str, GitRepo]

    def ingest(self, name: str) -> None:
        ingest_mirror(self.work[name], self.settings.mirrors / "acme" / f"{name}.git", self.url)

    @property
    def url(self) -> str:
        return self.settings.store_url


def _mirror(settings: ServiceSettings, work: GitRepo, name: str) -> None:
    mirror = settings.mirrors / "acme" / f"{name}.git"
    mirror.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["git", "clone", "-q", "--bare", str(work.path), str(mirror)], check=True, env=git_env()
    )


def _web(path: Path) -> GitRepo:
    """Commits over three months, at month edges in other time zones, AI and human, a merge."""
    repo = GitRepo(path)
    repo.commit({"a.py": "A = 1\n"}, "feat: base", author=ADA, date=_stamp("2024-01-05T10:00"))
    repo.commit(
        {"b.py": "B = 1\nB2 = 2\n"},
        "feat: b" + CLAUDE,
        author=BOB,
        date=_stamp("2024-02-01T01:00", "+0200"),  # January 31st in UTC
    )
    repo.branch("topic")
    repo.checkout("topic")
    repo.commit(
        {"c.py": "C = 1\n" * 4}, "feat: c" + CLAUDE, author=ZOE, date=_stamp("2024-02-10T09:00")
    )
    repo.checkout("main")
    repo.commit({"d.py": "D = 1\n"}, "fix: d", author=CY, date=_stamp("2024-02-11T09:00"))
    repo.merge("topic", "Merge topic", date=1_707_900_000)
    repo.commit(None, "chore: empty", author=BOB, date=_stamp("2024-03-01T00:00"))
    repo.commit(
        {"e.py": "E = 1\n" * 3}, "feat: e" + CLAUDE, author=ADA, date=_stamp("2024-03-20T12:00")
    )
    return repo


def _api(path: Path) -> GitRepo:
    repo = GitRepo(path)
    repo.commit({"r.py": "R = []\n"}, "feat: api", author=BOB, date=_stamp("2024-01-31T23:59"))
    repo.commit(
        {"r.py": "R = [1]\n" * 2}, "feat: r" + CLAUDE, author=CY, date=_stamp("2024-02-29T12:00")
    )
    repo.commit({"s.py": "S = 1\n"}, "feat: s", author=ZOE, date=_stamp("2024-04-02T08:00"))
    return repo


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    data_dir = tmp_path / "svc"
    env = {"NETGAIN_SERVICE_DIR": str(data_dir)}
    if request.param == "postgres":
        server = request.getfixturevalue("postgres_server")
        env["NETGAIN_DATABASE_URL"] = server.create_database(f"teamroll_{next(_DATABASES)}")
    settings = from_env(env)
    work = {"web": _web(tmp_path / "work" / "web"), "api": _api(tmp_path / "work" / "api")}
    for name, repo in work.items():
        _mirror(settings, repo, name)
    from netgain.service.tables import create_tables
    from netgain.store.engine import open_store

    engine = open_store(settings.store_url)
    create_tables(engine)
    out = World(settings, engine, work)
    for name in work:
        out.ingest(name)
    yield out
    engine.dispose()


def _rollup(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(select(author_months.TABLE)))


def _recomputed(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(author_months.aggregate(engine.dialect.name, []))
        return sorted((r[0], r[1], r[2], r[3], *(int(v) for v in r[4:])) for r in rows)


def _non_merge_commits(engine: Engine) -> int:
    with engine.connect() as conn:
        query = select(func.count()).where(Commit.is_merge.is_(False))
        return int(conn.execute(query).scalar_one())


def test_ingest_keeps_the_rollup_equal_to_the_commits(world: World) -> None:
    rows = _rollup(world.engine)
    assert rows == _recomputed(world.engine)
    assert sum(int(str(r[4])) for r in rows) == _non_merge_commits(world.engine) == 9
    months = {(r[1], r[2]) for r in rows}
    assert ("bob@example.com", "2024-01") in months  # 01:00 +0200 on February 1st is January
    assert ("bob@example.com", "2024-03") in months  # the empty commit (bucket unknown)
    # an ingest that finds nothing new adds nothing: no double counting
    world.ingest("web")
    world.ingest("api")
    assert _rollup(world.engine) == rows
    # history rewritten: main reset and rebuilt; the store keeps the old commits and adds the
    # new ones, and the rollup follows the commits exactly
    web = world.work["web"]
    web.git("reset", "-q", "--hard", "HEAD~2")
    web.commit(
        {"f.py": "F = 1\n" * 5}, "feat: f" + CLAUDE, author=CY, date=_stamp("2024-03-20T13:00")
    )
    world.ingest("web")
    after = _rollup(world.engine)
    assert after == _recomputed(world.engine) != rows
    assert sum(int(str(r[4])) for r in after) == _non_merge_commits(world.engine) == 10


def _principal() -> Principal:
    return Principal("token", 1, "dana", frozenset(), {"acme": Grant("admin", None)})


def _direct(world: World, ids: list[int], window: Window, authors: list[str]) -> list[object]:
    bounds = [
        *overview.window_bounds(Commit.author_date, window.since, window.until),
        func.lower(Commit.author_email).in_(authors),
    ]
    with world.engine.connect() as conn:
        rows = conn.execute(overview.commit_aggregate(world.engine, ids, bounds))
        return sorted((str(m), str(b), *(int(v or 0) for v in values)) for m, b, *values in rows)


def test_team_sums_equal_the_direct_aggregate_for_any_window_and_team(world: World) -> None:
    """Whole months from the rollup, partial months from the commits: equal to the commits'
    aggregate for windows starting and ending anywhere, and for any set of members."""
    from hypothesis import example, given, settings
    from hypothesis import strategies as st

    from netgain.service.catalog import catalog

    ids = [e.repository_id for e in catalog(world.engine, world.settings.mirrors)]
    assert len(ids) == 2
    moments = st.datetimes(
        min_value=datetime(2023, 12, 20), max_value=datetime(2024, 4, 10), timezones=st.just(UTC)
    )
    teams = st.lists(st.sampled_from(PEOPLE), min_size=1, unique=True)

    @given(since=st.none() | moments, until=st.none() | moments, members=teams)
    @example(since=None, until=None, members=["bob@example.com"])
    @example(
        since=datetime(2024, 1, 31, 23, 0, tzinfo=UTC),
        until=datetime(2024, 3, 1, 0, 0, tzinfo=UTC),
        members=["bob@example.com", "zoë@example.com"],
    )
    @example(since=datetime(2024, 2, 1, tzinfo=UTC), until=None, members=["cy@example.com", "x@x"])
    @settings(max_examples=40, deadline=None, database=None)
    def check(since: datetime | None, until: datetime | None, members: list[str]) -> None:
        if since is not None and until is not None and since >= until:
            return
        window = Window(since, until)
        authors = sorted(members)
        summed = sorted(
            (m, b, *v)
            for (m, b), v in overview._author_sums(world.engine, ids, window, authors).items()
        )
        assert summed == _direct(world, ids, window, authors)

    check()


def test_a_team_is_its_members_at_query_time(world: World) -> None:
    """Membership changes need no rebuild: the same rollup gives the new team's figures."""

    def team_view(members: list[str]) -> ViewContext:
        config = {"orgs": {"acme": {"teams": {"core": members}}}}
        return ViewContext(world.engine, world.settings.mirrors, OrgConfig.model_validate(config))

    from netgain.service.catalog import catalog

    ids = [e.repository_id for e in catalog(world.engine, world.settings.mirrors)]
    padding = ["p1@x", "p2@x", "p3@x"]
    seen = []
    for members in (["ada@example.com", "bob@example.com"], ["cy@example.com", "zoë@example.com"]):
        got = overview.overview(
            team_view([*members, *padding]), _principal(), "acme", Window(), team="core"
        )
        expected = _direct(world, ids, Window(), [*members, *padding])
        assert got.withheld is None
        assert got.changes == sum(int(str(r[2])) for r in expected) > 0
        assert got.lines_added == sum(int(str(r[3])) for r in expected)
        assert got.ai_lines == sum(int(str(r[4])) for r in expected)
        seen.append(got.changes)
    assert seen[0] == 5  # ada's and bob's (Bob@Example.com matches bob@example.com)
    # below the privacy minimum nothing is shown, whatever the rollup holds
    hidden = overview.overview(
        team_view(["bob@example.com"]), _principal(), "acme", Window(), team="core"
    )
    assert hidden.withheld is not None and hidden.changes == 0 and not hidden.periods


def test_a_non_ascii_address_matches_its_team_entry(
    world: World, request: pytest.FixtureRequest
) -> None:
    """Teams are named in lower case (Python's lower); the team filter lowers stored addresses
    with the database's lower(), which on SQLite folds ASCII only."""
    if world.engine.dialect.name == "sqlite":
        request.applymarker(
            pytest.mark.xfail(
                strict=True,
                reason="SQLite's lower() leaves 'Ë' as it is: ZOË@example.com is not "
                "zoë@example.com to the team filter (the direct query and the rollup alike)",
            )
        )
    config = {"orgs": {"acme": {"teams": {"core": [*PEOPLE, "p1@x"]}}}}
    views = ViewContext(world.engine, world.settings.mirrors, OrgConfig.model_validate(config))
    everyone = overview.overview(views, _principal(), "acme", Window(), team="core")
    assert everyone.changes == _non_merge_commits(world.engine)
