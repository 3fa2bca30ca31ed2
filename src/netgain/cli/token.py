"""`netgain token create|list|revoke`: API tokens from the server's own shell.

On a fresh install nobody has signed in yet, so nobody can create a token in the browser. An
operator with a shell on the server (who holds the database anyway) creates the first admin
token here. It belongs to a service identity (`--as`, default "bootstrap") that is an admin of
`--org` until its tokens are revoked; every creation and revocation is in the audit log.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from netgain.service.context import ServiceContext

token_app = typer.Typer(help="API tokens of the netgain service (run on the server).")


def register(app: typer.Typer) -> None:
    app.add_typer(token_app, name="token")


def _engine(data_dir: Path | None) -> ServiceContext:
    from netgain.service.context import open_context
    from netgain.service.settings import from_env

    return open_context(from_env(data_dir=data_dir))


@token_app.command("create")
def create(
    org: str = typer.Option(..., "--org", help="The organisation the token reads (one only)."),
    scope: str = typer.Option("admin", "--scope", help="read or admin."),
    name: str = typer.Option("bootstrap", "--name", help="What the token is for."),
    identity: str = typer.Option(
        "bootstrap", "--as", help="The service identity that owns the token."
    ),
    data_dir: Path | None = typer.Option(None, "--data-dir", help="As for serve."),
) -> None:
    """Create a token and print its value (shown this once; only its hash is stored)."""
    from netgain.service import access

    if scope not in ("read", "admin"):
        raise typer.BadParameter("--scope is read or admin")
    if not org.strip() or "/" in org:
        raise typer.BadParameter("--org is an organisation login, like acme")
    ctx = _engine(data_dir)
    try:
        engine = ctx.engine
        user = access.upsert_user(engine, provider="cli", subject=identity, login=identity)
        grants = access.load_grants(engine, user)
        grants[org.lower()] = access.Grant("admin", None)
        access.replace_grants(engine, user, grants)
        value = access.issue_token(
            engine, user_id=user, org=org, scope="admin" if scope == "admin" else "read", name=name
        )
        access.audit(
            engine,
            f"cli:{identity}",
            "token.create",
            org=org,
            target=name,
            detail={"scope": scope, "via": "netgain token create"},
        )
    finally:
        ctx.close()
    typer.echo(f"{scope} token for {org.lower()} (store it now, it is not shown again):", err=True)
    typer.echo(value)


@token_app.command("list")
def list_tokens(
    org: str = typer.Option(..., "--org", help="The organisation."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    data_dir: Path | None = typer.Option(None, "--data-dir", help="As for serve."),
) -> None:
    """Every token of the organisation, without values: id, name, scope, owner, last use."""
    from sqlalchemy import select

    from netgain.service.access_tables import api_tokens, users

    ctx = _engine(data_dir)
    try:
        with ctx.engine.connect() as conn:
            rows = conn.execute(
                select(api_tokens, users.c.login)
                .join(users, users.c.id == api_tokens.c.created_by)
                .where(api_tokens.c.org == org.lower())
                .order_by(api_tokens.c.id)
            ).all()
    finally:
        ctx.close()
    found = [
        {
            "id": r.id,
            "name": r.name,
            "scope": r.scope,
            "created_by": r.login,
            "created_at": _iso(r.created_at),
            "last_used_at": _iso(r.last_used_at),
            "revoked_at": _iso(r.revoked_at),
        }
        for r in rows
    ]
    if as_json:
        typer.echo(json.dumps({"org": org.lower(), "tokens": found}, indent=2))
        return
    for t in found:
        state = f"revoked {t['revoked_at']}" if t["revoked_at"] else "active"
        typer.echo(
            f"{t['id']:>5}  {t['scope']:<5}  {state:<8}  last used {t['last_used_at'] or 'never'}"
            f"  by {t['created_by']}: {t['name']}"
        )


@token_app.command("revoke")
def revoke(
    token_id: int = typer.Argument(..., help="The token's id (from `netgain token list`)."),
    data_dir: Path | None = typer.Option(None, "--data-dir", help="As for serve."),
) -> None:
    """Revoke a token: it stops working at once."""
    from sqlalchemy import select

    from netgain.errors import UsageError
    from netgain.service import access
    from netgain.service.access_tables import api_tokens

    ctx = _engine(data_dir)
    try:
        with ctx.engine.connect() as conn:
            org = conn.execute(
                select(api_tokens.c.org).where(api_tokens.c.id == token_id)
            ).scalar_one_or_none()
        if org is None:
            raise UsageError(f"no token with id {token_id}")
        if access.revoke_token(ctx.engine, token_id):
            access.audit(ctx.engine, "cli", "token.revoke", org=org, target=f"token:{token_id}")
            typer.echo(f"token {token_id} revoked")
        else:
            typer.echo(f"token {token_id} was already revoked")
    finally:
        ctx.close()


def _iso(moment: object) -> str | None:
    from datetime import UTC, datetime

    if not isinstance(moment, datetime):
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()
