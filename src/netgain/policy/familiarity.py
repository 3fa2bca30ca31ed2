"""Familiarity from history: who changed the touched files before, and whether the author has ever
used an API family in this repository ("first raw SQL this author has written here").

Both read git directly and stay proportional to the change: one `git log -- <changed paths>` for
file familiarity, one `git log -G` per API family the change actually uses, and `git blame -L` of
the lines the change removes or rewrites.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from netgain import git
from netgain.analysis.polyglot.definitions import history
from netgain.analysis.signals import FAMILIES
from netgain.atomic import write_atomic
from netgain.git.model import FileDiff, GitProblem
from netgain.policy.window_history import (
    HISTORY_LIMIT,
    LogEntry,
    WindowHistory,
    follow_renames,
    parse_log,
    parse_renames,
    rename_log,
)

BLAME_RANGES = 40  # removed-line ranges blamed at base for reviewer familiarity


@dataclass(slots=True)
class FileHistory:
    """Per changed path: commits by identity (email lower-cased), and blamed lines at base."""

    commits: dict[str, Counter[str]] = field(default_factory=dict)
    blamed: dict[str, Counter[str]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # email -> latest name seen
    problems: list[GitProblem] = field(default_factory=list)

    def touched_by(self, path: str, emails: Iterable[str]) -> int:
        counter = self.commits.get(path)
        if not counter:
            return 0
        return sum(counter.get(e.lower(), 0) for e in emails)


def file_history(
    repo: Path, base: str, paths: Sequence[str], window: WindowHistory | None = None
) -> FileHistory:
    """Who committed to each of `paths` in the history of `base`, following renames.

    A file's commits under its earlier names count for it (git's rename detection, `-M`): moving
    `auth.py` to `auth/tokens.py` does not make its long-time maintainers strangers to it. A path
    ending in `/` is a folder: commits to any file below it count for the folder (used for the
    folders of files a change adds, which have no history of their own). `window` (a replay)
    answers the renames and the path-limited log from the logs it read once for every change
    instead of two logs of `base` (`WindowHistory.path_log`, git's history simplification
    included); a base the window does not hold is asked of git.
    """
    history = FileHistory()
    if not paths:
        return history
    files = [p for p in paths if not p.endswith("/")]
    known = window.earlier_names(base, files) if window is not None and files else None
    try:
        earlier = known if known is not None else earlier_names(repo, base, files) if files else {}
    except git.GitProblemError as exc:
        # a blob absent anywhere in the history (a snapshot or partial clone that left a large
        # file out, gogs/gogs) stops git's similarity rename detection: exact renames compare
        # object ids only, so they still follow the files; say what was degraded
        earlier = earlier_names(repo, base, files, similarity="100%")
        history.problems.append(
            GitProblem(
                exc.problem.kind,
                f"{exc.problem.message}; file familiarity follows exact renames only",
                exc.problem.sha,
                exc.problem.path,
            )
        )
    old_names = sorted({old for names in earlier.values() for old, _ in names} - set(paths))
    log = window.path_log(base, [*paths, *old_names]) if window is not None else None
    if log is None:
        log = path_log(repo, base, [*paths, *old_names])
    _count_commits(history, log, paths, earlier)
    return history


def path_log(repo: Path, base: str, specs: Sequence[str]) -> list[LogEntry]:
    """The most recent commits of `base` touching `specs` (git's path-limited log), each with
    the paths of `specs` it touched (`WindowHistory.path_log` answers the same for a replay)."""
    out = git.run_git(
        repo,
        "-c",
        "core.quotePath=true",
        "--literal-pathspecs",
        "log",
        base,
        "--no-merges",
        f"--max-count={HISTORY_LIMIT}",
        "--no-renames",
        "--format=%x01%H%x09%ae%x09%an",
        "--name-only",
        "--",
        *specs,
    )
    return [(sha, email, name, files) for (sha, email, name), files in parse_log(out, 3)]


def _count_commits(
    history: FileHistory,
    log: Iterable[LogEntry],
    paths: Sequence[str],
    earlier: Mapping[str, list[tuple[str, str]]],
) -> None:
    """Commits per path and folder by author email, from a path-limited log (newest first)."""
    wanted = set(paths)
    folders = sorted((p.rstrip("/") + "/" for p in paths if p.endswith("/")), key=len, reverse=True)
    # old name -> (current path, the commit that renamed it): the old name counts for the current
    # path only in commits older than that rename (the log lists it first, newest first)
    aliases: dict[str, list[tuple[str, str]]] = {}
    for current, names in earlier.items():
        for old, renamed_in in names:
            aliases.setdefault(old, []).append((current, renamed_in))
    passed: set[str] = set()  # rename commits the log has already listed
    renames = {sha for names in earlier.values() for _, sha in names}
    for sha, raw_email, name, files in log:
        email = raw_email.lower()
        history.names.setdefault(email, name)
        counted: set[str] = set()  # a commit counts once per file or folder
        if sha in renames:
            passed.add(sha)
        for path in files:
            keys = [path] if path in wanted else []
            keys += [cur for cur, renamed_in in aliases.get(path, []) if renamed_in in passed]
            if not keys:
                keys = [f for f in folders if path.startswith(f)][:1]
            for key in keys:
                if key not in counted:
                    counted.add(key)
                    counter = history.commits.get(key)
                    if counter is None:
                        counter = history.commits[key] = Counter()
                    counter[email] += 1


def earlier_names(
    repo: Path, base: str, paths: Sequence[str], *, similarity: str = ""
) -> dict[str, list[tuple[str, str]]]:
    """Per path, its earlier names, newest first, each with the commit that renamed it away.

    One `git log -M --diff-filter=R` over the history of `base` (the renames only: about 0.2 s on
    5,000 commits), walked newest first so a chain a.py -> b.py -> c.py gives c.py both names.
    `similarity` is git's `-M<n>` threshold (`100%`: exact renames, which read no blob).
    """
    out = rename_log(repo, base, limit=HISTORY_LIMIT, similarity=similarity)
    return follow_renames(parse_renames(out), paths)


def blame_removed(repo: Path, base: str, diffs: Sequence[FileDiff], history: FileHistory) -> None:
    """Blame, at `base`, the lines the change removes or rewrites: their authors know that code.

    One `git blame` per changed file with all of its removed ranges (`-L` repeated; a file's
    diff never lists overlapping ranges): git walks the file's history once for all of them,
    where a blame per range walked it once per range (40 ranges of a long-lived file were most of
    a replayed change's familiarity time).
    """
    jobs: list[tuple[str, list[tuple[int, int]]]] = []
    left = BLAME_RANGES
    for diff in diffs:
        ranges = [(r.start, r.end) for r in diff.removed][:left]
        if ranges:
            jobs.append((diff.old_path or diff.path, ranges))
            left -= len(ranges)
        if left <= 0:
            break
    if not jobs:
        return

    def one(job: tuple[str, list[tuple[int, int]]]) -> tuple[str, bytes | GitProblem]:
        path, ranges = job
        lines = [f"-L{start},{end}" for start, end in ranges]
        try:
            out = git.run_git(repo, "blame", "--incremental", "-e", *lines, base, "--", path)
        except git.GitProblemError as exc:
            return path, exc.problem
        except Exception as exc:
            return path, GitProblem("blame-failed", str(exc), None, path)
        return path, out

    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="blame") as pool:
        for path, result in pool.map(one, jobs):
            if isinstance(result, GitProblem):
                history.problems.append(result)
                continue
            counter = history.blamed.setdefault(path, Counter())
            _count_incremental(result, counter)


def _count_incremental(data: bytes, counter: Counter[str]) -> None:
    """Lines per author email from `git blame --incremental` output."""
    emails: dict[bytes, str] = {}
    group: tuple[bytes, int] | None = None
    for line in data.split(b"\n"):
        if group is None:
            parts = line.split(b" ")
            if len(parts) == 4 and len(parts[0]) >= 40:
                group = (parts[0], int(parts[3]))
            continue
        if line.startswith(b"author-mail "):
            emails[group[0]] = line[12:].strip(b"<>").decode("utf-8", "replace").lower()
        elif line.startswith(b"filename "):
            email = emails.get(group[0])
            if email:
                counter[email] += group[1]
            group = None


def first_use(
    repo: Path,
    base: str,
    families: Iterable[str],
    emails: Sequence[str],
    *,
    cache_file: Path | None = None,
    languages: Mapping[str, Iterable[str]] | None = None,
) -> list[str]:
    """The API families whose history regex never appears in the author's earlier commits.

    `languages` maps a family to the languages this change uses it in (default: Python). Each
    language has its own regex and file patterns (analysis.polyglot data); a family is a first
    use when the author never wrote it before in one of those languages: a TypeScript author's
    first raw SQL in Go is new ground too.

    With `cache_file`, answers are remembered per (identity, family): a first use found stays
    valid for every later change that contains it, and "not found up to commit T" means only the
    commits reachable from `base` but not from T need searching next time (`git log base ^T`).
    """
    wanted = [f for f in sorted(set(families)) if f in FAMILIES]
    if not wanted or not emails:
        return wanted if emails else []
    authors = [f"--author=<{author_regex(e)}>" for e in emails]
    cache = _load_cache(cache_file)
    identity = "|".join(sorted(e.lower() for e in emails))

    def searches(family: str) -> list[tuple[str, str, tuple[str, ...]]]:
        """(cache key, regex, pathspecs) per language the family is used in."""
        out: dict[str, tuple[str, str, tuple[str, ...]]] = {}
        for language in sorted((languages or {}).get(family, ("Python",))):
            if language == "Python":  # the key predates other languages: kept for old caches
                out["python"] = (f"{identity}|{family}", FAMILIES[family].history_regex, ("*.py",))
                continue
            found = history(language, family)
            if found is not None:
                group, regex, paths = found
                out[group] = (f"{identity}|{family}|{group}", regex, paths)
        return list(out.values())

    def first_in_some_language(family: str) -> bool:
        return any(not used(*search) for search in searches(family))

    def used(key: str, regex: str, pathspecs: tuple[str, ...]) -> bool:
        entry = cache.get(key) or {}
        found = entry.get("found")
        if isinstance(found, str) and _is_ancestor(repo, found, base):
            return True
        previous = entry.get("searched")
        searched = [s for s in previous if isinstance(s, str)] if isinstance(previous, list) else []
        excludes = [f"^{s}" for s in searched if git.object_exists(repo, s)]
        out = git.run_git(
            repo,
            "log",
            base,
            *excludes,
            "--no-merges",
            "--max-count=1",
            "--format=%H",
            "-E",
            f"-G{regex}",
            *authors,
            "--",
            *pathspecs,
        )
        sha = out.decode().strip() or None
        cache[key] = {"found": sha} if sha else {"searched": [*searched[-4:], base]}
        return sha is not None

    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="pickaxe") as pool:
        results = list(pool.map(first_in_some_language, wanted))
    _save_cache(cache_file, cache)
    return [f for f, first in zip(wanted, results, strict=True) if first]


def author_regex(email: str) -> str:
    """`email` as an extended regular expression that ignores case in the address only.

    The gate lower-cases the author's emails; git matches `--author` with case, and `-i` would
    also make the `-G` code pattern ignore case. So each letter is a class (`[aA]`): an author
    whose address has capitals (`123+Bob@users.noreply...`) is still found in the history.
    """
    out: list[str] = []
    for char in email:
        lower, upper = char.lower(), char.upper()
        if lower != upper and len(lower) == len(upper) == 1:
            out.append(f"[{lower}{upper}]")
        elif char in ".[]()*+?{}|^$\\":
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def _is_ancestor(repo: Path, sha: str, base: str) -> bool:
    try:
        git.run_git(repo, "merge-base", "--is-ancestor", sha, base, ok_codes=(0,))
    except Exception:
        return False
    return True


def _load_cache(path: Path | None) -> dict[str, dict[str, object]]:
    if path is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # a damaged cache only costs a fresh search
    return data if isinstance(data, dict) else {}


def _save_cache(path: Path | None, cache: dict[str, dict[str, object]]) -> None:
    if path is None:
        return
    try:
        write_atomic(path, json.dumps(cache, sort_keys=True).encode("utf-8"))
    except OSError:
        return  # read-only checkout: the next run searches again


def author_commit_count(
    repo: Path, base: str, emails: Sequence[str], window: WindowHistory | None = None
) -> int:
    """The author's non-merge commits reachable from `base`, by email without regard to case.

    The emails are matched as fixed strings: as regular expressions (git's basic syntax) the
    `\\+` that `re.escape` puts in every GitHub no-reply address (`123+name@users.noreply...`)
    is a repetition operator and matched none of the author's commits, and lower-cased emails
    missed the commits of an author whose address has capitals.
    """
    if not emails:
        return 0
    if window is not None:
        counted = window.author_commit_count(base, emails)
        if counted is not None:
            return counted
    out = git.run_git(
        repo,
        "rev-list",
        "--count",
        "--no-merges",
        "--regexp-ignore-case",
        "--fixed-strings",
        *[f"--author=<{e}>" for e in emails],
        base,
    )
    return int(out.strip() or 0)


REVIEW_TRAILERS = ("Reviewed-by", "Approved-by")


def commit_authors_and_reviewers(repo: Path, revs: str, path: str) -> list[tuple[str, list[str]]]:
    """Per commit to `path` in `revs` (newest first): the author email (lower-cased) and the
    values of its `Reviewed-by:`/`Approved-by:` trailers, the review evidence git keeps."""
    keys = ",".join(f"key={k}" for k in REVIEW_TRAILERS)
    out = git.run_git(
        repo,
        "--literal-pathspecs",
        "log",
        revs,
        "--no-merges",
        f"--format=%x01%ae%x00%(trailers:{keys},valueonly,separator=%x1f)",
        "--",
        path,
    ).decode("utf-8", "replace")
    commits: list[tuple[str, list[str]]] = []
    for record in out.split("\x01"):
        if not record.strip():
            continue
        email, _, trailers = record.partition("\x00")
        values = [t.strip() for t in trailers.split("\x1f") if t.strip()]
        commits.append((email.strip().lower(), values))
    return commits
