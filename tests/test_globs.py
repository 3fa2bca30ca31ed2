"""Gitignore globs agree with git itself, including the `dir/**/` case pathspec gets wrong."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from netgain.globs import matches
from tests.gitrepo import git_env

CASES = [
    ("src/**/", ["src/y", "src/x/y", "src/src", "src/a/b/c", "lib/src/x/y"]),
    ("docs/", ["docs/a.md", "x/docs/a.md", "docs"]),
    ("*.py", ["a.py", "pkg/b.py", "a.pyc"]),
    ("/build", ["build/x", "sub/build/x"]),
    ("a/**/b", ["a/b", "a/x/b", "a/x/y/b", "b"]),
]


@pytest.mark.parametrize(("pattern", "paths"), CASES)
def test_matches_agree_with_git_check_ignore(
    tmp_path: Path, pattern: str, paths: list[str]
) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, env=git_env())
    (tmp_path / ".gitignore").write_text(pattern + "\n", encoding="utf-8")
    proc = subprocess.run(
        ["git", "-C", str(tmp_path), "check-ignore", "--no-index", "--stdin"],
        input="\n".join(paths) + "\n",
        capture_output=True,
        text=True,
        env=git_env(),
        check=False,
    )
    ignored = set(proc.stdout.split())
    assert {p for p in paths if matches([pattern], p)} == ignored
