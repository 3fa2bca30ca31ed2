"""A seeded service store for the API and view tests: real git repositories ingested from
mirrors under `<data_dir>/mirrors/<owner>/<name>.git` (so the catalog names them), gate decisions
as the service stores them, incidents, and users of two organisations."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from netgain.service import access
from netgain.service.settings import ServiceSettings
from netgain.service.tables import create_tables
from netgain.service.tables import decisions as decisions_table
from netgain.store.outcome_models import Incident, IncidentLink
from tests.gitrepo import GitRepo, git_env

CLAUDE = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"
ADA = ("Ada Lovelace", "ada@example.com")
BOB = ("Bob Builder", "bob@example.com")
EVE = ("Eve Other", "eve@other.example")
SECRET_NAME = "other/secret-plans"


@dataclass
class Seeded:
    settings: ServiceSettings
    engine: Engine
    heads: dict[str, str]  # repository -> head sha
    alice_token: str  # acme member, every repository
    carol_token: str  # acme member, acme/web only
    eve_token: str  # member of `other` only
    dana_token: str  # admin of acme
    revoked_token: str
    alice_id: int


def _web(path: Path) -> GitRepo:
    """acme/web: a human base, a merged AI pull request (#1), a fix, and a feature commit."""
    repo = GitRepo(path)
    repo.commit({"app.py": "def main():\n    return 1\n"}, "feat: initial app", author=ADA)
    repo.branch("feature")
    repo.checkout("feature")
    repo.commit(
        {"auth.py": "def login(user):\n    token = user + '1'\n    return token\n"},
        "feat: add login" + CLAUDE,
        author=BOB,
    )
    repo.checkout("main")
    repo.merge("feature", "Merge pull request #1 from acme/feature\n\nfeat: login")
    repo.commit({"auth.py": "def login(user):\n    return user\n"}, "fix: login token", author=ADA)
    repo.commit({"docs.md": "# Docs\n\nHow to.\n"}, "feat: docs" + CLAUDE, author=BOB)
    return repo


def _api(path: Path) -> GitRepo:
    repo = GitRepo(path)
    repo.commit({"api.py": "ROUTES = []\n"}, "feat: api", author=BOB)
    repo.commit({"api.py": "ROUTES = ['/']\n" * 3}, "feat: routes" + CLAUDE, author=BOB)
    return repo


def _secret(path: Path) -> GitRepo:
    repo = GitRepo(path)
    repo.commit({"plan.txt": "top secret\n"}, "feat: secret plan" + CLAUDE, author=EVE)
    return repo


def _ingest(work: GitRepo, mirrors: Path, full_name: str, store_url: str) -> str:
    owner, name = full_name.split("/")
    mirror = mirrors / owner / f"{name}.git"
    mirror.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["git", "clone", "-q", "--bare", str(work.path), str(mirror)],
        check=True,
        env=git_env(),
        capture_output=True,
    )
    return ingest_mirror(work, mirror, store_url)


def ingest_mirror(work: GitRepo, mirror: Path, store_url: str) -> str:
    """Ingest the mirror as the service's ingest job does (after fetching `work`'s main)."""
    from netgain.cli.history import open_workspace, run_ingest
    from netgain.incidents.settings import IncidentSettings
    from netgain.metrics.derive import recover_from_git

    subprocess.run(
        ["git", "-C", str(mirror), "fetch", "-q", str(work.path), "+main:main"],
        check=True,
        env=git_env(),
        capture_output=True,
    )
    ws = open_workspace(mirror, store_url)
    try:
        report = run_ingest(ws, ["refs/heads/main"], quiet=True)
        head = work.head()
        recover_from_git(ws.engine, report.repository_id, head, IncidentSettings())
    finally:
        ws.engine.dispose()
    return head


def check_document(head: str, number: int, verdict: str, ai_share: float) -> dict[str, Any]:
    """A gate decision document in `netgain check --json`'s shape (docs/policy.md)."""
    blocked = verdict != "approved"
    return {
        "schema_version": 1,
        "verdict": verdict,
        "exit_code": 1 if blocked else 0,
        "base": "0" * 40,
        "head": head,
        "pull_request": number,
        "author": "bob",
        "provenance": {
            "ai_lines": 3,
            "human_lines": 0,
            "unknown_lines": 0,
            "ai_share": ai_share,
            "measured_ai_share": ai_share,
            "evidence": {"line": 0, "commit": 3, "declared_human": 0, "none": 0},
        },
        "findings": [
            {
                "rule_id": "hardcoded-secret",
                "severity": "medium",
                "confidence": "low",
                "cwe": [798],
                "message": "token built from a constant",
                "path": "auth.py",
                "line": 2,
                "trace": [{"path": "auth.py", "line": 2, "message": "[sink] token"}],
            }
        ]
        if blocked
        else [],
        "rules": [
            {
                "name": "tiered-review",
                "status": "pending" if blocked else "approved",
                "reason": "AI-written auth code needs a senior",
                "tier": "senior",
                "condition": "change.ai_share > 0.5",
                "requirements": [
                    {
                        "kind": "approvals",
                        "satisfied": not blocked,
                        "detail": "missing 1 approval(s) from role senior" if blocked else "ok",
                        "count": 1,
                        "eligible_from": ["role senior"],
                    }
                ],
            }
        ],
        "tiers": ["senior tier required by rule tiered-review (condition holds)"],
        "reviewers": [{"rule": "tiered-review", "tier": "senior", "needed": 1, "suggested": []}],
        "facts": {"risk": 0.4, "risk_tier": "medium"},
    }


def seed(data_dir: Path, settings: ServiceSettings) -> Seeded:
    from netgain.store.engine import open_store

    work = data_dir.parent / "work"
    store_url = settings.store_url
    mirrors = settings.mirrors
    heads = {
        "acme/web": _ingest(_web(work / "web"), mirrors, "acme/web", store_url),
        "acme/api": _ingest(_api(work / "api"), mirrors, "acme/api", store_url),
        SECRET_NAME: _ingest(_secret(work / "secret"), mirrors, SECRET_NAME, store_url),
    }
    engine = open_store(store_url)
    create_tables(engine)
    at = datetime(2024, 1, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        for repository, number, verdict, share in (
            ("acme/web", 1, "blocked", 1.0),
            ("acme/web", 1, "approved", 1.0),
            ("acme/web", 2, "pending", 0.0),
            (SECRET_NAME, 1, "blocked", 1.0),
        ):
            conn.execute(
                decisions_table.insert().values(
                    repository=repository,
                    number=number,
                    head_sha=heads[repository],
                    verdict=verdict,
                    conclusion="success" if verdict == "approved" else "failure",
                    check_run_id=1,
                    document=check_document(heads[repository], number, verdict, share),
                    created_at=at,
                )
            )
    _incident(engine, "acme/web", mirrors, heads["acme/web"])
    alice = access.upsert_user(
        engine, provider="github", subject="1", login="alice", emails=["bob@example.com"]
    )
    access.replace_grants(engine, alice, {"acme": access.Grant("member", None)})
    carol = access.upsert_user(engine, provider="github", subject="3", login="carol")
    access.replace_grants(engine, carol, {"acme": access.Grant("member", frozenset({"acme/web"}))})
    eve = access.upsert_user(engine, provider="github", subject="2", login="eve")
    access.replace_grants(engine, eve, {"other": access.Grant("admin", None)})
    dana = access.upsert_user(engine, provider="github", subject="4", login="dana")
    access.replace_grants(engine, dana, {"acme": access.Grant("admin", None)})
    revoked = access.issue_token(engine, user_id=alice, org="acme", scope="read", name="old")
    from sqlalchemy import select

    from netgain.service.access_tables import api_tokens

    with engine.connect() as conn:
        revoked_id = conn.execute(select(api_tokens.c.id)).scalar_one()
    access.revoke_token(engine, revoked_id)
    return Seeded(
        settings=settings,
        engine=engine,
        heads=heads,
        alice_token=access.issue_token(engine, user_id=alice, org="acme", scope="read", name="t"),
        carol_token=access.issue_token(engine, user_id=carol, org="acme", scope="read", name="t"),
        eve_token=access.issue_token(engine, user_id=eve, org="other", scope="read", name="t"),
        dana_token=access.issue_token(engine, user_id=dana, org="acme", scope="admin", name="t"),
        revoked_token=revoked,
        alice_id=alice,
    )


def _incident(engine: Engine, full_name: str, mirrors: Path, cause: str) -> None:
    from sqlalchemy.orm import Session

    from netgain.service.catalog import catalog

    repository_id = next(
        e.repository_id for e in catalog(engine, mirrors) if e.full_name == full_name
    )
    now = datetime(2024, 1, 2, tzinfo=UTC)
    with Session(engine) as session, session.begin():
        incident = Incident(
            repository_id=repository_id,
            source="pagerduty",
            external_id="PD-1",
            title="login outage",
            severity="high",
            started_at=now,
            resolved_at=datetime(2024, 1, 2, 3, tzinfo=UTC),
            imported_at=now,
            updated_at=now,
        )
        session.add(incident)
        session.flush()
        session.add(
            IncidentLink(
                incident_id=incident.id,
                repository_id=repository_id,
                commit_sha=cause,
                role="cause",
                evidence="explicit-caused-by",
                rank=1,
                created_at=now,
            )
        )


def api_app(world: Seeded) -> Any:
    """The service's FastAPI app over the seeded store (no queue thread, no GitHub)."""
    from netgain.service.app import create_app
    from netgain.service.context import ServiceContext
    from netgain.service.queue import EmbeddedQueue

    ctx = ServiceContext(world.settings, world.engine)
    return create_app(ctx, EmbeddedQueue(world.engine, lambda task, args: ""))
