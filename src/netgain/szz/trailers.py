"""Introducers the developers named: `Fixes: <sha> ("subject")` lines in a fix's message.

Many projects (the Linux kernel and its tools, QEMU, Mesa, libcamera, drgn, ...) write the commit
that introduced a bug into the fix itself. That is better evidence than any blame, so the
default variant takes it when it is there; benchmarks/szz_oracle.py uses the same lines as the
truth and therefore turns this off (`find_inducing(..., trailers=False)`) while it scores.

Only the commit form counts: 7 to 40 hex digits that end the token (`Fixes: #123`, a URL or
`Fixes: 1234-crash` are not shas), optionally after the word `commit`. A name is kept when git
resolves it unambiguously to a commit that is a proper ancestor of the fix: a cherry-pick that
cites the original on another branch, or a typo, names nothing blame could have found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from netgain.git import run_git
from netgain.szz.changes import log_no_walk

FIXES_LINE = re.compile(
    r"^fixes:[ \t]*(?:commit[ \t]+)?([0-9a-f]{7,40})(?![0-9a-z_-])", re.IGNORECASE | re.MULTILINE
)


def cited_names(message: str) -> list[str]:
    """The abbreviated shas `Fixes:` lines of `message` name, lower-cased, first mention first."""
    return list(dict.fromkeys(m.lower() for m in FIXES_LINE.findall(message)))


def messages(repo: Path, shas: Iterable[str]) -> dict[str, str]:
    """The full message of each commit (one `git log --no-walk --stdin`)."""
    wanted = list(dict.fromkeys(shas))
    if not wanted:
        return {}
    out = log_no_walk(repo, wanted, "%x00%H%x01%B").decode("utf-8", "replace")
    found: dict[str, str] = {}
    for record in out.split("\x00")[1:]:
        sha, _, body = record.partition("\x01")
        found[sha.strip()] = body
    return found


def resolve_commits(repo: Path, names: Iterable[str]) -> dict[str, str]:
    """The full sha of each name git resolves unambiguously to a commit (one cat-file)."""
    wanted = sorted({n for n in names if re.fullmatch(r"[0-9a-f]{4,64}", n)})
    if not wanted:
        return {}
    out = run_git(
        repo,
        "cat-file",
        "--batch-check=%(objectname) %(objecttype)",
        input="".join(f"{n}\n" for n in wanted).encode("ascii"),
    ).decode("ascii", "replace")
    found: dict[str, str] = {}
    for name, line in zip(wanted, out.splitlines(), strict=False):
        parts = line.split()
        if len(parts) == 2 and parts[1] == "commit":
            found[name] = parts[0]
    return found


def is_ancestor(repo: Path, old: str, new: str) -> bool:
    """`old` is a proper ancestor of `new`: then it is their merge base."""
    if old == new:
        return False
    out = run_git(repo, "merge-base", old, new, ok_codes=(0, 1))
    return out.decode("ascii", "replace").strip() == old


def named_introducers(repo: Path, fixes: Mapping[str, object]) -> dict[str, list[str]]:
    """For each fix whose message names introducers that check out, those commits' shas."""
    texts = messages(repo, fixes)
    cited = {sha: cited_names(text) for sha, text in texts.items()}
    full = resolve_commits(repo, (n for names in cited.values() for n in names))
    named: dict[str, list[str]] = {}
    for fix, names in cited.items():
        shas = [full[n] for n in names if n in full]
        kept = [s for s in dict.fromkeys(shas) if is_ancestor(repo, s, fix)]
        if kept:
            named[fix] = kept
    return named
