"""A commit-graph with changed-path Bloom filters, kept by netgain beside the repository's objects.

`git blame` spends most of its time walking history looking for the commits that touched one
path; a commit-graph with changed-path Bloom filters lets it skip the others without opening
them (measured: blame about twice as fast on a 10,000-commit history). Most repositories have no
such graph (`git gc` writes one without the filters), and netgain never rewrites the user's
object store: the graph lives in its own object directory under the git directory
(`.git/netgain-cache/objects`, which holds no objects) and git is pointed at it through
`GIT_ALTERNATE_OBJECT_DIRECTORIES` for netgain's own blame calls only. The graph is an
accelerator: commits made after it was written are read the normal way, so a stale graph is never
wrong, and it is rewritten when the refs move. Set NETGAIN_NO_GIT_CACHE=1 to turn it off.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

from netgain.errors import GitError
from netgain.git import git_dir, git_env, is_shallow, run_git
from netgain.git.runner import git_command

DISABLE_ENV = "NETGAIN_NO_GIT_CACHE"


def alternate_env(objects: Path) -> dict[str, str]:
    """git's environment with `objects` added to the alternate object directories."""
    env = git_env()
    existing = env.get("GIT_ALTERNATE_OBJECT_DIRECTORIES")
    env["GIT_ALTERNATE_OBJECT_DIRECTORIES"] = (
        f"{objects}{os.pathsep}{existing}" if existing else str(objects)
    )
    return env


def commit_graph_dir(repo: Path) -> Path | None:
    """The object directory holding an up-to-date commit-graph for `repo`, written if needed.

    Returns None (and blame simply runs without it) when turned off, for shallow clones (git
    ignores commit-graphs there), or when the graph cannot be written (read-only repository).
    """
    if os.environ.get(DISABLE_ENV):
        return None
    try:
        if is_shallow(repo):
            return None
        objects = git_dir(repo) / "netgain-cache" / "objects"
        state = run_git(repo, "for-each-ref", "--format=%(objectname) %(refname)")
        state += run_git(repo, "rev-parse", "--verify", "--quiet", "HEAD", ok_codes=(0, 1))
        key = hashlib.sha256(state).hexdigest()
        stamp = objects.parent / "refs-state"
        graph = objects / "info" / "commit-graph"
        if graph.is_file() and stamp.is_file() and stamp.read_text().strip() == key:
            return objects
        (objects / "info").mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(
            git_command(
                repo,
                "commit-graph",
                "write",
                "--object-dir",
                str(objects),
                "--reachable",
                "--changed-paths",
            ),
            env=alternate_env(objects),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
        if proc.returncode != 0 or not graph.is_file():
            return None
        stamp.write_text(key + "\n")
        return objects
    except (OSError, GitError):
        return None
