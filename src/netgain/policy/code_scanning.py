"""The pull request's GitHub code-scanning results for the head commit, as imported SARIF.

In Actions (or with `check --fetch-code-scanning` and a token) the gate lists the repository's
code-scanning analyses for the head commit (`GET /repos/{o}/{r}/code-scanning/analyses?ref=...`),
keeps the newest per tool and category, and downloads each as SARIF (`GET .../analyses/{id}` with
`Accept: application/sarif+json`). They then go through `check --import`'s path: same diff filter,
suppression review, severity mapping and coverage. A failure is a problem, never fatal: the code
those analyses would have covered simply stays "not analysed".
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netgain.analysis.sarif_import import SarifImport, import_sarif
from netgain.errors import UsageError
from netgain.policy.github import API, check_repository

if TYPE_CHECKING:
    import httpx

MAX_ANALYSES = 20


def _headers(token: str, accept: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "Accept": accept,
        "X-GitHub-Api-Version": "2022-11-28",
    }


def _get(client: httpx.Client, url: str, accept: str, token: str) -> Any:
    import httpx

    try:
        response = client.get(url, headers=_headers(token, accept))
    except httpx.HTTPError as exc:
        raise UsageError(f"GitHub API {url}: {exc}") from exc
    if response.status_code == 404 and _no_analysis(response):
        return []  # GitHub's answer for a repository or ref that has no analyses yet
    if response.status_code != 200:
        raise UsageError(f"GitHub API {url}: HTTP {response.status_code}")
    return response.json()


def _no_analysis(response: httpx.Response) -> bool:
    """GitHub answers 404 `{"message": "no analysis found"}` when nothing was uploaded: that is an
    empty listing (the code stays "not analysed"), not a failure to read one."""
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and str(body.get("message", "")).lower() == "no analysis found"


def head_analyses(analyses: Any, head: str) -> list[dict[str, Any]]:
    """The newest analysis per (tool, category) whose commit is `head`."""
    newest: dict[tuple[str, str], dict[str, Any]] = {}
    for item in analyses if isinstance(analyses, list) else []:
        if not isinstance(item, dict) or item.get("commit_sha") != head:
            continue
        if not isinstance(item.get("id"), int):
            continue
        raw_tool = item.get("tool")
        tool: dict[str, Any] = raw_tool if isinstance(raw_tool, dict) else {}
        key = (str(tool.get("name", "")), str(item.get("category", "")))
        if key not in newest or str(item.get("created_at", "")) > str(
            newest[key].get("created_at", "")
        ):
            newest[key] = item
    return list(newest.values())[:MAX_ANALYSES]


def fetch_code_scanning(
    repository: str,
    number: int,
    head: str,
    token: str,
    *,
    root: Path,
    api: str = API,
    transport: httpx.BaseTransport | None = None,
) -> list[SarifImport]:
    """The head's code-scanning analyses of pull request `number`, read as imported SARIF."""
    import httpx

    check_repository(repository, number)
    base = f"{api}/repos/{repository}/code-scanning/analyses"
    imported: list[SarifImport] = []
    with httpx.Client(timeout=30.0, transport=transport, follow_redirects=False) as client:
        listing = _get(
            client,
            f"{base}?ref=refs/pull/{number}/head&per_page=100",
            "application/vnd.github+json",
            token,
        )
        with tempfile.TemporaryDirectory(prefix="netgain-code-scanning-") as tmp:
            for analysis in head_analyses(listing, head):
                sarif = _get(client, f"{base}/{analysis['id']}", "application/sarif+json", token)
                path = Path(tmp) / f"analysis-{analysis['id']}.sarif"
                path.write_text(json.dumps(sarif), encoding="utf-8")
                result = import_sarif(path, root=root)
                result.source = f"code scanning analysis {analysis['id']}"
                category = str(analysis.get("category") or "")
                for run in result.runs:
                    run.source = result.source
                    run.automation_id = run.automation_id or category
                imported.append(result)
    return imported
