"""Where accepted deliveries put their jobs: Procrastinate on PostgreSQL, or the embedded queue.

* `ProcrastinateQueue`: the real deployment. Locks (`repo:…`) keep one job per mirror at a time,
  queueing locks (`pr:…`) keep one waiting check per pull request, retries and stalled-job
  recovery come from Procrastinate.
* `EmbeddedQueue`: no database server. Jobs are rows of the SQLite store, written in the same
  transaction as the delivery record, and one thread of `netgain serve` runs them in order (so
  one job at a time: the repository lock holds trivially). A job left `doing` by a process that
  died is run again at the next start.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Connection, Engine, func, select, text

from netgain.service.context import CURRENT_JOB
from netgain.service.events import JobRequest
from netgain.service.tables import embedded_jobs

if TYPE_CHECKING:
    import procrastinate

log = logging.getLogger("netgain.service")

MAX_ATTEMPTS = 3
QUEUE = "netgain"
PRUNE = "prune_service_tables"


class JobQueue(Protocol):
    def defer(self, job: JobRequest, conn: Connection) -> int | None:
        """Queue `job`; None when a job with its queueing lock is already waiting."""

    def counts(self) -> dict[str, int]:
        """Jobs by state (todo, doing, succeeded, failed, ...)."""


def procrastinate_conninfo(url: str) -> str:
    """libpq's URL for a SQLAlchemy one (`postgresql+psycopg://` -> `postgresql://`)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


KEEP_JOBS_HOURS = 24 * 7  # finished jobs stay visible (and countable) for a week by default
HOUSEKEEPING_EVERY = 3600.0  # seconds between the embedded queue's housekeeping rounds


def build_procrastinate(
    database_url: str,
    runner: Callable[[str, dict[str, Any]], str],
    prune: Callable[[], object] | None = None,
    keep_jobs_hours: int = KEEP_JOBS_HOURS,
) -> procrastinate.App:
    """The Procrastinate app with one task per job kind, each calling `runner(task, args)`, and
    an hourly clean-up: finished jobs (succeeded, failed, cancelled, aborted) older than
    `keep_jobs_hours`, and `prune()` (old delivery ids and decision documents)."""
    import asyncio

    import procrastinate
    from procrastinate import builtin_tasks
    from procrastinate.job_context import JobContext

    from netgain.service import events

    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(
            conninfo=procrastinate_conninfo(database_url), min_size=1, max_size=4
        )
    )
    retry = procrastinate.RetryStrategy(max_attempts=MAX_ATTEMPTS, wait=2, exponential_wait=2)
    for name in events.TASKS:

        def job(context: JobContext, /, _name: str = name, **args: Any) -> str:
            token = CURRENT_JOB.set(str(context.job.id))
            try:
                return runner(_name, args)
            finally:
                CURRENT_JOB.reset(token)

        app.task(name=name, queue=QUEUE, retry=retry, pass_context=True)(job)

    @app.periodic(cron="17 * * * *", periodic_id="prune")
    @app.task(name=PRUNE, queue=QUEUE, pass_context=True)
    async def prune_tables(context: JobContext, timestamp: int) -> None:
        await builtin_tasks.remove_old_jobs(
            context,
            max_hours=keep_jobs_hours,
            queue=QUEUE,
            remove_failed=True,
            remove_cancelled=True,
            remove_aborted=True,
        )
        if prune is not None:
            await asyncio.to_thread(prune)

    return app


class ProcrastinateQueue:
    def __init__(self, app: procrastinate.App, engine: Engine) -> None:
        self.app = app
        self.engine = engine

    def defer(self, job: JobRequest, conn: Connection) -> int | None:
        from procrastinate.exceptions import AlreadyEnqueued

        try:
            return self.app.configure_task(
                job.task,
                lock=job.lock,
                queueing_lock=job.queueing_lock,
                queue=QUEUE,
                schedule_in={"seconds": job.delay} if job.delay else None,
            ).defer(**job.args)
        except AlreadyEnqueued:
            return None

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT status::text, count(*) FROM procrastinate_jobs "
                    "WHERE task_name <> :housekeeping GROUP BY status"
                ),
                {"housekeeping": PRUNE},
            ).all()
        return {str(status): int(n) for status, n in rows}


class EmbeddedQueue:
    def __init__(
        self,
        engine: Engine,
        runner: Callable[[str, dict[str, Any]], str],
        prune: Callable[[], object] | None = None,
    ) -> None:
        self.engine = engine
        self.runner = runner
        self.prune = prune
        self._pruned_at = 0.0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def defer(self, job: JobRequest, conn: Connection) -> int | None:
        if job.queueing_lock is not None:
            waiting = conn.execute(
                select(embedded_jobs.c.id).where(
                    embedded_jobs.c.queueing_lock == job.queueing_lock,
                    embedded_jobs.c.status == "todo",
                )
            ).first()
            if waiting is not None:
                return None
        result = conn.execute(
            embedded_jobs.insert().values(
                task=job.task,
                args=json.dumps(job.args),
                lock=job.lock,
                queueing_lock=job.queueing_lock,
                status="todo",
                attempts=0,
                run_after=time.time() + job.delay,
            )
        )
        self._wake.set()
        key = result.inserted_primary_key
        return int(key[0]) if key else None

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(embedded_jobs.c.status, func.count()).group_by(embedded_jobs.c.status)
            ).all()
        return {str(status): int(n) for status, n in rows}

    def start(self) -> None:
        """Requeue what a dead process left `doing`, run the housekeeping (then hourly) and
        forget finished jobs, then run jobs in a background thread."""
        self._housekeeping()
        with self.engine.begin() as conn:
            conn.execute(embedded_jobs.delete().where(embedded_jobs.c.status == "succeeded"))
            conn.execute(
                embedded_jobs.update()
                .where(embedded_jobs.c.status == "doing")
                .values(status="todo")
            )
        self._thread = threading.Thread(target=self._loop, name="netgain-jobs", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run_pending(self) -> int:
        """Run every waiting job now (in the caller's thread); returns how many ran."""
        ran = 0
        while self._run_one():
            ran += 1
        return ran

    def _housekeeping(self) -> None:
        self._pruned_at = time.monotonic()
        if self.prune is not None:
            try:
                self.prune()
            except Exception:  # housekeeping must never stop the queue
                log.exception("housekeeping failed")

    def _loop(self) -> None:
        while not self._stop.is_set():
            if time.monotonic() - self._pruned_at >= HOUSEKEEPING_EVERY:
                self._housekeeping()
            if not self._run_one():
                self._wake.wait(1.0)
                self._wake.clear()

    def _run_one(self) -> bool:
        with self.engine.begin() as conn:
            row = conn.execute(
                select(embedded_jobs)
                .where(embedded_jobs.c.status == "todo", embedded_jobs.c.run_after <= time.time())
                .order_by(embedded_jobs.c.id)
                .limit(1)
            ).first()
            if row is None:
                return False
            conn.execute(
                embedded_jobs.update()
                .where(embedded_jobs.c.id == row.id)
                .values(status="doing", attempts=row.attempts + 1)
            )
        status, error = "succeeded", None
        token = CURRENT_JOB.set(str(row.id))
        try:
            self.runner(row.task, json.loads(row.args))
        except Exception as exc:  # a job's failure must not stop the queue
            log.exception("job %s %s failed", row.id, row.task)
            status = "todo" if row.attempts + 1 < MAX_ATTEMPTS else "failed"
            error = f"{type(exc).__name__}: {exc}"[:2000]
        finally:
            CURRENT_JOB.reset(token)
        with self.engine.begin() as conn:
            conn.execute(
                embedded_jobs.update()
                .where(embedded_jobs.c.id == row.id)
                .values(status=status, error=error)
            )
        return True
