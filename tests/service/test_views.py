"""The query layer over a real seeded store: access first, org figures from combined counts,
the SQL overview agreeing with the metrics document, keyset pages that neither skip nor repeat."""

from __future__ import annotations

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


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    data_dir = tmp_path_factory.mktemp("views") / "svc"
    return seed(data_dir, from_env({"NETGAIN_SERVICE_DIR": str(data_dir)}))


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
    five = ["bob@example.com", "a@x", "b@x", "c@x", "d@x"]
    views = ViewContext(
        world.engine,
        world.settings.mirrors,
        OrgConfig.model_validate({"orgs": {"acme": {"teams": {"auth": five}}}}),
    )
    team = metrics_views.team_metrics(views, alice, "acme", "auth", Window()).document
    assert team is not None and team["sources"]["changes"] == 4  # bob's four commits
    own = metrics_views.own_metrics(views, alice, "acme", Window()).document
    assert own is not None and own["sources"]["changes"] == 4  # alice's verified email is bob's
    assert "by_team" not in own["provenance"]


def test_overview_reads_rollups_exactly_and_a_new_ingest_refreshes_them(
    tmp_path: Path,
) -> None:
    from sqlalchemy import select

    from netgain.service.tables import rollup_state
    from netgain.service.views.overview import overview_sql, plan
    from tests.gitrepo import GitRepo
    from tests.service.apiworld import CLAUDE, ingest_mirror

    data_dir = tmp_path / "svc"
    world = seed(data_dir, from_env({"NETGAIN_SERVICE_DIR": str(data_dir)}))
    views = _views(world)
    alice = _who(world, world.alice_token)
    # whole months (January, February) from the rollup, the ends from the commits
    window = Window(datetime(2023, 12, 15, tzinfo=UTC), datetime(2024, 3, 10, tzinfo=UTC))
    months, edges = plan(window)
    assert months == ("2024-01", "2024-03") and len(edges) == 2
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
    # a window inside one month reads the commits only, and agrees with the direct aggregate
    inside = Window(datetime(2024, 1, 1, 0, 2, tzinfo=UTC), datetime(2024, 1, 31, tzinfo=UTC))
    assert plan(inside)[0] is None
    with world.engine.connect() as conn:
        expected = sum(r[2] for r in conn.execute(overview_sql(world.engine, [1, 2], inside)))
    assert 0 < overview.overview(views, alice, "acme", inside).changes == expected < 7
