"""What keeping the per-author rollup costs an ingest, on a real history.

    git clone /work/.mirror/pypa+pip/repo /tmp/bench-pip
    .venv/bin/python benchmarks/author_rollup_ingest.py /tmp/bench-pip

Ingests the clone into a new SQLite store in this process with `author_months.add_commits`
wrapped by a timer, prints the ingest's wall time and the part spent keeping the rollup, and
checks that the rollup then equals the aggregate recomputed from the commits.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def main() -> None:
    from sqlalchemy import func, select

    from netgain.history.ingest import ingest_repository
    from netgain.store import author_months
    from netgain.store.engine import open_store

    spent = [0.0, 0]
    add = author_months.add_commits

    def timed(conn: Any, ids: Any) -> None:
        started = time.perf_counter()
        add(conn, ids)
        spent[0] += time.perf_counter() - started
        spent[1] += 1

    author_months.add_commits = timed  # type: ignore[assignment]
    engine = open_store(f"sqlite:///{Path(tempfile.mkdtemp()) / 'netgain.db'}")
    started = time.perf_counter()
    report = ingest_repository(Path(sys.argv[1]), engine)
    wall = time.perf_counter() - started
    print(f"commits stored              {report.commits_added}")
    print(f"ingest wall                 {wall:.2f} s")
    print(f"keeping the rollup          {spent[0]:.3f} s in {spent[1]} batches")
    print(f"share of the ingest         {100 * spent[0] / wall:.1f}%")
    with engine.connect() as conn:
        kept = sorted(tuple(r) for r in conn.execute(select(author_months.TABLE)))
        again = sorted(
            (r[0], r[1], r[2], r[3], *(int(v) for v in r[4:]))
            for r in conn.execute(author_months.aggregate("sqlite", []))
        )
        rows = conn.execute(select(func.count()).select_from(author_months.TABLE)).scalar()
    print(f"rollup rows                 {rows}")
    print(f"equal to a recomputation    {kept == again}")


if __name__ == "__main__":
    main()
