"""Evidence from the AI tools teams pay for, read from the files their APIs return.

Two classes, never mixed:

* **Cursor AI code tracking** (`GET https://api.cursor.com/analytics/ai-code/commits`, the
  response object `{"items": [...], "totalCount", "page", "pageSize"}`, or an array of items):
  per commit, the lines added by Tab, by Composer/agent and by hand (`tabLinesAdded`,
  `composerLinesAdded`, `nonAiLinesAdded`). Where it covers a commit that has no line-level
  evidence, it is **commit-level evidence with exact counts**: the commit's lines become
  ai = Tab + Composer and human = non-AI, clamped to the lines git counts for the commit (Cursor
  measures the workspace, git the commit). Cursor's non-AI lines are measured by the editor, not
  claimed by the author, so they are human evidence, not a declared-human claim.
* **GitHub Copilot usage metrics** (the user-level NDJSON reports behind
  `/orgs/{org}/copilot/metrics/reports/users-1-day`, one record per user and day, or a JSON
  array of them): `loc_added_sum` per user-day, with `totals_by_ide` / `totals_by_feature` /
  `totals_by_language_feature` breakdowns. This is **estimated** evidence: it never attributes a
  line. It yields, per team and for the repository, the ratio of Copilot-added lines to the
  lines the same people committed on the same days, with a bootstrap interval over user-days.
  It feeds aggregate figures only: never a change's AI share, never a verdict.

An entry that cannot be read is a note naming its file and line; the rest is used.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netgain.history.queries import CommitProvenance
from netgain.incidents.jsonpos import iter_array
from netgain.incidents.records import read_export_text
from netgain.jsoninput import JsonInputError, loads
from netgain.metrics.inputs import Change
from netgain.metrics.stats import ratio_of_sums

if TYPE_CHECKING:
    import httpx

MIN_ABBREV = 7
MAX_NOTES = 20


@dataclass(frozen=True, slots=True)
class CursorCommit:
    """One item of Cursor's AI commit metrics."""

    commit_hash: str
    user_email: str
    tab: int
    composer: int
    non_ai: int
    total: int
    where: str  # file:line, for notes


@dataclass(frozen=True, slots=True)
class CopilotDay:
    """One user-day of Copilot usage metrics: the lines Copilot added in the IDE."""

    login: str
    day: date
    loc_added: int
    where: str


def _count(item: Mapping[str, Any], key: str) -> int:
    value = item.get(key, 0)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{key}: expected a non-negative integer, got {value!r}")
    return value


def read_cursor_commits(paths: Sequence[Path]) -> tuple[list[CursorCommit], list[str]]:
    """Every readable item of the Cursor AI commit metrics files, and notes for the rest.

    Raises:
        UsageError: a file cannot be read or is not JSON of the documented shape.
    """
    found: list[CursorCommit] = []
    notes: list[str] = []
    for path in paths:
        text = read_export_text(path)
        for line, item in iter_array(text, str(path), "items"):
            where = f"{path}:{line}"
            try:
                if not isinstance(item, dict):
                    raise ValueError("not an object")
                sha = item.get("commitHash")
                if not isinstance(sha, str) or len(sha) < MIN_ABBREV:
                    raise ValueError(f"commitHash: expected a commit id, got {sha!r}")
                email = item.get("userEmail")
                found.append(
                    CursorCommit(
                        sha.strip().lower(),
                        email.strip().lower() if isinstance(email, str) else "",
                        _count(item, "tabLinesAdded"),
                        _count(item, "composerLinesAdded"),
                        _count(item, "nonAiLinesAdded"),
                        _count(item, "totalLinesAdded"),
                        where,
                    )
                )
            except ValueError as exc:
                notes.append(f"cursor: {where}: {exc}; item skipped")
    return found, notes


def _copilot_values(path: Path, text: str) -> list[tuple[int, Any]]:
    """(line, record) of an NDJSON report, or of a JSON array of records."""
    if text.lstrip().startswith("["):
        return list(iter_array(text, str(path)))
    values: list[tuple[int, Any]] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        if raw.strip():
            try:
                values.append((number, loads(raw)))
            except JsonInputError as exc:
                values.append((number, ValueError(f"not valid JSON: {exc.msg}")))
    return values


def read_copilot_days(paths: Sequence[Path]) -> tuple[list[CopilotDay], list[str]]:
    """Every readable user-day record of the Copilot usage metrics files, and notes."""
    found: list[CopilotDay] = []
    notes: list[str] = []
    for path in paths:
        for line, record in _copilot_values(path, read_export_text(path)):
            where = f"{path}:{line}"
            try:
                if isinstance(record, ValueError):
                    raise record
                if not isinstance(record, dict):
                    raise ValueError("not an object")
                login = record.get("user_login")
                if not isinstance(login, str) or not login.strip():
                    raise ValueError("user_login: missing (an enterprise-level record?)")
                raw_day = record.get("day")
                if not isinstance(raw_day, str):
                    raise ValueError(f"day: expected YYYY-MM-DD, got {raw_day!r}")
                day = date.fromisoformat(raw_day)
                found.append(CopilotDay(login.strip(), day, _count(record, "loc_added_sum"), where))
            except ValueError as exc:
                notes.append(f"copilot: {where}: {exc}; record skipped")
    return found, notes


def apply_cursor(
    changes: Sequence[Change], commits: Sequence[CursorCommit]
) -> tuple[list[Change], dict[str, Any]]:
    """Changes without line-level evidence given Cursor's exact per-commit counts, and a summary."""
    by_prefix: dict[str, CursorCommit] = {}
    for record in commits:
        by_prefix[record.commit_hash[:MIN_ABBREV]] = record
    matched = skipped = 0
    used: set[str] = set()
    out: list[Change] = []
    for change in changes:
        item = by_prefix.get(change.sha[:MIN_ABBREV])
        if item is None or not change.sha.startswith(item.commit_hash):
            out.append(change)
            continue
        used.add(item.commit_hash)
        if change.level == "line":
            skipped += 1  # line-level evidence is stronger than commit counts
            out.append(change)
            continue
        added = change.lines_added
        ai = min(item.tab + item.composer, added)
        human = min(item.non_ai, added - ai)
        out.append(
            replace(
                change,
                ai_lines=ai,
                human_lines=human,
                unknown_lines=added - ai - human,
                level="commit",
                declared_human=0,
            )
        )
        matched += 1
    summary = _cursor_summary(len(commits), matched, skipped)
    summary["records_without_commit"] = len({c.commit_hash for c in commits} - used)
    return out, summary


def _cursor_summary(records: int, matched: int, kept: int) -> dict[str, Any]:
    return {
        "evidence": "commit",
        "source": "Cursor AI code tracking (per-commit Tab / Composer / non-AI lines)",
        "records": records,
        "commits_attributed": matched,
        "commits_with_line_evidence_kept": kept,
    }


def cursor_provenance(
    provenance: Mapping[str, CommitProvenance], commits: Sequence[CursorCommit]
) -> tuple[dict[str, CommitProvenance], dict[str, Any]]:
    """The change's commit provenance with Cursor's exact counts, for `netgain check`.

    The same rule as `apply_cursor`: a commit with line-level evidence keeps it; any other
    commit Cursor covers gets ai = Tab + Composer and human = non-AI lines, clamped to the lines
    git counts for it, as commit-level evidence (`tool-telemetry`) that `share` apportions over
    its surviving lines. The human lines are measured by the editor and fetched from Cursor by
    the organisation, so they are human evidence, not the author's claim.
    """
    by_prefix = {record.commit_hash[:MIN_ABBREV]: record for record in commits}
    out: dict[str, CommitProvenance] = {}
    matched = kept = 0
    for sha, prov in provenance.items():
        item = by_prefix.get(sha[:MIN_ABBREV])
        if item is None or not sha.startswith(item.commit_hash) or prov.is_merge:
            out[sha] = prov
            continue
        if prov.level == "line":
            kept += 1
            out[sha] = prov
            continue
        added = prov.ai + prov.human + prov.unknown
        ai = min(item.tab + item.composer, added)
        human = min(item.non_ai, added - ai)
        evidence = {
            "kind": "tool-telemetry",
            "tool": "cursor",
            "model": None,
            "detail": f"Cursor AI code tracking ({item.where}): Tab {item.tab}, Composer "
            f"{item.composer}, non-AI {item.non_ai} of {item.total} lines",
        }
        out[sha] = replace(
            prov,
            ai=ai,
            human=human,
            unknown=added - ai - human,
            level="commit",
            tools=["cursor"] if ai else [],
            evidence=[evidence, *prov.evidence],
        )
        matched += 1
    return out, _cursor_summary(len(commits), matched, kept)


def _identities(login: str, aliases: Mapping[str, Sequence[str]]) -> set[str]:
    return {login.lower(), *(a.strip().lower() for a in aliases.get(login, []) if a.strip())}


def _author_login(author: str, logins: Mapping[str, set[str]]) -> str | None:
    for login, identities in logins.items():
        local = author.split("@", 1)[0].split("+", 1)[-1]  # ID+login@users.noreply.github.com
        if author in identities or local == login.lower():
            return login
    return None


def copilot_estimate(
    changes: Sequence[Change],
    days: Sequence[CopilotDay],
    aliases: Mapping[str, Sequence[str]],
    teams: Mapping[str, Sequence[str]] | None,
    *,
    min_sample: int,
) -> dict[str, Any]:
    """Copilot-added lines over committed lines per user-day, for the repository and per team.

    A user-day pairs the lines Copilot added in that user's IDE with the lines that user's
    commits added on that UTC day (bots excluded). Users are matched by `[people] aliases`
    (login -> git emails/names) and GitHub no-reply addresses; unmatched users are counted, not
    named. The interval covers sampling over user-days only, not IDE lines left uncommitted.
    """
    logins = {d.login for d in days}
    identities = {login: _identities(login, aliases) for login in logins}
    committed: dict[tuple[str, date], int] = defaultdict(int)
    for change in changes:
        if change.is_bot:
            continue
        login = _author_login(change.author.lower(), identities)
        if login is not None:
            committed[(login, change.date.date())] += change.lines_added
    pairs: dict[str, list[tuple[float, float]]] = defaultdict(list)
    seen = set()
    for day in days:
        key = (day.login, day.day)
        if key in seen:
            continue  # the same user-day exported twice counts once
        seen.add(key)
        pairs[day.login].append((float(day.loc_added), float(committed.get(key, 0))))
    matched = {login for login in logins if any(k[0] == login for k in committed)}

    def estimate(members: Sequence[str]) -> dict[str, Any]:
        units = [p for m in members for p in pairs.get(m, [])]
        return ratio_of_sums(units, min_sample=min_sample).to_dict()

    section: dict[str, Any] = {
        "evidence": "estimated",
        "source": "GitHub Copilot usage metrics (user-day records)",
        "meaning": "Copilot-added IDE lines / committed lines of the same users and days",
        "repository": estimate(sorted(matched)),
        "users": len(logins),
        "users_matched_to_commits": len(matched),
        "user_days": len(seen),
    }
    if teams:
        section["by_team"] = {
            team: estimate([m for m in members if m in matched])
            for team, members in sorted(teams.items())
        }
    return section


CURSOR_API = "https://api.cursor.com"
CURSOR_PAGE_SIZE = 1000  # the documented maximum
MAX_CURSOR_PAGES = 500


def fetch_cursor_commits(
    api_key: str,
    dest: Path,
    *,
    start: str = "30d",
    api: str = CURSOR_API,
    transport: httpx.BaseTransport | None = None,
) -> Path:
    """Page through Cursor's AI commit metrics and save them as one importable JSON file.

    Basic authentication with the API key as the user name (Cursor's Admin API convention);
    `startDate` takes an ISO date or relative days such as "30d". The file has the API's own
    shape (`{"items": [...], "totalCount", "page", "pageSize"}`), so it reads like an export.

    Raises:
        UsageError: the API refuses the key or answers with something other than JSON pages.
    """
    import httpx

    from netgain.errors import UsageError

    items: list[Any] = []
    total = 0
    with httpx.Client(
        base_url=api, auth=(api_key, ""), timeout=30.0, transport=transport
    ) as client:
        for page in range(1, MAX_CURSOR_PAGES + 1):
            response = client.get(
                "/analytics/ai-code/commits",
                params={
                    "startDate": start,
                    "endDate": "now",
                    "page": page,
                    "pageSize": CURSOR_PAGE_SIZE,
                },
            )
            if response.status_code != 200:
                raise UsageError(
                    f"Cursor AI code tracking API: HTTP {response.status_code} on page {page}"
                )
            try:
                body = response.json()
            except ValueError as exc:
                raise UsageError(f"Cursor AI code tracking API: page {page} is not JSON") from exc
            if not isinstance(body, dict) or not isinstance(body.get("items"), list):
                raise UsageError(f"Cursor AI code tracking API: page {page} has no 'items' list")
            items.extend(body["items"])
            total = int(body.get("totalCount") or 0)
            if not body["items"] or len(items) >= total:
                break
    dest.write_text(
        json.dumps({"items": items, "totalCount": total, "page": 1, "pageSize": len(items)}),
        encoding="utf-8",
    )
    return dest
