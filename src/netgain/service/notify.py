"""Tell a channel when a change needs a senior, an owner or a design document, or is blocked.

A Slack incoming webhook gets a one-line text; a generic webhook gets the facts as JSON. Only a
change of what a pull request needs is sent (compared with its previous stored decision), so a
re-evaluation after a comment does not repeat the message. Delivery is best effort: the check run
is already complete, and a failed notification is logged, never retried into a second check.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

log = logging.getLogger("netgain.service")

_TIERS = {"senior": "needs a senior", "owner": "needs an owner"}


def reasons(doc: dict[str, Any]) -> list[str]:
    """What this decision asks of people, in a fixed order; empty when nothing notable."""
    found: list[str] = []
    if doc.get("verdict") == "blocked":
        found.append("blocked")
    for ask in doc.get("reviewers", []):
        what = _TIERS.get(str(ask.get("tier")))
        if what and what not in found:
            found.append(what)
    for rule in doc.get("rules", []):
        if rule.get("status") in ("skipped", "approved"):
            continue
        for req in rule.get("requirements", []):
            wanted = "design" in str(req.get("kind")) and not req.get("satisfied")
            if wanted and "needs a design document" not in found:
                found.append("needs a design document")
    return found


def message(repository: str, number: int, why: list[str], url: str) -> str:
    return f"{repository}#{number} {', '.join(why)}: {url}"


def send(
    *,
    slack_url: str | None,
    webhook_url: str | None,
    repository: str,
    number: int,
    head_sha: str,
    verdict: str,
    why: list[str],
    url: str,
) -> int:
    """Post to the configured channels; returns how many accepted the message."""
    sent = 0
    posts: list[tuple[str, dict[str, Any]]] = []
    if slack_url:
        posts.append((slack_url, {"text": message(repository, number, why, url)}))
    if webhook_url:
        posts.append(
            (
                webhook_url,
                {
                    "event": "netgain.decision",
                    "repository": repository,
                    "pull_request": number,
                    "head_sha": head_sha,
                    "verdict": verdict,
                    "reasons": why,
                    "url": url,
                },
            )
        )
    for target, body in posts:
        try:
            # netgain: ignore[ssrf] the operator configured this URL; no delivery chooses it
            response = httpx.post(target, json=body, timeout=10.0)
            response.raise_for_status()
            sent += 1
        except httpx.HTTPError as exc:
            log.warning("notification to %s failed: %s", httpx.URL(target).host, type(exc).__name__)
    return sent
