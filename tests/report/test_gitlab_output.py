"""GitLab SAST (schema 15) and Code Quality reports."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

from netgain.report import gitlab_codequality, gitlab_sast
from tests.report.sample import sample_report


def test_sast_vulnerabilities_carry_identifiers_location_and_scanner(tmp_path: Path) -> None:
    doc = json.loads(gitlab_sast.render(sample_report(tmp_path)))
    assert doc["version"].startswith("15.")
    vulns = doc["vulnerabilities"]
    # Suppressed and baselined findings are left out: GitLab has no suppression state.
    assert len(vulns) == 3
    sql = next(v for v in vulns if v["name"] == "sql-injection")
    uuid.UUID(sql["id"])
    assert sql["severity"] == "High"
    assert sql["location"] == {"file": "app/views.py", "start_line": 8, "end_line": 8}
    cwe = [i for i in sql["identifiers"] if i["type"] == "cwe"]
    assert [i["value"] for i in cwe] == ["89", "943"]
    assert sql["identifiers"][0]["value"] == "sql-injection"
    assert "app/views.py:6" in sql["description"]
    assert sql["scanner"] == {"id": "netgain", "name": "netgain"}
    semgrep = next(v for v in vulns if v["scanner"]["name"] == "Semgrep OSS")
    assert semgrep["severity"] == "Medium"


def test_sast_ids_are_stable_and_unique(tmp_path: Path) -> None:
    first = json.loads(gitlab_sast.render(sample_report(tmp_path)))
    second = json.loads(gitlab_sast.render(sample_report(tmp_path)))
    ids = [v["id"] for v in first["vulnerabilities"]]
    assert ids == [v["id"] for v in second["vulnerabilities"]]
    assert len(set(ids)) == len(ids)


def test_sast_scan_section_reports_unparsed_files_as_messages(tmp_path: Path) -> None:
    scan = json.loads(gitlab_sast.render(sample_report(tmp_path)))["scan"]
    assert scan["type"] == "sast"
    assert scan["status"] == "success"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", scan["start_time"])
    assert scan["analyzer"]["vendor"] == {"name": "netgain"}
    levels = {m["level"] for m in scan["messages"]}
    assert levels <= {"info", "warn", "fatal"}
    assert any("app/broken.py" in m["value"] for m in scan["messages"])


def test_code_quality_issues(tmp_path: Path) -> None:
    issues = json.loads(gitlab_codequality.render(sample_report(tmp_path)))
    checks = [i["check_name"] for i in issues]
    assert "netgain/sql-injection" in checks
    assert "netgain/unparsed-file" in checks
    assert "Semgrep OSS/javascript.express.security.audit.xss.direct-response-write" in checks
    sql = issues[checks.index("netgain/sql-injection")]
    assert sql["severity"] == "critical"
    assert sql["location"] == {"path": "app/views.py", "lines": {"begin": 8, "end": 8}}
    assert "CWE-89" in sql["description"]
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    assert not any(i["location"]["path"] in {"app/legacy.py", "app/old.py"} for i in issues)
