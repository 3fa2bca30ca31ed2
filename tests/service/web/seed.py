"""Two organisations in one service store, each with an ingested repository, a gate decision,
people, a team and API tokens, named with strings distinctive enough that finding one in a
response body can only mean that organisation's data leaked."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from netgain.service import access
from netgain.service.context import ServiceContext
from netgain.service.tables import decisions
from tests.gitrepo import GitRepo


@dataclass(frozen=True)
class Org:
    name: str
    repo: str  # the repository's name (without owner)
    login: str  # an admin of the organisation
    email: str
    author: str  # the name on its commits
    token_name: str
    team: str
    number: int = 7

    @property
    def full_name(self) -> str:
        return f"{self.name}/{self.repo}"

    @property
    def secrets(self) -> list[str]:
        """What must never appear in an answer to someone outside this organisation."""
        return [self.name, self.repo, self.login, self.email, self.author, self.token_name]


ALPHA = Org(
    "alpha-org",
    "public-site",
    "amy-alpha",
    "amy@alpha.example",
    "Amy Alpha",
    "alpha-ci",
    "alpha-team",
)
VICTIM = Org(
    "zeta-victim-org",
    "vault-repo-xq7",
    "victor-zq",
    "victor@zeta-victim.example",
    "Victor Zqsecret",
    "victim-token-qq",
    "zeta-vault-team",
)
ABSENT = Org(
    "nowhere-org-kk",
    "no-repo-kk",
    "nobody-kk",
    "nobody@kk.example",
    "Nobody Kk",
    "no-token-kk",
    "no-team-kk",
)


def org_config() -> str:
    """Each organisation's team: its admin, its commit author's email and four teammates (the
    privacy minimum is five people), and a group mapping."""
    parts = []
    for org in (ALPHA, VICTIM):
        members = [org.login, org.email, *(f"{org.login}-mate{i}" for i in range(4))]
        listed = ", ".join(f'"{m}"' for m in members)
        parts.append(f'[orgs.{org.name}.teams]\n"{org.team}" = [{listed}]\n')
    return "\n".join(parts)


# A second repository of the victim organisation, the only one its restricted member may read.
OPEN_REPO = Org(
    VICTIM.name,
    "open-repo-pl3",
    "mona-member",
    "mona@zeta-victim.example",
    "Olive Openly",
    "mona-token",
    "open-team",
)


@dataclass
class Seeded:
    head: dict[str, str]  # org name -> head commit of its repository
    admin_ids: dict[str, int]
    revoked_token: str  # a token of the victim's admin, revoked
    token_ids: dict[str, int]
    restricted_member: int  # a member of the victim organisation who reads OPEN_REPO only


def _ingest(ctx: ServiceContext, work: Path, org: Org) -> str:
    from netgain.cli.history import open_workspace, run_ingest

    repo = GitRepo(work / org.name)
    author = (org.author, org.email)
    repo.commit({"README.md": f"# {org.repo}\n"}, f"start {org.repo}", author=author)
    head = repo.commit({"src/app.py": "def main():\n    return 1\n"}, "add app", author=author)
    mirror = ctx.settings.mirrors / org.name / f"{org.repo}.git"
    mirror.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["git", "clone", "-q", "--bare", str(repo.path), str(mirror)],
        check=True,
        capture_output=True,
    )
    ws = open_workspace(mirror, ctx.settings.store_url)
    try:
        run_ingest(ws, ["refs/heads/main"], quiet=True)
    finally:
        ws.engine.dispose()
    return head


def seed(ctx: ServiceContext, work: Path) -> Seeded:
    engine = ctx.engine
    head: dict[str, str] = {}
    admin_ids: dict[str, int] = {}
    token_ids: dict[str, int] = {}
    revoked = ""
    for org in (ALPHA, VICTIM):
        head[org.name] = _ingest(ctx, work, org)
        with engine.begin() as conn:
            conn.execute(
                decisions.insert().values(
                    repository=org.full_name,
                    number=org.number,
                    head_sha=head[org.name],
                    verdict="needs_senior",
                    conclusion="action_required",
                    document={
                        "verdict": "needs_senior",
                        "repository": org.full_name,
                        "reasons": [f"{org.author} changed src/app.py"],
                    },
                )
            )
        user = access.upsert_user(
            engine,
            provider="github",
            subject=f"gh-{org.login}",
            login=org.login,
            name=org.author,
            emails=[org.email],
        )
        access.replace_grants(
            engine, user, {org.name: access.Grant("admin", None, frozenset({org.team}))}
        )
        admin_ids[org.name] = user
        access.issue_token(engine, user_id=user, org=org.name, scope="admin", name=org.token_name)
        access.audit(engine, f"user:{org.login}", "settings.change", org=org.name, target=org.repo)
    revoked = access.issue_token(
        engine, user_id=admin_ids[VICTIM.name], org=VICTIM.name, scope="admin", name="revoked-qq"
    )
    _ingest(ctx, work / "open", OPEN_REPO)
    member = access.upsert_user(
        engine,
        provider="github",
        subject="gh-mona",
        login=OPEN_REPO.login,
        emails=[OPEN_REPO.email],
    )
    access.replace_grants(
        engine, member, {VICTIM.name: access.Grant("member", frozenset({OPEN_REPO.full_name}))}
    )
    victim_token = access.principal_from_token(engine, revoked)
    assert victim_token is not None and victim_token.token_id is not None
    access.revoke_token(engine, victim_token.token_id)
    token_ids[VICTIM.name] = victim_token.token_id
    return Seeded(head, admin_ids, revoked, token_ids, member)
