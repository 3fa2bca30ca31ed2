"""Pathspecs that name exactly the given files.

A plain (or `--literal-pathspecs`) pathspec also matches everything below a folder of that
name, so a changed path that is a file on one side of a diff and a folder on the other pulls in
every file under the folder. When some of those have absent blobs, git dies reading them, and
the fallback that was meant to skip them fails the same way (pypa/pipenv: `tests/pypi` turned
from a folder of test wheels, some absent from the clone, into a submodule).
"""

from __future__ import annotations

from collections.abc import Iterable


def exact_pathspecs(paths: Iterable[str], excluded: Iterable[str] = ()) -> list[str]:
    """`paths` as literal pathspecs, minus `excluded` (literal too): give them to git without
    `--literal-pathspecs`, which would switch the magic off."""
    return [f":(literal){p}" for p in paths] + [f":(exclude,literal){p}" for p in excluded]
