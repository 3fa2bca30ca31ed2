"""Fetching GitHub Copilot usage metrics through the REST API into an importable NDJSON file.

The user-level report is served in two steps, per day: `GET /orgs/{org}/copilot/metrics/reports/
users-1-day?day=YYYY-MM-DD` (or `/enterprises/{enterprise}/...`) answers
`{"download_links": [...], "report_day": "YYYY-MM-DD"}`, and each signed link serves NDJSON, one
record per user and day. The file written here is those records, concatenated: the same shape
`--copilot-metrics FILE` reads (`tool_telemetry.read_copilot_days`).

Why the token never goes to the links: they are pre-signed storage URLs on another host; sending
the GitHub token there would leak it. A day without a report (404: not generated yet, or before
the metrics existed) is noted and skipped; any other refusal stops with GitHub's own message.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from netgain.errors import UsageError

if TYPE_CHECKING:
    import httpx

GITHUB_API = "https://api.github.com"
MAX_DAYS = 366  # reports reach back one year
_SLUG = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")


def report_path(owner: str) -> str:
    """`ORG` or `enterprise:SLUG` as the API path of the user-level 1-day report."""
    kind, _, slug = owner.rpartition(":")
    if kind not in ("", "org", "enterprise") or not _SLUG.match(slug):
        raise UsageError(f"--fetch-copilot {owner!r}: use ORG or enterprise:SLUG")
    scope = "enterprises" if kind == "enterprise" else "orgs"
    return f"/{scope}/{slug}/copilot/metrics/reports/users-1-day"


def _message(response: httpx.Response) -> str:
    """GitHub's error `message` (JSON `{"message", "documentation_url"}`), else the status."""
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    text = body.get("message") if isinstance(body, dict) else None
    return (
        f"HTTP {response.status_code}: {text}"
        if isinstance(text, str)
        else (f"HTTP {response.status_code}")
    )


def fetch_copilot_days(
    token: str,
    owner: str,
    dest: Path,
    *,
    first: date,
    last: date,
    api: str = GITHUB_API,
    transport: httpx.BaseTransport | None = None,
) -> tuple[Path, list[str]]:
    """Download the user-level reports of `first..last` (inclusive) into `dest`, with notes.

    Raises:
        UsageError: the API refuses the token or scope (GitHub's message is quoted), answers
            with something other than the documented shape, or has no report for any day.
    """
    import httpx

    path = report_path(owner)
    days = (last - first).days + 1
    if days < 1 or days > MAX_DAYS:
        raise UsageError(f"Copilot metrics: {first}..{last} is not 1 to {MAX_DAYS} days")
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
    }
    notes: list[str] = []
    chunks: list[bytes] = []
    found = 0
    with (
        httpx.Client(base_url=api, headers=headers, timeout=30.0, transport=transport) as github,
        httpx.Client(timeout=60.0, transport=transport, follow_redirects=True) as storage,
    ):
        for offset in range(days):
            day = (first + timedelta(days=offset)).isoformat()
            response = github.get(path, params={"day": day})
            if response.status_code == 404:
                notes.append(f"copilot API: no report for {day} ({_message(response)}); skipped")
                continue
            if response.status_code != 200:
                raise UsageError(f"Copilot metrics API {path} for {day}: {_message(response)}")
            try:
                body = response.json()
            except ValueError as exc:
                raise UsageError(f"Copilot metrics API: the answer for {day} is not JSON") from exc
            links = body.get("download_links") if isinstance(body, dict) else None
            if not isinstance(links, list) or not all(isinstance(u, str) for u in links):
                raise UsageError(f"Copilot metrics API: the answer for {day} has no download_links")
            found += 1
            for link in links:
                if not link.startswith("https://"):
                    raise UsageError(f"Copilot metrics API: refusing a non-https link for {day}")
                part = storage.get(link)
                if part.status_code != 200:
                    raise UsageError(
                        f"Copilot metrics report for {day}: download HTTP {part.status_code}"
                    )
                chunks.append(part.content.rstrip(b"\n") + b"\n" if part.content.strip() else b"")
    if not found:
        raise UsageError(f"Copilot metrics API {path}: no report for any day {first}..{last}")
    dest.write_bytes(b"".join(chunks))
    return dest, notes
