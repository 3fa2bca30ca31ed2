"""API families of a commit: the top-level modules its added Python lines import.

One `git diff-tree --stdin -p -U0` over the commits (Python files only, no context lines), read a
batch at a time, and one regular expression over each commit's patch text: no per-line Python
loop, no parse of the files. What it misses, on purpose: imports inside strings or multi-line
`from x import (...)` continuation lines (the `from x` line itself is seen), and non-Python files.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from netgain.errors import GitError
from netgain.git import run_git

_BATCH = 1000
_HEADER = re.compile(rb"^([0-9a-f]{40}|[0-9a-f]{64})$", re.M)
_IMPORT = re.compile(
    rb"^\+[ \t]*(?:from[ \t]+([A-Za-z_]\w*)[\w.]*[ \t]+import\b"
    rb"|import[ \t]+([A-Za-z_][\w.]*(?:[ \t]+as[ \t]+\w+)?"
    rb"(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*(?:[ \t]+as[ \t]+\w+)?)*))",
    re.M,
)
_NAME = re.compile(rb"(?:^|,)[ \t]*([A-Za-z_]\w*)")


def families(patch: bytes) -> tuple[str, ...]:
    """Sorted top-level modules imported by the added lines of a `-U0` patch."""
    found: set[str] = set()
    for m in _IMPORT.finditer(patch):
        if m.group(1):
            found.add(m.group(1).decode("ascii", "replace"))
        else:
            for name in _NAME.finditer(m.group(2)):
                found.add(name.group(1).decode("ascii", "replace"))
    return tuple(sorted(found))


def _split(out: bytes, wanted: set[bytes]) -> Iterator[tuple[str, bytes]]:
    starts = [m for m in _HEADER.finditer(out) if m.group(1) in wanted]
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(out)
        yield m.group(1).decode("ascii"), out[m.end() : end]


def _batch(repo: Path, batch: list[str]) -> dict[str, tuple[str, ...] | None]:
    try:
        text = run_git(
            repo,
            "diff-tree",
            "--stdin",
            "-r",
            "--root",
            "-p",
            "-U0",
            "--no-renames",
            "--no-ext-diff",
            "--no-textconv",
            "--no-color",
            "--",
            "*.py",
            input="".join(f"{sha}\n" for sha in batch).encode("ascii"),
        )
    except GitError:
        return dict.fromkeys(batch)
    got = dict(_split(text, {sha.encode("ascii") for sha in batch}))
    return {sha: families(got[sha]) if sha in got else () for sha in batch}


def commit_families(repo: Path, shas: Sequence[str]) -> dict[str, tuple[str, ...] | None]:
    """API families of each commit (against its first parent); None when git could not say.

    A commit without a Python change gets `()`. A batch git cannot read (a commit missing from
    the repository, a partial clone without the blobs) gives None for its commits, so the feature
    is reported unknown rather than "no imports". Batches run in parallel git processes, one per
    core: the diffs are git's work, and the ingest that calls this has finished its own.
    """
    batches = [list(shas[i : i + _BATCH]) for i in range(0, len(shas), _BATCH)]
    out: dict[str, tuple[str, ...] | None] = {}
    if len(batches) <= 1:
        for batch in batches:
            out.update(_batch(repo, batch))
        return out
    workers = max(1, min(len(batches), os.cpu_count() or 1))
    with ThreadPoolExecutor(workers) as pool:
        for part in pool.map(lambda b: _batch(repo, b), batches):
            out.update(part)
    return out
