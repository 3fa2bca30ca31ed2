"""Line origins for many (commit, file) pairs from one pass over history: blame without `git blame`.

SZZ asks "who last changed line N of file F at commit C" for every file of every fix. Asking
`git blame` costs one process per (fix, file), each walking the file's history again; most of
an SZZ run went there. This module reads the `-U0` patches of every commit that touched any of
the files once (`git log --topo-order --reverse -p`, oldest first) and carries, for each file, the
list of its lines' origins forward commit by commit, so every fix of every file is answered from
the same pass.

The semantics follow `git blame`:
- history is simplified per path the way blame walks it (default `git log` simplification with
  parent rewriting: a merge identical to one parent follows only that parent);
- a merge passes each line to the first parent (in order) that has it unchanged, and owns the
  rest;
- `ignore_whitespace` diffs with `-w`, as `blame -w` does;
- looking past a commit (`--ignore-rev`) follows each line to the parent line the commit replaced,
  chosen by the commit's own hunk: same position when the hunk replaced as many lines as it
  added, otherwise the most similar removed line by character-pair fingerprints in order (git's
  heuristic too); a line with no counterpart stays with the commit, as git leaves it.

Renamed files are followed: a cheap name-only pass finds every earlier name of the files, so the
patch pass tracks them under all of them and git pairs each rename. What it does not do, and
reports (`Annotation.unknown`) so the caller falls back to `git blame`: moves and copies between
files (`-M -C`), binary files, and paths git cannot take on standard input (a newline in the name).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from netgain.git.diff import PATCH_OPTIONS, diff_header_paths
from netgain.git.paths import decode_path, encode_path
from netgain.szz.blame_ranges import run_git_env, stream_git_env
from netgain.szz.patches import FilePatch, parse_file_patch

# Read the whole history instead of passing a pathspec when more files than PATHSPEC_LIMIT are
# wanted and they are more than PATHSPEC_MAX or PATHSPEC_SHARE of the files in the tree.
PATHSPEC_LIMIT = 64
PATHSPEC_MAX = 400
PATHSPEC_SHARE = 0.7


class Hunk:
    """One `-U0` hunk of one commit: the origins it replaced and the text on both sides.

    Kept by every line the hunk added, so looking past the commit can find what each line
    replaced; the matching is computed only when someone asks (most commits are never ignored).
    """

    __slots__ = ("_matches", "added_text", "removed", "removed_text")

    def __init__(
        self, removed: list[Origin], removed_text: list[bytes], added_text: list[bytes]
    ) -> None:
        self.removed = removed
        self.removed_text = removed_text
        self.added_text = added_text
        self._matches: list[int | None] | None = None

    def replaced(self, index: int) -> Origin | None:
        """The origin of the removed line that added line `index` (0-based) replaced, if any."""
        if self._matches is None:
            self._matches = match_lines(self.removed_text, self.added_text)
        j = self._matches[index] if index < len(self._matches) else None
        return self.removed[j] if j is not None and j < len(self.removed) else None


class Origin:
    """Where one line came from: the commit that wrote it, and the path and line number there."""

    __slots__ = ("hunk", "index", "line", "path", "sha")

    def __init__(self, sha: str, path: str, line: int, hunk: Hunk | None, index: int) -> None:
        self.sha = sha
        self.path = path
        self.line = line
        self.hunk = hunk
        self.index = index

    def past(self, ignore: frozenset[str] | set[str]) -> Origin:
        """This origin, or — while its commit is in `ignore` — the line that commit replaced."""
        origin = self
        seen = 0
        while origin.sha in ignore and origin.hunk is not None and seen < 10_000:
            previous = origin.hunk.replaced(origin.index)
            if previous is None:
                break
            origin = previous
            seen += 1
        return origin


@dataclass(slots=True)
class Annotation:
    """The answer: line origins of each wanted file just before each wanted commit.

    `before[(commit, path)]` is the origin of every line of `path` in the commit's (first)
    parent, or absent when the pass could not follow the file (binary, unparsable patch, a path
    git cannot read on standard input); `unknown` lists those pairs.
    """

    before: dict[tuple[str, str], list[Origin]] = field(default_factory=dict)
    unknown: set[tuple[str, str]] = field(default_factory=set)


def annotate(
    repo: Path,
    wanted: Mapping[str, Iterable[str]],
    *,
    ignore_whitespace: bool,
    env: Mapping[str, str] | None = None,
    jobs: int = 1,
) -> Annotation:
    """Origins of the lines of each wanted path at the parent of each wanted (non-merge) commit.

    Args:
        repo: The repository.
        wanted: For each commit (full sha, a non-merge commit that touched the paths), the paths
            (as named at its parent) whose lines are asked about.
        ignore_whitespace: Compare lines ignoring whitespace (`blame -w`).
        env: git's environment (see `netgain.szz.graph_cache`).
        jobs: Read the history in this many git processes at once (paths split between them).

    Raises:
        GitError: git could not run the log (the caller falls back to `git blame`).
    """
    result = Annotation()
    by_commit = {sha: set(paths) for sha, paths in wanted.items()}
    paths = {p for ps in by_commit.values() for p in ps}
    usable = sorted(p for p in paths if "\n" not in p and "\r" not in p)
    if not usable:
        return result
    revs = "".join(f"{sha}\n" for sha in by_commit)
    sources = rename_sources(repo, revs, env)
    tracked = with_former_names(usable, sources)
    if len(tracked) > PATHSPEC_LIMIT and _whole_history_is_cheaper(
        repo, next(iter(by_commit)), len(tracked), env
    ):
        parts = [_annotate_group(repo, by_commit, tracked, ignore_whitespace, env, False)]
    else:
        groups = split_paths(usable, sources, max(1, jobs))
        tasks = []
        for group in groups:
            members = set(group)
            part = {sha: ps & members for sha, ps in by_commit.items() if ps & members}
            tasks.append((part, with_former_names(group, sources)))
        with ThreadPoolExecutor(max_workers=len(tasks), thread_name_prefix="szz-replay") as pool:
            parts = list(
                pool.map(
                    lambda t: _annotate_group(repo, t[0], t[1], ignore_whitespace, env, True),
                    tasks,
                )
            )
    for answer in parts:
        result.before.update(answer.before)
    for sha, ps in by_commit.items():
        for p in ps:
            if (sha, p) not in result.before:
                result.unknown.add((sha, p))
    return result


def _whole_history_is_cheaper(
    repo: Path, rev: str, tracked: int, env: Mapping[str, str] | None
) -> bool:
    """Whether to read every file's history rather than give git a pathspec of `tracked` names.

    git matches every tree entry of every commit against every pathspec item, so a pathspec's
    cost grows faster than the share of history it selects: measured on generated histories, a
    pathspec of 200 of 340 files took as long as the whole history, and 300 of 970 files two and
    a half times as long.
    """
    if tracked > PATHSPEC_MAX:
        return True
    out = run_git_env(repo, ["ls-tree", "-r", "-z", "--name-only", rev], env)
    files = out.count(b"\x00")
    return tracked > PATHSPEC_SHARE * files


def _annotate_group(
    repo: Path,
    by_commit: dict[str, set[str]],
    tracked: list[str],
    ignore_whitespace: bool,
    env: Mapping[str, str] | None,
    pathspec: bool,
) -> Annotation:
    """One git log over the history of `tracked` (limited to them, or the whole history with
    the other files' patches skipped unread), replayed."""
    result = Annotation()
    revs = "".join(f"{sha}\n" for sha in by_commit)
    replay_log(
        repo, revs, tracked, _Replay(by_commit, result), ignore_whitespace, env, pathspec=pathspec
    )
    return result


def replay_log(
    repo: Path,
    revs: str,
    tracked: Sequence[str] | None,
    replay: _Replay,
    ignore_whitespace: bool,
    env: Mapping[str, str] | None,
    *,
    pathspec: bool,
) -> None:
    """Feed `replay` the history of `revs` (one per line), oldest first: limited to `tracked`
    by a pathspec, or the whole history with other files' patches skipped unread (every file's
    when `tracked` is None)."""
    args = [
        "--literal-pathspecs",
        "log",
        "--topo-order",
        "--reverse",
        "--parents",
        "--diff-merges=separate",
        "-p",
        *PATCH_OPTIONS,
        "--pretty=raw",
        "--no-abbrev-commit",
        "--no-decorate",
        "--stdin",
    ]
    if ignore_whitespace:
        args.append("-w")
    limit = pathspec and tracked is not None
    feed = revs + "--\n" + "".join(f"{p}\n" for p in tracked or ()) if limit else revs
    chunks = stream_git_env(repo, args, env, input=encode_path(feed))
    replay.run(_records(chunks, None if limit or tracked is None else set(tracked)))


def split_paths(
    paths: Sequence[str], sources: Mapping[str, set[str]], parts: int
) -> list[list[str]]:
    """`paths` in at most `parts` groups, never separating names of one file's history.

    Each group's history is read by its own git process, so the groups run in parallel; a file
    and its former names must stay together or a rename would look like a new file.
    """
    owner: dict[str, int] = {}  # every name -> the component it belongs to
    components: list[set[str]] = []
    for p in paths:
        names = with_former_names([p], sources)
        joined = {owner[n] for n in names if n in owner}
        merged = {p}.union(*(components[c] for c in joined)) if joined else {p}
        for c in joined:
            components[c] = set()
        index = len(components)
        components.append(merged)
        for n in names:
            owner[n] = index
        for q in merged:
            owner[q] = index
    wanted = set(paths)
    groups: list[list[str]] = [[] for _ in range(max(1, parts))]
    for component in sorted((c for c in components if c), key=len, reverse=True):
        members = sorted(component & wanted)
        if members:
            min(groups, key=len).extend(members)
    return [g for g in groups if g]


def rename_sources(repo: Path, revs: str, env: Mapping[str, str] | None) -> dict[str, set[str]]:
    """Every rename in the history of `revs` (one per line): new path -> the paths renamed to it.

    One cheap name-only pass (no patches) so the patch pass can track a file under all its
    names and let git pair them: git detects a rename only when both names are in the pathspec.
    """
    out = run_git_env(
        repo,
        ["log", "-M", "--diff-filter=R", "--name-status", "-z", "--format=%x01%H", "--stdin"],
        env,
        input=revs.encode("ascii"),
    )
    sources: dict[str, set[str]] = defaultdict(set)
    tokens = out.split(b"\x00")
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip(b"\n")
        if token.startswith(b"R") and token[1:].isdigit() and i + 2 < len(tokens):
            sources[decode_path(tokens[i + 2])].add(decode_path(tokens[i + 1]))
            i += 3
        else:
            i += 1
    return sources


def with_former_names(paths: Iterable[str], sources: Mapping[str, set[str]]) -> list[str]:
    """`paths` and every name their files had before, transitively."""
    seen = set(paths)
    todo = list(seen)
    while todo:
        for old in sources.get(todo.pop(), ()):
            if old not in seen and "\n" not in old and "\r" not in old:
                seen.add(old)
                todo.append(old)
    return sorted(seen)


# --------------------------------------------------------------------------------------------
# Parsing


@dataclass(slots=True)
class _Record:
    sha: str
    parents: list[str]  # as rewritten by history simplification
    blocks: dict[int, dict[str, FilePatch]]  # parent index -> the patch against that parent


def _records(chunks: Iterable[bytes], keep: set[str] | None = None) -> list[_Record]:
    """Commits of `git log --pretty=raw --parents --diff-merges=separate -p` output, read as it
    arrives (`chunks`).

    The raw format is used because it names the parent each of a merge's patches is against
    (`commit M P1 P2 (from P2)`); a parent whose patch is empty (e.g. whitespace only under
    `-w`) has no block at all, so blocks cannot be matched to parents by their order.
    With `keep`, files whose old and new names are both outside it are skipped unparsed and
    never held in memory.
    """
    records: list[_Record] = []
    block: dict[str, FilePatch] | None = None
    section: list[bytes] | None = None

    def close() -> None:
        if section is not None and block is not None:
            patch = parse_file_patch(section)
            if patch is not None:
                block[patch.path] = patch

    def handle(line: bytes) -> None:
        nonlocal block, section
        if line.startswith(b"diff --git "):
            close()
            section = [line] if keep is None or _kept(line, keep) else None
        elif line.startswith(b"commit "):
            close()
            section = None
            fields = line[7:].decode("ascii", "replace").split()
            if not fields:
                block = None
                return
            sha, rest = fields[0], fields[1:]
            parent = None
            if len(rest) >= 2 and rest[-2] == "(from":
                parent, rest = rest[-1].rstrip(")"), rest[:-2]
            if not records or records[-1].sha != sha:
                records.append(_Record(sha, rest, {}))
            index = records[-1].parents.index(parent) if parent in records[-1].parents else 0
            block = records[-1].blocks.setdefault(index, {})
        elif section is not None:
            section.append(line)

    rest = b""
    for chunk in chunks:
        lines = (rest + chunk).split(b"\n")
        rest = lines.pop()
        for line in lines:
            handle(line)
    if rest:
        handle(rest)
    close()
    return records


def _kept(header: bytes, keep: set[str]) -> bool:
    try:
        old, new = diff_header_paths(header[len(b"diff --git ") :])
    except (ValueError, IndexError):
        return True  # let the parser judge it
    return old in keep or new in keep


# --------------------------------------------------------------------------------------------
# Replaying history


class _Replay:
    """Carries each path's origins from commit to commit in topological order."""

    def __init__(self, wanted: dict[str, set[str]], result: Annotation) -> None:
        self.wanted = wanted
        self.result = result
        self.states: dict[str, dict[str, list[Origin] | None]] = {}
        self.children: Counter[str] = Counter()

    def run(self, records: Sequence[_Record]) -> None:
        for r in records:
            self.children.update(r.parents)
        for r in records:
            if r.sha in self.wanted:
                self._answer(r)
            self.states[r.sha] = self._advance(r)
            for p in r.parents:
                self.children[p] -= 1
                if self.children[p] <= 0:
                    self.states.pop(p, None)

    def _answer(self, r: _Record) -> None:
        parent = self.states.get(r.parents[0], {}) if r.parents else {}
        for path in self.wanted[r.sha]:
            lines = parent.get(path)
            if lines is not None:
                self.result.before[(r.sha, path)] = lines

    def _advance(self, r: _Record) -> dict[str, list[Origin] | None]:
        base = self.states.get(r.parents[0], {}) if r.parents else {}
        state = dict(base)
        if len(r.parents) <= 1:
            patches = r.blocks.get(0, {})
            _forget_rename_sources(state, patches)
            for patch in patches.values():
                state[patch.path] = _apply(r.sha, base.get(patch.source), patch)
            _drop_deleted(state)
            return state
        return self._merge(r, state)

    def _merge(
        self, r: _Record, state: dict[str, list[Origin] | None]
    ) -> dict[str, list[Origin] | None]:
        first = r.blocks.get(0, {})
        parents = [self.states.get(p, {}) for p in r.parents]
        _forget_rename_sources(state, first)
        for path, patch in first.items():
            if patch.deleted:
                state[path] = None
                continue
            owners, hunks = _line_map(parents[0].get(patch.source), patch)
            if owners is None:
                state[path] = None
                continue
            for k in range(1, len(parents)):
                theirs = r.blocks.get(k, {}).get(path)
                other = parents[k].get(path if theirs is None else theirs.source)
                if other is None:
                    continue
                if theirs is None:  # identical to this parent
                    mapped: list[Origin | None] | None = list(other)
                else:
                    mapped, _ = _line_map(other, theirs)
                if mapped is None or len(mapped) != len(owners):
                    continue
                for i, o in enumerate(owners):
                    if o is None:
                        owners[i] = mapped[i]
            state[path] = _filled(r.sha, path, owners, hunks)
        _drop_deleted(state)
        return state


def _filled(
    sha: str, path: str, owners: list[Origin | None], hunks: list[tuple[Hunk, int] | None]
) -> list[Origin]:
    """`owners` with every line no parent had given to `sha`, the commit that wrote it."""
    out: list[Origin] = []
    for i, owner in enumerate(owners):
        if owner is not None:
            out.append(owner)
        else:
            hunk, index = hunks[i] or (None, 0)
            out.append(Origin(sha, path, i + 1, hunk, index))
    return out


def _forget_rename_sources(
    state: dict[str, list[Origin] | None], patches: dict[str, FilePatch]
) -> None:
    """A renamed file leaves its old name (unless the same commit wrote a file there again)."""
    for patch in patches.values():
        if patch.old_path is not None and patch.old_path not in patches:
            state.pop(patch.old_path, None)


def _drop_deleted(state: dict[str, list[Origin] | None]) -> None:
    for path in [p for p, v in state.items() if v is None]:
        del state[path]


def _apply(sha: str, old: list[Origin] | None, patch: FilePatch) -> list[Origin] | None:
    """The origins after one non-merge commit's patch (None: deleted or impossible to follow)."""
    if old is not None and not patch.hunks and not (patch.deleted or patch.binary or patch.broken):
        return old  # a rename or mode change without edits: the same lines
    owners, hunks = _line_map(old, patch)
    return _filled(sha, patch.path, owners, hunks) if owners is not None else None


def _line_map(
    old: list[Origin] | None, patch: FilePatch
) -> tuple[list[Origin | None] | None, list[tuple[Hunk, int] | None]]:
    """Each line's origin in the parent `old` the patch is against, or None where the patch
    added it (with the hunk and index that added it); (None, []) when the file cannot be
    followed (deleted, binary, unparsable, or history never seen)."""
    if patch.binary or patch.broken or patch.deleted:
        return None, []
    if old is None:
        if not patch.new:
            return None, []
        old = []
    owners: list[Origin | None] = []
    hunks: list[tuple[Hunk, int] | None] = []
    pos = 0
    for a, b, c, d, removed, added in patch.hunks:
        start = a - 1 if b > 0 else a
        if start < pos or start + b > len(old):
            return None, []
        owners.extend(old[pos:start])
        hunks.extend([None] * (start - pos))
        if d:
            if len(owners) != c - 1:
                return None, []
            hunk = Hunk(old[start : start + b], removed, added)
            owners.extend([None] * d)
            hunks.extend((hunk, k) for k in range(d))
        pos = start + b
    owners.extend(old[pos:])
    hunks.extend([None] * (len(old) - pos))
    return owners, hunks


# --------------------------------------------------------------------------------------------
# Looking past a commit: which removed line did each added line replace?


def match_lines(removed: Sequence[bytes], added: Sequence[bytes]) -> list[int | None]:
    """For each added line, the index of the removed line it replaced (None: a new line).

    Same count on both sides: line for line (a rewrite in place). Otherwise each added line
    takes the most similar removed line by character-pair fingerprint, keeping the order of the
    lines (a match never goes back above an earlier match); no shared pair means no match.
    """
    if not removed:
        return [None] * len(added)
    if len(removed) == len(added):
        return list(range(len(added)))
    prints = [_fingerprint(t) for t in removed]
    out: list[int | None] = []
    floor = 0
    for text in added:
        fp = _fingerprint(text)
        best, best_score = None, 0
        for j in range(floor, len(removed)):
            score = sum((fp & prints[j]).values())
            if score > best_score:
                best, best_score = j, score
        out.append(best)
        if best is not None:
            floor = best
    return out


def _fingerprint(text: bytes) -> Counter[bytes]:
    squeezed = b" ".join(text.split()).lower()
    return Counter(squeezed[i : i + 2] for i in range(len(squeezed) - 1))


__all__ = [
    "Annotation",
    "Hunk",
    "Origin",
    "annotate",
    "match_lines",
]
