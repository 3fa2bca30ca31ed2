"""The overview's metrics documents, computed after ingest by a job and stored for the pages.

The full metrics document of an organisation loads every change into Python: about a second per
1,500 commits, so minutes for a large organisation. A page cannot wait for that, and the
in-memory cache (`netgain.service.web.dashboard.cache`) only helps after a first view paid it.
So after an ingest a job (`events.DOCUMENTS`, one per organisation at a time, queued with a
delay so that a burst of pushes computes once) computes the organisation's document and each
visible team's, over every repository of the organisation, for the dashboard's preset ranges
(`RANGES`), and stores them with when they were computed and the data they read. The overview
page shows a stored document only to a viewer who reads exactly the repositories it covers
(never figures from a repository the viewer may not read), says how old it is, and whether
newer data has arrived since.

A run loads the organisation's records once for every range (the window is applied to the
loaded records), and reads from the store only the commits ingested since the previous run in
this process (`netgain.service.views.change_cache`); the other records are small and read anew.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, and_, func, select

from netgain.metrics.inputs import Dataset
from netgain.service.access import Grant, Principal
from netgain.service.catalog import CatalogEntry, catalog
from netgain.service.org_config import OrgSettings
from netgain.service.tables import decisions, stored_documents
from netgain.service.views.change_cache import CHANGES, ChangeCache
from netgain.service.views.context import ViewContext
from netgain.service.views.metrics_views import org_and_team_documents, org_records, records_period
from netgain.service.views.models import Metrics
from netgain.service.views.scope import Window, team_of
from netgain.service.views.times import utc, utc_now
from netgain.store.models import Commit
from netgain.store.outcome_models import Incident

# The range presets precomputed: the page's default and the whole history (the others, and
# custom ranges, are computed on demand when small enough: `netgain.service.web.dashboard`).
RANGES = ("90d", "all")
ORG_VIEW = "org"
Records = tuple[list[CatalogEntry], Dataset]


def team_view(team: str) -> str:
    return f"team:{team}"


def data_version(engine: Engine) -> tuple[int, ...]:
    """The newest id of each table that grows as data arrives (one index lookup each): commits,
    gate decisions, incidents, pull request events, deployments."""
    from netgain.service.feeds.tables import deployments, pr_events

    ids = [Commit.id, decisions.c.id, Incident.id, pr_events.c.id, deployments.c.id]
    with engine.connect() as conn:
        return tuple(int(conn.execute(select(func.max(column))).scalar() or 0) for column in ids)


def settings_digest(settings: OrgSettings) -> str:
    """The organisation settings a document applied (teams, privacy minimum): a document
    computed under other settings is not shown."""
    return hashlib.sha256(settings.model_dump_json().encode()).hexdigest()


def _job_principal(org: str) -> Principal:
    """Reads every repository of the organisation: the job computes for the organisation, and
    the page decides who may see the result (`load`)."""
    return Principal("token", 0, "netgain-job", frozenset(), {org.lower(): Grant("admin", None)})


@dataclass(frozen=True)
class Stored:
    metrics: Metrics
    computed_at: datetime
    seconds: float
    current: bool  # no newer commit, decision, incident, timeline event or deployment since


def refresh_documents(
    views: ViewContext,
    org: str,
    ranges: tuple[str, ...] = RANGES,
    today: date | None = None,
    cache: ChangeCache | None = CHANGES,
) -> int:
    """Compute and store the organisation's and its visible teams' documents for `ranges`;
    returns how many were stored. Each replaces the previous one of its key in one transaction,
    so a page reads either the old or the new document, never none. The commits read by the
    previous run in this process are not read again (`cache`; None reads everything)."""
    from netgain.service.web.dashboard.filters import Filters  # the pages' own range rules

    key = org.lower()
    settings = views.orgs.for_org(key)
    principal = _job_principal(key)
    if not any(e.org.lower() == key for e in catalog(views.engine, views.mirrors)):
        return 0
    teams = [t for t in sorted(settings.teams) if team_of(settings, t).withheld is None]
    stored = 0
    loaded: dict[str, tuple[tuple[int, ...], float, Records]] = {}
    for preset in ranges:
        filters = Filters(range=preset)
        start, end = filters.window(today)
        window = Window(since=start, until=end)
        started = time.perf_counter()
        # the records are loaded once for every range that reads the same ones (the window
        # is applied to the loaded records): loading is most of the job
        period = records_period(views, filters.period)
        if period not in loaded:
            version = data_version(views.engine)  # before reading: newer rows make it stale
            records = org_records(views, principal, key, filters.period, cache)
            loaded[period] = (version, time.perf_counter() - started, records)
            started = time.perf_counter()
        version, loading, records = loaded[period]
        org_doc, team_docs = org_and_team_documents(
            views, key, teams, records, window, by=filters.period
        )
        seconds = loading + time.perf_counter() - started
        documents = [(ORG_VIEW, org_doc), *((team_view(t), m) for t, m in team_docs.items())]
        covered = sorted(org_doc.repositories, key=str.lower)  # what was read, not listed before
        for view, metrics in documents:
            _store(views.engine, key, view, preset, covered, version, settings, metrics, seconds)
            stored += 1
    return stored


def _store(
    engine: Engine,
    org: str,
    view: str,
    preset: str,
    names: list[str],
    version: tuple[int, ...],
    settings: OrgSettings,
    metrics: Metrics,
    seconds: float,
) -> None:
    t = stored_documents
    where = and_(t.c.org == org, t.c.view == view, t.c.range == preset)
    with engine.begin() as conn:
        conn.execute(t.delete().where(where))
        conn.execute(
            t.insert().values(
                org=org,
                view=view,
                range=preset,
                repositories=names,
                data_version=list(version),
                settings=settings_digest(settings),
                metrics=metrics.model_dump(mode="json"),
                computed_at=utc_now(),
                seconds=seconds,
            )
        )


def load(
    engine: Engine,
    org: str,
    view: str,
    preset: str,
    repositories: list[str],
    settings: OrgSettings,
) -> Stored | None:
    """The stored document of this key when it covers exactly `repositories` (what the viewer
    reads) under the current settings, else None."""
    t = stored_documents
    with engine.connect() as conn:
        row = conn.execute(
            select(t).where(t.c.org == org.lower(), t.c.view == view, t.c.range == preset)
        ).first()
    if row is None or row.settings != settings_digest(settings):
        return None
    if sorted(str(r).lower() for r in row.repositories) != sorted(r.lower() for r in repositories):
        return None
    return Stored(
        metrics=Metrics.model_validate(row.metrics),
        computed_at=utc(row.computed_at) or row.computed_at,
        seconds=float(row.seconds),
        current=tuple(row.data_version) == data_version(engine),
    )
