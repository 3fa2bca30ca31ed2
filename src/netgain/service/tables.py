"""The service's own tables, beside the netgain store's (same database, separate metadata).

They are created with `CREATE TABLE IF NOT EXISTS` semantics at start-up rather than through the
store's Alembic chain: they belong to the service, which may run against a store another netgain
version migrated, and dropping them loses nothing the store needs.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
)

metadata = MetaData()

# One row per X-GitHub-Delivery ever accepted: the key of webhook deduplication.
deliveries = Table(
    "service_deliveries",
    metadata,
    Column("delivery_id", String(100), primary_key=True),
    Column("event", String(100), nullable=False),
    Column("jobs", Integer, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Each decision the service reported, for the dashboard and for "exactly once" accounting.
decisions = Table(
    "service_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("repository", String(300), nullable=False, index=True),
    Column("number", Integer, nullable=True),
    Column("head_sha", String(64), nullable=False),
    Column("verdict", String(40), nullable=False),
    Column("conclusion", String(40), nullable=False),
    Column("check_run_id", BigInteger, nullable=True),
    Column("document", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# The GitHub API budget each installation had left at its last response (for /metrics).
rate_limits = Table(
    "service_rate_limits",
    metadata,
    Column("installation_id", BigInteger, primary_key=True),
    Column("remaining", Integer, nullable=False),
    Column("reset_at", Integer, nullable=False),
)

# Ids of the check runs and sticky comments the service created (netgain.service.remembered).
github_ids = Table(
    "service_github_ids",
    metadata,
    Column("kind", String(20), primary_key=True),
    Column("key", String(500), primary_key=True),
    Column("github_id", BigInteger, nullable=False),
)

# The embedded default's queue (SQLite, jobs run in-process by `netgain serve`).
embedded_jobs = Table(
    "service_embedded_jobs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("task", String(100), nullable=False),
    Column("args", Text, nullable=False),
    Column("lock", String(400), nullable=True),
    Column("queueing_lock", String(400), nullable=True),
    Column("status", String(20), nullable=False, index=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("run_after", Float, nullable=False, default=0.0),
    Column("error", Text, nullable=True),
)


# The organisation overview's rollup of commits per repository, month or day, and AI-share bucket
# (netgain.service.views.rollup): sums that a new ingest run invalidates, so that the overview
# of a million commits reads a few thousand rows. Derived data: dropping it loses nothing.
commit_rollups = Table(
    "service_commit_rollups",
    metadata,
    Column("repository_id", Integer, primary_key=True),
    Column("grain", String(1), primary_key=True),  # M: month rows, D: day rows
    Column("period", String(10), primary_key=True),  # YYYY-MM or YYYY-MM-DD (author date, UTC)
    Column("bucket", String(8), primary_key=True),
    Column("changes", BigInteger, nullable=False),
    Column("lines_added", BigInteger, nullable=False),
    Column("ai_lines", BigInteger, nullable=False),
    Column("human_lines", BigInteger, nullable=False),
    Column("unknown_lines", BigInteger, nullable=False),
)

# Which ingest run each repository's rollup rows were computed after.
rollup_state = Table(
    "service_rollup_state",
    metadata,
    Column("repository_id", Integer, primary_key=True),
    Column("run_id", Integer, nullable=True),
    Column("complete", Integer, nullable=False),  # 1 when that run had finished
    Column("refreshed_at", DateTime(timezone=True), nullable=False),
)

# The dashboard overview's metrics documents, computed by a job after ingest
# (netgain.service.stored_documents): the full document of a large organisation takes minutes,
# far too long for a page view. One row per organisation, view (org or team:NAME) and range
# preset, over the repositories it names. Derived data: dropping it loses nothing.
stored_documents = Table(
    "service_stored_documents",
    metadata,
    Column("org", String(255), primary_key=True),
    Column("view", String(300), primary_key=True),
    Column("range", String(16), primary_key=True),
    Column("repositories", JSON, nullable=False),  # the "owner/name"s it covers, sorted
    Column("data_version", JSON, nullable=False),  # the newest row ids it read (data_version)
    Column("settings", String(64), nullable=False),  # digest of the org settings it applied
    Column("metrics", JSON, nullable=False),  # the Metrics view (document, or why withheld)
    Column("computed_at", DateTime(timezone=True), nullable=False),
    Column("seconds", Float, nullable=False),  # computing it (with the others of its range)
)


def create_tables(engine: Engine) -> None:
    """Create the service tables that do not exist yet (idempotent, safe to race)."""
    from sqlalchemy.exc import IntegrityError, ProgrammingError

    import netgain.service.access_tables  # noqa: F401  (registers its tables on `metadata`)
    from netgain.service.feeds import tables as _feeds  # noqa: F401  (the feeds tables)

    try:
        metadata.create_all(engine, checkfirst=True)
    except (IntegrityError, ProgrammingError):  # another process created them meanwhile
        metadata.create_all(engine, checkfirst=True)
    _rebuild_derived(engine)


DERIVED = (commit_rollups, rollup_state)
# Derived tables rebuilt together when one of a group has another version's shape.
DERIVED_GROUPS = (DERIVED, (stored_documents,))


def _rebuild_derived(engine: Engine) -> None:
    """Drop and recreate the derived tables when one has columns that are not this version's
    (created by another netgain version): they hold only what can be recomputed, and
    `create_all` never alters an existing table. All of them together: the rollup state
    vouches for the rollup rows, and must not outlive them."""
    from sqlalchemy import inspect

    inspector = inspect(engine)
    for group in DERIVED_GROUPS:
        if all(
            {c["name"] for c in inspector.get_columns(table.name)} == set(table.c.keys())
            for table in group
        ):
            continue
        with engine.begin() as conn:
            for table in group:
                table.drop(conn, checkfirst=True)
                table.create(conn)
