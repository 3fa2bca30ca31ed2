"""The ASGI application of `netgain serve`: webhooks in, jobs out, health and metrics.

The webhook handler does only cheap, bounded work before it answers (GitHub gives 10 s): size
check, signature check on the raw bytes, JSON parse, routing, one transaction to record and
queue. Nothing of the payload is parsed or logged before the signature matched.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import replace
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.concurrency import run_in_threadpool

from netgain.service import events, signature
from netgain.service.context import ServiceContext
from netgain.service.feeds import github as feed_github
from netgain.service.intake import accept
from netgain.service.metrics import ServiceMetrics
from netgain.service.queue import JobQueue
from netgain.service.web.mount import mount

log = logging.getLogger("netgain.service")
_DELIVERY = re.compile(r"^[A-Za-z0-9\-]{1,100}$")
_EVENT = re.compile(r"^[a-z_]{1,64}$")


def create_app(ctx: ServiceContext, queue: JobQueue) -> FastAPI:
    app = FastAPI(title="netgain", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.ctx = ctx
    mount(app)
    metrics = ServiceMetrics(ctx.engine, queue.counts)
    secret = ctx.settings.webhook_secret
    limit = ctx.settings.max_body
    delay = ctx.settings.check_delay

    def answer(status: int, event: str, outcome: str, **body: Any) -> JSONResponse:
        metrics.deliveries.labels(event=event, outcome=outcome).inc()
        return JSONResponse({"outcome": outcome, **body}, status_code=status)

    @app.post("/webhooks/github")
    async def webhook(request: Request) -> Response:
        started = time.perf_counter()
        try:
            return await _webhook(request)
        finally:
            metrics.latency.observe(time.perf_counter() - started)

    async def _webhook(request: Request) -> Response:
        event = request.headers.get("x-github-event", "")
        label = event if _EVENT.match(event) else "invalid"
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return answer(413, label, "too_large")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                return answer(413, label, "too_large")
        if secret is None:
            log.error("webhook refused: NETGAIN_WEBHOOK_SECRET_FILE is not set")
            return answer(503, label, "no_secret")
        if not signature.verify(
            secret.get_secret_value().encode(),
            bytes(body),
            request.headers.get("x-hub-signature-256"),
        ):
            client = request.client.host if request.client else "?"
            log.warning("webhook refused: bad or missing signature from %s (%s)", client, label)
            return answer(401, label, "bad_signature")
        delivery = request.headers.get("x-github-delivery", "")
        if not _DELIVERY.match(delivery) or label == "invalid":
            return answer(400, label, "bad_headers")
        try:
            payload = json.loads(body)
            routed = events.route(event, payload)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError and MalformedPayloadError
            return answer(400, label, "malformed", detail=str(exc)[:200])
        try:  # the feeds' part (timelines, deployments) never blocks the check's jobs
            found, recorded = await run_in_threadpool(
                feed_github.record_delivery, ctx, event, payload
            )
        except ValueError as exc:
            if not routed.jobs:
                return answer(400, label, "malformed", detail=str(exc)[:200])
            log.warning("webhook %s: feed not recorded: %s", label, exc)
            found = recorded = 0
        if not routed.jobs:
            if recorded:
                return answer(202, label, "recorded", recorded=recorded)
            if found:  # every row of it is stored already: a redelivery
                return answer(200, label, "duplicate")
            return answer(200, label, "ignored", reason=routed.ignored)
        jobs = [
            replace(job, delay=delay) if job.task == events.CHECK else job for job in routed.jobs
        ]
        done = await run_in_threadpool(accept, ctx.engine, queue, delivery, event, jobs)
        if done.duplicate:
            return answer(200, label, "duplicate")
        return answer(202, label, "queued", queued=done.queued, coalesced=done.coalesced)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz() -> Response:
        from sqlalchemy import text

        try:
            with ctx.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            queue.counts()
        except Exception as exc:
            return JSONResponse({"status": "unavailable", "error": type(exc).__name__}, 503)
        if secret is None:
            return JSONResponse({"status": "unavailable", "error": "no webhook secret"}, 503)
        return JSONResponse({"status": "ready"})

    @app.get("/metrics")
    def prometheus() -> Response:
        return PlainTextResponse(metrics.render(), media_type="text/plain; version=0.0.4")

    return app
