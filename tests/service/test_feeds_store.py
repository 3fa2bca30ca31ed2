"""The feeds' writers and loaders on both databases the service runs on (SQLite, PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from netgain.incidents.deployments import Deployment
from netgain.incidents.records import IncidentRecord
from netgain.service.catalog import CatalogEntry
from netgain.service.feeds import github
from netgain.service.feeds.incidents import store_incident
from netgain.service.feeds.routing import Target
from netgain.service.feeds.tables import pr_events
from netgain.service.feeds.timelines import load_inputs
from netgain.service.tables import create_tables, decisions
from netgain.store.engine import open_store
from netgain.store.models import Commit, FileChange, Repository
from netgain.store.outcome_models import Incident, IncidentLink

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = open_store(store_url)
    create_tables(engine)
    yield engine
    engine.dispose()


def _history(engine: Engine) -> tuple[int, dict[str, str]]:
    """a (services/payments) <- b (web) <- c (services/payments), deployed at c."""
    shas = {"a": "a" * 40, "b": "b" * 40, "c": "c" * 40}
    with Session(engine) as session, session.begin():
        repo = Repository(root_path="/srv/mirrors/acme/mono.git", created_at=T0)
        session.add(repo)
        session.flush()
        parents = {"a": "", "b": shas["a"], "c": shas["b"]}
        paths = {"a": "services/payments/x.py", "b": "web/ui.py", "c": "services/payments/y.py"}
        for i, key in enumerate("abc"):
            commit = Commit(
                repository_id=repo.id,
                sha=shas[key],
                parents=parents[key],
                author_name="A",
                author_email="a@x",
                author_date=T0 + timedelta(hours=i),
                committer_name="A",
                committer_email="a@x",
                committer_date=T0 + timedelta(hours=i),
                subject="s",
                message="s",
                trailers=[],
            )
            session.add(commit)
            session.flush()
            session.add(FileChange(commit_id=commit.id, path=paths[key], added=1, deleted=0))
        return repo.id, shas


def test_incident_upsert_and_path_links(engine: Engine) -> None:
    repository_id, shas = _history(engine)
    target = Target("acme/mono", repository_id, "services/payments/")
    early = Deployment(T0 + timedelta(minutes=30), shas["a"], "deployment to production")
    late = Deployment(T0 + timedelta(hours=3), shas["c"], "deployment to production")
    record = IncidentRecord(
        external_id="42", title="slow", status="triggered", started_at=T0 + timedelta(hours=4)
    )
    first = store_incident(
        engine,
        "pagerduty",
        record,
        T0 + timedelta(hours=4),
        [target],
        {repository_id: [early, late]},
    )
    assert [(s.outcome, s.links) for s in first] == [("inserted", 1)]
    with Session(engine) as session:
        links = list(session.scalars(select(IncidentLink)))
    # the last deployment shipped b and c; only c touched services/payments/
    assert [link.commit_sha for link in links] == [shas["c"]]
    again = store_incident(
        engine,
        "pagerduty",
        record,
        T0 + timedelta(hours=4),
        [target],
        {repository_id: [early, late]},
    )
    assert [s.outcome for s in again] == ["unchanged"]
    older = IncidentRecord(external_id="42", title="slow", status="acknowledged")
    stale = store_incident(engine, "pagerduty", older, T0, [target], {})
    assert [s.outcome for s in stale] == ["stale"]
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(IncidentLink)) == 1


def test_feed_rows_are_written_once_and_load_back(engine: Engine) -> None:
    repository_id, shas = _history(engine)
    rows = github.Recorded(
        events=[
            github._event("acme/mono", 5, "opened", "opened", "ann", T0, additions=10),
            github._event(
                "acme/mono",
                5,
                "review:1",
                "review",
                "bob",
                T0 + timedelta(hours=2),
                state="approved",
            ),
            github._event(
                "acme/mono",
                5,
                "merged",
                "merged",
                "ann",
                T0 + timedelta(hours=3),
                merge_sha=shas["c"],
            ),
            github._event(
                "acme/mono",
                5,
                f"commit:{shas['b']}",
                "commit",
                "ann",
                T0 - timedelta(hours=1),
                sha=shas["b"],
            ),
        ],
        deployments=[
            {
                "repository": "acme/mono",
                "source": "deployment",
                "external_id": "9",
                "sha": shas["c"],
                "ref": "main",
                "environment": "production",
                "deployed_at": T0 + timedelta(hours=5),
            },
        ],
    )
    assert github.record(engine, rows) == 5
    assert github.record(engine, rows) == 0
    with engine.begin() as conn:
        conn.execute(
            decisions.insert().values(
                repository="Acme/Mono",
                number=5,
                head_sha=shas["c"],
                verdict="blocked",
                conclusion="failure",
                document={"author": "ann", "findings": [], "design_documents": []},
            )
        )
        assert conn.execute(select(func.count()).select_from(pr_events)).scalar_one() == 4
    with engine.connect() as conn:
        inputs = load_inputs(conn, [CatalogEntry("acme/mono", repository_id)])
    [timeline] = inputs.timelines
    assert timeline.stages() == {
        "coding": 1.0,
        "pickup": 2.0,
        "review": 0.0,
        "merge": 1.0,
        "deploy": 2.0,
    }
    assert [(d.repository, d.verdict, d.author) for d in inputs.decisions] == [
        ("acme/mono", "blocked", "ann")
    ]
    assert [r.reviewer for r in inputs.reviews] == ["bob"]


def test_path_links_come_from_the_mirror_when_there_is_one(engine: Engine, tmp_path: Path) -> None:
    from tests.gitrepo import GitRepo

    repo = GitRepo(tmp_path / "mono")
    old = repo.commit({"services/payments/a.py": "1\n"}, "a")
    repo.commit({"web/ui.py": "1\n"}, "b")
    new = repo.commit({"services/payments/b.py": "1\n"}, "c")
    repository_id, _ = _history(engine)  # the store knows other commits: git must answer
    target = Target("acme/mono", repository_id, "services/payments/")
    deploys = [
        Deployment(T0 + timedelta(hours=1), old, "deployment to production"),
        Deployment(T0 + timedelta(hours=2), new, "deployment to production"),
    ]
    record = IncidentRecord(external_id="7", started_at=T0 + timedelta(hours=3))
    mirrors = tmp_path / "mirrors"
    (mirrors / "acme").mkdir(parents=True)
    (mirrors / "acme" / "mono.git").symlink_to(repo.path / ".git")
    stored = store_incident(
        engine, "pagerduty", record, None, [target], {repository_id: deploys}, mirrors
    )
    assert [s.links for s in stored] == [1]
    with Session(engine) as session:
        assert [link.commit_sha for link in session.scalars(select(IncidentLink))] == [new]


def test_two_events_of_a_new_incident_at_once_store_one_row(engine: Engine) -> None:
    import threading

    repository_id, _ = _history(engine)
    target = Target("acme/mono", repository_id, None)
    start = T0 + timedelta(hours=4)
    events = [
        (IncidentRecord(external_id=str(n), status="triggered", started_at=start), start)
        for n in range(20)
    ] + [
        (
            IncidentRecord(
                external_id=str(n),
                status="resolved",
                started_at=start,
                resolved_at=start + timedelta(hours=1),
            ),
            start + timedelta(hours=1),
        )
        for n in range(20)
    ]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def deliver(half: list[tuple[IncidentRecord, datetime]]) -> None:
        for record, when in half:
            try:
                barrier.wait(timeout=30)
                store_incident(engine, "pagerduty", record, when, [target], {})
            except BaseException as exc:
                errors.append(exc)

    threads = [
        threading.Thread(target=deliver, args=(events[:20],)),
        threading.Thread(target=deliver, args=(events[20:],)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    with Session(engine) as session:
        rows = list(session.scalars(select(Incident)))
    assert len(rows) == 20
    assert {row.status for row in rows} == {"resolved"}  # the newest event won every race
