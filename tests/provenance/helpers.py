"""Builders for provenance tests: hand-made Commit objects and small real git repositories."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from netgain.git.model import Commit, FileStat, Identity, LineRange, Trailer

HUMAN = Identity("Ada Human", "ada@example.com")
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def make_commit(
    message: str = "Change things",
    *,
    sha: str = "a" * 40,
    author: Identity = HUMAN,
    committer: Identity | None = None,
    trailers: list[tuple[str, str]] | None = None,
    files: list[FileStat] | None = None,
    parents: tuple[str, ...] = ("b" * 40,),
) -> Commit:
    """A Commit as the git engine would yield it; trailers are given as git would parse them."""
    return Commit(
        sha=sha,
        parents=parents,
        author=author,
        author_date=WHEN,
        committer=committer or author,
        committer_date=WHEN,
        message=message,
        files=files if files is not None else [FileStat("src/app.py", 10, 0)],
        trailers=[Trailer(k, v) for k, v in (trailers or [])],
    )


class GitRepo:
    """A throwaway repository driven by the real git CLI with fixed identities and dates."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.env = {
            **os.environ,
            "GIT_AUTHOR_NAME": HUMAN.name,
            "GIT_AUTHOR_EMAIL": HUMAN.email,
            "GIT_COMMITTER_NAME": HUMAN.name,
            "GIT_COMMITTER_EMAIL": HUMAN.email,
            "GIT_AUTHOR_DATE": "2026-01-02T03:04:05+00:00",
            "GIT_COMMITTER_DATE": "2026-01-02T03:04:05+00:00",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_SYSTEM": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(
            ["git", "-C", str(self.path), *args],
            env={**self.env, **(env or {})},
            capture_output=True,
            check=True,
        )
        return done.stdout.decode("utf-8")

    def write(self, name: str, text: str) -> None:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def commit(self, message: str, **env: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, env=env)
        return self.git("rev-parse", "HEAD").strip()

    def read_commit(self, sha: str) -> Commit:
        """A Commit whose trailers are exactly those `git` parses (`%(trailers:only,unfold)`)."""
        fmt = "%an%x00%ae%x00%cn%x00%ce%x00%P%x00%B%x00%(trailers:only,unfold)"
        an, ae, cn, ce, parents, body, trailer_block = self.git(
            "log", "-1", f"--format={fmt}", sha
        ).split("\x00")
        trailers = []
        for line in trailer_block.strip().splitlines():
            key, _, value = line.partition(":")
            trailers.append(Trailer(key.strip(), value.strip()))
        numstat = self.git("show", "--numstat", "--format=", sha).strip().splitlines()
        files = []
        for row in numstat:
            added, deleted, path = row.split("\t")
            files.append(
                FileStat(
                    path,
                    None if added == "-" else int(added),
                    None if deleted == "-" else int(deleted),
                )
            )
        return Commit(
            sha=sha,
            parents=tuple(parents.split()),
            author=Identity(an, ae),
            author_date=WHEN,
            committer=Identity(cn, ce),
            committer_date=WHEN,
            message=body.rstrip("\n"),
            files=files,
            trailers=trailers,
        )


def added_ranges(repo: GitRepo, sha: str) -> dict[str, list[LineRange]]:
    """Added line ranges per new path, read from `git show -U0` hunk headers."""
    result: dict[str, list[LineRange]] = {}
    path = ""
    for line in repo.git("show", "-U0", "--format=", "--no-renames", sha).splitlines():
        if line.startswith("+++ "):
            path = line[6:] if line.startswith("+++ b/") else ""
        elif line.startswith("@@") and path:
            new = line.split(" ")[2]  # +start[,count]
            start_text, _, count_text = new[1:].partition(",")
            count = int(count_text) if count_text else 1
            if count:
                start = int(start_text)
                result.setdefault(path, []).append(LineRange(start, start + count - 1))
    return result
