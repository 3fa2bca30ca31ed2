"""Commits that changed lines without changing behaviour, which blame should look past.

A blame that lands on one of these names the commit that last *touched* the line, not the one
that wrote the bug: merges (a conflict resolution re-touches lines), mode-only and rename-only
commits, very large commits (mass imports, license headers, vendoring), formatting runs and
pure code moves. A large commit whose every file is edited line for line (each hunk replacing as
many lines as it removes) is also a *mass edit*: an identifier renamed everywhere, a header
rewritten in every file.
"""

from __future__ import annotations

from collections import Counter
from enum import StrEnum

from netgain.szz.changes import CommitChanges
from netgain.szz.lines import normalize, normalize_format


class MetaKind(StrEnum):
    """Why a commit is not a plausible bug introducer."""

    MERGE = "merge"
    LARGE = "large"
    MASS_EDIT = "mass-edit"
    MODE_ONLY = "mode-only"
    RENAME_ONLY = "rename-only"
    FORMATTING = "formatting-only"
    MOVE = "move-refactoring"


def classify(changes: CommitChanges, *, large_files: int) -> set[MetaKind]:
    """Every meta kind `changes` matches (empty: an ordinary commit)."""
    kinds: set[MetaKind] = set()
    if changes.info.is_merge:
        kinds.add(MetaKind.MERGE)
        return kinds
    if changes.files_touched > large_files:
        kinds.add(MetaKind.LARGE)
        if changes.one_for_one:
            kinds.add(MetaKind.MASS_EDIT)
        return kinds
    files = changes.files
    if not files:
        return kinds
    no_lines = all(not f.diff.added and not f.diff.removed for f in files)
    if no_lines and all(f.diff.status in "RC" for f in files):
        kinds.add(MetaKind.RENAME_ONLY)
    if no_lines and all(f.diff.old_mode is not None for f in files):
        kinds.add(MetaKind.MODE_ONLY)
    if no_lines:
        return kinds
    if _formatting_only(changes):
        kinds.add(MetaKind.FORMATTING)
    if _move_only(changes):
        kinds.add(MetaKind.MOVE)
    return kinds


def _formatting_only(changes: CommitChanges) -> bool:
    """Every modified file's removed text equals its added text up to formatting."""
    for f in changes.files:
        if f.diff.status in "AD" or f.diff.is_binary:
            return False
        if not f.removed and not f.added:
            continue
        old = "".join(f.removed[n] for n in sorted(f.removed))
        new = "".join(f.added[n] for n in sorted(f.added))
        if normalize_format(old) != normalize_format(new):
            return False
    return True


def _move_only(changes: CommitChanges) -> bool:
    """The commit's removed lines and added lines are the same multiset: code moved, not changed.

    Covers moving a function within a file, into another file, and renaming a file while
    re-indenting it. Blank lines are ignored (moves often re-space).
    """
    removed: Counter[str] = Counter()
    added: Counter[str] = Counter()
    for f in changes.files:
        if f.diff.is_binary:
            return False
        removed.update(n for n in map(normalize, f.removed.values()) if n)
        added.update(n for n in map(normalize, f.added.values()) if n)
    return bool(removed) and removed == added
