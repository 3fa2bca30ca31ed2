"""Fetching the review comments and reviews of pull requests with a GitHub token.

`GET /repos/{o}/{r}/pulls/{n}/comments` and `/reviews`, 100 per page, following `Link: next`
only on the API's own host (the token never travels elsewhere). The pages are saved as they
came (one JSON array per page), so the file reads exactly like a `gh api --paginate` export.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from netgain.policy.github import API, check_repository, list_pages

if TYPE_CHECKING:
    import httpx


def fetch_ai_review(
    repository: str,
    numbers: Iterable[int],
    token: str,
    dest: Path,
    *,
    api: str = API,
    transport: httpx.BaseTransport | None = None,
) -> Path:
    """Save every review comment and review of the pull requests `numbers` to `dest`."""
    import httpx

    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
    }
    pages: list[str] = []
    with httpx.Client(headers=headers, timeout=30.0, transport=transport) as client:
        for number in sorted(set(numbers)):
            check_repository(repository, number)
            for kind in ("comments", "reviews"):
                url = f"{api}/repos/{repository}/pulls/{number}/{kind}?per_page=100"
                pages += [json.dumps(page) for _url, page in list_pages(client, api, url, kind)]
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text("\n".join(pages) + "\n" if pages else "[]\n", encoding="utf-8")
    return dest
