"""Sign-ins under way: the `state` (and OIDC nonce and PKCE verifier) bound to the browser that
started them through the pre-session cookie, so a callback URL replayed or forged in another
browser finds nothing to complete."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from netgain.service.access import hash_secret, now
from netgain.service.access_tables import login_attempts
from netgain.service.web.auth.cookies import LOGIN_LIFETIME_SECONDS


def _expired(moment: datetime) -> bool:
    """SQLite gives naive datetimes back; every stored time is UTC."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)) <= now()


@dataclass(frozen=True)
class Attempt:
    cookie: str  # the pre-session cookie value (the browser's half)
    provider: str
    state: str
    nonce: str | None
    code_verifier: str | None
    next_path: str


def start(engine: Engine, provider: str, next_path: str, *, oidc: bool = False) -> Attempt:
    """A new attempt; expired ones are swept on the way (the table stays small)."""
    at = now()
    attempt = Attempt(
        cookie=secrets.token_urlsafe(32),
        provider=provider,
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32) if oidc else None,
        code_verifier=secrets.token_urlsafe(64) if oidc else None,
        next_path=next_path,
    )
    with engine.begin() as conn:
        conn.execute(login_attempts.delete().where(login_attempts.c.expires_at < at))
        conn.execute(
            login_attempts.insert().values(
                cookie_hash=hash_secret(attempt.cookie),
                provider=provider,
                state=attempt.state,
                nonce=attempt.nonce,
                code_verifier=attempt.code_verifier,
                next_path=next_path,
                expires_at=at + timedelta(seconds=LOGIN_LIFETIME_SECONDS),
            )
        )
    return attempt


def finish(engine: Engine, provider: str, cookie: str | None, state: str | None) -> Attempt | None:
    """The attempt this browser started for this provider if `state` matches; it is consumed
    either way (a state is good for one callback only)."""
    if not cookie or not state:
        return None
    key = hash_secret(cookie)
    with engine.begin() as conn:
        row = conn.execute(
            select(login_attempts).where(login_attempts.c.cookie_hash == key)
        ).first()
        conn.execute(login_attempts.delete().where(login_attempts.c.cookie_hash == key))
    if row is None or row.provider != provider or _expired(row.expires_at):
        return None
    if not hmac.compare_digest(row.state, state):
        return None
    return Attempt(cookie, row.provider, row.state, row.nonce, row.code_verifier, row.next_path)
