"""Importing through the API on SQLite and PostgreSQL: upsert counts, hostile text, duplicates."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from netgain.history.ingest import get_repository
from netgain.incidents import import_records, parse_file
from netgain.store.engine import open_store
from netgain.store.outcome_models import Incident

DATA = Path(__file__).with_name("data")


def test_reimport_is_idempotent_on_both_databases(tmp_path: Path, store_url: str) -> None:
    engine = open_store(store_url)
    counts = []
    for _ in range(2):
        parsed = parse_file(DATA / "jira.json", "jira")
        with Session(engine) as session, session.begin():
            repo_id = get_repository(session, tmp_path, False).id
            report = import_records(session, repo_id, parsed, "jira.json")
            counts.append((report.inserted, report.updated, report.unchanged, len(report.problems)))
    assert counts == [(2, 0, 0, 2), (0, 0, 2, 2)]
    with Session(engine) as session:
        rows = session.scalars(select(Incident).order_by(Incident.external_id)).all()
        assert [(r.source, r.external_id, r.severity) for r in rows] == [
            ("jira", "INC-7", "High"),
            ("jira", "INC-8", "Highest"),
        ]
        assert rows[0].started_at is not None and rows[0].started_at.hour == 14
    engine.dispose()


def test_hostile_text_and_duplicate_ids(tmp_path: Path, store_url: str) -> None:
    f = tmp_path / "inc.json"
    f.write_text(
        json.dumps(
            [
                {"id": "X-1", "title": "nul \u0000 byte and lone \udcff surrogate"},
                {"id": "X-1", "title": "second copy"},
            ]
        )
    )
    parsed = parse_file(f, "json")
    engine = open_store(store_url)
    with Session(engine) as session, session.begin():
        repo_id = get_repository(session, tmp_path, False).id
        report = import_records(session, repo_id, parsed, str(f))
    assert (report.inserted, [p.line for p in report.problems]) == (1, [1])
    assert "duplicate id (also on line 1)" in report.problems[0].message
    with Session(engine) as session:
        [row] = session.scalars(select(Incident)).all()
        assert row.title == "second copy"
    f.write_text(json.dumps([{"id": "X-2", "title": "nul \u0000 and \udcff"}]))
    with Session(engine) as session, session.begin():
        import_records(session, repo_id, parse_file(f, "json"), str(f))
    with Session(engine) as session:
        title = session.scalars(select(Incident.title).where(Incident.external_id == "X-2")).one()
    assert "\x00" not in title and "\udcff" not in title and title.startswith("nul ")
    engine.dispose()
