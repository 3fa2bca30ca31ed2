"""The dashboard's pages on the real PostgreSQL server: the store ingested from a mirror, a real
gate decision, and every page read over HTTP by a signed-in member (the SQL of the pull request
lists, the windows on `timestamptz` columns and the flow inputs run on PostgreSQL too)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from netgain.service import access
from netgain.service.app import create_app
from netgain.service.context import open_context
from netgain.service.queue import EmbeddedQueue
from tests.service.apiworld import _ingest
from tests.service.conftest import REPOSITORY, World
from tests.service.dashboard_world import record_decision
from tests.service.fakegithub import Served

pytestmark = pytest.mark.postgres


def test_every_page_on_postgres(world: World, tmp_path: Path, postgres_url: str) -> None:
    settings = world.settings(tmp_path / "svc", postgres_url)
    ctx = open_context(settings)
    try:
        head = _ingest(world.repo, settings.mirrors, REPOSITORY, settings.store_url)
        record_decision(
            ctx.engine,
            settings.mirrors / "octo-org" / "payments.git",
            REPOSITORY,
            7,
            world.repo.git("rev-parse", "main"),
            head,
            settings.store_url,
        )
        user = access.upsert_user(ctx.engine, provider="github", subject="p", login="alice")
        access.replace_grants(ctx.engine, user, {"octo-org": access.Grant("member", None)})
        cookie, _ = access.open_session(ctx.engine, user)
        queue = EmbeddedQueue(ctx.engine, lambda task, args: "")
        with (
            Served(create_app(ctx, queue)) as served,
            httpx.Client(
                base_url=served.url,
                cookies={access.SESSION_COOKIE: cookie},
                headers={"accept": "text/html"},
                timeout=120,
            ) as client,
        ):
            for path in (
                "/dashboard/octo-org",
                "/dashboard/octo-org/board",
                "/dashboard/octo-org/repos/payments",
                "/dashboard/octo-org/repos/payments/pull/7",
                "/dashboard/octo-org/review-load",
                "/dashboard/octo-org/bottleneck",
                "/dashboard/octo-org/validation-credit",
            ):
                response = client.get(path + "?range=all")
                assert response.status_code == 200, (path, response.text[:500])
            overview = client.get("/dashboard/octo-org?range=all").text
            assert "octo-org/payments#7" in overview
            assert re.search(r'data-figure="changes">[1-9][0-9,]*<', overview), "no change counted"
            pull = client.get("/dashboard/octo-org/repos/payments/pull/7").text
            assert 'data-finding="sql-injection"' in pull
    finally:
        ctx.close()
