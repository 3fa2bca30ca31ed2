"""`--fetch-copilot`: the Copilot usage metrics REST API, recorded in GitHub's exact shape.

GitHub cannot be reached from here, so `httpx.MockTransport` answers as the API does: per day,
`{"download_links": [...], "report_day"}`; each signed link serves NDJSON user-day records.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import httpx
import pytest

from netgain.errors import UsageError
from netgain.metrics.copilot_api import fetch_copilot_days, report_path
from netgain.metrics.tool_telemetry import read_copilot_days
from tests.metrics.test_tool_telemetry import copilot_day

STORAGE = "https://copilotreports.blob.core.windows.net/reports"


def api(
    records: dict[str, list[list[dict[str, object]]]], seen: list[httpx.Request]
) -> httpx.MockTransport:
    """The API for `records` (day -> files of records); a day not listed answers 404."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host == "api.github.com":
            day = request.url.params["day"]
            if day not in records:
                return httpx.Response(
                    404,
                    json={
                        "message": "Not Found",
                        "documentation_url": "https://docs.github.com/rest/copilot/copilot-usage-metrics",
                        "status": "404",
                    },
                )
            links = [f"{STORAGE}/{day}/part-{i}.ndjson?sig=abc" for i in range(len(records[day]))]
            return httpx.Response(200, json={"download_links": links, "report_day": day})
        day, part = request.url.path.split("/")[-2:]
        index = int(part.removeprefix("part-").removesuffix(".ndjson"))
        text = "\n".join(json.dumps(r) for r in records[day][index]) + "\n"
        return httpx.Response(200, content=text.encode())

    return httpx.MockTransport(handler)


def fetch_november(dest: Path, transport: httpx.MockTransport, days: int) -> None:
    """Fetch organisation acme's reports of the first `days` days of November 2026."""
    end = date(2026, 11, days)
    fetch_copilot_days("t", "acme", dest, first=date(2026, 11, 1), last=end, transport=transport)


def test_days_and_their_report_files_are_fetched_into_an_importable_file(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []
    records = {
        "2026-11-02": [
            [copilot_day("ada", "2026-11-02", 30)],
            [copilot_day("bob", "2026-11-02", 5)],
        ],
        "2026-11-03": [[copilot_day("ada", "2026-11-03", 7)]],
    }
    out, notes = fetch_copilot_days(
        "ghp_token",
        "acme",
        tmp_path / "copilot.ndjson",
        first=date(2026, 11, 1),
        last=date(2026, 11, 3),
        transport=api(records, seen),
    )
    days, problems = read_copilot_days([out])
    assert problems == []
    assert [(d.login, d.day.isoformat(), d.loc_added) for d in days] == [
        ("ada", "2026-11-02", 30),
        ("bob", "2026-11-02", 5),
        ("ada", "2026-11-03", 7),
    ]
    assert notes == ["copilot API: no report for 2026-11-01 (HTTP 404: Not Found); skipped"]
    calls = [r for r in seen if r.url.host == "api.github.com"]
    assert [r.url.params["day"] for r in calls] == ["2026-11-01", "2026-11-02", "2026-11-03"]
    assert calls[0].url.path == "/orgs/acme/copilot/metrics/reports/users-1-day"
    assert calls[0].headers["authorization"] == "Bearer ghp_token"
    # the signed storage links never receive the GitHub token
    assert all("authorization" not in r.headers for r in seen if r.url.host != "api.github.com")


def test_an_enterprise_report_and_bad_owners() -> None:
    assert report_path("enterprise:acme-corp") == (
        "/enterprises/acme-corp/copilot/metrics/reports/users-1-day"
    )
    for bad in ("../x", "team:acme", "acme/other", ""):
        with pytest.raises(UsageError, match="ORG or enterprise:SLUG"):
            report_path(bad)


def test_a_refusal_quotes_githubs_message(tmp_path: Path) -> None:
    refused = httpx.MockTransport(
        lambda _r: httpx.Response(
            403,
            json={
                "message": "Resource not accessible by personal access token",
                "documentation_url": "https://docs.github.com/rest/copilot/copilot-usage-metrics",
                "status": "403",
            },
        )
    )
    with pytest.raises(UsageError, match="HTTP 403: Resource not accessible by personal access"):
        fetch_november(tmp_path / "c", refused, days=1)
    assert not (tmp_path / "c").exists()


def test_no_report_on_any_day_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no report for any day"):
        fetch_november(tmp_path / "c", api({}, []), days=2)


def test_metrics_fetch_copilot_imports_the_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime, timedelta
    from functools import partial

    from netgain.cli.metrics import metrics_document
    from netgain.metrics import copilot_api
    from tests.metrics.test_tool_telemetry import setup

    repo, _shas = setup(tmp_path)
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    records = {yesterday: [[copilot_day("ada", yesterday, 3), copilot_day("bob", yesterday, 4)]]}
    seen: list[httpx.Request] = []
    fetch = partial(copilot_api.fetch_copilot_days, transport=api(records, seen))
    monkeypatch.setattr(copilot_api, "fetch_copilot_days", fetch)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    options = {"by": "week", "since": None, "reviews": [], "scan": [], "rework": False}
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with pytest.raises(UsageError, match="--fetch-copilot needs GITHUB_TOKEN"):
        metrics_document(repo.path, db, quiet=True, fetch_copilot="acme", **options)
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_x")
    doc = metrics_document(repo.path, db, quiet=True, fetch_copilot="acme", **options)
    assert doc["provenance"]["estimated"]["users"] == 2
    assert (repo.path / ".netgain" / "copilot-users.ndjson").is_file()
    # 28 days asked, 27 without a report: each noted (the first MAX_NOTES of them)
    assert len([r for r in seen if r.url.host == "api.github.com"]) == 28
    assert any("no report for" in n for n in doc["notes"])


def test_a_bad_owner_is_refused_before_any_work(tmp_path: Path) -> None:
    from tests.history.conftest import netgain
    from tests.metrics.test_tool_telemetry import setup

    repo, _shas = setup(tmp_path)
    db = f"sqlite:///{tmp_path / 'n.db'}"
    proc = netgain("metrics", "--db", db, "--fetch-copilot", "a/b", cwd=repo.path, check=False)
    assert proc.returncode != 0 and "use ORG or enterprise:SLUG" in proc.stderr
    assert not (tmp_path / "n.db").exists()  # refused before the ingest
