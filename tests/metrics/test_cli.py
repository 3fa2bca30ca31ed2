"""`netgain metrics` and `netgain report` end to end on a real repository and a real store."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.orm import Session

from netgain.store.engine import open_store
from netgain.store.outcome_models import Incident, IncidentLink
from tests.gitrepo import BASE_EPOCH, GitRepo
from tests.history.conftest import netgain

DAY = 86_400
CLAUDE = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"


def build_repo(path: Path) -> tuple[GitRepo, dict[str, str]]:
    """Week 1: a human module (10 lines) and an AI module (10 lines). Week 2: the AI module's
    first 4 lines are rewritten by a human. Weeks later: an unrelated change (the window passes)."""
    repo = GitRepo(path)
    shas = {}
    human = "".join(f"h{i} = {i}\n" for i in range(10))
    ai = "".join(f"a{i} = {i}\n" for i in range(10))
    shas["human"] = repo.commit({"human.py": human}, "Add human module", date=BASE_EPOCH + DAY)
    shas["ai"] = repo.commit(
        {"ai.py": ai}, "feat: add AI module" + CLAUDE, date=BASE_EPOCH + 2 * DAY
    )
    rewritten = "".join(f"a{i} = {i * 10 + 1}\n" for i in range(4)) + ai.split("\n", 4)[4]
    shas["fix"] = repo.commit({"ai.py": rewritten}, "Fix AI module", date=BASE_EPOCH + 9 * DAY)
    shas["later"] = repo.commit({"later.py": "x = 1\n"}, "Later", date=BASE_EPOCH + 60 * DAY)
    return repo, shas


def add_incident(db_url: str, repo_root: Path, cause: str, fix: str) -> None:
    engine = open_store(db_url)
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        from sqlalchemy import select

        from netgain.store.models import Repository

        repo_id = session.scalars(
            select(Repository.id).where(Repository.root_path == str(repo_root.resolve()))
        ).one()
        incident_id = session.execute(
            insert(Incident).returning(Incident.id),
            [
                {
                    "repository_id": repo_id,
                    "source": "csv",
                    "external_id": "INC-1",
                    "started_at": datetime(2024, 1, 8, 10, tzinfo=UTC),
                    "resolved_at": datetime(2024, 1, 8, 13, tzinfo=UTC),
                    "imported_at": now,
                    "updated_at": now,
                    "labels": [],
                    "caused_by": [cause],
                    "fixed_by": [fix],
                    "raw": {},
                }
            ],
        ).scalar_one()
        session.execute(
            insert(IncidentLink),
            [
                {
                    "incident_id": incident_id,
                    "repository_id": repo_id,
                    "commit_sha": sha,
                    "role": role,
                    "evidence": evidence,
                    "rank": 1,
                    "created_at": now,
                }
                for sha, role, evidence in (
                    (cause, "cause", "explicit-caused-by"),
                    (fix, "fix", "explicit-fixed-by"),
                )
            ],
        )
    engine.dispose()


def test_metrics_json_on_a_real_repository(tmp_path: Path) -> None:
    repo, shas = build_repo(tmp_path / "r")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    netgain("ingest", "--db", db, cwd=repo.path)
    add_incident(db, repo.path, shas["ai"], shas["fix"])
    config = "[metrics]\nmin_sample = 1\nbootstrap_iterations = 100\nrework_periods = 3\n"
    (repo.path / "netgain.toml").write_text(config)
    doc = json.loads(netgain("metrics", "--db", db, "--json", cwd=repo.path).stdout)
    assert doc["sources"]["changes"] == 4 and doc["sources"]["incidents"] == 1
    w1 = doc["periods"][0]
    assert w1["period"] == "2024-W01" and w1["changes"] == 2
    assert (w1["ai_lines"], w1["unknown_lines"]) == (10, 10)  # no evidence is unknown, not human
    assert w1["incidents"] == 0 and doc["periods"][1]["incidents"] == 1
    buckets = doc["by_bucket"]
    assert buckets["75-100"]["changes"] == 1 and buckets["unknown"]["changes"] == 3
    assert buckets["75-100"]["outcomes"]["change_failure_rate"]["value"] == 1.0
    assert doc["dora"]["recovery_time_hours"]["value"] == 3.0
    # Rework: 4 of the AI commit's 10 lines rewritten within 21 days; the human module untouched.
    rework = doc["rework"]
    assert rework["ai"]["value"] == 0.4 and rework["ai"]["denominator"] == 10
    assert rework["by_period"]["2024-W01"] == {"added": 20, "reworked": 4}
    assert doc["review"] == {"status": "no review data"}


def test_report_writes_one_offline_file(tmp_path: Path) -> None:
    repo, _ = build_repo(tmp_path / "r")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    out = tmp_path / "out" / "report.html"
    result = netgain("report", "--db", db, "--output", str(out), "--no-rework", cwd=repo.path)
    assert str(out) in result.stdout.replace("\n", "")
    html = out.read_text()
    # the 10th: findings reported after the merge; the 11th: the board's throughput (it says
    # "insufficient data" on this one-week history)
    assert html.count('<svg class="chart"') == 11
    assert 'id="chart-board-throughput"' in html
    assert "no incident data" in html
    metrics = json.loads(
        netgain("metrics", "--db", db, "--json", "--no-rework", cwd=repo.path).stdout
    )
    embedded = html.split('id="netgain-metrics">', 1)[1].split("</script>", 1)[0]
    assert json.loads(embedded)["periods"] == metrics["periods"]


def test_bad_arguments_are_usage_errors(tmp_path: Path) -> None:
    repo, _ = build_repo(tmp_path / "r")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    bad_by = netgain("metrics", "--db", db, "--by", "day", cwd=repo.path, check=False)
    assert bad_by.returncode == 2 and "--by 'day'" in bad_by.stderr
    bad_since = netgain("metrics", "--db", db, "--since", "yesterday", cwd=repo.path, check=False)
    assert bad_since.returncode == 2 and "--since" in bad_since.stderr
    (repo.path / "netgain.toml").write_text("[metrics]\nmin_sampel = 3\n")
    bad_key = netgain("metrics", "--db", db, cwd=repo.path, check=False)
    assert bad_key.returncode == 2 and "min_sampel" in bad_key.stderr
    reviews = tmp_path / "reviews.json"
    reviews.write_text('[{"number": 1, "reviews": [{"reviewer": "sam", "hours": 2}]}, {"nope": 1}]')
    (repo.path / "netgain.toml").write_text("[metrics]\nmin_sample = 1\n")
    doc = json.loads(
        netgain("metrics", "--db", db, "--json", "--reviews", str(reviews), cwd=repo.path).stdout
    )
    assert doc["review"]["reviews"] == 1 and doc["review"]["by_role"]["other"]["hours"] == 2.0
    assert any("entry 1" in note for note in doc["notes"])


def test_scan_density_covers_every_analysed_language_and_counts_the_rest(tmp_path: Path) -> None:
    """`--scan` reads what the analyser reads (a TypeScript injection is a finding like a Python
    one) and says which code it could not read (a Go file) instead of passing over it."""
    repo = GitRepo(tmp_path / "r")
    py = "import os\nimport sys\n\nos.system(sys.argv[1])\n"
    ts = (
        "import { exec } from 'child_process';\n"
        "import express from 'express';\n"
        "const app = express();\n"
        "app.get('/run', (req, res) => { exec(req.query.cmd); res.send('ok'); });\n"
    )
    go = 'package main\n\nimport "os/exec"\n\nfunc main() { exec.Command(os.Args[1]).Run() }\n'
    repo.commit({"tool.py": py, "server.ts": ts, "main.go": go}, "feat: add" + CLAUDE)
    db = f"sqlite:///{tmp_path / 'store.db'}"
    netgain("ingest", "--db", db, cwd=repo.path)
    (repo.path / "netgain.toml").write_text("[metrics]\nmin_sample = 1\n")
    doc = json.loads(
        netgain("metrics", "--db", db, "--json", "--no-rework", "--scan", ".", cwd=repo.path).stdout
    )
    density = doc["quality"]["vulnerability_density"]
    assert density["scanned_files"] == 2
    assert density["not_analysed_files"] == {"Go": 1}
    assert density["findings"]["ai"] >= 2  # the Python and the TypeScript command injection
    assert density["lines"]["ai"] == 8
    text = netgain("metrics", "--db", db, "--no-rework", "--scan", ".", cwd=repo.path).stdout
    assert "not analyse" in " ".join(text.split())
