"""Import and linking end to end through the CLI, on a repository built for the purpose.

History (one minute apart from 2024-01-01, so before every incident):
  c1   "Add payments"            pay.py, config.py (TIMEOUT = 5)
  c2   "feat(pay): refund fees"  refund returns amount + amount (the refund bug)
  c3   "Add caching (#12)"       squash-merged PR 12; tagged deploy-1
  c4   "Retry on timeout"        on branch retry, merged by m15 "Merge pull request #15 ..."
  fix5 "Fix refund amount / Fixes #101"      fixes GitHub incident 101 (SZZ -> c2)
  fix6 'Revert "Add caching (#12)" / INC-7'   fixes Jira INC-7; reverts c3
  fix7 "Raise checkout timeout (PD #1234)"    fixes PagerDuty 1234 (SZZ -> c1)
Expected links were worked out by hand from the evidence rules in netgain.incidents.link.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from netgain.store.outcome_models import Feature, Incident, IncidentLink, PullRequest
from tests.gitrepo import GitRepo
from tests.history.conftest import netgain

DATA = Path(__file__).with_name("data")
PAY = "def charge(amount):\n    fee = amount * 3 // 100\n    return amount + fee\n\n\ndef refund(amount):\n    return amount\n"


@dataclass
class Shop:
    repo: GitRepo
    c: dict[str, str]


def build(path: Path) -> Shop:
    r = GitRepo(path)
    c: dict[str, str] = {}
    c["c1"] = r.commit({"pay.py": PAY, "config.py": "TIMEOUT = 5\nRETRIES = 2\n"}, "Add payments")
    c["c2"] = r.commit(
        {"pay.py": PAY.replace("    return amount\n", "    return amount + amount\n")},
        "feat(pay): refund fees",
    )
    c["c3"] = r.commit({"cache.py": "CACHE = {}\nTTL = 60\n"}, "Add caching (#12)")
    r.tag("deploy-1")
    r.branch("retry")
    r.checkout("retry")
    c["c4"] = r.commit({"retry.py": "ATTEMPTS = 3\n"}, "Retry on timeout")
    r.checkout("main")
    c["m15"] = r.merge("retry", "Merge pull request #15 from acme/retry\n\nRetry payment calls")
    c["fix5"] = r.commit({"pay.py": PAY}, "Fix refund amount\n\nFixes #101\n")
    c["fix6"] = r.commit(
        {"cache.py": None},
        f'Revert "Add caching (#12)"\n\nThis reverts commit {c["c3"]}.\n\nINC-7\n',
    )
    c["fix7"] = r.commit(
        {"config.py": "TIMEOUT = 30\nRETRIES = 2\n"}, "Raise checkout timeout (PD #1234)"
    )
    (path / "netgain.toml").write_text('[incidents]\ndeploy_tags = "deploy-*"\n')
    return Shop(r, c)


def jira_export(root_cause: str) -> str:
    issue = {
        "id": "10231",
        "self": "https://acme.atlassian.net/rest/api/2/issue/10231",
        "key": "INC-7",
        "fields": {
            "issuetype": {"name": "Incident"},
            "summary": "Refunds charged twice",
            "description": f"Root cause: {root_cause}",
            "priority": {"name": "High"},
            "status": {"name": "Done"},
            "created": "2024-02-10T14:03:11.000+0000",
            "resolutiondate": "2024-02-10T16:45:00.000+0000",
        },
    }
    return json.dumps({"startAt": 0, "maxResults": 50, "total": 1, "issues": [issue]}, indent=2)


def links(db: Path) -> set[tuple[str, str, str, str]]:
    engine = create_engine(f"sqlite:///{db}")
    with Session(engine) as s:
        rows = s.execute(
            select(
                Incident.external_id,
                IncidentLink.role,
                IncidentLink.evidence,
                IncidentLink.commit_sha,
            ).join(Incident, Incident.id == IncidentLink.incident_id)
        )
        out = {tuple(r) for r in rows}
    engine.dispose()
    return out  # type: ignore[return-value]


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Shop:
    return build(tmp_path_factory.mktemp("shop") / "repo")


def test_every_evidence_kind_links_the_right_commits(shop: Shop, tmp_path: Path) -> None:
    root, c = shop.repo.path, shop.c
    db = tmp_path / "n.db"
    url = f"sqlite:///{db}"
    generic = tmp_path / "incidents.csv"
    generic.write_text(
        "id,title,severity,service,started_at,resolved_at,caused_by,fixed_by,labels,url\n"
        f"OUT-1,Checkout down,sev1,checkout,2024-01-15T08:00:00Z,,{c['c1'][:7]} abc1234,#15,,\n"
        "OUT-2,Slow search,sev3,search,2024-01-16,,,,,\n"
        # Started after c1 (00:01) but before c2 (00:02) and the deploy tag (00:03): SZZ from
        # fix5 names c2, written after the incident began, so no cause is linked at all.
        f"OUT-9,Early refunds,sev2,pay,2024-01-01T00:01:30Z,,,{c['fix5']},,\n"
    )
    jira = tmp_path / "jira.json"
    jira.write_text(jira_export(c["c2"][:12]))
    shutil.copy(DATA / "github.json", tmp_path / "github.json")
    shutil.copy(DATA / "pagerduty.csv", tmp_path / "pd.csv")
    for name in ("incidents.csv", "jira.json", "github.json"):
        proc = netgain(
            "incidents", "import", str(tmp_path / name), "--db", url, cwd=root, check=False
        )
        assert proc.returncode in (0, 1), proc.stderr
    proc = netgain(
        "incidents", "import", str(tmp_path / "pd.csv"), "--db", url, cwd=root, check=False
    )
    assert proc.returncode == 1  # the PagerDuty file has three bad rows
    assert "pd.csv:5: created_on: 'yesterday' is not an ISO 8601 date" in proc.stderr
    assert "'abc1234' does not name a commit" in proc.stderr  # OUT-1's unknown cause
    got = links(db)
    expected = {
        ("OUT-1", "cause", "explicit-caused-by", c["c1"]),
        ("OUT-1", "fix", "explicit-fixed-by", c["m15"]),
        ("OUT-2", "cause", "deployment", c["c3"]),
        ("OUT-9", "fix", "explicit-fixed-by", c["fix5"]),
        ("INC-7", "cause", "root-cause-in-body", c["c2"]),
        ("INC-7", "fix", "fix-references-incident", c["fix6"]),
        ("INC-7", "cause", "revert", c["c3"]),
        ("101", "fix", "fix-references-incident", c["fix5"]),
        ("101", "cause", "szz", c["c2"]),
        ("1234", "fix", "fix-references-incident", c["fix7"]),
        ("1234", "cause", "szz", c["c1"]),
        ("1235", "cause", "deployment", c["c3"]),
    }
    assert got == expected
    engine = create_engine(url)
    with Session(engine) as s:
        prs = {(p.number, p.merge_sha, p.title, p.source) for p in s.scalars(select(PullRequest))}
        feats = {
            (f.subject_kind, f.subject_id, f.is_feature, f.detail)
            for f in s.scalars(select(Feature))
        }
        ranks = dict(s.execute(select(IncidentLink.evidence, IncidentLink.rank)).all())
    engine.dispose()
    assert prs == {
        (12, c["c3"], "Add caching", "squash-subject"),
        (15, c["m15"], "Retry payment calls", "merge-commit"),
    }
    assert feats == {
        ("commit", c["c2"], True, "feat(pay)"),
        # fix6 names Jira INC-7, an issue of type Incident: by its tracker type not a feature.
        ("commit", c["fix6"], False, "INC-7: Incident"),
    }
    assert ranks == {
        "explicit-caused-by": 1,
        "explicit-fixed-by": 1,
        "root-cause-in-body": 2,
        "fix-references-incident": 3,
        "revert": 4,
        "szz": 5,
        "deployment": 6,
    }


def test_reimport_updates_and_never_duplicates(shop: Shop, tmp_path: Path) -> None:
    root = shop.repo.path
    url = f"sqlite:///{tmp_path / 'n.db'}"
    f = tmp_path / "inc.json"
    f.write_text(json.dumps([{"id": "A-1", "title": "first"}, {"id": "A-2", "title": "x"}]))
    first = json.loads(
        netgain("incidents", "import", str(f), "--db", url, "--no-link", "--json", cwd=root).stdout
    )
    assert (first["import"]["inserted"], first["import"]["updated"]) == (2, 0)
    f.write_text(json.dumps([{"id": "A-1", "title": "renamed"}, {"id": "A-2", "title": "x"}]))
    again = json.loads(
        netgain("incidents", "import", str(f), "--db", url, "--no-link", "--json", cwd=root).stdout
    )
    assert (
        again["import"]["inserted"],
        again["import"]["updated"],
        again["import"]["unchanged"],
    ) == (0, 1, 1)
    engine = create_engine(url)
    with Session(engine) as s:
        titles = sorted((i.external_id, i.title) for i in s.scalars(select(Incident)))
    engine.dispose()
    assert titles == [("A-1", "renamed"), ("A-2", "x")]


def test_relinking_replaces_links(shop: Shop, tmp_path: Path) -> None:
    root, c = shop.repo.path, shop.c
    db = tmp_path / "n.db"
    url = f"sqlite:///{db}"
    f = tmp_path / "inc.csv"
    f.write_text(f"id,caused_by\nB-1,{c['c2']}\n")
    netgain("incidents", "import", str(f), "--db", url, "--no-szz", cwd=root)
    out = json.loads(
        netgain("incidents", "link", "--db", url, "--no-szz", "--json", cwd=root).stdout
    )
    assert out["linking"]["links"] == {"explicit-caused-by": 1}
    assert links(db) == {("B-1", "cause", "explicit-caused-by", c["c2"])}


def test_deployments_file_names_the_last_deploy_before_the_incident(
    shop: Shop, tmp_path: Path
) -> None:
    root, c = shop.repo.path, shop.c
    db = tmp_path / "n.db"
    url = f"sqlite:///{db}"
    f = tmp_path / "inc.csv"
    f.write_text("id,started_at\nD-1,2024-01-01T00:05:30Z\n")
    deploys = tmp_path / "deploys.csv"
    deploys.write_text(
        "sha,deployed_at,environment\n"
        f"{c['c1']},2024-01-01T00:01:30Z,production\n"
        f"{c['c2'][:10]},2024-01-01T00:04:00Z,production\n"
        "nosuchref,2024-01-01T00:04:30Z,production\n"
        f"{c['c3']},not-a-date,production\n"
        f"{c['fix5']},2024-01-01T00:09:00Z,production\n"
    )
    netgain("incidents", "import", str(f), "--db", url, "--no-link", cwd=root)
    out = json.loads(
        netgain(
            "incidents", "link", "--db", url, "--deployments", str(deploys), "--json", cwd=root
        ).stdout
    )
    # The deploy-1 tag (c3, 00:03) is older than the file's c2 deployment (00:04): c2 wins.
    assert links(db) == {("D-1", "cause", "deployment", c["c2"])}
    assert [p["message"] for p in out["linking"]["problems"]] == [
        f"{deploys}:4: 'nosuchref' does not name a commit",
        f"{deploys}:5: deployed_at: 'not-a-date' is not an ISO 8601 date",
    ]
