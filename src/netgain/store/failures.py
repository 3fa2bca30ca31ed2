"""What a database error means for the user, and whether running the transaction again cures it.

SQLite and PostgreSQL report the same few situations in different ways (result codes, SQLSTATEs,
a dropped socket). Everything above the store deals with one `Failure` kind instead: the retry
loop asks "is it worth trying again?" and the CLI asks "what do I tell the user?". Messages name
the store (the file, or the database URL without its password), say what happened and what was
kept, and what to do next; they never carry a traceback.
"""

from __future__ import annotations

import os
import sqlite3
import struct
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from netgain.errors import StoreError

# SQLite result codes (the low byte of an extended code is the primary code)
_UNIQUE = {sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY}
_IOERR = sqlite3.SQLITE_IOERR
_SQLITE_HEADER = b"SQLite format 3\x00"


class Failure(StrEnum):
    """What went wrong, as far as the user and the retry loop are concerned."""

    BUSY = "busy"  # locked by another writer / serialization failure / deadlock: retry
    DISCONNECTED = "disconnected"  # the server went away or restarted: retry
    CONFLICT = "conflict"  # a concurrent writer inserted the same key first
    CORRUPT = "corrupt"
    READ_ONLY = "read-only"
    FULL = "full"  # no space, or a write the disk refused (file size limit, I/O error)
    OTHER = "other"


_SQLITE_KINDS = {
    sqlite3.SQLITE_BUSY: Failure.BUSY,
    sqlite3.SQLITE_LOCKED: Failure.BUSY,
    sqlite3.SQLITE_READONLY: Failure.READ_ONLY,
    sqlite3.SQLITE_CORRUPT: Failure.CORRUPT,
    sqlite3.SQLITE_NOTADB: Failure.CORRUPT,
    sqlite3.SQLITE_FULL: Failure.FULL,
}


def _sqlite_failure(code: int) -> Failure:
    if code in _UNIQUE:
        return Failure.CONFLICT
    if code == sqlite3.SQLITE_IOERR_SHORT_READ:  # a page past the end of a truncated file
        return Failure.CORRUPT
    return _SQLITE_KINDS.get(code & 0xFF, Failure.OTHER)


def _postgres_failure(sqlstate: str | None) -> Failure:
    if sqlstate is None:  # psycopg gives none when the connection itself failed
        return Failure.DISCONNECTED
    if sqlstate in {"40001", "40P01", "55P03"}:  # serialization, deadlock, lock not available
        return Failure.BUSY
    if sqlstate.startswith("08") or sqlstate in {"57P01", "57P02", "57P03"}:
        return Failure.DISCONNECTED
    if sqlstate == "23505":
        return Failure.CONFLICT
    if sqlstate.startswith("53"):
        return Failure.FULL
    if sqlstate in {"25006", "42501"}:  # read-only transaction, no privilege to write
        return Failure.READ_ONLY
    return Failure.OTHER


def original(exc: BaseException) -> BaseException:
    """The driver's exception behind a SQLAlchemy wrapper (or `exc` itself)."""
    inner = getattr(exc, "orig", None)
    return inner if isinstance(inner, BaseException) else exc


def classify(exc: BaseException) -> Failure:
    """The kind of failure behind `exc` (SQLAlchemy, sqlite3 or psycopg exception)."""
    if getattr(exc, "connection_invalidated", False):
        return Failure.DISCONNECTED
    inner = original(exc)
    if isinstance(inner, sqlite3.Error):
        code = getattr(inner, "sqlite_errorcode", None)
        if code is not None:
            return _sqlite_failure(int(code))
        return Failure.CORRUPT if isinstance(inner, sqlite3.DatabaseError) else Failure.OTHER
    module = type(inner).__module__
    if module.startswith("psycopg"):
        return _postgres_failure(getattr(inner, "sqlstate", None))
    return Failure.OTHER


def sqlite_damage(path: Path) -> str | None:
    """What is visibly wrong with an SQLite file's header or length, or None when nothing is.

    Only a diagnosis for the message once SQLite reported damage: a checkpoint in progress may
    write the header before it extends the file, so this must not decide anything by itself.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError:
        return None
    if size == 0:
        return None
    if len(header) < 100 or not header.startswith(_SQLITE_HEADER):
        return "it does not start with an SQLite header"
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    pages, counter, valid_for = struct.unpack(">I", header[28:32])[0], header[24:28], header[92:96]
    if pages and counter == valid_for and size < pages * page_size:
        return f"it is truncated: {size} of {pages * page_size} bytes"
    return None


def _detail(exc: BaseException) -> str:
    text = str(original(exc)).strip() or type(exc).__name__
    return text.splitlines()[0]


@dataclass(frozen=True, slots=True)
class StoreName:
    """How a store is named in messages: a SQLite file's path, or a URL without its password."""

    label: str
    path: Path | None = None  # the SQLite file; None for a database server


_opened: list[StoreName] = []  # the store opened last (a CLI process opens one)


def remember(store: StoreName) -> None:
    """Note the store this process opened, so that an error raised anywhere can name it."""
    _opened[:] = [store]


def _kind(exc: BaseException, path: Path | None) -> Failure:
    """`classify`, and an unnamed SQLite failure that a read-only file or a failed write
    explains (SQLite says "unable to open database file", "disk I/O error") named after it."""
    kind = classify(exc)
    if kind is Failure.OTHER and _cannot_write(path):
        return Failure.READ_ONLY
    if kind is Failure.OTHER and _is_write_error(exc):
        return Failure.FULL
    return kind


def store_failure(exc: BaseException) -> StoreError | None:
    """For the CLI: the message for a failure of the store the process opened, or None when
    the error is no such failure (a conflict that was not retried, a bad statement: a bug in
    netgain, which keeps its traceback)."""
    store = _opened[-1] if _opened else StoreName("(unknown)")
    if _kind(exc, store.path) in (Failure.OTHER, Failure.CONFLICT):
        return None
    return describe(exc, store)


def describe(exc: BaseException, store: StoreName | None = None) -> StoreError:
    """A StoreError naming `store` (default: the store opened last) and what to do."""
    store = store or (_opened[-1] if _opened else StoreName("(unknown)"))
    name, path = store.label, store.path
    kind = _kind(exc, path)
    detail = _detail(exc)
    if kind is Failure.CORRUPT:
        found = sqlite_damage(path) if path is not None else None
        detail = f"{detail}; {found}" if found else detail
        aside = f"`mv {name} {name}.damaged`" if path is not None else "it"
        return StoreError(
            f"the store {name} is damaged or is not a netgain database ({detail}). netgain "
            "stopped at the first damaged page it read; it never deletes or repairs a store. "
            f"Move it aside ({aside}) and run the command again to rebuild the store from git "
            "history (imported incidents and pull requests must be imported again), or restore "
            "it from a backup."
        )
    if kind is Failure.READ_ONLY:
        return StoreError(
            f"the store {name} is read-only ({detail}): nothing was written. Make it writable, "
            "or point --db / NETGAIN_DATABASE_URL at a writable store, and run the command again."
        )
    if kind is Failure.FULL:
        return StoreError(
            f"could not write the store {name} ({detail}: the disk is full, a file size limit "
            "was reached or the disk failed). The unfinished transaction was rolled back and "
            "everything stored before it is kept: free some space and run the command again "
            "to finish."
        )
    if kind is Failure.BUSY:
        return StoreError(
            f"the store {name} stayed locked by other processes ({detail}); nothing was lost: "
            "run the command again."
        )
    if kind is Failure.DISCONNECTED:
        return StoreError(
            f"lost the connection to the store {name} ({detail}); everything committed before "
            "is kept: run the command again to finish."
        )
    return StoreError(f"database error on the store {name}: {detail}")


def _is_write_error(exc: BaseException) -> bool:
    code = getattr(original(exc), "sqlite_errorcode", None)
    return code is not None and int(code) & 0xFF == _IOERR


def _cannot_write(path: Path | None) -> bool:
    """Whether the SQLite file or its folder is on a read-only file system or not writable."""
    if path is None:
        return False
    for p in (path, path.parent):
        if not p.exists():
            continue
        try:
            if os.statvfs(p).f_flag & os.ST_RDONLY:
                return True
        except OSError:
            continue
        if not os.access(p, os.W_OK):
            return True
    return False
