"""One bare mirror per repository in the service's cache directory, fetched with a token.

Only what a job needs is fetched: the base branch and `refs/pull/N/head`. The installation token
travels in an `http.extraHeader` given to that one git process through `GIT_CONFIG_COUNT` /
`GIT_CONFIG_KEY_0` / `GIT_CONFIG_VALUE_0`: like `git -c`, it exists only for that invocation, so it
never reaches the mirror's config file; unlike `-c` it is not in the process's argument list that
every local user can read in `ps`. Git's own output is scrubbed of it before any error is raised.
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
from pathlib import Path

from netgain.errors import NetgainError

_NAME = re.compile(r"^[A-Za-z0-9_.\-]+/[A-Za-z0-9_.\-]+$")
GIT_TIMEOUT = 900


class MirrorError(NetgainError):
    """A git operation on a mirror failed; the message never contains the token."""


def check_name(repository: str) -> None:
    """Refuse names that would leave the mirrors directory or the repository URL space."""
    if not _NAME.match(repository) or {".", ".."} & set(repository.split("/")):
        raise MirrorError(f"not a repository name: {repository!r}")


def mirror_path(mirrors: Path, repository: str) -> Path:
    check_name(repository)
    owner, name = repository.split("/")
    return mirrors / owner / f"{name}.git"


def _auth_env(token: str) -> dict[str, str]:
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode("ascii")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_CONFIG_")}
    env.update(
        {
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": "http.extraHeader",
            "GIT_CONFIG_VALUE_0": f"Authorization: Basic {basic}",
        }
    )
    return env


def scrub(text: str, token: str) -> str:
    """`text` with the token and its Basic-auth encoding replaced by `***`."""
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode("ascii")
    for secret in (basic, token):
        if secret:
            text = text.replace(secret, "***")
    return text


def _git(path: Path, args: list[str], token: str | None = None) -> str:
    env = _auth_env(token) if token is not None else None
    try:
        proc = subprocess.run(
            ["git", "-c", "credential.helper=", *args],
            cwd=path,
            env=env,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise MirrorError(f"git {args[0]} in {path} timed out") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip()
        raise MirrorError(f"git {args[0]} in {path} failed: {scrub(message, token or '')[-2000:]}")
    return proc.stdout.decode("utf-8", "replace")


def ensure_mirror(mirrors: Path, repository: str) -> Path:
    """The bare repository for `repository`, created empty on first use."""
    path = mirror_path(mirrors, repository)
    if not (path / "HEAD").is_file():
        path.mkdir(parents=True, exist_ok=True)
        _git(path, ["init", "--bare", "--quiet", "."])
    return path


def fetch(
    mirrors: Path,
    repository: str,
    *,
    web_url: str,
    token: str,
    refs: list[str],
    want: list[str] = (),  # type: ignore[assignment]
) -> Path:
    """Fetch `refs` (e.g. `refs/heads/main`, `refs/pull/7/head`) into the mirror under the same
    names; then each commit of `want` missing afterwards is fetched by id."""
    path = ensure_mirror(mirrors, repository)
    url = f"{web_url.rstrip('/')}/{repository}.git"
    for ref in refs:
        if not ref.startswith("refs/") or ".." in ref or ref.startswith("-"):
            raise MirrorError(f"refusing ref name {ref!r}")
    specs = [f"+{ref}:{ref}" for ref in refs]
    if specs:
        _git(path, ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", url, *specs], token)
    missing = [sha for sha in want if not has_commit(path, sha)]
    if missing:
        _git(path, ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", url, *missing], token)
    return path


def has_commit(path: Path, sha: str) -> bool:
    if not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", sha):
        return False
    proc = subprocess.run(
        ["git", "cat-file", "-e", f"{sha}^{{commit}}"], cwd=path, capture_output=True, check=False
    )
    return proc.returncode == 0
