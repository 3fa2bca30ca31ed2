"""Wiring for `netgain serve` and `netgain worker`: the store, the queue and the job runner."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, inspect, text

from netgain.errors import UsageError
from netgain.service.context import ServiceContext, open_context
from netgain.service.housekeeping import Pruned, prune_service_tables
from netgain.service.jobs import follow_ups, run_job
from netgain.service.queue import QUEUE, EmbeddedQueue, ProcrastinateQueue, build_procrastinate
from netgain.service.settings import ServiceSettings

if TYPE_CHECKING:
    import procrastinate

log = logging.getLogger("netgain.service")
SCHEMA_LOCK = 0x6E6574_7167  # pg_advisory_xact_lock key for creating Procrastinate's schema


@dataclass
class Runtime:
    ctx: ServiceContext
    queue: EmbeddedQueue | ProcrastinateQueue
    procrastinate: procrastinate.App | None = None


def ensure_procrastinate_schema(app: procrastinate.App, engine: Engine) -> None:
    """Create Procrastinate's tables once, whichever process starts first (advisory lock)."""
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
        if not inspect(conn).has_table("procrastinate_jobs"):
            # the driver's own cursor: without parameters psycopg leaves the `%` of the
            # schema's SQL alone, where SQLAlchemy would read them as placeholders
            raw = conn.connection.driver_connection
            if raw is None:
                raise RuntimeError("no PostgreSQL connection to create the queue schema")
            with raw.cursor() as cursor:
                cursor.execute(app.schema_manager.get_schema())


def open_runtime(settings: ServiceSettings) -> Runtime:
    ctx = open_context(settings)

    queues: list[EmbeddedQueue | ProcrastinateQueue] = []  # the one built below

    def runner(task: str, args: dict[str, Any]) -> str:
        result = run_job(ctx, task, args)
        log.info("job %s %s: %s", task, args.get("repository") or args.get("org"), result)
        for job in follow_ups(task, args):
            with ctx.engine.begin() as conn:
                queues[0].defer(job, conn)
        return result

    def prune() -> Pruned:
        return prune_service_tables(ctx.engine, settings)

    if settings.embedded or settings.database_url is None:
        queues.append(EmbeddedQueue(ctx.engine, runner, prune))
        return Runtime(ctx, queues[0])
    app = build_procrastinate(
        settings.database_url, runner, prune=prune, keep_jobs_hours=settings.keep_jobs_days * 24
    )
    ensure_procrastinate_schema(app, ctx.engine)
    queues.append(ProcrastinateQueue(app, ctx.engine))
    return Runtime(ctx, queues[0], app)


async def recover_stalled(app: procrastinate.App, settings: ServiceSettings) -> None:
    """Put back in the queue the jobs of workers that stopped sending heartbeats (killed,
    machine lost): another worker then runs them. Runs beside every worker; races are harmless
    because a job already retried is no longer `doing`."""
    while True:
        await asyncio.sleep(settings.heartbeat_interval)
        try:
            stalled = await app.job_manager.get_stalled_jobs(
                queue=QUEUE, seconds_since_heartbeat=settings.stalled_after
            )
            for job in stalled:
                try:
                    await app.job_manager.retry_job(job)
                    log.warning("job %s of a stalled worker put back in the queue", job.id)
                except Exception as exc:  # another worker retried it first
                    log.debug("job %s already recovered: %s", job.id, exc)
        except Exception as exc:  # the database restarting: try again next round
            log.warning("stalled-job recovery skipped: %s", type(exc).__name__)


async def run_worker(runtime: Runtime, concurrency: int) -> None:
    """Run queue workers until SIGINT/SIGTERM (running jobs are finished first).

    Procrastinate stops a worker whose database connection broke (a PostgreSQL restart or
    fail-over): this loop then reconnects and starts a new one, so `netgain worker` processes
    survive the database going away and coming back; nothing queued is lost meanwhile.
    """
    import signal

    app = runtime.procrastinate
    if app is None:
        raise UsageError(
            "netgain worker needs NETGAIN_DATABASE_URL=postgresql://...; "
            "without it `netgain serve` runs the jobs itself"
        )
    settings = runtime.ctx.settings
    stop = asyncio.Event()
    running: asyncio.Task[None] | None = None

    def request_stop() -> None:
        stop.set()
        if running is not None:
            running.cancel()  # the worker finishes its running jobs, then returns

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, request_stop)
    while not stop.is_set():
        try:
            async with app.open_async():
                recovery = asyncio.create_task(recover_stalled(app, settings))
                running = asyncio.create_task(
                    app.run_worker_async(
                        queues=[QUEUE],
                        concurrency=concurrency,
                        update_heartbeat_interval=settings.heartbeat_interval,
                        stalled_worker_timeout=settings.stalled_after,
                        install_signal_handlers=False,
                    )
                )
                try:
                    await running
                except asyncio.CancelledError:
                    if not stop.is_set():
                        raise
                finally:
                    recovery.cancel()
                    running = None
        except Exception as exc:  # the database is unreachable: try again shortly
            log.warning("worker lost the queue (%s); reconnecting", type(exc).__name__)
        if not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=2.0)
