"""The access model: tokens never see more than their creator, revoked tokens and expired
sessions resolve to no one, grants are replaced (not merged) at each sign-in."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update

from netgain.service import access
from netgain.service.access_tables import api_tokens, audit_log, sessions
from netgain.service.catalog import name_of
from netgain.service.tables import create_tables
from netgain.store.engine import open_store


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    create_tables(engine)
    return engine


def _alice(engine: Engine) -> int:
    user = access.upsert_user(
        engine, provider="github", subject="1", login="alice", emails=["Alice@Example.com"]
    )
    access.replace_grants(
        engine,
        user,
        {
            "acme": access.Grant("member", frozenset({"acme/web"})),
            "other": access.Grant("admin", None),
        },
    )
    return user


def test_session_sees_its_grants_and_rotates(engine: Engine) -> None:
    user = _alice(engine)
    cookie, csrf = access.open_session(engine, user)
    second, _ = access.open_session(engine, user)
    assert cookie != second
    who = access.principal_from_session(engine, cookie)
    assert who is not None and who.csrf_secret == csrf
    assert who.can_read("acme/web") and not who.can_read("acme/payments")
    assert who.can_read("other/anything") and who.is_admin("other") and not who.is_admin("acme")
    assert who.is_self("alice@example.com") and not who.is_self("bob@example.com")
    assert access.principal_from_session(engine, "forged") is None
    access.close_session(engine, cookie)
    assert access.principal_from_session(engine, cookie) is None


def test_expired_session_is_no_one(engine: Engine) -> None:
    cookie, _ = access.open_session(engine, _alice(engine))
    with engine.begin() as conn:
        conn.execute(update(sessions).values(expires_at=access.now() - timedelta(seconds=1)))
    assert access.principal_from_session(engine, cookie) is None


def test_token_is_one_org_capped_by_creator_and_revocable(engine: Engine) -> None:
    user = _alice(engine)
    token = access.issue_token(engine, user_id=user, org="acme", scope="admin", name="ci")
    with engine.connect() as conn:
        stored = conn.execute(select(api_tokens.c.token_hash, api_tokens.c.id)).one()
    assert token not in stored.token_hash  # only the hash is kept
    who = access.principal_from_token(engine, token)
    assert who is not None and who.orgs() == ["acme"]
    # admin scope, but the creator is only a member of acme: the token is a member too
    assert not who.is_admin("acme") and who.can_read("acme/web") and not who.can_read("acme/x")
    assert who.actor == f"token:{stored.id}"
    # the creator loses acme: the token loses it with them
    access.replace_grants(engine, user, {"other": access.Grant("admin", None)})
    lost = access.principal_from_token(engine, token)
    assert lost is not None and lost.orgs() == []
    assert access.revoke_token(engine, stored.id)
    assert access.principal_from_token(engine, token) is None
    assert not access.revoke_token(engine, stored.id)  # already revoked


def test_audit_log_appends(engine: Engine) -> None:
    access.audit(engine, "user:alice", "token.create", org="ACME", target="ci")
    with engine.connect() as conn:
        row = conn.execute(select(audit_log)).one()
    assert (row.org, row.action, row.target) == ("acme", "token.create", "ci")


def test_catalog_names_only_mirrors(tmp_path: Path) -> None:
    mirrors = tmp_path / "mirrors"
    assert name_of(mirrors, str(mirrors.resolve() / "acme" / "web.git")) == "acme/web"
    assert name_of(mirrors, str(tmp_path / "elsewhere" / "web.git")) is None
    assert name_of(mirrors, str(mirrors.resolve() / "acme" / "web")) is None


def test_org_config_teams_and_errors(tmp_path: Path) -> None:
    from netgain.errors import UsageError
    from netgain.service.org_config import load_org_config

    good = tmp_path / "org.toml"
    good.write_text(
        '[orgs.Acme.teams]\npayments = ["alice", "Bob@acme.example"]\n'
        '[[orgs.Acme.incident_routes]]\nservice = "pay"\nrepository = "acme/mono"\n'
        'path = "services/pay/"\n',
        encoding="utf-8",
    )
    config = load_org_config(good)
    acme = config.for_org("acme")
    assert acme.teams_of({"bob@acme.example"}) == ["payments"]
    assert acme.privacy.min_group == 5 and acme.incident_routes[0].path == "services/pay/"
    assert config.for_org("unknown").teams == {}
    bad = tmp_path / "bad.toml"
    bad.write_text("[orgs.acme.privacy]\nmin_group = 0\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"bad\.toml: orgs\.acme\.privacy\.min_group"):
        load_org_config(bad)
