"""The overview's documents computed by a job after ingest: the push's ingest queues one job per
organisation (delayed, coalesced), the job stores the organisation's and its visible teams'
documents, and the overview page shows a stored document only to a viewer who reads exactly
what it covers, saying how old it is and whether newer data arrived since. Beyond the size a
page computes on demand, a view without a stored document says so instead of computing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from netgain.service import access, events
from netgain.service import stored_documents as stored_documents_job
from netgain.service.tables import embedded_jobs, stored_documents
from netgain.service.views.context import ViewContext
from netgain.service.views.metrics_views import org_metrics, team_metrics
from netgain.service.views.scope import Window
from netgain.service.web.dashboard import pages
from netgain.service.web.dashboard.filters import Filters
from netgain.store.outcome_models import Incident
from tests.service.conftest import REPOSITORY, World, signed
from tests.service.dashboard_world import ORG, DashboardWorld, dashboard_world

BROWSER = {"Accept": "text/html"}
ALL = "?range=all"


@pytest.fixture
def dash(world: World, tmp_path: Path) -> DashboardWorld:
    return dashboard_world(world, tmp_path)


def _page(dash: DashboardWorld, cookie: str, query: str = ALL) -> str:
    with httpx.Client(
        base_url=dash.url, cookies={access.SESSION_COOKIE: cookie}, headers=BROWSER, timeout=120
    ) as client:
        response = client.get(f"/dashboard/{ORG}{query}")
    assert response.status_code == 200, response.text
    return response.text


def _push(dash: DashboardWorld) -> None:
    """A push to the default branch, through the webhook: the service's ingest job runs."""
    world = dash.world
    push = {
        "ref": "refs/heads/main",
        "after": world.repo.git("rev-parse", "main"),
        "repository": {"full_name": REPOSITORY, "default_branch": "main"},
        "installation": {"id": world.github.installation_id},
    }
    for n in range(2):  # two pushes in a burst: one computation of the documents
        body, headers = signed("push", push, f"d-push-{n}")
        response = dash.client.post("/webhooks/github", content=body, headers=headers)
        assert response.status_code == 202
        assert dash.runtime.queue.run_pending() == 1  # the ingest; the documents wait


def test_the_ingest_queues_the_documents_and_the_page_reads_them(
    dash: DashboardWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = dash.runtime.ctx.engine
    monkeypatch.setattr(pages, "LIVE_LIMIT", 0)  # as for an organisation of a million commits
    alice = dash.session_for("alice", {ORG: access.Grant("member", None)})
    before = _page(dash, alice)
    assert "data-missing" in before and "not ready yet" in before
    assert 'id="chart-throughput"' not in before

    _push(dash)
    with engine.connect() as conn:
        waiting = conn.execute(
            select(embedded_jobs.c.task, embedded_jobs.c.args, embedded_jobs.c.status)
        ).all()
    queued = [(t, json.loads(a)) for t, a, s in waiting if s == "todo"]
    assert queued == [(events.DOCUMENTS, {"org": ORG})]
    with engine.begin() as conn:  # its delay has passed
        conn.execute(update(embedded_jobs).values(run_after=0.0))
    loads: list[str] = []
    load = stored_documents_job.org_records

    def counted(*args: Any, **kwargs: Any) -> Any:
        loads.append(args[2])
        return load(*args, **kwargs)

    monkeypatch.setattr(stored_documents_job, "org_records", counted)
    assert dash.runtime.queue.run_pending() == 1
    assert loads == [ORG]  # every change loaded once for both ranges, not once per range
    with engine.connect() as conn:
        stored = {
            (row.view, row.range): row for row in conn.execute(select(stored_documents)).all()
        }
    # the organisation's and the one team of at least privacy.min_group people ("tiny" has 2)
    assert set(stored) == {(v, r) for v in ("org", "team:payments") for r in ("90d", "all")}
    assert stored[("org", "all")].repositories == [REPOSITORY]
    document = stored[("org", "all")].metrics["document"]
    assert document["sources"]["changes"] >= 3
    # loaded once for the organisation and its teams, each document is the one the views
    # compute on their own
    views = ViewContext.of(dash.runtime.ctx)
    job = access.Principal("token", 0, "t", frozenset(), {ORG: access.Grant("admin", None)})
    for preset in ("90d", "all"):
        filters = Filters(range=preset)
        window = Window(*filters.window())
        by = filters.period
        for view, alone in (
            ("org", org_metrics(views, job, ORG, window, by=by)),
            ("team:payments", team_metrics(views, job, ORG, "payments", window, by=by)),
        ):
            assert stored[(view, preset)].metrics == json.loads(alone.model_dump_json()), view

    page = _page(dash, alice)
    assert "data-missing" not in page and "data-freshness" in page
    assert "computed less than a minute ago" in page and "newer data" not in page
    assert 'id="chart-throughput"' in page  # the stored document's charts
    # the team's adoption column reads the team's stored document
    assert "fewer than 5 active engineers" in page

    # newer data: said, the stored document still shown
    with Session(engine) as session:
        session.add(
            Incident(
                repository_id=1,
                source="json",
                external_id="LATE-1",
                title="late",
                started_at=datetime(2024, 1, 2, tzinfo=UTC),
                imported_at=datetime.now(UTC),
                updated_at=datetime.now(UTC),
            )
        )
        session.commit()
    assert "newer data has arrived since" in _page(dash, alice)

    # a range the job does not compute, or a repository filter: not stored, too large here
    assert "data-missing" in _page(dash, alice, "?since=2023-12-01&until=2030-12-31")
    assert "data-missing" in _page(dash, alice, f"{ALL}&repository={REPOSITORY}")


def test_a_viewer_who_reads_less_never_sees_the_stored_document(
    dash: DashboardWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from netgain.service.stored_documents import refresh_documents
    from tests.gitrepo import GitRepo
    from tests.service.apiworld import ingest_mirror

    settings = dash.runtime.ctx.settings
    work = GitRepo(tmp_path / "work-ledger")
    work.commit({"ledger.py": "SECRET_TOTAL = 1\n"}, "feat: ledger", author=("Z", "z@x.example"))
    ingest_mirror(
        work, GitRepo(settings.mirrors / ORG / "ledger.git", bare=True).path, settings.store_url
    )
    assert refresh_documents(ViewContext.of(dash.runtime.ctx), ORG, ("all",)) == 2
    monkeypatch.setattr(pages, "LIVE_LIMIT", 0)
    carol = dash.session_for("carol", {ORG: access.Grant("member", frozenset({REPOSITORY}))})
    page = _page(dash, carol)
    assert "data-freshness" not in page and "cover repositories you cannot read" in page
    alice = dash.session_for("alice", {ORG: access.Grant("member", None)})
    assert "data-freshness" in _page(dash, alice)
    # small enough for the page: computed now over what carol reads, never the stored one
    monkeypatch.setattr(pages, "LIVE_LIMIT", 10_000)
    page = _page(dash, carol)
    assert "data-freshness" not in page and 'id="chart-throughput"' in page
