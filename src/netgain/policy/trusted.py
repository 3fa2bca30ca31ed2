"""The gate's trust model: what decides a verdict is read from the base revision.

In CI the working tree is the head being judged. A change that could ship its own `netgain.toml`
(one rule, `if = "true"`), its own CODEOWNERS or a `[people]` table that makes its author a senior
would approve itself. As GitHub reads CODEOWNERS and policy-bot its policy from the target
branch, `netgain check` reads the policy, people, zones, design-document patterns, `[scan]`,
`[risk]` and `[provenance]` settings, and CODEOWNERS as committed at the base revision. A
`--policy FILE` inside the repository is read at the base too; a file outside it is read as it
is, for local experiments, and the decision says so.

A change that edits any of these files is a fact, `change.policy_files_changed`, which the
built-in `policy-change` rule turns into a required approval from the owners of those files.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from netgain import git
from netgain.config import CONFIG_FILES, RawConfig, inside, load_config, load_config_at
from netgain.git.model import FileDiff
from netgain.policy.codeowners import SEARCH_ORDER
from netgain.policy.globs import path_matches
from netgain.policy.schema import Policy, policy_from_config

WORKFLOW_GLOBS = (".github/workflows/*.yml", ".github/workflows/*.yaml", ".gitlab-ci.yml")
STATE_DIR = ".netgain/"  # committed baselines or caches: the gate's state, never the change's


@dataclass(slots=True)
class TrustedConfig:
    """The configuration that decides a verdict, and where it was read from."""

    raw: RawConfig
    policy: Policy
    read_from: str  # "base 1a2b3c4d5e6f" or "FILE outside the repository (not from base)"
    explicit: str | None = None  # repository-relative `--policy` path
    notices: list[str] = field(default_factory=list)


def load_trusted(root: Path, base: str, explicit: Path | None = None) -> TrustedConfig:
    """Read the configuration at `base` (a full commit id), or `explicit` outside the repository."""
    if explicit is not None:
        rel = inside(root, explicit if explicit.is_absolute() else Path.cwd() / explicit)
        if rel is None:
            raw = load_config(root, explicit)
            where = f"{explicit} outside the repository (not from base: a local experiment)"
            return TrustedConfig(raw, policy_from_config(raw), where)
        raw = load_config_at(root, base, rel)
        notices = []
        if raw.source is None:
            notices.append(
                f"--policy {rel} does not exist at base {base[:12]}: the built-in policy applies "
                "(a policy added by the change being judged takes effect once merged)"
            )
        return TrustedConfig(
            raw, policy_from_config(raw), f"base {base[:12]}", explicit=rel, notices=notices
        )
    raw = load_config_at(root, base)
    return TrustedConfig(raw, policy_from_config(raw), f"base {base[:12]}")


def _tool_netgain(root: Path, rev: str, path: str) -> object:
    try:
        blob = git.read_blob(root, rev, path)
    except git.GitProblemError:
        return ("missing", rev)  # unreadable at one side: counted as changed
    if blob is None:
        return None
    try:
        data = tomllib.loads(blob.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ("unreadable", blob)  # compared as a whole: any edit is a policy change
    tool = data.get("tool", {})
    return tool.get("netgain") if isinstance(tool, dict) else None


def _mentions_netgain(root: Path, rev: str, path: str) -> bool:
    try:
        blob = git.read_blob(root, rev, path)
    except git.GitProblemError:
        return True  # unreadable: assume the worst
    return blob is not None and b"netgain" in blob.lower()


def policy_files_changed(
    root: Path, base: str, head: str, diffs: list[FileDiff], trusted: TrustedConfig
) -> list[str]:
    """Changed files that decide the verdict: configuration, CODEOWNERS, workflows running netgain.

    `pyproject.toml` counts only when its `[tool.netgain]` table changed; a workflow only when it
    mentions netgain at the base or the head. `[gate] policy_files` adds the team's own globs.
    """
    policy = trusted.policy
    fixed = {"netgain.toml", *SEARCH_ORDER}
    if policy.people.codeowners:
        fixed.add(policy.people.codeowners)
    if trusted.explicit:
        fixed.add(trusted.explicit)
    found: set[str] = set()
    for diff in diffs:
        for path in {diff.path, diff.old_path or diff.path}:
            fixed_here = path in fixed or path.startswith(STATE_DIR)
            if fixed_here or path_matches(policy.gate.policy_files, path):
                found.add(path)
            elif path in CONFIG_FILES and path != trusted.explicit:
                if _tool_netgain(root, base, path) != _tool_netgain(root, head, path):
                    found.add(path)
            elif path_matches(WORKFLOW_GLOBS, path) and (
                _mentions_netgain(root, base, path) or _mentions_netgain(root, head, path)
            ):
                found.add(path)
    return sorted(found)
