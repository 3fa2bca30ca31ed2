"""Who may see what: users, their organisation grants, sessions, API tokens and the audit log.

Service tables (created like the others in `tables.create_tables`), kept in their own module so
that sign-in, the REST API and the dashboard share one definition of access. Secrets (session
cookies, API tokens) are stored only as SHA-256 hashes: a copy of the database signs no one in.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from netgain.service.tables import metadata

# A person who signed in, once per identity provider and subject (GitHub user id, OIDC `sub`).
users = Table(
    "service_users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("provider", String(20), nullable=False),  # github | oidc | proxy
    Column("subject", String(300), nullable=False),
    Column("login", String(300), nullable=False),
    Column("name", Text, nullable=True),
    # the addresses their commits carry: "a person sees their own figures" matches on these
    Column("emails", JSON, nullable=False, default=list),
    Column("site_admin", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_login_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("provider", "subject", name="uq_service_users_provider_subject"),
)

# What a user may see in one organisation, as GitHub (or the identity provider's mapping) said at
# their last sign-in. `repositories` is the list of readable "owner/name"; NULL means every
# repository of the organisation (an organisation admin, or an OIDC group mapped org-wide).
memberships = Table(
    "service_memberships",
    metadata,
    Column(
        "user_id", Integer, ForeignKey("service_users.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("org", String(100), primary_key=True),
    Column("role", String(20), nullable=False),  # member | admin
    Column("repositories", JSON, nullable=True),
    Column("teams", JSON, nullable=False, default=list),
    Column("refreshed_at", DateTime(timezone=True), nullable=False),
)

sessions = Table(
    "service_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("service_users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_secret", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

# Tokens for scripts: one organisation, read or admin, never more than their creator may see
# (the creator's current grant is intersected at every use, so a creator who left takes the
# token's access with them).
api_tokens = Table(
    "service_api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("org", String(100), nullable=False),
    Column("scope", String(10), nullable=False),  # read | admin
    Column("name", String(200), nullable=False),
    Column(
        "created_by", Integer, ForeignKey("service_users.id", ondelete="CASCADE"), nullable=False
    ),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True), nullable=True),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

audit_log = Table(
    "service_audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(300), nullable=False),  # "user:LOGIN", "token:ID", "system"
    Column("org", String(100), nullable=True),
    Column("action", String(100), nullable=False),
    Column("target", Text, nullable=True),
    Column("detail", JSON, nullable=False, default=dict),
)

# A sign-in under way (GitHub or OIDC): the pre-session cookie's hash, the `state` the provider
# must send back, the OIDC nonce and PKCE verifier, and where to go afterwards. Single use and
# short-lived: the callback deletes the row whatever happens.
login_attempts = Table(
    "service_login_attempts",
    metadata,
    Column("cookie_hash", String(64), primary_key=True),
    Column("provider", String(20), nullable=False),
    Column("state", String(100), nullable=False),
    Column("nonce", String(100), nullable=True),
    Column("code_verifier", String(200), nullable=True),
    Column("next_path", Text, nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)
