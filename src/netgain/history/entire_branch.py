"""Reading Entire's checkpoint branch (`entire/checkpoints/v1`) in bulk.

The branch is local once `entire` ran in the clone, or a remote-tracking branch after
`git fetch origin entire/checkpoints/v1` (CI clones fetch only the default branch: fetch it
explicitly). Local and remote copies are both read; the local one wins for a checkpoint both
hold. Session metadata files are read through one `cat-file --batch`; a file that is not the
documented JSON is a problem naming the ref and path, and the rest is used.
"""

from __future__ import annotations

import re
from pathlib import Path

from netgain import git
from netgain.git.model import GitProblem
from netgain.git.objects import CatFileBatch
from netgain.provenance.entire import (
    CHECKPOINT_BRANCH,
    CheckpointCounts,
    SessionCounts,
    parse_session_metadata,
)

_SESSION_METADATA = re.compile(r"([0-9a-f]{2})/([0-9a-f]{10})/(\d+)/metadata\.json")


def checkpoint_refs(repo: Path) -> list[str]:
    """The refs holding the checkpoint branch: the local branch first, then remote copies."""
    local = f"refs/heads/{CHECKPOINT_BRANCH}"
    refs = [local] if git.rev_parse(repo, local) else []
    remotes = git.list_refs(repo, "refs/remotes/")
    refs += sorted(r for r in remotes if r.endswith(f"/{CHECKPOINT_BRANCH}"))
    return refs


def _session_paths(repo: Path, ref: str) -> dict[str, list[tuple[int, str]]]:
    """checkpoint id -> (session index, path) of its session metadata files at `ref`."""
    listing = git.run_git(repo, "ls-tree", "-r", "-z", "--name-only", ref)
    found: dict[str, list[tuple[int, str]]] = {}
    for raw in listing.split(b"\0"):
        path = raw.decode("utf-8", "surrogateescape")
        match = _SESSION_METADATA.fullmatch(path)
        if match:
            found.setdefault(match.group(1) + match.group(2), []).append(
                (int(match.group(3)), path)
            )
    return found


def read_checkpoints(repo: Path) -> tuple[dict[str, CheckpointCounts], list[GitProblem]]:
    """Every checkpoint with at least one session attribution, keyed by checkpoint id."""
    checkpoints: dict[str, CheckpointCounts] = {}
    problems: list[GitProblem] = []
    for ref in checkpoint_refs(repo):
        wanted = {
            cid: sorted(paths)
            for cid, paths in _session_paths(repo, ref).items()
            if cid not in checkpoints
        }
        names = [f"{ref}:{path}" for paths in wanted.values() for _index, path in paths]
        blobs: dict[str, bytes] = {}
        with CatFileBatch(repo) as batch:
            for name, obj in batch.read_many(names):
                if obj is not None:
                    blobs[name] = obj.data
            problems.extend(batch.problems)
        for cid, paths in wanted.items():
            sessions: list[SessionCounts] = []
            for _index, path in paths:
                name = f"{ref}:{path}"
                if name not in blobs:
                    continue
                try:
                    session = parse_session_metadata(blobs[name])
                except ValueError as exc:
                    problems.append(GitProblem("bad-checkpoint", f"{name}: {exc}", path=path))
                    continue
                if session is not None and session not in sessions:
                    sessions.append(session)  # identical copies in several slots count once
            if sessions:
                source = f"{ref.removeprefix('refs/heads/')}:{cid[:2]}/{cid[2:]}"
                checkpoints[cid] = CheckpointCounts(cid, tuple(sessions), source)
    return checkpoints, problems
