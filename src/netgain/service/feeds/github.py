"""GitHub events the feeds record: pull request timelines and production deployments.

Called by the GitHub webhook route after the signature matched, beside the job routing of
`service.events` (a pull request event both queues a check and records its timeline). Every row
has a natural key (review id, deployment-status id, release id, "opened", ...), so a redelivery
changes nothing.

* `pull_request` opened / ready_for_review / review_requested / closed (merged or not), and
  every pull request payload records "opened" from `created_at` (so a missed `opened` is healed);
* `pull_request_review` submitted -> a review (state approved / changes_requested / commented);
* `deployment_status` with state `success` to a production environment (the deployment's
  `production_environment` flag, or an environment named in `NETGAIN_PRODUCTION_ENVIRONMENTS`)
  -> a deployment of `deployment.sha`;
* `release` published (not a pre-release or draft) -> a deployment of the release's tag (its
  commit is resolved from the mirror when the figures are computed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from netgain.service.context import ServiceContext
from netgain.service.feeds.payload import PayloadError, get, required_time, time_of
from netgain.service.feeds.tables import deployments, pr_events
from netgain.service.feeds.write import insert_new

_SHA = re.compile(r"^[0-9a-f]{40}$")
DEFAULT_PRODUCTION = ("production", "prod")


@dataclass(slots=True)
class Recorded:
    events: list[dict[str, Any]] = field(default_factory=list)
    deployments: list[dict[str, Any]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.events or self.deployments)


def _event(
    repository: str,
    number: int,
    key: str,
    kind: str,
    actor: str | None,
    at: datetime,
    **detail: Any,
) -> dict[str, Any]:
    return {
        "repository": repository,
        "number": number,
        "key": key[:200],
        "kind": kind,
        "actor": actor,
        "at": at,
        "detail": detail,
    }


def _login(obj: Any, path: str) -> str | None:
    login: str | None = get(obj, path, str, required=False)
    return login


def opened_row(repository: str, pr: dict[str, Any]) -> dict[str, Any]:
    """The "opened" event of a pull request object (webhook or REST listing)."""
    number = get(pr, "number", int)
    return _event(
        repository,
        number,
        "opened",
        "opened",
        _login(pr, "user.login"),
        required_time(pr, "created_at"),
        title=str(pr.get("title") or "")[:300],
        draft=bool(pr.get("draft")),
        head_sha=get(pr, "head.sha", str, required=False),
        additions=get(pr, "additions", int, required=False),
        deletions=get(pr, "deletions", int, required=False),
    )


def _pull_request(repository: str, action: Any, payload: dict[str, Any]) -> list[dict[str, Any]]:
    pr = get(payload, "pull_request", dict)
    number = get(pr, "number", int)
    rows = [opened_row(repository, pr)]
    updated = time_of(pr, "updated_at", required=False) or rows[0]["at"]
    if action == "ready_for_review":
        rows.append(
            _event(
                repository,
                number,
                f"ready:{updated.isoformat()}",
                "ready_for_review",
                _login(payload, "sender.login"),
                updated,
            )
        )
    elif action == "review_requested":
        who = _login(payload, "requested_reviewer.login") or (
            "team:" + str(get(payload, "requested_team.slug", str))
        )
        rows.append(
            _event(
                repository,
                number,
                f"requested:{who}:{updated.isoformat()}",
                "review_requested",
                who,
                updated,
                by=_login(payload, "sender.login"),
            )
        )
    elif action == "closed":
        if pr.get("merged") or pr.get("merged_at"):
            rows.append(merged_row(repository, pr))
        else:
            closed = time_of(pr, "closed_at", required=False) or updated
            rows.append(
                _event(
                    repository,
                    number,
                    f"closed:{closed.isoformat()}",
                    "closed",
                    _login(payload, "sender.login"),
                    closed,
                )
            )
    return rows


def merged_row(repository: str, pr: dict[str, Any]) -> dict[str, Any]:
    """The "merged" event of a merged pull request object (webhook or REST listing)."""
    return _event(
        repository,
        get(pr, "number", int),
        "merged",
        "merged",
        _login(pr, "merged_by.login"),
        required_time(pr, "merged_at"),
        merge_sha=get(pr, "merge_commit_sha", str, required=False),
    )


def timeline_row(repository: str, number: int, item: dict[str, Any]) -> dict[str, Any] | None:
    """A review request or a ready-for-review from `GET /issues/N/timeline` (others: None)."""
    kind = item.get("event")
    if kind not in ("review_requested", "ready_for_review"):
        return None
    at = required_time(item, "created_at")
    if kind == "ready_for_review":
        return _event(
            repository,
            number,
            f"ready:{at.isoformat()}",
            "ready_for_review",
            _login(item, "actor.login"),
            at,
        )
    who = _login(item, "requested_reviewer.login") or (
        "team:" + str(get(item, "requested_team.slug", str))
    )
    return _event(
        repository,
        number,
        f"requested:{who}:{at.isoformat()}",
        "review_requested",
        who,
        at,
        by=_login(item, "review_requester.login"),
    )


def commit_row(repository: str, number: int, item: dict[str, Any]) -> dict[str, Any]:
    """A commit of `GET /pulls/N/commits`, dated by its author date (the first-commit stage)."""
    sha = get(item, "sha", str)
    return _event(
        repository,
        number,
        f"commit:{sha}",
        "commit",
        _login(item, "author.login"),
        required_time(item, "commit.author.date"),
        sha=sha,
    )


def review_row(repository: str, number: int, review: dict[str, Any]) -> dict[str, Any] | None:
    """A submitted review (webhook or `GET /pulls/N/reviews`); None for a pending one."""
    state = str(get(review, "state", str)).lower()
    submitted = time_of(review, "submitted_at", required=False)
    if state == "pending" or submitted is None:
        return None
    return _event(
        repository,
        number,
        f"review:{get(review, 'id', int)}",
        "review",
        _login(review, "user.login"),
        submitted,
        state=state,
        commit_id=get(review, "commit_id", str, required=False),
    )


def _deployment(
    repository: str, payload: dict[str, Any], production: tuple[str, ...]
) -> dict[str, Any] | None:
    status = get(payload, "deployment_status", dict)
    deployment = get(payload, "deployment", dict)
    if get(status, "state", str) != "success":
        return None
    environment = str(status.get("environment") or deployment.get("environment") or "")
    flagged = deployment.get("production_environment") is True
    if not flagged and environment.lower() not in {p.lower() for p in production}:
        return None
    sha = get(deployment, "sha", str)
    if not _SHA.match(sha):
        raise PayloadError("payload field deployment.sha must be a full commit id")
    return {
        "repository": repository,
        "source": "deployment",
        "external_id": str(get(status, "id", int)),
        "sha": sha,
        "ref": str(deployment.get("ref") or "")[:300],
        "environment": environment[:200],
        "deployed_at": required_time(status, "created_at"),
    }


def _release(repository: str, payload: dict[str, Any]) -> dict[str, Any] | None:
    release = get(payload, "release", dict)
    if release.get("prerelease") or release.get("draft"):
        return None
    target = str(release.get("target_commitish") or "")
    return {
        "repository": repository,
        "source": "release",
        "external_id": str(get(release, "id", int)),
        "sha": target if _SHA.match(target) else None,
        "ref": get(release, "tag_name", str)[:300],
        "environment": "release",
        "deployed_at": required_time(release, "published_at"),
    }


def parse(event: str, payload: Any, production: tuple[str, ...] = DEFAULT_PRODUCTION) -> Recorded:
    """What one verified delivery adds to the feeds (nothing for other events and actions)."""
    out = Recorded()
    if not isinstance(payload, dict) or event not in _HANDLED:
        return out
    repository = get(payload, "repository.full_name", str).lower()
    action = payload.get("action")
    if event == "pull_request" and action in _PR_ACTIONS:
        out.events = _pull_request(repository, action, payload)
    elif event == "pull_request_review" and action == "submitted":
        pr = get(payload, "pull_request", dict)
        out.events = [opened_row(repository, pr)]
        row = review_row(repository, get(pr, "number", int), get(payload, "review", dict))
        out.events += [row] if row else []
    elif event == "deployment_status":
        row = _deployment(repository, payload, production)
        out.deployments = [row] if row else []
    elif event == "release" and action in ("published", "released"):
        row = _release(repository, payload)
        out.deployments = [row] if row else []
    return out


_HANDLED = frozenset({"pull_request", "pull_request_review", "deployment_status", "release"})
_PR_ACTIONS = frozenset(
    {"opened", "reopened", "ready_for_review", "review_requested", "closed", "synchronize"}
)


def record(engine: Engine, recorded: Recorded) -> int:
    """Store what `parse` found (one transaction); returns how many rows were new."""
    if not recorded:
        return 0
    with engine.begin() as conn:
        return insert_new(conn, pr_events, recorded.events) + insert_new(
            conn, deployments, recorded.deployments
        )


def record_delivery(ctx: ServiceContext, event: str, payload: Any) -> tuple[int, int]:
    """Parse and store one verified GitHub delivery's feed rows: (rows found, rows new).

    Raises:
        PayloadError: the event is one the feeds read, and a field it always has is missing.
    """
    found = parse(event, payload, ctx.settings.production_environments)
    return len(found.events) + len(found.deployments), record(ctx.engine, found)
