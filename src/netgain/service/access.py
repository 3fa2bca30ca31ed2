"""The access model every web route goes through: who is asking, and what they may see.

A `Principal` is resolved from a session cookie or an `Authorization: Bearer` API token. It
carries one `Grant` per organisation: the role and the repositories readable there. Routes never
query the store for an organisation or repository without asking the principal first, and answer
404 (not 403) for what the caller may not see, so that names do not leak.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import Engine, select, update

from netgain.service.access_tables import api_tokens, audit_log, memberships, sessions, users

SESSION_COOKIE = "netgain_session"
TOKEN_PREFIX = "ngt_"  # noqa: S105 (a prefix that makes leaked tokens greppable)
SESSION_LIFETIME = timedelta(hours=12)
# last_used_at is written at most this often per token: a script polling the API must not turn
# every read into a write
LAST_USED_RESOLUTION = timedelta(minutes=1)

Role = Literal["member", "admin"]
Scope = Literal["read", "admin"]


@dataclass(frozen=True)
class Grant:
    """What a principal may see in one organisation."""

    role: Role
    repositories: frozenset[str] | None  # None: every repository of the organisation
    teams: frozenset[str] = frozenset()

    def can_read(self, repository: str) -> bool:
        return self.repositories is None or repository.lower() in self.repositories


@dataclass(frozen=True)
class Principal:
    kind: Literal["session", "token"]
    user_id: int
    login: str
    emails: frozenset[str]
    grants: Mapping[str, Grant] = field(default_factory=dict)
    token_id: int | None = None
    csrf_secret: str | None = None  # sessions only: the key of the CSRF tokens of their forms

    @property
    def actor(self) -> str:
        """How the audit log names this caller."""
        return f"token:{self.token_id}" if self.token_id is not None else f"user:{self.login}"

    def orgs(self) -> list[str]:
        return sorted(self.grants)

    def can_see_org(self, org: str) -> bool:
        return org.lower() in self.grants

    def is_admin(self, org: str) -> bool:
        grant = self.grants.get(org.lower())
        return grant is not None and grant.role == "admin"

    def can_read(self, repository: str) -> bool:
        """`repository` is "owner/name"; the owner is the organisation."""
        owner, _, _ = repository.partition("/")
        grant = self.grants.get(owner.lower())
        return grant is not None and grant.can_read(repository)

    def readable(self, org: str, repositories: Iterable[str]) -> list[str]:
        """The subset of an organisation's repositories this principal may read."""
        return [
            r for r in repositories if self.can_read(r) and r.lower().startswith(f"{org.lower()}/")
        ]

    def is_self(self, identity: str) -> bool:
        """Whether an author identity (email or login) is this person: their own figures."""
        key = identity.lower()
        return key == self.login.lower() or key in self.emails


def hash_secret(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def upsert_user(
    engine: Engine,
    *,
    provider: str,
    subject: str,
    login: str,
    name: str | None = None,
    emails: Iterable[str] = (),
    site_admin: bool = False,
) -> int:
    """The user's id, creating or refreshing the row (login and emails change over time)."""
    addresses = sorted({e.lower() for e in emails})
    at = now()
    with engine.begin() as conn:
        row = conn.execute(
            select(users.c.id).where(users.c.provider == provider, users.c.subject == subject)
        ).first()
        values = {"login": login, "name": name, "emails": addresses, "site_admin": site_admin}
        if row is not None:
            conn.execute(
                users.update().where(users.c.id == row.id).values(**values, last_login_at=at)
            )
            return int(row.id)
        result = conn.execute(
            users.insert().values(
                provider=provider, subject=subject, created_at=at, last_login_at=at, **values
            )
        )
        key = result.inserted_primary_key
        if key is None:
            raise RuntimeError("the database returned no id for the new user")
        return int(key[0])


def replace_grants(engine: Engine, user_id: int, grants: Mapping[str, Grant]) -> None:
    """Store what the identity provider said this user may see now (replacing the old view:
    a membership GitHub no longer reports is gone)."""
    at = now()
    with engine.begin() as conn:
        conn.execute(memberships.delete().where(memberships.c.user_id == user_id))
        for org, grant in grants.items():
            conn.execute(
                memberships.insert().values(
                    user_id=user_id,
                    org=org.lower(),
                    role=grant.role,
                    repositories=None if grant.repositories is None else sorted(grant.repositories),
                    teams=sorted(grant.teams),
                    refreshed_at=at,
                )
            )


def load_grants(engine: Engine, user_id: int) -> dict[str, Grant]:
    with engine.connect() as conn:
        rows = conn.execute(select(memberships).where(memberships.c.user_id == user_id)).all()
    return {
        row.org: Grant(
            role=row.role,
            repositories=None
            if row.repositories is None
            else frozenset(r.lower() for r in row.repositories),
            teams=frozenset(row.teams or ()),
        )
        for row in rows
    }


def open_session(engine: Engine, user_id: int) -> tuple[str, str]:
    """A new session for the user: (cookie value, CSRF secret). Called at every sign-in, so the
    session id rotates and a fixated cookie is worthless."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    at = now()
    with engine.begin() as conn:
        conn.execute(
            sessions.insert().values(
                token_hash=hash_secret(token),
                user_id=user_id,
                csrf_secret=csrf,
                created_at=at,
                expires_at=at + SESSION_LIFETIME,
            )
        )
    return token, csrf


def close_session(engine: Engine, token: str) -> None:
    with engine.begin() as conn:
        conn.execute(sessions.delete().where(sessions.c.token_hash == hash_secret(token)))


def issue_token(engine: Engine, *, user_id: int, org: str, scope: Scope, name: str) -> str:
    """A new API token; the value is returned once and only its hash is stored."""
    value = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(
            api_tokens.insert().values(
                token_hash=hash_secret(value),
                org=org.lower(),
                scope=scope,
                name=name,
                created_by=user_id,
                created_at=now(),
            )
        )
    return value


def revoke_token(engine: Engine, token_id: int) -> bool:
    with engine.begin() as conn:
        done = conn.execute(
            api_tokens.update()
            .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now())
        ).rowcount
    return bool(done)


def _user(engine: Engine, user_id: int) -> tuple[str, frozenset[str]] | None:
    with engine.connect() as conn:
        row = conn.execute(
            select(users.c.login, users.c.emails).where(users.c.id == user_id)
        ).first()
    if row is None:
        return None
    return row.login, frozenset(e.lower() for e in row.emails or ())


def principal_from_session(engine: Engine, cookie: str) -> Principal | None:
    with engine.connect() as conn:
        row = conn.execute(
            select(sessions).where(sessions.c.token_hash == hash_secret(cookie))
        ).first()
    if row is None or _aware(row.expires_at) <= now():
        return None
    who = _user(engine, row.user_id)
    if who is None:
        return None
    return Principal(
        kind="session",
        user_id=row.user_id,
        login=who[0],
        emails=who[1],
        grants=load_grants(engine, row.user_id),
        csrf_secret=row.csrf_secret,
    )


def principal_from_token(engine: Engine, value: str) -> Principal | None:
    """The token's principal: its organisation only, at most its scope, and never more than
    its creator may see today."""
    if not value.startswith(TOKEN_PREFIX):
        return None
    with engine.connect() as conn:
        row = conn.execute(
            select(api_tokens).where(api_tokens.c.token_hash == hash_secret(value))
        ).first()
    if row is None or row.revoked_at is not None:
        return None
    who = _user(engine, row.created_by)
    if who is None:
        return None
    creator = load_grants(engine, row.created_by).get(row.org)
    grants: dict[str, Grant] = {}
    if creator is not None:
        role: Role = "admin" if row.scope == "admin" and creator.role == "admin" else "member"
        grants[row.org] = Grant(role, creator.repositories, creator.teams)
    at = now()
    if row.last_used_at is None or at - _aware(row.last_used_at) >= LAST_USED_RESOLUTION:
        with engine.begin() as conn:
            conn.execute(
                update(api_tokens).where(api_tokens.c.id == row.id).values(last_used_at=at)
            )
    return Principal(
        kind="token",
        user_id=row.created_by,
        login=who[0],
        emails=who[1],
        grants=grants,
        token_id=row.id,
    )


def audit(
    engine: Engine,
    actor: str,
    action: str,
    *,
    org: str | None = None,
    target: str | None = None,
    detail: Mapping[str, object] | None = None,
) -> None:
    """Record an admin action or a policy-relevant change (append-only)."""
    with engine.begin() as conn:
        conn.execute(
            audit_log.insert().values(
                at=now(),
                actor=actor,
                org=org.lower() if org else None,
                action=action,
                target=target,
                detail=dict(detail or {}),
            )
        )
