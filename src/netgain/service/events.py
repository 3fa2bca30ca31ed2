"""Which jobs a webhook delivery asks for: pure functions over the (already verified) payload.

A job that touches a repository's clone carries the lock `repo:OWNER/NAME`, so only one job works
on a mirror at a time. A pull request's check carries the queueing lock `pr:OWNER/NAME#N`: while
one check of the pull request waits in the queue, a newer delivery does not queue a second one,
because the waiting job reads the pull request's current head when it starts (a newer head
supersedes older queued work).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CHECK = "check_pull_request"
INGEST = "ingest_repository"
FORGET = "forget_repository"
MERGE_GROUP = "check_merge_group"
PULL_COMMITS = "record_pull_request_commits"  # netgain.service.feeds: the first-commit stage
RELEASE_COMMIT = "resolve_release_commit"  # netgain.service.feeds: which commit a release ships
DOCUMENTS = "store_org_documents"  # netgain.service.stored_documents: the overview's documents
TASKS = (CHECK, INGEST, FORGET, MERGE_GROUP, PULL_COMMITS, RELEASE_COMMIT, DOCUMENTS)
DOCUMENTS_DELAY = 60.0  # seconds: the pushes of a minute share one computation

PULL_REQUEST_ACTIONS = frozenset(
    {"opened", "synchronize", "reopened", "ready_for_review", "edited", "labeled", "unlabeled"}
)
REVIEW_ACTIONS = frozenset({"submitted", "dismissed", "edited"})


class MalformedPayloadError(ValueError):
    """A signed payload without a field its event always has (named in the message)."""


@dataclass(frozen=True, slots=True)
class JobRequest:
    task: str
    args: dict[str, Any]
    lock: str | None = None
    queueing_lock: str | None = None
    delay: float = 0.0  # seconds before the job may run


@dataclass(slots=True)
class Routed:
    jobs: list[JobRequest] = field(default_factory=list)
    ignored: str | None = None  # why no job was asked for


def _field(obj: Any, *keys: str, kind: type) -> Any:
    value = obj
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            raise MalformedPayloadError(f"payload has no {'.'.join(keys)}")
        value = value[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise MalformedPayloadError(f"payload field {'.'.join(keys)} must be {kind.__name__}")
    return value


def _installation(payload: dict[str, Any]) -> int:
    return int(_field(payload, "installation", "id", kind=int))


def check_job(installation: int, repository: str, number: int, head_sha: str) -> JobRequest:
    return JobRequest(
        CHECK,
        {
            "installation_id": installation,
            "repository": repository,
            "number": number,
            "head_sha": head_sha,
        },
        lock=f"repo:{repository}",
        queueing_lock=f"pr:{repository}#{number}",
    )


def ingest_job(installation: int, repository: str, *, backfill: bool = False) -> JobRequest:
    """Ingest (a push) or backfill (ingest, SZZ, risk training) of one repository."""
    kind = "backfill" if backfill else "ingest"
    return JobRequest(
        INGEST,
        {"installation_id": installation, "repository": repository, "backfill": backfill},
        lock=f"repo:{repository}",
        queueing_lock=f"{kind}:{repository}",
    )


def documents_job(org: str) -> JobRequest:
    """The organisation's overview documents, after an ingest: one at a time per organisation
    (`lock`), and one waiting (`queueing_lock`), which reads the store when it starts, so the
    ingests of a burst of pushes are all in it."""
    key = org.lower()
    return JobRequest(
        DOCUMENTS,
        {"org": key},
        lock=f"documents:{key}",
        queueing_lock=f"documents:{key}",
        delay=DOCUMENTS_DELAY,
    )


def _pull_request(payload: dict[str, Any]) -> Routed:
    pr = _field(payload, "pull_request", kind=dict)
    if pr.get("state") == "closed":
        return Routed(ignored="pull request is closed")
    repository = _field(payload, "repository", "full_name", kind=str)
    return Routed(
        [
            check_job(
                _installation(payload),
                repository,
                _field(pr, "number", kind=int),
                _field(pr, "head", "sha", kind=str),
            )
        ]
    )


def _merged(payload: dict[str, Any]) -> Routed:
    """A merged pull request: read its commits (their author dates start its cycle time)."""
    repository = _field(payload, "repository", "full_name", kind=str)
    number = _field(payload, "pull_request", "number", kind=int)
    args = {"installation_id": _installation(payload), "repository": repository, "number": number}
    return Routed([JobRequest(PULL_COMMITS, args, queueing_lock=f"commits:{repository}#{number}")])


def _release(payload: dict[str, Any]) -> Routed:
    """A published release names a tag, not a commit: a job asks GitHub which commit it is."""
    release = _field(payload, "release", kind=dict)
    if release.get("prerelease") or release.get("draft"):
        return Routed(ignored="pre-release or draft")
    repository = _field(payload, "repository", "full_name", kind=str)
    args = {
        "installation_id": _installation(payload),
        "repository": repository,
        "release_id": _field(release, "id", kind=int),
        "tag": _field(release, "tag_name", kind=str),
    }
    lock = f"release:{repository}#{args['release_id']}"
    return Routed([JobRequest(RELEASE_COMMIT, args, queueing_lock=lock)])


def _rerequested(payload: dict[str, Any], key: str) -> Routed:
    suite = _field(payload, key, kind=dict)
    repository = _field(payload, "repository", "full_name", kind=str)
    head = _field(suite, "head_sha", kind=str)
    pulls = suite.get("pull_requests") or []
    jobs = [
        check_job(_installation(payload), repository, _field(p, "number", kind=int), head)
        for p in pulls
        if isinstance(p, dict)
    ]
    return Routed(jobs, ignored=None if jobs else f"{key} is on no pull request")


def _repositories(payload: dict[str, Any], key: str) -> list[str]:
    items = payload.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        raise MalformedPayloadError(f"payload field {key} must be list")
    return [_field(item, "full_name", kind=str) for item in items]


def route(event: str, payload: Any) -> Routed:
    """The jobs one delivery asks for (or why it asks for none)."""
    if not isinstance(payload, dict):
        raise MalformedPayloadError("payload must be a JSON object")
    action = payload.get("action")
    if event == "ping":
        return Routed(ignored="ping")
    if event == "pull_request":
        if action == "closed" and _field(payload, "pull_request", kind=dict).get("merged"):
            return _merged(payload)
        if action not in PULL_REQUEST_ACTIONS:
            return Routed(ignored=f"pull_request action {action!r}")
        return _pull_request(payload)
    if event == "pull_request_review":
        if action not in REVIEW_ACTIONS:
            return Routed(ignored=f"pull_request_review action {action!r}")
        return _pull_request(payload)
    if event == "release" and action in ("published", "released"):
        return _release(payload)
    if event in {"check_run", "check_suite"}:
        if action != "rerequested":
            return Routed(ignored=f"{event} action {action!r}")
        return _rerequested(payload, event)
    if event == "push":
        default = _field(payload, "repository", "default_branch", kind=str)
        if _field(payload, "ref", kind=str) != f"refs/heads/{default}":
            return Routed(ignored="push to a branch other than the default")
        repository = _field(payload, "repository", "full_name", kind=str)
        return Routed([ingest_job(_installation(payload), repository)])
    if event == "merge_group":
        if action != "checks_requested":
            return Routed(ignored=f"merge_group action {action!r}")
        group = _field(payload, "merge_group", kind=dict)
        repository = _field(payload, "repository", "full_name", kind=str)
        args = {
            "installation_id": _installation(payload),
            "repository": repository,
            "head_sha": _field(group, "head_sha", kind=str),
            "base_sha": _field(group, "base_sha", kind=str),
            "head_ref": _field(group, "head_ref", kind=str),
        }
        return Routed([JobRequest(MERGE_GROUP, args, lock=f"repo:{repository}")])
    if event in {"installation", "installation_repositories"}:
        installation = _installation(payload)
        if event == "installation":
            added = _repositories(payload, "repositories") if action == "created" else []
            removed = _repositories(payload, "repositories") if action == "deleted" else []
        else:
            added = _repositories(payload, "repositories_added")
            removed = _repositories(payload, "repositories_removed")
        jobs = [ingest_job(installation, name, backfill=True) for name in added]
        jobs += [JobRequest(FORGET, {"repository": name}, lock=f"repo:{name}") for name in removed]
        return Routed(jobs, ignored=None if jobs else f"{event} action {action!r}")
    return Routed(ignored=f"event {event!r} is not handled")
