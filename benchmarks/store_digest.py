"""Row counts and a content hash per table of a netgain SQLite store, for before/after checks.

    .venv/bin/python benchmarks/store_digest.py STORE.db

Why: a speed change to ingest must store exactly the same rows. Wall-clock columns (created_at,
started_at, finished_at, updated_at) differ between any two runs and are left out; everything
else, ids included, is hashed in primary-key order. Snapshots are compressed blobs whose bytes may
differ with timestamps inside, so they are counted, not hashed.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys

VOLATILE = {"created_at", "started_at", "finished_at", "updated_at"}
COUNT_ONLY = {"risk_feature_snapshots", "alembic_version"}


def digest(path: str) -> dict[str, tuple[int, str]]:
    """{table: (rows, sha256 of its stable columns)} for every table in the store."""
    con = sqlite3.connect(path)
    tables = [
        r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
    ]
    out: dict[str, tuple[int, str]] = {}
    for table in tables:
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})") if r[1] not in VOLATILE]
        h = hashlib.sha256()
        n = 0
        sql = f"SELECT {', '.join(cols)} FROM {table} ORDER BY rowid"  # noqa: S608 - local tool
        for row in con.execute(sql):
            n += 1
            if table not in COUNT_ONLY:
                h.update(repr(row).encode())
        out[table] = (n, h.hexdigest()[:16] if table not in COUNT_ONLY else "-")
    return out


def main() -> None:
    for table, (rows, sha) in digest(sys.argv[1]).items():
        print(f"{table:28} {rows:>9} {sha}")


if __name__ == "__main__":
    main()
