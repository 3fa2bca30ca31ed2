"""`--diff BASE`: keep the findings that touch lines added or changed since BASE.

The whole program is still analysed (a flow from an old source into a new sink is found); only the
report is narrowed. "Changed since BASE" is what a reviewer sees: committed changes, uncommitted
working-tree changes, and untracked files (wholly added), all from `git diff -U0 -M BASE`.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from netgain.analysis.findings import Finding
from netgain.errors import GitError, UsageError
from netgain.git.model import FileDiff, LineRange

_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(?P<start>\d+)(?:,(?P<count>\d+))? @@")
_GIT_CONFIG = ("-c", "core.quotePath=false", "-c", "diff.noprefix=false")


@dataclass(slots=True)
class ChangedLines:
    """Changed line ranges per path relative to the scan root; `whole` holds wholly new files."""

    ranges: dict[str, list[LineRange]] = field(default_factory=dict)
    whole: set[str] = field(default_factory=set)

    def touches(self, path: str, line: int) -> bool:
        if path in self.whole:
            return True
        return any(line in r for r in self.ranges.get(path, ()))


def _git(repo: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(
            ["git", *_GIT_CONFIG, *args], cwd=repo, capture_output=True, check=False
        )
    except OSError as exc:
        raise GitError(f"cannot run git: {exc}") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(
            f"git {' '.join(args[:2])} failed in {repo}: {message[-1] if message else ''}"
        )
    return done.stdout


def repository_root(path: Path) -> Path | None:
    """The work tree containing `path`, or None when it is not inside a git repository."""
    start = path if path.is_dir() else path.parent
    done = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], cwd=start, capture_output=True, check=False
    )
    if done.returncode != 0:
        return None
    return Path(done.stdout.decode("utf-8", "surrogateescape").strip())


def _unquote(raw: bytes) -> str:
    """Undo git's C-style quoting of unusual paths (`"a/we\\"ird"`)."""
    if not (raw.startswith(b'"') and raw.endswith(b'"')):
        return raw.decode("utf-8", "surrogateescape")
    body, out, i = raw[1:-1], bytearray(), 0
    escapes = {ord("n"): 10, ord("t"): 9, ord('"'): 34, ord("\\"): 92, ord("a"): 7, ord("b"): 8}
    escapes |= {ord("f"): 12, ord("r"): 13, ord("v"): 11}
    while i < len(body):
        ch = body[i]
        if ch == 92 and i + 1 < len(body):
            nxt = body[i + 1]
            digits = body[i + 1 : i + 4]
            if len(digits) == 3 and all(48 <= c <= 55 for c in digits):
                out.append(int(digits, 8) & 0xFF)
                i += 4
                continue
            out.append(escapes.get(nxt, nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return out.decode("utf-8", "surrogateescape")


def parse_zero_context_diff(data: bytes) -> list[FileDiff]:
    """Added line ranges per new path from `git diff -U0` output.

    TODO: switch to netgain.git.diff.parse_unified_diff once the git engine provides it; this
    private parser only reads what `--diff` needs (new paths and added ranges).
    """
    files: list[FileDiff] = []
    current: FileDiff | None = None
    for line in data.split(b"\n"):
        if line.startswith(b"diff --git "):
            current = None
        elif line.startswith(b"+++ "):
            target = line[4:].rstrip(b"\r")
            if target == b"/dev/null":
                current = None
                continue
            name = _unquote(target)
            current = FileDiff(path=name[2:] if name.startswith("b/") else name, old_path=None)
            files.append(current)
        elif current is not None and line.startswith(b"@@"):
            match = _HUNK.match(line)
            if match is None:
                continue
            start = int(match.group("start"))
            count = int(match.group("count")) if match.group("count") is not None else 1
            if count > 0:
                current.added.append(LineRange(start, start + count - 1))
    return files


def changed_lines_since(root: Path, base: str) -> ChangedLines:
    """Lines added or changed since `base` (a commit-ish), keyed by path relative to `root`."""
    repo = repository_root(root)
    if repo is None:
        raise UsageError(f"--diff needs a git repository, and {root} is not inside one")
    verify = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}"],
        cwd=repo,
        capture_output=True,
        check=False,
    )
    if verify.returncode != 0:
        raise UsageError(f"--diff {base}: no such commit in {repo}")
    raw = _git(
        repo,
        "diff",
        "-U0",
        "-M",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--src-prefix=a/",
        "--dst-prefix=b/",
        base,
        "--",
    )
    untracked = _git(repo, "ls-files", "--others", "--exclude-standard", "-z")
    try:
        prefix = root.resolve().relative_to(repo.resolve()).as_posix()
    except ValueError:
        prefix = "."
    prefix = "" if prefix == "." else prefix + "/"

    def local(path: str) -> str | None:
        if not prefix:
            return path
        return path[len(prefix) :] if path.startswith(prefix) else None

    changed = ChangedLines()
    for diff in parse_zero_context_diff(raw):
        rel = local(diff.path)
        if rel is not None and diff.added:
            changed.ranges.setdefault(rel, []).extend(diff.added)
    for item in untracked.split(b"\0"):
        if item:
            rel = local(item.decode("utf-8", "surrogateescape"))
            if rel is not None:
                changed.whole.add(rel)
    return changed


def filter_to_changes(
    findings: Iterable[Finding], changed: ChangedLines
) -> tuple[list[Finding], int]:
    """Findings whose sink or any trace step is on a changed line, and how many were left out."""
    kept: list[Finding] = []
    dropped = 0
    for finding in findings:
        if any(changed.touches(path, line) for path, line in finding.lines()):
            kept.append(finding)
        else:
            dropped += 1
    return kept, dropped
