"""The feeds' service tables: one row per event received, deployments, pull request timelines.

Like the other service tables they are created at start-up (`tables.create_tables`), beside the
store's. Each table has a natural key from the sending system (PagerDuty's event id, Jira's
webhook identifier, GitHub's review or deployment-status id), so a redelivered event fails the
unique key and changes nothing.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from netgain.service.tables import metadata

_ID = BigInteger().with_variant(Integer, "sqlite")

# Every PagerDuty / Jira event accepted: the key of their deduplication, and the payload kept
# while it could not be stored (no incident route, repository not ingested yet) so it can be
# applied again once the route or the repository exists (`feeds.incidents.replay_pending`).
feed_events = Table(
    "service_feed_events",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("source", String(20), nullable=False),  # pagerduty | jira
    Column("event_id", String(200), nullable=False),
    Column("event_type", String(100), nullable=False),
    Column("outcome", String(20), nullable=False),  # stored | unrouted | ignored | stale
    Column("detail", Text, nullable=False, default=""),
    Column("payload", JSON, nullable=True),  # kept only while the outcome is "unrouted"
    Column("received_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("source", "event_id", name="uq_service_feed_events_source_event"),
)

# Production deployments reported by GitHub (deployment_status success, release published).
deployments = Table(
    "service_deployments",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("repository", String(300), nullable=False, index=True),  # owner/name, lower case
    Column("source", String(20), nullable=False),  # deployment | release
    Column("external_id", String(100), nullable=False),  # deployment id / release id
    Column("sha", String(64), nullable=True),  # None: a release whose tag is resolved later
    Column("ref", Text, nullable=False, default=""),  # tag name or ref as sent
    Column("environment", String(200), nullable=False, default=""),
    Column("deployed_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("repository", "source", "external_id", name="uq_service_deployments_key"),
)

# Pull request timeline: one row per event (opened, ready_for_review, review_requested, review,
# merged, closed, commit), from webhooks and from the API backfill; `key` is what makes the event
# unique within its pull request ("review:<id>", "opened", "commit:<sha>", ...).
pr_events = Table(
    "service_pr_events",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("repository", String(300), nullable=False),  # owner/name, lower case
    Column("number", Integer, nullable=False),
    Column("key", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("actor", String(300), nullable=True),  # GitHub login
    Column("at", DateTime(timezone=True), nullable=False),
    Column("detail", JSON, nullable=False, default=dict),
    UniqueConstraint("repository", "number", "key", name="uq_service_pr_events_key"),
)

# Jira issue key -> type of the feature issues Jira's webhooks reported (Story, Feature, ...):
# commits that name the key are features (`feeds.features`), now and after later ingests.
issue_types = Table(
    "service_issue_types",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("issue_type", String(200), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
