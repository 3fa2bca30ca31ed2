"""Deployments GitHub reports to the service drive the metrics document's deployment figures."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

from netgain.service import access
from netgain.service.access import Principal
from netgain.service.feeds.tables import deployments
from netgain.service.settings import from_env
from netgain.service.tables import create_tables
from netgain.service.views import metrics_views
from netgain.service.views.context import ViewContext
from netgain.service.views.scope import Window
from netgain.store.engine import open_store
from tests.gitrepo import GitRepo, git_env
from tests.service.apiworld import ingest_mirror


def test_recorded_production_deployments_win_over_release_tags(tmp_path: Path) -> None:
    settings = from_env({"NETGAIN_SERVICE_DIR": str(tmp_path / "svc")})
    work = GitRepo(tmp_path / "work")
    work.commit({"app.py": "x = 1\n"}, "feat: app", author=("A", "a@x.example"), date=1767258000)
    work.tag("v0.1.0")
    head = work.commit({"app.py": "x = 2\n"}, "feat: more", date=1767261600)
    work.tag("v0.1.1")
    mirror = settings.mirrors / "acme" / "lib.git"
    mirror.parent.mkdir(parents=True)
    subprocess.run(
        ["git", "clone", "-q", "--bare", str(work.path), str(mirror)], check=True, env=git_env()
    )
    ingest_mirror(work, mirror, settings.store_url)
    engine = open_store(settings.store_url)
    create_tables(engine)
    views = ViewContext(engine, settings.mirrors)
    who = Principal("token", 1, "x", frozenset(), {"acme": access.Grant("member", None)})

    tags = metrics_views.repository_metrics(views, who, "acme/lib", Window()).document
    assert tags is not None and tags["sources"]["deployments"] == 2  # the two release tags

    with engine.begin() as conn:
        conn.execute(
            deployments.insert().values(
                repository="acme/lib",
                source="deployment",
                external_id="77",
                sha=head,
                ref="main",
                environment="production",
                deployed_at=datetime(2026, 1, 1, 12, 0, tzinfo=UTC),
            )
        )
    fed = metrics_views.repository_metrics(views, who, "acme/lib", Window()).document
    assert fed is not None and fed["sources"]["deployments"] == 1
    assert fed != tags
    engine.dispose()
