"""Reading findings files: field validation, the stable key, CSV / JSON / SARIF shapes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from netgain.errors import UsageError
from netgain.findings import read_findings
from netgain.findings.records import (
    parse_cwe,
    parse_found,
    parse_lines,
    parse_path,
    parse_severity,
    record_from_mapping,
)
from netgain.incidents.records import RecordError


@pytest.mark.parametrize(
    ("given", "severity"),
    [
        ("Critical", "critical"),
        ("moderate", "medium"),
        ("P2", "high"),
        ("9.0", "critical"),
        ("8.8", "high"),
        ("4", "medium"),
        ("0.1", "low"),
        ("0", "info"),
        (None, None),
    ],
)
def test_severity_words_and_cvss_scores(given: str | None, severity: str | None) -> None:
    assert parse_severity(given) == severity


@pytest.mark.parametrize("bad", ["urgent", "11", "-1", "nan"])
def test_unknown_severity_is_an_error(bad: str) -> None:
    with pytest.raises(RecordError, match="severity"):
        parse_severity(bad)


def test_cwe_lines_and_paths() -> None:
    assert parse_cwe("CWE-089") == 89
    assert parse_cwe(22) == 22
    assert parse_lines("42", None) == (42, 42)
    assert parse_lines("42-48", None) == (42, 48)
    assert parse_lines("42", "44") == (42, 44)
    assert parse_path("./src\\app.py") == "src/app.py"
    for bad in ("/etc/passwd", "../outside.py", "a/../../b.py"):
        with pytest.raises(RecordError, match="relative to the repository root"):
            parse_path(bad)
    with pytest.raises(RecordError, match="before line"):
        parse_lines("48", "42")
    with pytest.raises(RecordError, match="cwe"):
        parse_cwe("XSS")


def test_a_date_alone_is_the_end_of_that_day() -> None:
    assert parse_found("2024-03-01") == datetime(2024, 3, 1, 23, 59, 59, tzinfo=UTC)
    assert parse_found("2024-03-01T10:00:00+02:00") == datetime(2024, 3, 1, 8, tzinfo=UTC)


def test_a_finding_without_id_gets_the_same_key_each_time() -> None:
    row = {"title": "SQLi", "file": "a.py", "line": "3", "found_at": "2024-01-02"}
    one = record_from_mapping(dict(row), 2, "pentest")
    two = record_from_mapping(dict(row), 9, "pentest")
    assert one.key_derived and one.external_id == two.external_id
    other = record_from_mapping({**row, "line": "4"}, 2, "pentest")
    assert other.external_id != one.external_id


def test_csv_problems_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(
        'title,file,line,found_at\n"A",a.py,1,2024-01-01\n"B",b.py,x,2024-01-01\n"C",c.py,1\n'
    )
    read = read_findings(path, None, source="pentest", root=tmp_path)
    assert [r.title for r in read.records] == ["A"]
    assert [(p.line, p.message) for p in read.problems] == [
        (3, "line: 'x' is not a line number or a range such as 42-48"),
        (4, "expected 4 columns, found 3"),
    ]
    assert all(p.file == str(path) for p in read.problems)


def test_json_must_be_valid(tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    path.write_text('[{"title": "A",\n')
    with pytest.raises(UsageError, match=r"f.json:\d+: not valid JSON"):
        read_findings(path, None, source="pentest", root=tmp_path)


def _sarif(invocations: list[dict[str, object]]) -> dict[str, object]:
    return {
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "Burp Suite",
                        "rules": [
                            {
                                "id": "sqli",
                                "properties": {
                                    "security-severity": "9.8",
                                    "tags": ["security", "external/cwe/cwe-89"],
                                },
                            }
                        ],
                    }
                },
                "invocations": invocations,
                "results": [
                    {
                        "ruleId": "sqli",
                        "level": "error",
                        "message": {"text": "SQL injection in the name parameter"},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": "app.py"},
                                    "region": {"startLine": 13, "endLine": 14},
                                }
                            }
                        ],
                    }
                ],
            }
        ],
    }


def test_sarif_results_become_findings_dated_by_their_run(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("x = 1\n" * 20)
    path = tmp_path / "report.sarif"
    run = {"executionSuccessful": True, "endTimeUtc": "2024-01-08T17:00:00Z"}
    path.write_text(json.dumps(_sarif([run])))
    read = read_findings(path, None, source="pentest", root=tmp_path)
    assert read.format == "sarif" and not read.problems
    [record] = read.records
    assert (record.path, record.start_line, record.end_line) == ("app.py", 13, 14)
    assert (record.severity, record.cwe) == ("critical", 89)
    assert record.found_at == datetime(2024, 1, 8, 17, tzinfo=UTC)
    assert record.title.startswith("sqli: SQL injection")
    again = read_findings(path, None, source="pentest", root=tmp_path).records[0]
    assert again.external_id == record.external_id


def test_sarif_without_a_date_needs_found_at(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("x = 1\n" * 20)
    path = tmp_path / "report.sarif"
    path.write_text(json.dumps(_sarif([])))
    read = read_findings(path, None, source="pentest", root=tmp_path)
    assert not read.records
    [problem] = read.problems
    assert problem.message.startswith("runs[0].results[0]: no date found")
    when = datetime(2024, 2, 1, tzinfo=UTC)
    dated = read_findings(path, None, source="pentest", root=tmp_path, found_at=when)
    assert dated.records[0].found_at == when


def test_not_sarif_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "x.sarif"
    path.write_text('{"version": "2.1.0", "runs": 3}')
    with pytest.raises(UsageError, match=r"x\.sarif: not a SARIF log"):
        read_findings(path, None, source="pentest", root=tmp_path)
