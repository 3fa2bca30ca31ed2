"""Cursor's AI code tracking as evidence inside `netgain check`.

The export (or `--fetch-cursor`) gives exact per-commit counts; they replace the commit-level
reading of the change's commits that have no line-level evidence, and `share` apportions them
over the surviving lines. The gate is a security boundary: a file the change itself adds or
modifies could claim that its own lines are human, so such a file is refused (a problem), and
the change is judged without it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from netgain import git
from netgain.errors import UsageError
from netgain.history.queries import CommitProvenance

Loader = Callable[[list[str]], dict[str, CommitProvenance]]


def _changed_by(root: Path, base: str, head: str, path: Path) -> bool:
    """True when `path` lies in the repository and the change touches it."""
    try:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return False
    out = git.run_git(root, "diff", "--name-only", "-z", "--no-renames", base, head)
    return relative in {git.decode_path(p) for p in out.split(b"\0") if p}


def cursor_loader(
    root: Path,
    base: str,
    head: str,
    files: Sequence[Path],
    fetch: bool,
    loader: Loader,
) -> tuple[Loader, dict[str, Any], list[str]]:
    """A provenance loader that applies Cursor's counts, the import summary, and problems."""
    from netgain.metrics.tool_telemetry import (
        cursor_provenance,
        fetch_cursor_commits,
        read_cursor_commits,
    )

    problems: list[str] = []
    usable: list[Path] = []
    for path in files:
        if _changed_by(root, base, head, path):
            problems.append(
                f"--cursor-commits {path}: the change under review modifies this file; "
                "ignored (evidence must not come from the change it judges)"
            )
        else:
            usable.append(path)
    if fetch:
        key = os.environ.get("CURSOR_API_KEY", "").strip()
        if not key:
            raise UsageError("--fetch-cursor needs CURSOR_API_KEY (a Cursor Admin API key)")
        target = root / ".netgain" / "cursor-ai-commits.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        usable.append(fetch_cursor_commits(key, target, start="90d"))
    records, notes = read_cursor_commits(usable)
    problems.extend(notes)
    summary: dict[str, Any] = {"records": len(records)}

    def load(shas: list[str]) -> dict[str, CommitProvenance]:
        applied, found = cursor_provenance(loader(shas), records)
        summary.update(found)
        return applied

    return load, summary, problems
