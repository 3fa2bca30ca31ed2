"""The report's risk evaluation is cached, and a changed model file, commit or SZZ label misses."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.orm import Session

from netgain.history import ingest_repository
from netgain.risk.feature_store import update_features
from netgain.risk.service import MODEL_FILE
from netgain.risk.summary import NO_LABELS, risk_summary
from netgain.store.engine import open_store
from netgain.szz.core import SzzResult
from netgain.szz.persist import store_results
from tests.gitrepo import BASE_EPOCH, GitRepo
from tests.history.conftest import netgain_json

DAY = 86_400


def _model_file(root: Path, gap_days: float) -> None:
    path = root / MODEL_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"trained": {"gap_days": gap_days}}), encoding="utf-8")


def test_cache_hits_until_model_commits_or_labels_change(tmp_path: Path) -> None:
    r = GitRepo(tmp_path / "repo")
    shas = [
        r.commit({"a.py": f"{i}\n" * (i + 1)}, f"change {i}", date=BASE_EPOCH + i * DAY)
        for i in range(4)
    ]
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")

    def ingest() -> int:
        return ingest_repository(
            r.path, engine, revs=["HEAD"], after_write=update_features
        ).repository_id

    rid = ingest()
    assert risk_summary(r.path, engine, rid) == {"status": NO_LABELS}  # nothing to evaluate

    _model_file(r.path, 1)
    first = risk_summary(r.path, engine, rid)
    assert first["cached"] is False
    assert first["status"].startswith("too little labelled history")
    assert "4 commit(s)" not in first["status"]  # 3 are older than the 1-day gap
    again = risk_summary(r.path, engine, rid)
    assert again == first | {"cached": True}

    _model_file(r.path, 2)  # a retrained model: another file
    changed = risk_summary(r.path, engine, rid)
    assert changed["cached"] is False and "2-day gap" in changed["status"]
    assert risk_summary(r.path, engine, rid)["cached"] is True

    r.commit({"b.py": "x\n"}, "another", date=BASE_EPOCH + 9 * DAY)
    ingest()  # new vectors: a new generation
    assert risk_summary(r.path, engine, rid)["cached"] is False
    assert risk_summary(r.path, engine, rid)["cached"] is True

    with Session(engine) as session, session.begin():
        store_results(session, rid, [SzzResult(fix=shas[2], variant="netgain")])
    assert risk_summary(r.path, engine, rid)["cached"] is False
    assert risk_summary(r.path, engine, rid)["cached"] is True
    engine.dispose()


def test_metrics_reads_the_cached_risk_section(tmp_path: Path) -> None:
    r = GitRepo(tmp_path / "repo")
    for i in range(3):
        r.commit({"a.py": f"{i}\n"}, f"change {i}", date=BASE_EPOCH + i * DAY)
    _model_file(r.path, 1)
    db = f"sqlite:///{tmp_path / 'store.db'}"
    first = netgain_json("metrics", "--db", db, cwd=r.path)["risk"]
    second = netgain_json("metrics", "--db", db, cwd=r.path)["risk"]
    assert (first["cached"], second["cached"]) == (False, True)
    assert first["status"] == second["status"]
