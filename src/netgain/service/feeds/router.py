"""`POST /webhooks/pagerduty` and `POST /webhooks/jira`: incidents and features, continuously.

Like the GitHub webhook: size limit, then the signature on the raw bytes, and only then JSON.
Each event is recorded by its sender's id (PagerDuty `event.id`, Jira's
`X-Atlassian-Webhook-Identifier`), so a redelivery answers "duplicate" and changes nothing. An
event no incident route places, or whose repository is not ingested yet, is kept (`unrouted`)
and applied by `replay_pending` after the next ingest.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import SecretStr
from sqlalchemy import Engine, select, update
from starlette.concurrency import run_in_threadpool

from netgain.service.catalog import catalog
from netgain.service.context import ServiceContext
from netgain.service.feeds import jira, pagerduty
from netgain.service.feeds.incidents import store_incident
from netgain.service.feeds.load import stored_deployments
from netgain.service.feeds.payload import PayloadError
from netgain.service.feeds.routing import route_incident
from netgain.service.feeds.signatures import verify_jira, verify_pagerduty
from netgain.service.feeds.tables import feed_events
from netgain.service.feeds.write import insert_new
from netgain.service.org_config import load_org_config
from netgain.service.problems import Problem
from netgain.service.web.deps import service_context

log = logging.getLogger("netgain.service")
router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class Outcome:
    status: int
    outcome: str
    detail: str = ""
    stored: int = 0


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Problem(413, "the body is larger than the service accepts")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise Problem(413, "the body is larger than the service accepts")
    return bytes(body)


def _parse_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise Problem(400, f"the body is not JSON: {str(exc)[:200]}") from None


def _answer(done: Outcome) -> JSONResponse:
    body: dict[str, Any] = {"outcome": done.outcome, "stored": done.stored}
    if done.detail:
        body["detail"] = done.detail
    return JSONResponse(body, status_code=done.status)


async def _verified(
    request: Request,
    secret: SecretStr | None,
    setting: str,
    header: str,
    verify: Callable[[bytes, bytes, str | None], bool],
) -> tuple[ServiceContext, bytes, Any]:
    """Size limit, then the signature on the raw bytes, then JSON (a Problem at the first
    failure): nothing of an unsigned body is parsed."""
    ctx = service_context(request)
    body = await _body(request, ctx.settings.max_body)
    if secret is None:
        raise Problem(503, f"{setting} is not set")
    if not verify(secret.get_secret_value().encode(), body, request.headers.get(header)):
        log.warning("%s refused: bad or missing signature", request.url.path)
        raise Problem(401, f"bad or missing {header}")
    return ctx, body, _parse_json(body)


@router.post("/webhooks/pagerduty")
async def pagerduty_webhook(request: Request) -> JSONResponse:
    secret = service_context(request).settings.pagerduty_secret
    ctx, _, payload = await _verified(
        request, secret, "NETGAIN_PAGERDUTY_SECRET_FILE", "X-PagerDuty-Signature", verify_pagerduty
    )
    return _answer(await run_in_threadpool(apply_pagerduty, ctx, payload))


@router.post("/webhooks/jira")
async def jira_webhook(request: Request) -> JSONResponse:
    secret = service_context(request).settings.jira_secret
    ctx, body, payload = await _verified(
        request, secret, "NETGAIN_JIRA_SECRET_FILE", "X-Hub-Signature", verify_jira
    )
    ident = request.headers.get("x-atlassian-webhook-identifier", "")[:200]
    event_id = ident or "sha256:" + hashlib.sha256(body).hexdigest()
    return _answer(await run_in_threadpool(apply_jira, ctx, event_id, payload))


def _seen(engine: Engine, source: str, event_id: str) -> str | None:
    with engine.connect() as conn:
        outcome: str | None = conn.execute(
            select(feed_events.c.outcome).where(
                feed_events.c.source == source, feed_events.c.event_id == event_id
            )
        ).scalar_one_or_none()
    return outcome


def _remember(
    engine: Engine,
    source: str,
    event_id: str,
    event_type: str,
    outcome: str,
    detail: str,
    payload: Any,
) -> None:
    row = {
        "source": source,
        "event_id": event_id,
        "event_type": event_type[:100],
        "outcome": outcome,
        "detail": detail[:2000],
        "payload": payload if outcome == "unrouted" else None,
        "received_at": datetime.now(UTC),
    }
    with engine.begin() as conn:
        if not insert_new(conn, feed_events, [row]):  # a replay: update the kept row
            conn.execute(
                update(feed_events)
                .where(feed_events.c.source == source, feed_events.c.event_id == event_id)
                .values(outcome=outcome, detail=row["detail"], payload=row["payload"])
            )


def apply_pagerduty(ctx: ServiceContext, payload: Any, *, replay: bool = False) -> Outcome:
    """Store one PagerDuty event (see the module docstring); `replay` re-applies a kept one."""
    try:
        event = pagerduty.parse_event(payload)
    except PayloadError as exc:
        return Outcome(400, "malformed", str(exc))
    if not replay and _seen(ctx.engine, "pagerduty", event.event_id) is not None:
        return Outcome(200, "duplicate")
    if event.record is None:
        _remember(ctx.engine, "pagerduty", event.event_id, event.event_type, "ignored", "", None)
        return Outcome(200, "ignored", f"{event.event_type} carries no incident state")
    return _store(
        ctx,
        "pagerduty",
        event.event_id,
        event.event_type,
        payload,
        event.record,
        event.occurred_at,
        service=event.service,
    )


def apply_jira(
    ctx: ServiceContext, event_id: str, payload: Any, *, replay: bool = False
) -> Outcome:
    s = ctx.settings
    try:
        event = jira.parse_event(
            payload, incident_types=s.jira_incident_types, incident_labels=s.jira_incident_labels
        )
    except PayloadError as exc:
        return Outcome(400, "malformed", str(exc))
    if not replay and _seen(ctx.engine, "jira", event_id) is not None:
        return Outcome(200, "duplicate")
    if event.incident is not None:
        return _store(
            ctx,
            "jira",
            event_id,
            event.event_type,
            payload,
            event.incident,
            event.occurred_at,
            components=event.components,
            project=event.project,
        )
    if event.feature and event.key and event.issue_type:
        from netgain.service.feeds.features import remember_issue_type

        marked = remember_issue_type(
            ctx, event.key, event.issue_type, event.components, event.project
        )
        _remember(
            ctx.engine, "jira", event_id, event.event_type, "stored", f"feature {event.key}", None
        )
        return Outcome(202, "stored", f"{event.key} is a {event.issue_type}", marked)
    _remember(ctx.engine, "jira", event_id, event.event_type, "ignored", "", None)
    return Outcome(200, "ignored", "neither an incident nor a feature issue")


def _store(
    ctx: ServiceContext,
    source: str,
    event_id: str,
    event_type: str,
    payload: Any,
    record: Any,
    occurred_at: datetime | None,
    **where: Any,
) -> Outcome:
    config = load_org_config(ctx.settings.org_config)
    routing = route_incident(config, catalog(ctx.engine, ctx.settings.mirrors), **where)
    if not routing.targets:
        _remember(ctx.engine, source, event_id, event_type, "unrouted", routing.reason, payload)
        return Outcome(202, "unrouted", routing.reason)
    with ctx.engine.connect() as conn:
        found = stored_deployments(conn, [t.repository for t in routing.targets])
    deploys = {t.repository_id: found.get(t.repository.lower(), []) for t in routing.targets}
    stored = store_incident(
        ctx.engine, source, record, occurred_at, routing.targets, deploys, ctx.settings.mirrors
    )
    fresh = [s for s in stored if s.outcome != "stale"]
    outcome = "stored" if fresh else "stale"
    detail = ", ".join(f"{s.repository}: {s.outcome}" for s in stored)
    _remember(ctx.engine, source, event_id, event_type, outcome, detail, None)
    return Outcome(202 if fresh else 200, outcome, detail, len(fresh))


def replay_pending(ctx: ServiceContext) -> int:
    """Apply the kept `unrouted` events again (after an ingest or a route was added)."""
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            select(feed_events.c.source, feed_events.c.event_id, feed_events.c.payload)
            .where(feed_events.c.outcome == "unrouted")
            .order_by(feed_events.c.id)
        ).all()
    applied = 0
    for source, event_id, payload in rows:
        if source == "pagerduty":
            done = apply_pagerduty(ctx, payload, replay=True)
        else:
            done = apply_jira(ctx, event_id, payload, replay=True)
        applied += done.outcome == "stored"
    return applied


KEEP_FEED_EVENTS = timedelta(days=30)


def prune_feed_events(engine: Engine, now: datetime | None = None) -> int:
    """Forget event ids older than a month (senders retry within hours); `unrouted` events stay
    until a route applies them."""
    cutoff = (now or datetime.now(UTC)) - KEEP_FEED_EVENTS
    with engine.begin() as conn:
        done = conn.execute(
            feed_events.delete().where(
                feed_events.c.received_at < cutoff, feed_events.c.outcome != "unrouted"
            )
        )
        return int(done.rowcount)
