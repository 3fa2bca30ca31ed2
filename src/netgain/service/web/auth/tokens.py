"""API tokens for scripts and the audit log, under `/api/v1/orgs/{org}/`.

Scope rules: any member may create a read token for an organisation they see; only an
organisation admin may create an admin token. A token never mints tokens (a leaked token cannot
make itself permanent). Members list and revoke their own tokens; admins every token of the
organisation. The value is returned once, at creation; only its hash is stored. Every creation
and revocation is in the audit log, which org admins read here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal, overload

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import Engine, select
from starlette.responses import Response

from netgain.service import access
from netgain.service.access import Principal
from netgain.service.access_tables import api_tokens, audit_log, users
from netgain.service.context import ServiceContext
from netgain.service.problems import Problem
from netgain.service.web.api.problem_schema import ERRORS as API_ERRORS
from netgain.service.web.auth.csrf import check_csrf
from netgain.service.web.deps import require_org, require_principal, service_context

ERRORS = API_ERRORS | {
    403: {
        **API_ERRORS[401],
        "description": "Forbidden: a state change without the session's CSRF token, a token "
        "creating a token, an admin token or the audit log asked by a non-admin",
    }
}
router = APIRouter(
    prefix="/api/v1/orgs/{org}",
    tags=["tokens"],
    dependencies=[Depends(check_csrf)],
    responses=ERRORS,
)
Context = Annotated[ServiceContext, Depends(service_context)]
Caller = Annotated[Principal, Depends(require_principal)]
OrgName = Annotated[str, Field(max_length=100)]


class TokenRequest(BaseModel):
    name: str = Field(min_length=1, max_length=100, description="What the token is for.")
    scope: Literal["read", "admin"] = "read"


class TokenInfo(BaseModel):
    id: int
    org: str
    name: str
    scope: Literal["read", "admin"]
    created_by: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenInfo):
    token: str = Field(description="The token's value: shown this once, never again.")


class TokenList(BaseModel):
    tokens: list[TokenInfo]


class AuditEntry(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    target: str | None
    detail: dict[str, object]


class AuditPage(BaseModel):
    entries: list[AuditEntry]
    next_before: int | None = Field(description="Pass as `before` for older entries.")


@overload
def _utc(moment: datetime) -> datetime: ...
@overload
def _utc(moment: None) -> None: ...
def _utc(moment: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back; every stored time is UTC, and RFC 3339 (the schema's
    date-time) wants the offset."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _tokens(engine: Engine, org: str, token_id: int | None = None) -> list[TokenInfo]:
    query = (
        select(api_tokens, users.c.login)
        .join(users, users.c.id == api_tokens.c.created_by)
        .where(api_tokens.c.org == org)
        .order_by(api_tokens.c.id)
    )
    if token_id is not None:
        query = query.where(api_tokens.c.id == token_id)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        TokenInfo(
            id=row.id,
            org=row.org,
            name=row.name,
            scope=row.scope,
            created_by=row.login,
            created_at=_utc(row.created_at),
            last_used_at=_utc(row.last_used_at),
            revoked_at=_utc(row.revoked_at),
        )
        for row in rows
    ]


def _creator_ids(engine: Engine, org: str) -> dict[int, int]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(api_tokens.c.id, api_tokens.c.created_by).where(api_tokens.c.org == org)
        ).all()
    return {row.id: row.created_by for row in rows}


def _visible(engine: Engine, principal: Principal, org: str) -> list[TokenInfo]:
    """Admins see every token of the organisation; members their own."""
    found = _tokens(engine, org)
    if principal.is_admin(org):
        return found
    mine = _creator_ids(engine, org)
    return [t for t in found if mine.get(t.id) == principal.user_id]


@router.post("/tokens", status_code=201, response_model=TokenCreated)
def create_token(org: OrgName, body: TokenRequest, who: Caller, ctx: Context) -> TokenCreated:
    """Create a token for scripts; its value is in this answer only."""
    org = require_org(org, who)
    if who.kind == "token":
        raise Problem(403, "API tokens cannot create tokens: sign in to create one")
    if body.scope == "admin" and not who.is_admin(org):
        raise Problem(403, "only organisation admins create admin tokens")
    value = access.issue_token(
        ctx.engine, user_id=who.user_id, org=org, scope=body.scope, name=body.name
    )
    with ctx.engine.connect() as conn:
        created = conn.execute(
            select(api_tokens.c.id).where(api_tokens.c.token_hash == access.hash_secret(value))
        ).scalar_one()
    info = _tokens(ctx.engine, org, created)[0]
    access.audit(
        ctx.engine,
        who.actor,
        "token.create",
        org=org,
        target=f"token:{info.id}",
        detail={"name": info.name, "scope": info.scope},
    )
    return TokenCreated(**info.model_dump(), token=value)


@router.get("/tokens", response_model=TokenList)
def list_tokens(org: OrgName, who: Caller, ctx: Context) -> TokenList:
    """Tokens of the organisation the caller may manage (never their values)."""
    org = require_org(org, who)
    return TokenList(tokens=_visible(ctx.engine, who, org))


@router.delete("/tokens/{token_id}", status_code=204, response_class=Response)
def delete_token(org: OrgName, token_id: int, who: Caller, ctx: Context) -> Response:
    """Revoke a token (it stops working at once); revoking twice is a no-op."""
    org = require_org(org, who)
    if not any(t.id == token_id for t in _visible(ctx.engine, who, org)):
        raise Problem(404, "no such token")
    if access.revoke_token(ctx.engine, token_id):
        access.audit(ctx.engine, who.actor, "token.revoke", org=org, target=f"token:{token_id}")
    return Response(status_code=204)


@router.get("/audit", response_model=AuditPage)
def read_audit(
    org: OrgName,
    who: Caller,
    ctx: Context,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> AuditPage:
    """The organisation's audit log, newest first (org admins only)."""
    org = require_org(org, who)
    if not who.is_admin(org):
        raise Problem(403, "the audit log is for organisation admins")
    query = select(audit_log).where(audit_log.c.org == org).order_by(audit_log.c.id.desc())
    if before is not None:
        query = query.where(audit_log.c.id < before)
    with ctx.engine.connect() as conn:
        rows = conn.execute(query.limit(limit + 1)).all()
    entries = [
        AuditEntry(
            id=r.id,
            at=_utc(r.at),
            actor=r.actor,
            action=r.action,
            target=r.target,
            detail=r.detail or {},
        )
        for r in rows[:limit]
    ]
    return AuditPage(entries=entries, next_before=entries[-1].id if len(rows) > limit else None)
