"""Findings in both stores: the same import, re-import and metrics on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from netgain.store.engine import open_store
from netgain.store.finding_models import ExternalFinding, ExternalFindingLink
from tests.findings.shop import FINDINGS_CSV, build_shop
from tests.history.conftest import netgain

HOSTILE = 'id,title,severity,file,line,found_at\nNUL-1,"a\x00b",high,app.py,13,2024-01-08\n'


def test_import_is_idempotent_in_each_store(tmp_path: Path, store_url: str) -> None:
    repo, c = build_shop(tmp_path / "shop")
    findings = tmp_path / "f.csv"
    findings.write_text(FINDINGS_CSV)
    hostile = tmp_path / "hostile.csv"
    hostile.write_text(HOSTILE)  # a NUL, which PostgreSQL refuses in text
    for _ in range(2):
        out = netgain(
            "findings", "import", str(findings), str(hostile), "--db", store_url, "--json",
            cwd=repo.path, check=False,
        )  # fmt: skip
        assert out.returncode == 1, out.stderr  # the two bad rows of FINDINGS_CSV
    doc = json.loads(out.stdout)
    assert [i["unchanged"] for i in doc["imports"]] == [5, 1]
    assert doc["imports"][1]["file"] == str(hostile)
    engine = open_store(store_url)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(ExternalFinding)) == 6
        primary = session.execute(
            select(ExternalFinding.external_id, ExternalFindingLink.commit_sha)
            .join(ExternalFindingLink)
            .where(ExternalFindingLink.is_primary.is_(True))
        ).all()
    engine.dispose()  # no pooled PostgreSQL connection left for the garbage collector
    assert dict(primary) == {"PT-2024-001": c["ai"], "BB-77": c["human2"], "NUL-1": c["ai"]}
    metrics = json.loads(
        netgain(
            "metrics", "--db", store_url, "--no-rework", "--no-szz", "--json", cwd=repo.path
        ).stdout
    )
    assert metrics["quality"]["reported_findings"]["linked"] == 3
