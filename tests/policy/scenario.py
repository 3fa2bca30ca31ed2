"""Real repositories for the review-gate tests: a small service with an auth zone and owners."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.gitrepo import GitRepo, built_once

ADA = ("Ada Lovelace", "ada@example.com")  # long-time maintainer, owner of src/auth
BOB = ("Bob Builder", "bob@example.com")  # the PR author
SAM = ("Sam Senior", "sam@example.com")
CLAUDE = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"

POLICY = """\
[people]
teams = { platform = ["ada", "bob", "carol"] }
roles = { senior = ["sam"] }
aliases = { ada = ["ada@example.com"], bob = ["bob@example.com"], sam = ["sam@example.com"], carol = ["carol@example.com"] }
"""

CODEOWNERS = """\
# owners
*            @carol
/src/auth/   @ada
"""

AUTH_CODE = '''\
"""Token helpers."""

import jwt

SECRET_ENV = "AUTH_SECRET"


def issue(user_id: int, secret: str) -> str:
    payload = {"sub": user_id}
    return jwt.encode(payload, secret, algorithm="HS256")


def verify(token: str, secret: str) -> int:
    data = jwt.decode(token, secret, algorithms=["HS256"])
    return int(data["sub"])


def refresh(token: str, secret: str) -> str:
    return issue(verify(token, secret), secret)
'''

ADR = """\
# ADR 1: token-based authentication

We sign short-lived tokens with HS256 and rotate the secret monthly.
Tokens carry only the user id.
"""

SQL_CODE = """\
import sqlite3


def find_user(conn: sqlite3.Connection, name: str) -> list:
    cur = conn.cursor()
    cur.execute("SELECT * FROM users WHERE name = '%s'" % name)
    return cur.fetchall()
"""


def base_repo(path: Path, *, policy: str = POLICY) -> GitRepo:
    """main with a policy, CODEOWNERS, an app and auth package written by humans.

    Built once per policy and test process, then copied (tests.gitrepo.built_once).
    """
    return built_once(_build_base_repo, path, policy)


def _build_base_repo(path: Path, policy: str) -> GitRepo:
    repo = GitRepo(path)
    repo.commit(
        {
            "netgain.toml": policy,
            ".github/CODEOWNERS": CODEOWNERS,
            "src/app.py": "def main() -> None:\n    print('hello')\n",
            "src/auth/__init__.py": '"""Auth."""\n',
        },
        "Initial layout",
        author=ADA,
    )
    repo.commit({"src/auth/__init__.py": '"""Auth package."""\n'}, "Document auth", author=ADA)
    repo.commit(
        {"src/app.py": "def main() -> None:\n    print('hello, world')\n"}, "Greet", author=BOB
    )
    repo.git("branch", "base")
    return repo


HUMAN_KEY = "h_0a1b2c3d4e5f60"


def human_note(path: str, lines: int) -> str:
    """A git-ai note attesting every line of `path` to a known human (line-level human evidence)."""
    meta = {
        "schema_version": "authorship/3.0.0",
        "base_commit_sha": "d" * 40,
        "prompts": {},
        "humans": {HUMAN_KEY: {"author": "Bob Builder <bob@example.com>"}},
    }
    return f"{path}\n  {HUMAN_KEY} 1-{lines}\n---\n{json.dumps(meta)}"


def ai_auth_change(repo: GitRepo, *, adr: str | None = None) -> None:
    """A mostly-AI change to src/auth on a feature branch.

    `adr`: None; "human" (a design document with git-ai human evidence); "unmarked" (one with no
    evidence at all); "ai" (one with a Claude trailer).
    """
    repo.branch("feature")
    if adr == "human":
        sha = repo.commit({"docs/adr/0001-tokens.md": ADR}, "ADR: tokens", author=BOB)
        repo.notes_add("refs/notes/ai", sha, human_note("docs/adr/0001-tokens.md", 4))
    elif adr == "unmarked":
        repo.commit({"docs/adr/0001-tokens.md": ADR}, "ADR: tokens", author=BOB)
    elif adr == "ai":
        repo.commit({"docs/adr/0001-tokens.md": ADR}, "ADR: tokens" + CLAUDE, author=BOB)
    repo.commit({"src/auth/tokens.py": AUTH_CODE}, "Add token helpers" + CLAUDE, author=BOB)


def pr_event(
    repo: GitRepo, body: str = "", *, author: str = "bob", number: int = 7
) -> dict[str, Any]:
    """A `pull_request` event payload in GitHub's shape, for base..feature of `repo`."""
    from tests.policy.payloads_util import pull_request_event

    return pull_request_event(
        base_sha=repo.git("rev-parse", "base"),
        head_sha=repo.git("rev-parse", "HEAD"),
        body=body,
        author=author,
        number=number,
    )
