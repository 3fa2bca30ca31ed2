"""A first ingest's `git log`, started before anything else of netgain is loaded.

Why: for a store that does not exist yet every reachable commit will be read, so git can start
walking and diffing the history on the other core while Python imports the store, the ingest
and the command-line machinery (typer builds a pydantic adapter per option: about 0.2 s before
a command's body runs, on top of the 0.5 s the store and ingest modules take after it). The
command line is looked at once, narrowly, before typer parses it: only `ingest [REPO] [--db URL]
[--all] [--json]` qualifies, anything else starts nothing. The command then adopts the process
only when its own parsed arguments are the same (`claim`); otherwise it is killed unread, and
`netgain.git.log.EarlyLog` itself is only read when its arguments are exactly the log needed.
"""

from __future__ import annotations

import atexit
from collections.abc import Sequence
from pathlib import Path

from netgain import git
from netgain.config import database_url
from netgain.errors import NetgainError
from netgain.git.log import EarlyLog, start_early_log

_Key = tuple[Path, str | None, bool]  # repository argument, --db, --all
_started: dict[_Key, EarlyLog | None] = {}


def start_early(repo: Path, db: str | None, all_refs: bool) -> EarlyLog | None:
    """The log of HEAD's whole history when the store at `db` is a SQLite file not created yet.

    Only a new SQLite file qualifies (an existing store may exclude commits it already holds,
    which is only known once it is open; a PostgreSQL store is never assumed empty). Not with
    `--all`: resolving every ref twice (here and in the ingest) costs a git call per ref. Any
    failure here only means no early start: the ingest reports it.
    """
    try:
        root = git.repo_root(repo) if repo.exists() and not all_refs else None
        if root is not None and _new_sqlite_file(database_url(root, db)):
            head = git.rev_parse(root, "HEAD")
            return start_early_log(root, [head] if head else [])
    except (NetgainError, OSError):
        pass
    return None


def _new_sqlite_file(url: str) -> bool:
    """True for a SQLite store whose file does not exist yet (everything will be new)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return False
    name = url[len(prefix) :].split("?", 1)[0]
    return bool(name) and name != ":memory:" and not Path(name).exists()


def _ingest_args(args: Sequence[str]) -> _Key | None:
    """(repository, --db, --all) of `ingest [REPO] [--db URL|--db=URL] [--all] [--json]`."""
    if not args or args[0] != "ingest":
        return None
    repo: Path | None = None
    db: str | None = None
    all_refs = False
    rest = iter(args[1:])
    for arg in rest:
        if arg == "--json":
            continue
        if arg == "--all":
            all_refs = True
        elif arg == "--db" or arg.startswith("--db="):
            value = arg[len("--db=") :] if arg.startswith("--db=") else next(rest, None)
            if value is None or value.startswith("-"):
                return None
            db = value
        elif arg.startswith("-") or repo is not None:
            return None  # --help, an option this does not know, a second argument
        else:
            repo = Path(arg)
    return (repo or Path(), db, all_refs)


def start_from_argv(args: Sequence[str]) -> None:
    """Start the early log when `args` (sys.argv[1:]) are a first ingest's (see the module)."""
    key = _ingest_args(args)
    if key is None:
        return
    early = _started[key] = start_early(*key)
    if early is not None:
        atexit.register(early.close)  # a usage error ends the process before `claim`


def claim(repo: Path, db: str | None, all_refs: bool) -> tuple[bool, EarlyLog | None]:
    """(whether the command line was looked at for these arguments, the log it started).

    A log started for other arguments than the parsed ones is killed unread.
    """
    key = (repo, db, all_refs)
    found = key in _started
    early = _started.pop(key, None)
    for other in _started.values():
        if other is not None:
            other.close()
    _started.clear()
    return found, early
