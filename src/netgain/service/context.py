"""What a job needs, built once per process: settings, the store engine and the GitHub client."""

from __future__ import annotations

import threading
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netgain.service.settings import ServiceSettings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from netgain.service.github_app import GitHubApp, RateLimit


# The queue's id of the job running in this thread/task: a failure's public summary names it
# instead of the exception text, which may show server paths (the detail goes to the log).
CURRENT_JOB: ContextVar[str | None] = ContextVar("netgain_current_job", default=None)


@dataclass
class ServiceContext:
    settings: ServiceSettings
    engine: Engine
    _github: GitHubApp | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def github(self) -> GitHubApp:
        """The app's client, created on first use (the webhook receiver never needs it)."""
        with self._lock:
            if self._github is None:
                from netgain.service.github_app import GitHubApp

                app_id, key = self.settings.require_app()
                self._github = GitHubApp(
                    app_id,
                    key,
                    api_url=self.settings.api_url,
                    retries=self.settings.http_retries,
                    backoff=self.settings.http_backoff,
                    max_wait=self.settings.max_rate_limit_wait,
                    on_rate_limit=self._remember_rate_limit,
                )
            return self._github

    def close(self) -> None:
        if self._github is not None:
            self._github.close()
        self.engine.dispose()

    def _remember_rate_limit(self, installation_id: int, limit: RateLimit) -> None:
        from netgain.service.tables import rate_limits

        with self.engine.begin() as conn:
            updated = conn.execute(
                rate_limits.update()
                .where(rate_limits.c.installation_id == installation_id)
                .values(remaining=limit.remaining, reset_at=limit.reset)
            ).rowcount
            if not updated:
                conn.execute(
                    rate_limits.insert().values(
                        installation_id=installation_id,
                        remaining=limit.remaining,
                        reset_at=limit.reset,
                    )
                )


def open_context(settings: ServiceSettings) -> ServiceContext:
    """Open (and migrate) the store, create the service tables; no network yet."""
    from netgain.service.tables import create_tables
    from netgain.store.engine import open_store

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = open_store(settings.store_url)
    create_tables(engine)
    return ServiceContext(settings, engine)
