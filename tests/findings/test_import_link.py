"""`netgain findings import` / `link` / `origins` and the metrics, end to end on a real repository
and a real SQLite store. Expected links were worked out by hand from tests/findings/shop.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from netgain.store.finding_models import ExternalFinding, ExternalFindingLink
from tests.findings.shop import DAY, FILES, FINDINGS_CSV, build_shop
from tests.gitrepo import BASE_EPOCH
from tests.history.conftest import netgain


def _rows(db: Path) -> dict[str, ExternalFinding]:
    engine = create_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        rows = session.scalars(select(ExternalFinding)).all()
        for row in rows:
            _ = row.links  # load before the session closes
    engine.dispose()
    return {r.external_id: r for r in rows}


def _causes(row: ExternalFinding) -> dict[str, str]:
    return {link.commit_sha: link.method for link in row.links if link.role == "cause"}


def _primary(row: ExternalFinding) -> str | None:
    return next((x.commit_sha for x in row.links if x.is_primary), None)


def test_import_traces_each_finding_and_reimport_changes_nothing(tmp_path: Path) -> None:
    repo, c = build_shop(tmp_path / "shop")
    findings = tmp_path / "pentest.csv"
    findings.write_text(FINDINGS_CSV)
    db = tmp_path / "store.db"
    url = f"sqlite:///{db}"

    first = netgain(
        "findings", "import", str(findings), "--db", url, "--json", cwd=repo.path, check=False
    )
    assert first.returncode == 1, first.stderr  # two rows rejected
    doc = json.loads(first.stdout)
    imported = doc["imports"][0]
    assert (imported["inserted"], imported["updated"], imported["unchanged"]) == (5, 0, 0)
    rejected = {(p["line"], p["id"]): p["message"] for p in imported["problems"]}
    assert set(rejected) == {(6, "PT-2024-002"), (7, "PT-2024-003")}
    assert "severity: 'urgent'" in rejected[(6, "PT-2024-002")]
    assert "file and line, or endpoint" in rejected[(7, "PT-2024-003")]
    assert all(p["file"] == str(findings) for p in imported["problems"])
    assert doc["linking"]["linked"] == {"blame": 1, "szz": 1}
    assert sum(doc["linking"]["unlinked"].values()) == 3

    rows = _rows(db)
    # Cited by the fix's message; SZZ from the fix finds the AI change that wrote lines 13-14.
    sqli = rows["PT-2024-001"]
    assert (sqli.link_status, sqli.link_method) == ("linked", "szz")
    assert _primary(sqli) == c["ai"]
    fixes = {x.commit_sha: x.method for x in sqli.links if x.role == "fix"}
    assert fixes == {c["fix"]: "fix-references-finding"}
    # No fix: blame of lines 5-6 at the last commit on or before 2024-01-15 gives the human
    # change, not the AI refactor of day 20 that rewrote them afterwards.
    traversal = rows["BB-77"]
    assert traversal.source == "bounty"
    assert (traversal.link_status, traversal.link_method) == ("linked", "blame")
    assert _causes(traversal) == {c["human2"]: "blame"}
    assert c["fix"][:12] in traversal.links[0].detail
    # Endpoint only: stored, unlinked, with the reason.
    redirect = rows["BB-78"]
    assert redirect.link_status == "unlinked"
    assert redirect.link_reason.startswith("endpoint only")
    assert not redirect.links
    derived = [r for r in rows.values() if r.key_derived]
    assert len(derived) == 1 and derived[0].severity == "critical"  # CVSS 9.1
    early = rows["PT-2024-004"]
    assert early.link_status == "unlinked"
    assert early.link_reason.startswith("no commit on or before the date found")

    again = netgain(
        "findings", "import", str(findings), "--db", url, "--json", cwd=repo.path, check=False
    )
    again_doc = json.loads(again.stdout)["imports"][0]
    assert (again_doc["inserted"], again_doc["updated"], again_doc["unchanged"]) == (0, 0, 5)
    engine = create_engine(url)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(ExternalFinding)) == 5
        links = session.scalar(select(func.count()).select_from(ExternalFindingLink))
    engine.dispose()
    assert links == sum(len(r.links) for r in rows.values())


def test_json_findings_link_by_alias_and_by_named_fix(tmp_path: Path) -> None:
    repo, c = build_shop(tmp_path / "shop")
    findings = tmp_path / "bounty.json"
    findings.write_text(
        json.dumps(
            {
                "findings": [
                    {
                        "id": "H1-555",
                        "title": "SQL injection via name",
                        "cwe": 89,
                        "severity": "high",
                        "file": "app.py",
                        "line": "13",
                        "found_at": "2024-01-09T12:00:00Z",
                        "aliases": ["CVE-2024-12345"],
                    },
                    {
                        "id": "H1-556",
                        "title": "Same bug, fix named",
                        "severity": "moderate",
                        "file": "app.py",
                        "line": 14,
                        "found_at": "2024-01-09",
                        "fixed_by": c["fix"][:10],
                    },
                    {"id": "H1-557", "title": "no date", "endpoint": "/x"},
                ]
            },
            indent=1,
        )
    )
    url = f"sqlite:///{tmp_path / 'store.db'}"
    out = netgain(
        "findings",
        "import",
        str(findings),
        "--source",
        "bounty",
        "--db",
        url,
        "--json",
        cwd=repo.path,
        check=False,
    )
    assert out.returncode == 1
    doc = json.loads(out.stdout)
    [problem] = doc["imports"][0]["problems"]
    assert problem["id"] == "H1-557" and problem["line"] == 24
    assert "found_at: missing" in problem["message"]
    rows = _rows(tmp_path / "store.db")
    alias = rows["H1-555"]
    assert {x.method for x in alias.links if x.role == "fix"} == {"fix-references-finding"}
    assert "CVE-2024-12345" in next(x.detail for x in alias.links if x.role == "fix")
    assert _primary(alias) == c["ai"]
    named = rows["H1-556"]
    assert {x.commit_sha: x.method for x in named.links if x.role == "fix"} == {
        c["fix"]: "explicit-fix"
    }
    assert named.severity == "medium" and _primary(named) == c["ai"]


def test_metrics_count_reported_findings_by_provenance(tmp_path: Path) -> None:
    repo, c = build_shop(tmp_path / "shop")
    findings = tmp_path / "pentest.csv"
    findings.write_text(FINDINGS_CSV)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    text_import = netgain(
        "findings", "import", str(findings), "--db", url, cwd=repo.path, check=False
    )
    assert text_import.returncode == 1
    rejected = " ".join(text_import.stderr.split())
    assert f"{findings}:6: severity: 'urgent' is not one of" in rejected
    assert "(finding PT-2024-002)" in rejected

    doc = json.loads(
        netgain("metrics", "--db", url, "--no-rework", "--no-szz", "--json", cwd=repo.path).stdout
    )
    family = doc["quality"]["reported_findings"]
    assert (family["findings"], family["linked"], family["unlinked"]) == (5, 2, 3)
    assert family["by_source"] == {"bounty": 2, "pentest": 3}
    density = family["density"]
    assert density["all"]["findings"] == {"ai": 1, "human": 1, "unknown": 0}
    assert density["by_source"]["pentest"]["findings"]["ai"] == 1
    assert density["by_source"]["bounty"]["findings"]["human"] == 1
    critical = family["origins"]["by_severity"]["critical"]
    assert critical["findings"] == 2
    assert critical["by_bucket"]["75-100"] == 1 and critical["by_bucket"]["unlinked"] == 1
    assert critical["unlinked_reasons"] == {"endpoint only": 1}
    assert doc["sections"]["reported_findings"]["status"] == "filled"
    text = netgain("metrics", "--db", url, "--no-rework", "--no-szz", cwd=repo.path).stdout
    assert "reported findings (bounty 2, pentest 3; 2 traced, 3 unlinked)" in " ".join(text.split())

    html = tmp_path / "report.html"
    netgain("report", "--db", url, "--no-rework", "--no-szz", "-o", str(html), cwd=repo.path)
    page = html.read_text()
    assert 'id="chart-reported"' in page
    assert "<tr><td>critical</td><td>2</td>" in " ".join(page.split()).replace("> <", "><")

    origins = json.loads(
        netgain(
            "findings",
            "origins",
            "--since",
            "2024-01-10",
            "--until",
            "2024-01-16",
            "--severity",
            "high",
            "--severity",
            "critical",
            "--db",
            url,
            "--json",
            cwd=repo.path,
        ).stdout
    )
    # Window 10-16 January: BB-77 (high, human change) only; the criticals fall outside.
    assert origins["severities"]["critical"] is None
    high = origins["severities"]["high"]
    assert high["findings"] == 1 and high["by_bucket"]["0-25"] == 1
    assert high["by_provenance"]["human"] == 1
    assert [f["id"] for f in origins["listed"]] == ["BB-77"]
    assert origins["listed"][0]["cause"] == c["human2"]


def test_a_fix_merged_as_a_pull_request_is_analysed_through_its_commits(tmp_path: Path) -> None:
    """Advisory fixes are often merged as one PR whose merge commit alone cites the advisory:
    SZZ runs from the commits the merge brought in, not from the merge."""
    repo, c = build_shop(tmp_path / "shop")
    repo.branch("ghsa")
    repo.checkout("ghsa")
    safe = FILES.replace("path = ", "target = ").replace("open(path)", "open(target)")
    safe = safe.replace(
        "    target = os.path.join(base, name)\n",
        "    target = os.path.join(base, os.path.basename(name))\n",
    )
    fix = repo.commit(
        {"files.py": safe}, "keep report names inside base", date=BASE_EPOCH + 30 * DAY
    )
    repo.checkout("main")
    merge = repo.merge(
        "ghsa", "Merge pull request from GHSA-abcd-2345-wxyz", date=BASE_EPOCH + 31 * DAY
    )
    findings = tmp_path / "advisory.csv"
    findings.write_text(
        "id,title,severity,file,line,found_at\n"
        "GHSA-abcd-2345-wxyz,Path traversal in reports,high,files.py,5,2024-01-29\n"
    )
    url = f"sqlite:///{tmp_path / 'store.db'}"
    netgain("findings", "import", str(findings), "--db", url, cwd=repo.path)
    [row] = _rows(tmp_path / "store.db").values()
    [fix_link] = [x for x in row.links if x.role == "fix"]
    assert fix_link.commit_sha == fix and merge[:12] in fix_link.detail
    assert (row.link_method, _primary(row)) == ("szz", c["ai2"])


@pytest.mark.parametrize("also_changes_app", [False, True])
def test_blame_looks_past_a_formatting_commit(tmp_path: Path, also_changes_app: bool) -> None:
    """A formatter touched line 6 after it was written: the finding is the writer's, as SZZ would
    say, not the formatter's; also when the same commit changed another file for real (what it
    did to the reported file is what counts)."""
    repo, c = build_shop(tmp_path / "shop")
    repo.git("checkout", "-q", "-B", "main", c["fix"])  # drop the day-20 refactor
    other = (
        {"app.py": "import db\n\n\ndef health():\n    return 'down'\n"} if also_changes_app else {}
    )
    style = repo.commit(
        {"files.py": FILES.replace("open(path)", "open(path,)"), **other},
        "style: run the formatter",
        date=BASE_EPOCH + 12 * DAY,
    )
    findings = tmp_path / "f.csv"
    findings.write_text(
        "id,title,severity,file,line,found_at\nBB-77,Traversal,high,files.py,5-6,2024-01-15\n"
    )
    url = f"sqlite:///{tmp_path / 'store.db'}"
    netgain("findings", "import", str(findings), "--db", url, cwd=repo.path)
    [row] = _rows(tmp_path / "store.db").values()
    assert _causes(row) == {c["human2"]: "blame"}
    assert style not in _causes(row)
    assert "past 1 formatting/mass-edit/move commit(s)" in row.links[0].detail


def test_sarif_findings_are_traced_like_the_others(tmp_path: Path) -> None:
    repo, c = build_shop(tmp_path / "shop")
    sarif = tmp_path / "dast.sarif"
    result = {
        "ruleId": "sql-injection",
        "level": "error",
        "message": {"text": "User input reaches a SQL query"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "app.py"},
                    "region": {"startLine": 13},
                }
            }
        ],
    }
    log = {
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "pentest-kit"}}, "results": [result]}],
    }
    sarif.write_text(json.dumps(log))
    url = f"sqlite:///{tmp_path / 'store.db'}"
    undated = netgain(
        "findings", "import", str(sarif), "--db", url, "--json", cwd=repo.path, check=False
    )
    assert undated.returncode == 1
    assert "no date found" in json.loads(undated.stdout)["imports"][0]["problems"][0]["message"]
    for _ in range(2):  # the derived key makes the second import a no-op
        doc = json.loads(
            netgain(
                "findings", "import", str(sarif), "--found-at", "2024-01-08", "--db", url, "--json",
                cwd=repo.path,
            ).stdout
        )  # fmt: skip
    assert doc["imports"][0]["unchanged"] == 1
    [row] = _rows(tmp_path / "store.db").values()
    assert (row.severity, row.path, row.start_line, row.key_derived) == ("high", "app.py", 13, True)
    assert (row.link_method, _primary(row)) == ("blame", c["ai"])
