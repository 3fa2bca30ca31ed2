"""Every supported incident format, including broken records reported with their line numbers.

The files under data/ are written by hand in the shapes the real exports have; the expected
values below were read off those files by hand.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from netgain.errors import UsageError
from netgain.incidents import detect_format, parse_file

DATA = Path(__file__).with_name("data")


def _problems(result: object) -> list[tuple[int, str, str | None]]:
    return [(p.line, p.message, p.record_id) for p in result.problems]  # type: ignore[attr-defined]


def test_pagerduty_csv_export() -> None:
    r = parse_file(DATA / "pagerduty.csv", "pagerduty")
    assert r.source == "pagerduty"
    assert [x.external_id for x in r.records] == ["1234", "1235"]
    first, second = r.records
    assert first.title == "[FIRING:1] CheckoutLatencyHigh checkout-api (p99 > 2s, prod)"
    assert (first.severity, first.service, first.status) == ("P1", "checkout-api", "resolved")
    assert first.started_at == datetime(2024, 3, 4, 14, 12, 44, tzinfo=UTC)
    assert first.resolved_at == datetime(2024, 3, 4, 15, 2, 13, tzinfo=UTC)
    assert first.labels == ["urgency:high"]
    assert first.url == "https://acme.pagerduty.com/incidents/Q2KXKM4R9WQ1ZT"
    # A quoted description spanning two lines: the record starts on line 3, the next on 5.
    assert second.line == 3 and second.title.endswith("(auto-created by Datadog)")
    assert (second.severity, second.resolved_at) == ("low", None)
    assert _problems(r) == [
        (5, "created_on: 'yesterday' is not an ISO 8601 date", "1236"),
        (6, "expected 24 columns, found 3", None),
        (7, "incident_number: missing", None),
    ]


def test_jira_issue_json_export() -> None:
    r = parse_file(DATA / "jira.json", "jira")
    assert [x.external_id for x in r.records] == ["INC-7", "INC-8"]
    inc7, inc8 = r.records
    assert inc7.line == 7 and inc8.line == 31
    assert inc7.title == "Refunds charged twice"
    assert (inc7.severity, inc7.service, inc7.status) == ("High", "billing", "Done")
    assert inc7.started_at == datetime(2024, 2, 10, 14, 3, 11, tzinfo=UTC)
    assert inc7.resolved_at == datetime(2024, 2, 10, 16, 45, tzinfo=UTC)
    assert inc7.labels == ["customer-impact", "payments", "issuetype:Incident"]
    assert inc7.url == "https://acme.atlassian.net/browse/INC-7"
    assert "Root cause: deadbeef1234" in inc7.body
    assert inc8.body.strip() == "CDN served a stale bundle."  # Atlassian Document Format (v3)
    assert (inc8.service, inc8.resolved_at) == (None, None)
    assert _problems(r) == [
        (53, "fields.created: '12/02/2024 10:00' is not an ISO 8601 date", "INC-9"),
        (66, "key: missing", None),
    ]


def test_github_issues_json_from_rest_api() -> None:
    r = parse_file(DATA / "github.json", "github")
    assert [x.external_id for x in r.records] == ["101"]
    [inc] = r.records
    assert (inc.title, inc.severity, inc.status) == (
        "Refund amounts are wrong in production",
        "2",
        "closed",
    )
    assert inc.labels == ["incident", "sev:2"]
    assert inc.url == "https://github.com/acme/shop/issues/101"
    assert inc.started_at == datetime(2024, 2, 1, 10, tzinfo=UTC)
    assert [(p.line, p.record_id, p.message) for p in r.skipped] == [
        (35, "102", "no incident label (incident)"),
        (47, "103", "a pull request"),
    ]
    assert _problems(r) == [
        (60, "resolved_at is before started_at", "104"),
        (72, "expected an issue object", None),
    ]


def test_github_configured_labels() -> None:
    r = parse_file(DATA / "github.json", "github", github_labels=["bug"])
    assert [x.external_id for x in r.records] == ["102"]


def test_generic_csv() -> None:
    r = parse_file(DATA / "generic.csv")  # format guessed from the extension
    assert r.source == "generic"
    assert [x.external_id for x in r.records] == ["OUT-1", "OUT-2"]
    out1, out2 = r.records
    assert out1.title == "Checkout down, 502s"
    assert (out1.caused_by, out1.fixed_by) == (["abc1234"], ["#15"])
    assert out1.labels == ["prod", "customer-impact"]
    assert out2.started_at == datetime(2024, 1, 16, tzinfo=UTC)  # a date alone: midnight UTC
    assert (out2.resolved_at, out2.url, out2.caused_by) == (None, None, [])
    assert _problems(r) == [
        (4, "resolved_at is before started_at", "OUT-3"),
        (5, "id: missing", None),
        (6, "started_at: '2024-13-40T10:00:00Z' is not an ISO 8601 date", "OUT-5"),
    ]


def test_generic_json() -> None:
    r = parse_file(DATA / "generic.json")
    assert [x.external_id for x in r.records] == ["OUT-1", "2"]
    assert r.records[0].fixed_by == ["#15"] and r.records[0].line == 3
    assert _problems(r) == [
        (16, "labels: expected a list or a string, got dict", "OUT-3"),
        (17, "expected an object", None),
        (18, "id: missing", None),
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("pagerduty.csv", "pagerduty"),
        ("jira.json", "jira"),
        ("github.json", "github"),
        ("generic.csv", "csv"),
        ("generic.json", "json"),
    ],
)
def test_format_detection(name: str, expected: str) -> None:
    path = DATA / name
    assert detect_format(path, path.read_text()) == expected


def test_unreadable_files_are_usage_errors(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text('[\n  {"id": "A"},\n  {"id": \n]\n')
    with pytest.raises(UsageError, match=r"x\.json:4: not valid JSON"):
        parse_file(bad, "json")
    latin = tmp_path / "x.csv"
    latin.write_bytes(b"id,title\nA,ok\nB,caf\xe9\n")
    with pytest.raises(UsageError, match=r"x\.csv:3: not UTF-8 text"):
        parse_file(latin, "csv")
    with pytest.raises(UsageError, match="cannot read"):
        parse_file(tmp_path / "missing.csv", "csv")
    with pytest.raises(UsageError, match="unknown incident format"):
        parse_file(DATA / "generic.csv", "xml")
