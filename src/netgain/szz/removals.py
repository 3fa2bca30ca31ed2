"""Which earlier lines each commit removed, from the same one-pass history replay as `annotate`.

Rework ("lines rewritten within 21 days of being written") needs, for every line a commit deleted
or replaced, the commit that wrote it. `git blame` answers the opposite question (who wrote the
lines still there), one snapshot at a time; the replay already carries every line's origin through
history, so reading its removals forward gives every rewrite of the history in one `git log -p`.

A removed line is *moved*, not removed, when the same commit adds a line with the same text
(whitespace squeezed) anywhere: code moved to another function or file, re-indented, or a file
renamed and edited beyond git's rename pairing. Merges remove nothing of their own: what a merge
drops relative to one parent was dropped by a commit on the other side, counted there.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from netgain.szz.annotate import (
    PATHSPEC_LIMIT,
    Annotation,
    Origin,
    _Record,
    _Replay,
    _whole_history_is_cheaper,
    rename_sources,
    replay_log,
    with_former_names,
)
from netgain.szz.patches import FilePatch


@dataclass(frozen=True, slots=True)
class Removal:
    """The lines one non-merge commit removed (not moved), each with where it came from."""

    commit: str
    origins: tuple[Origin, ...]


class _Removals(_Replay):
    """The annotate replay, reporting each non-merge commit's removed lines before applying it."""

    def __init__(self, on_removal: Callable[[Removal], None]) -> None:
        super().__init__({}, Annotation())
        self.on_removal = on_removal

    def _advance(self, r: _Record) -> dict[str, list[Origin] | None]:
        if len(r.parents) <= 1:
            base = self.states.get(r.parents[0], {}) if r.parents else {}
            removed = removed_lines(base, r.blocks.get(0, {}))
            if removed:
                self.on_removal(Removal(r.sha, tuple(removed)))
        return super()._advance(r)


def _squeeze(text: bytes) -> bytes:
    return b" ".join(text.split())


def removed_lines(
    base: Mapping[str, list[Origin] | None], patches: Mapping[str, FilePatch]
) -> list[Origin]:
    """Origins of the lines a commit's patches remove from `base`, less the lines it moved.

    A file whose history the replay could not follow (binary, unparsable patch, hunks that do
    not fit the known lines) contributes nothing: unknown is not rework.
    """
    added = Counter(_squeeze(t) for p in patches.values() for hunk in p.hunks for t in hunk[5])
    out: list[Origin] = []
    for patch in patches.values():
        old = base.get(patch.source)
        if old is None or patch.binary or patch.broken:
            continue
        if any(b and a - 1 + b > len(old) for a, b, *_ in patch.hunks):
            continue
        for a, b, _c, _d, removed_text, _added in patch.hunks:
            for origin, text in zip(old[a - 1 : a - 1 + b], removed_text, strict=False):
                key = _squeeze(text)
                if added[key] > 0:
                    added[key] -= 1
                    continue
                out.append(origin)
    return out


def renamed_family(paths: Collection[str], sources: Mapping[str, set[str]]) -> list[str]:
    """`paths` with every name their files had before or took later through renames.

    Without the later names a pathspec would show a rename as the deletion of the old name and
    every line in it as removed.
    """
    both: dict[str, set[str]] = defaultdict(set)
    for new, olds in sources.items():
        for old in olds:
            both[new].add(old)
            both[old].add(new)
    return with_former_names(paths, both)


def removals(
    repo: Path,
    head: str,
    paths: Collection[str] | None,
    on_removal: Callable[[Removal], None],
    *,
    env: Mapping[str, str] | None = None,
) -> None:
    """Call `on_removal` for every non-merge commit reachable from `head` that removed lines,
    oldest first; with `paths`, only those files' history (under every name they had).

    Raises:
        GitError: git could not read the history.
    """
    replay = _Removals(on_removal)
    revs = f"{head}\n"
    if paths is None:
        replay_log(repo, revs, None, replay, False, env, pathspec=False)
        return
    tracked = renamed_family(
        [p for p in paths if "\n" not in p and "\r" not in p], rename_sources(repo, revs, env)
    )
    if not tracked:
        return
    whole = len(tracked) > PATHSPEC_LIMIT and _whole_history_is_cheaper(
        repo, head, len(tracked), env
    )
    replay_log(repo, revs, tracked, replay, False, env, pathspec=not whole)
