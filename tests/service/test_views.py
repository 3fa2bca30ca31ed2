"""The query layer over a real seeded store: access first, org figures from combined counts,
the SQL overview agreeing with the metrics document, keyset pages that neither skip nor repeat."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from netgain.metrics.inputs import GROUPS
from netgain.service import access
from netgain.service.access import Principal
from netgain.service.problems import Problem
from netgain.service.settings import from_env
from netgain.service.views import catalog_views, changes, metrics_views, outcomes, overview
from netgain.service.views.context import ViewContext
from netgain.service.views.scope import Window
from tests.service.apiworld import SECRET_NAME, Seeded, seed

_DATABASES = itertools.count()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Seeded]:
    """The seeded store in SQLite (the embedded default) and in the real PostgreSQL server."""
    data_dir = tmp_path_factory.mktemp("views") / "svc"
    env = {"NETGAIN_SERVICE_DIR": str(data_dir)}
    if request.param == "postgres":
        server = request.getfixturevalue("postgres_server")
        env["NETGAIN_DATABASE_URL"] = server.create_database(f"views_{next(_DATABASES)}")
    seeded = seed(data_dir, from_env(env))
    yield seeded
    seeded.engine.dispose()


def _views(world: Seeded) -> ViewContext:
    return ViewContext(world.engine, world.settings.mirrors)


def _who(world: Seeded, token: str) -> Principal:
    principal = access.principal_from_token(world.engine, token)
    assert principal is not None
    return principal


def test_what_each_caller_sees(world: Seeded) -> None:
    views = _views(world)
    alice, carol = _who(world, world.alice_token), _who(world, world.carol_token)
    assert [(o.org, o.repositories) for o in catalog_views.organisations(views, alice)] == [
        ("acme", 2)
    ]
    page = catalog_views.repositories(views, carol, "acme", cursor=None, limit=50)
    assert [r.full_name for r in page.items] == ["acme/web"]
    for call in (
        lambda: catalog_views.organisation(views, alice, "other"),
        lambda: catalog_views.repository(views, alice, SECRET_NAME),
        lambda: catalog_views.repository(views, carol, "acme/api"),
        lambda: catalog_views.repository(views, alice, "acme/missing"),
        lambda: metrics_views.org_metrics(
            views, carol, "acme", Window(), repositories=["acme/api"]
        ),
    ):
        with pytest.raises(Problem) as caught:
            call()
        assert caught.value.status == 404
        assert "secret" not in caught.value.detail and "api" not in caught.value.detail


def test_org_metrics_combine_counts_not_ratios(world: Seeded) -> None:
    views = _views(world)
    alice = _who(world, world.alice_token)
    org = metrics_views.org_metrics(views, alice, "acme", Window()).document
    web = metrics_views.repository_metrics(views, alice, "acme/web", Window()).document
    api = metrics_views.repository_metrics(views, alice, "acme/api", Window()).document
    assert org is not None and web is not None and api is not None
    assert org["sources"]["changes"] == web["sources"]["changes"] + api["sources"]["changes"]
    for group in GROUPS:
        assert (
            org["by_bucket"][group]["changes"]
            == web["by_bucket"][group]["changes"] + api["by_bucket"][group]["changes"]
        )
    # the organisation's AI share is all AI lines over all lines, not the mean of two shares
    lines = [d["provenance"]["repository"] for d in (web, api)]
    ai = sum(x["ai_share"] * x["lines"] for x in lines)
    assert org["provenance"]["repository"]["ai_share"] == pytest.approx(
        ai / sum(x["lines"] for x in lines)
    )
    assert org["provenance"]["repository"]["ai_share"] != pytest.approx(
        sum(x["ai_share"] for x in lines) / 2
    )
    # two repositories' incidents and decisions are not merged away by shared keys
    assert org["sources"]["incidents"] == 1
    assert any("present for 1 of 2 repositories" in n for n in org["notes"])


def test_overview_agrees_with_the_metrics_document(world: Seeded) -> None:
    views = _views(world)
    alice = _who(world, world.alice_token)
    fast = overview.overview(views, alice, "acme", Window())
    doc = metrics_views.org_metrics(views, alice, "acme", Window()).document
    assert doc is not None
    assert fast.changes == doc["sources"]["changes"]
    for group in GROUPS:
        assert fast.by_bucket[group].changes == doc["by_bucket"][group]["changes"]
        assert fast.by_bucket[group].lines_added == doc["by_bucket"][group]["lines_added"]
    assert fast.ai_share == pytest.approx(doc["provenance"]["repository"]["ai_share"])
    assert fast.decisions == {"approved": 1, "pending": 1}  # latest per pull request
    assert fast.incidents == 1
    later = overview.overview(views, alice, "acme", Window(since=datetime(2025, 1, 1, tzinfo=UTC)))
    assert later.changes == 0 and later.incidents == 0


def test_commit_pages_neither_skip_nor_repeat(world: Seeded) -> None:
    views = _views(world)
    alice = _who(world, world.alice_token)
    seen: list[str] = []
    cursor = None
    while True:
        page = changes.commits(views, alice, "acme/web", Window(), cursor=cursor, limit=1)
        seen += [c.sha for c in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    everything = changes.commits(views, alice, "acme/web", Window(), cursor=None, limit=50)
    assert seen == [c.sha for c in everything.items] and len(seen) == 4
    with pytest.raises(Problem) as caught:
        changes.commits(views, alice, "acme/web", Window(), cursor="bm90IGEgY3Vyc29y", limit=1)
    assert caught.value.status == 400
    other = catalog_views.repositories(views, alice, "acme", cursor=None, limit=1).next_cursor
    with pytest.raises(Problem):
        changes.commits(views, alice, "acme/web", Window(), cursor=other, limit=1)


def test_pull_request_explains_its_decisions(world: Seeded) -> None:
    views = _views(world)
    alice = _who(world, world.alice_token)
    pr = changes.pull_request(views, alice, "acme/web", 1)
    assert [d.verdict for d in pr.decisions] == ["approved", "blocked"]
    blocked = pr.decisions[1]
    assert blocked.failed_rules == ["tiered-review"] and blocked.requires == ["senior_review"]
    assert blocked.rules[0].requirements[0].detail == "missing 1 approval(s) from role senior"
    assert blocked.findings[0]["trace"][0]["message"] == "[sink] token"
    assert pr.provenance.bucket == "75-100" and pr.provenance.evidence == "commit"
    detail = changes.commit(views, alice, "acme/web", world.heads["acme/web"][:10])
    assert detail.risk == 0.4 and detail.provenance.tools == ["claude-code"]
    listed = outcomes.incidents(views, alice, "acme/web", Window(), cursor=None, limit=5)
    assert listed.items[0].causes == [world.heads["acme/web"]]


def test_team_and_own_figures_follow_privacy(world: Seeded, tmp_path: Path) -> None:
    from netgain.service.org_config import OrgConfig

    small = {"acme": {"teams": {"auth": ["bob@example.com"]}}}
    views = ViewContext(
        world.engine, world.settings.mirrors, OrgConfig.model_validate({"orgs": small})
    )
    alice = _who(world, world.alice_token)
    withheld = metrics_views.team_metrics(views, alice, "acme", "auth", Window())
    assert withheld.document is None and withheld.withheld and "5" in withheld.withheld
    hidden = overview.overview(views, alice, "acme", Window(), team="auth")
    assert hidden.withheld == withheld.withheld and hidden.changes == 0 and not hidden.periods
    five = ["bob@example.com", "a@x", "b@x", "c@x", "d@x"]
    views = ViewContext(
        world.engine,
        world.settings.mirrors,
        OrgConfig.model_validate({"orgs": {"acme": {"teams": {"auth": five}}}}),
    )
    team = metrics_views.team_metrics(views, alice, "acme", "auth", Window()).document
    assert team is not None and team["sources"]["changes"] == 4  # bob's four commits
    fast = overview.overview(views, alice, "acme", Window(), team="AUTH")
    assert fast.team == "auth" and fast.changes == 4 and fast.incidents == 1  # bob's docs commit
    for group in GROUPS:
        assert fast.by_bucket[group].changes == team["by_bucket"][group]["changes"]
    web = overview.overview(views, alice, "acme", Window(), repositories=["acme/web"], team="auth")
    assert web.repositories == 1 and web.changes == 2
    with pytest.raises(Problem):
        overview.overview(views, alice, "acme", Window(), team="nope")
    own = metrics_views.own_metrics(views, alice, "acme", Window()).document
    assert own is not None and own["sources"]["changes"] == 4  # alice's verified email is bob's
    assert "by_team" not in own["provenance"]


def test_overview_reads_rollups_exactly_and_a_new_ingest_refreshes_them(
    tmp_path: Path,
) -> None:
    from sqlalchemy import select

    from netgain.service.tables import rollup_state
    from netgain.service.views.overview import Plan, overview_sql, plan
    from tests.gitrepo import GitRepo
    from tests.service.apiworld import CLAUDE, ingest_mirror

    data_dir = tmp_path / "svc"
    world = seed(data_dir, from_env({"NETGAIN_SERVICE_DIR": str(data_dir)}))
    views = _views(world)
    alice = _who(world, world.alice_token)
    # whole months (January, February) from the rollup, the ends from the commits
    window = Window(datetime(2023, 12, 15, tzinfo=UTC), datetime(2024, 3, 10, tzinfo=UTC))
    parts = plan(window)
    assert parts.months == ("2024-01", "2024-03")
    assert parts.days == [("2023-12-15", "2024-01-01"), ("2024-03-01", "2024-03-10")]
    assert parts.commits == []
    before = overview.overview(views, alice, "acme", window)
    assert before.changes == 6 and before.by_bucket["75-100"].changes == 3
    with world.engine.connect() as conn:
        assert len(conn.execute(select(rollup_state)).all()) == 2
        direct = conn.execute(overview_sql(world.engine, [1, 2], window)).all()
    assert sum(row[2] for row in direct) == before.changes
    # a commit arrives by the next ingest run: the rollup notices and is recomputed
    work = GitRepo(data_dir.parent / "work" / "api", init=False)
    work.commit(
        {"more.py": "A = 1\nB = 2\n"}, "feat: more" + CLAUDE, author=("B", "bob@example.com")
    )
    ingest_mirror(work, world.settings.mirrors / "acme" / "api.git", world.settings.store_url)
    after = overview.overview(views, alice, "acme", Window())
    assert after.changes == 7 and after.by_bucket["75-100"].changes == 4
    # a window inside one month reads day rows and, for its partial first day, the commits;
    # it agrees with the direct aggregate
    inside = Window(datetime(2024, 1, 1, 0, 2, tzinfo=UTC), datetime(2024, 1, 31, tzinfo=UTC))
    assert plan(inside) == Plan(
        None,
        [("2024-01-02", "2024-01-31")],
        [Window(datetime(2024, 1, 1, 0, 2, tzinfo=UTC), datetime(2024, 1, 2, tzinfo=UTC))],
    )
    with world.engine.connect() as conn:
        expected = sum(r[2] for r in conn.execute(overview_sql(world.engine, [1, 2], inside)))
    assert 0 < overview.overview(views, alice, "acme", inside).changes == expected < 7


# Labels that name where the CLI read a source (a path, a flag, a fresh SZZ run) differ; the
# figures may not. Found on encode/starlette (1,421 changes): everything else was equal.
LABELS = {
    "repository",
    "provenance.cursor",
    "provenance.estimated",
    "ai_review.status",
    "sections.ai_review.fill",
    "comprehension",
    "sections.comprehension.fill",
    "quality.defect_density.source",
    "sections.defect_density.source",
    "risk.cached",
}


def _differences(a: object, b: object, path: str = "") -> list[str]:
    if path.lstrip(".") in LABELS:
        return []
    if isinstance(a, dict) and isinstance(b, dict):
        return [
            d
            for k in sorted(set(a) | set(b))
            for d in _differences(a.get(k), b.get(k), f"{path}.{k}")
        ]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in _differences(x, y, f"{path}[{i}]")
        ]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def test_repository_document_is_the_cli_document(tmp_path: Path) -> None:
    """The API's document of a repository equals `netgain metrics --json` on the same store
    (after the CLI has run SZZ and measured rework into it), deployments from release tags
    included."""
    import json
    import subprocess

    from tests.gitrepo import GitRepo, git_env
    from tests.history.conftest import netgain
    from tests.service.apiworld import CLAUDE, ingest_mirror

    settings = from_env({"NETGAIN_SERVICE_DIR": str(tmp_path / "svc")})
    work = GitRepo(tmp_path / "work")
    work.commit({"app.py": "def f(x):\n    return x\n"}, "feat: app", author=("A", "a@x.example"))
    work.tag("v0.1.0")
    work.commit({"app.py": "def f(x):\n    return x + 1\n"}, "feat: more" + CLAUDE)
    work.commit({"app.py": "def f(x):\n    return x + 2\n"}, "fix: off by one")
    work.tag("v0.1.1")
    mirror = settings.mirrors / "acme" / "lib.git"
    mirror.parent.mkdir(parents=True)
    subprocess.run(
        ["git", "clone", "-q", "--bare", str(work.path), str(mirror)], check=True, env=git_env()
    )
    ingest_mirror(work, mirror, settings.store_url)
    cli = json.loads(
        netgain(
            "metrics", "-C", str(mirror), "--db", settings.store_url, "--json", cwd=tmp_path
        ).stdout
    )
    from netgain.store.engine import open_store

    engine = open_store(settings.store_url)
    from netgain.service.tables import create_tables

    create_tables(engine)
    views = ViewContext(engine, settings.mirrors)
    who = Principal("token", 1, "x", frozenset(), {"acme": access.Grant("member", None)})
    api = metrics_views.repository_metrics(views, who, "acme/lib", Window()).document
    assert api is not None and api["sources"]["deployments"] == 2
    assert _differences(cli, json.loads(json.dumps(api, default=str))) == []


def test_every_window_of_the_overview_is_exact(world: Seeded) -> None:
    """Month rows, day rows and edge commits together equal the aggregate over the commits, for
    windows that start and end anywhere (minutes, days, months apart)."""
    from hypothesis import example, given, settings
    from hypothesis import strategies as st

    from netgain.service.catalog import catalog
    from netgain.service.views.overview import monthly_sums, overview_sql

    ids = [e.repository_id for e in catalog(world.engine, world.settings.mirrors)]
    moments = st.datetimes(
        min_value=datetime(2023, 11, 1), max_value=datetime(2024, 3, 1), timezones=st.just(UTC)
    )

    def at(day: int, minute: int, month: int = 1, year: int = 2024) -> datetime:
        return datetime(year, month, day, 0, minute, tzinfo=UTC)

    @given(since=st.none() | moments, until=st.none() | moments)
    @example(since=at(1, 2), until=at(1, 4))  # inside the seeded minutes
    @example(since=at(31, 0, 12, 2023), until=at(1, 3))  # across a month, partial day
    @example(since=at(31, 0, 12, 2023), until=at(5, 0))  # day rows hold the seeded day
    @example(since=at(1, 3), until=None)
    @example(since=None, until=at(1, 3))
    @example(since=at(15, 0, 12, 2023), until=at(2, 0, 2))  # days and a whole month
    @settings(max_examples=40, deadline=None, database=None)
    def check(since: datetime | None, until: datetime | None) -> None:
        if since is not None and until is not None and since >= until:
            return
        window = Window(since, until)
        with world.engine.connect() as conn:
            direct = sorted(tuple(r) for r in conn.execute(overview_sql(world.engine, ids, window)))
        summed = sorted((m, b, *v) for (m, b), v in monthly_sums(world.engine, ids, window).items())
        assert summed == direct

    check()


def test_a_gate_run_without_decision_is_counted_not_dropped(tmp_path: Path) -> None:
    """A run that ended without a decision and a malformed document are counted in the notes
    and shown as not analysed; a document with odd requirement values is shown as it is."""
    from netgain.service.tables import decisions as decisions_table

    data_dir = tmp_path / "svc"
    world = seed(data_dir, from_env({"NETGAIN_SERVICE_DIR": str(data_dir)}))
    odd = {
        "verdict": "approved",
        "facts": [],
        "rules": [{"name": "r", "requirements": [{"kind": 5, "satisfied": "yes", "count": 2}]}],
    }
    for number, verdict, document in (
        (3, "error", {"conclusion": "failure", "output": {"title": "not analysed"}}),
        (4, "blocked", {"verdict": "blocked", "rules": "oops", "tiers": 5}),
        (5, "approved", odd),
    ):
        with world.engine.begin() as conn:
            conn.execute(
                decisions_table.insert().values(
                    repository="acme/web",
                    number=number,
                    head_sha=f"{number:040x}",
                    verdict=verdict,
                    conclusion="failure",
                    document=document,
                    created_at=datetime(2024, 1, 1, 2, tzinfo=UTC),
                )
            )
    views = _views(world)
    alice = _who(world, world.alice_token)
    doc = metrics_views.repository_metrics(views, alice, "acme/web", Window()).document
    assert doc is not None
    assert "policy decisions: 2 gate run(s) ended without a readable decision" in doc["notes"]
    pr = changes.pull_request(views, alice, "acme/web", 3)
    assert pr.decisions[0].not_analysed and pr.decisions[0].verdict == "error"
    malformed = changes.pull_request(views, alice, "acme/web", 4).decisions[0]
    assert malformed.not_analysed and malformed.rules == [] and malformed.reasons == []
    shown = changes.pull_request(views, alice, "acme/web", 5).decisions[0]
    requirement = shown.rules[0].requirements[0]
    assert not shown.not_analysed and requirement.kind == "5" and requirement.satisfied is None
    assert overview.overview(views, alice, "acme", Window()).decisions["error"] == 1


def test_a_rollup_table_of_another_version_is_rebuilt(tmp_path: Path) -> None:
    """Found on a store an earlier build had used: the month-only rollup table (no `grain`)
    made every overview fail, and then, rebuilt alone, left a state that vouched for rows that
    were gone (the overview counted one repository of two). Derived tables of another shape are
    dropped and recreated together."""
    from sqlalchemy import inspect, text

    from netgain.service.tables import create_tables
    from netgain.store.engine import open_store

    engine = open_store(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE service_commit_rollups (repository_id INTEGER, month VARCHAR(7), "
                "bucket VARCHAR(8), changes BIGINT, PRIMARY KEY (repository_id, month, bucket))"
            )
        )
        conn.execute(
            text(
                "CREATE TABLE service_rollup_state (repository_id INTEGER PRIMARY KEY, "
                "run_id INTEGER, complete INTEGER NOT NULL, refreshed_at DATETIME NOT NULL)"
            )
        )
        conn.execute(text("INSERT INTO service_rollup_state VALUES (1, 1, 1, '2024-01-01')"))
    create_tables(engine)
    columns = {c["name"] for c in inspect(engine).get_columns("service_commit_rollups")}
    assert {"grain", "period"} <= columns and "month" not in columns
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM service_rollup_state")).scalar() == 0
    engine.dispose()


def test_incident_pages_hold_only_the_window_read_in_sql(world: Seeded) -> None:
    """The window is a condition of the query (the page's one extra row decides the cursor): a
    page of a narrow window is full and its cursor leads only to incidents inside the window,
    an incident without a start time is outside any bounded window and listed unfiltered."""
    from sqlalchemy import delete

    from netgain.service.catalog import catalog
    from netgain.store.outcome_models import Incident as IncidentRow

    views = _views(world)
    alice = _who(world, world.alice_token)
    web = next(
        e for e in catalog(world.engine, world.settings.mirrors) if e.full_name == "acme/web"
    )
    days = [datetime(2020, 1, d, 12, tzinfo=UTC) for d in (1, 2, 3, 4, 5, 6)]
    starts: list[datetime | None] = [*days, None]
    rows = [
        IncidentRow(
            repository_id=web.repository_id,
            source="json",
            external_id=f"WIN-{i}",
            title="window",
            started_at=start,
            labels=[],
            caused_by=[],
            fixed_by=[],
            body="",
            raw={},
            imported_at=days[0],
            updated_at=days[0],
        )
        for i, start in enumerate(starts)
    ]
    from sqlalchemy.orm import Session

    with Session(world.engine) as session:
        session.add_all(rows)
        session.commit()
    try:
        window = Window(since=days[1], until=days[4])  # the 2nd to the 4th, three incidents
        seen: list[str] = []
        cursor = None
        while True:
            page = outcomes.incidents(views, alice, "acme/web", window, cursor=cursor, limit=2)
            seen += [i.id for i in page.items]
            assert len(page.items) == 2 or page.next_cursor is None
            cursor = page.next_cursor
            if cursor is None:
                break
        assert seen == ["WIN-3", "WIN-2", "WIN-1"]
        everything = outcomes.incidents(views, alice, "acme/web", Window(), cursor=None, limit=200)
        assert {"WIN-0", "WIN-6"} <= {i.id for i in everything.items}
    finally:
        with world.engine.begin() as conn:
            conn.execute(delete(IncidentRow).where(IncidentRow.title == "window"))


def test_documents_list_the_stored_problems_of_their_repositories(world: Seeded) -> None:
    """A problem an ingest stored (an absent blob) is in the repository's document as the CLI
    lists it, and in the organisation's with the repository named; the other repository's
    document does not list it."""
    from sqlalchemy import delete, insert

    from netgain.service.views.scope import repository_entry
    from netgain.store.models import Problem as StoredProblem

    views = _views(world)
    alice = _who(world, world.alice_token)
    api = repository_entry(views.engine, views.mirrors, alice, "acme/api")
    stored = {"kind": "missing-blob", "message": "blob 1234 is absent", "sha": "ab" * 20}
    with views.engine.begin() as conn:
        conn.execute(
            insert(StoredProblem).values(
                repository_id=api.repository_id,
                fingerprint="f" * 64,
                path="logo.png",
                created_at=datetime.now(UTC),
                **stored,
            )
        )
    try:
        expected = {**stored, "path": "logo.png"}
        doc = metrics_views.repository_metrics(views, alice, "acme/api", Window()).document
        assert doc is not None and doc["problems"] == [expected]
        web = metrics_views.repository_metrics(views, alice, "acme/web", Window()).document
        assert web is not None and web["problems"] == []
        org = metrics_views.org_metrics(views, alice, "acme", Window()).document
        assert org is not None and org["problems"] == [{"repository": "acme/api", **expected}]
    finally:
        with views.engine.begin() as conn:
            conn.execute(delete(StoredProblem).where(StoredProblem.fingerprint == "f" * 64))
