"""`netgain serve` and `netgain worker`: the GitHub App service (netgain.service, docs/deploy.md)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import typer


def _logging() -> None:
    """INFO for netgain and the queue; httpx stays at WARNING because its request lines carry
    URLs that are credentials themselves (a Slack incoming webhook)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


def register(app: typer.Typer) -> None:
    """Attach `netgain serve`, `netgain worker` and `netgain org` to the root app."""
    app.add_typer(org_app, name="org")

    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
        port: int = typer.Option(8000, "--port", help="Port to listen on."),
        data_dir: Path | None = typer.Option(
            None,
            "--data-dir",
            help="Mirrors and the embedded store (default: $NETGAIN_SERVICE_DIR, else "
            ".netgain/service).",
        ),
    ) -> None:
        """The GitHub App webhook receiver, /healthz, /readyz and /metrics.

        Without NETGAIN_DATABASE_URL it keeps everything in SQLite and runs jobs itself.
        """
        import uvicorn

        from netgain.service.app import create_app
        from netgain.service.queue import EmbeddedQueue
        from netgain.service.runtime import open_runtime
        from netgain.service.settings import from_env

        _logging()
        runtime = open_runtime(from_env(data_dir=data_dir))
        if isinstance(runtime.queue, EmbeddedQueue):
            runtime.queue.start()
        if runtime.procrastinate is not None:
            runtime.procrastinate.open()
        try:
            uvicorn.run(
                create_app(runtime.ctx, runtime.queue),
                host=host,
                port=port,
                log_level="warning",
                access_log=False,
                # the peer address stays the TCP peer's: the trusted-proxy sign-in compares it
                # with NETGAIN_PROXY_TRUSTED, and X-Forwarded-For is written by whoever connects
                proxy_headers=False,
            )
        finally:
            if isinstance(runtime.queue, EmbeddedQueue):
                runtime.queue.stop()
            if runtime.procrastinate is not None:
                runtime.procrastinate.close()

    @app.command()
    def worker(
        concurrency: int = typer.Option(
            1, "--concurrency", min=1, help="Jobs this process runs at once."
        ),
        data_dir: Path | None = typer.Option(
            None, "--data-dir", help="Where the repository mirrors live (default: as serve)."
        ),
    ) -> None:
        """Queue worker: runs checks and ingests from the PostgreSQL queue (any number of them)."""
        from netgain.service.runtime import open_runtime, run_worker
        from netgain.service.settings import from_env

        _logging()
        runtime = open_runtime(from_env(data_dir=data_dir))
        asyncio.run(run_worker(runtime, concurrency))


org_app = typer.Typer(help="The GitHub App's installations (netgain service).")


@org_app.command("sync")
def org_sync(
    installation: int | None = typer.Option(
        None, "--installation", help="Only this installation id (default: every installation)."
    ),
    run: bool = typer.Option(
        False,
        "--run",
        help="Embedded default only: run the queued backfills in this process now.",
    ),
    data_dir: Path | None = typer.Option(None, "--data-dir", help="As for serve."),
) -> None:
    """Queue a backfill (ingest, SZZ, risk training) of every repository the app can reach."""
    from netgain.service.org_sync import sync
    from netgain.service.queue import EmbeddedQueue
    from netgain.service.runtime import open_runtime
    from netgain.service.settings import from_env

    runtime = open_runtime(from_env(data_dir=data_dir))
    if runtime.procrastinate is not None:
        with runtime.procrastinate.open():
            report = sync(runtime, installation)
    else:
        report = sync(runtime, installation)
    typer.echo(
        f"{report.repositories} repositories in {len(report.installations)} installation(s): "
        f"{report.queued} backfill(s) queued, {report.already_waiting} already waiting"
    )
    if run:
        if not isinstance(runtime.queue, EmbeddedQueue):
            raise typer.BadParameter("--run is for the embedded default; workers run the queue")
        typer.echo(f"{runtime.queue.run_pending()} job(s) run")
    runtime.ctx.close()
