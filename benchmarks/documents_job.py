"""The job that stores the overview's metrics documents (`store_org_documents`), before and after
it loaded the organisation's records once per job instead of once per range, on PostgreSQL.

    .venv/bin/python benchmarks/documents_job.py [--repos 40] [--commits 100000] [--team-size 10]
        [--json FILE]

Starts a throw-away PostgreSQL (benchmarks/pgserver.py), bulk-loads `--repos` repositories of
`--commits` commits (`benchmarks.org_overview.generate`), configures two teams of `--team-size`
authors, then, in this one process:

  * before: the job as it ran until now, one load of every change per range preset
    (`refresh_documents` called once per preset, which is what its loop did);
  * after: one `refresh_documents` call over every preset (the records loaded once), with a
    fresh commit cache (`netgain.service.views.change_cache`), as a worker's first run;
  * whether the stored documents are identical both ways;
  * the next run after `--new-commits` commits were stored in one repository: only those are
    read; then the same run reading everything, and whether the documents are identical.

Printed: seconds and the ratio; `--json` writes them too.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.org_overview import ORG, SPAN, generate  # noqa: E402
from benchmarks.pgserver import PostgresServer  # noqa: E402


def stored(engine: Any) -> dict[tuple[str, str], Any]:
    """(view, range) -> the stored metrics, without the job's own timing."""
    from sqlalchemy import select

    from netgain.service.tables import stored_documents as t

    with engine.connect() as conn:
        rows = conn.execute(select(t.c.view, t.c.range, t.c.metrics, t.c.data_version)).all()
    return {(v, r): (m, list(d)) for v, r, m, d in rows}


def add_commits(engine: Any, count: int) -> int:
    """`count` new non-merge commits in repository 1, dated yesterday, half with attribution:
    what an ingest of a push stores."""
    from sqlalchemy import insert, select

    from netgain.store.models import Attribution, Commit

    when = datetime.now(UTC) - timedelta(days=1)
    rows = [
        {
            "repository_id": 1,
            "sha": f"{n:040x}"[::-1],
            "parents": "",
            "author_name": "Dev",
            "author_email": f"dev{n % 30}@acme.example",
            "author_date": when,
            "committer_name": "Dev",
            "committer_email": f"dev{n % 30}@acme.example",
            "committer_date": when,
            "subject": f"new {n}",
            "message": f"new {n}\n",
            "trailers": [],
            "is_merge": False,
            "lines_added": 10,
            "lines_deleted": 1,
            "files_changed": 1,
        }
        for n in range(count)
    ]
    with engine.begin() as conn:
        conn.execute(insert(Commit), rows)
        ids = conn.execute(select(Commit.id).where(Commit.subject.like("new %"))).scalars()
        conn.execute(
            insert(Attribution),
            [
                {
                    "commit_id": i,
                    "ai_lines": 8,
                    "human_lines": 2,
                    "unknown_lines": 0,
                    "level": "line",
                    "tools": ["claude-code"],
                    "models": [],
                    "evidence": [],
                    "line_map": {},
                }
                for i in list(ids)[::2]
            ],
        )
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repos", type=int, default=40)
    parser.add_argument("--commits", type=int, default=100_000)
    parser.add_argument("--team-size", type=int, default=10)
    parser.add_argument("--new-commits", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3, help="loads timed each way (median)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    from netgain.service.access import Grant, Principal
    from netgain.service.context import open_context
    from netgain.service.settings import from_env
    from netgain.service.stored_documents import RANGES, refresh_documents
    from netgain.service.views.change_cache import ChangeCache
    from netgain.service.views.context import ViewContext
    from netgain.service.views.metrics_views import org_records

    figures: dict[str, Any] = {}

    def note(key: str, value: Any) -> None:
        figures[key] = round(value, 3) if isinstance(value, float) else value
        print(f"{key:44} {figures[key]}", flush=True)
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")

    server = PostgresServer()
    server.start()
    try:
        data = Path(tempfile.mkdtemp(prefix="netgain-docs-job-")) / "svc"
        data.mkdir(parents=True)
        size = args.team_size
        teams = {
            "core": [f"dev{n}@acme.example" for n in range(size)],
            "edge": [f"dev{n}@acme.example" for n in range(size, 2 * size)],
        }
        lines = [f"[orgs.{ORG}.teams]"]
        lines += [f"{name} = {json.dumps(members)}" for name, members in teams.items()]
        (data / "orgs.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        env = {
            "NETGAIN_SERVICE_DIR": str(data),
            "NETGAIN_DATABASE_URL": server.url,
            "NETGAIN_ORG_CONFIG": str(data / "orgs.toml"),
        }
        settings = from_env(env)
        ctx = open_context(settings)
        start = datetime.now(UTC) - SPAN + timedelta(days=1)
        note("repositories", args.repos)
        note(
            "commits", generate(server.url, settings.mirrors, args.repos, args.commits, start=start)
        )
        views = ViewContext.of(ctx)
        today = datetime.now(UTC).date()

        started = time.perf_counter()
        count = sum(
            refresh_documents(views, ORG, (preset,), today, cache=None) for preset in RANGES
        )
        before = time.perf_counter() - started
        note(f"before: one load per range ({count} documents)_s", before)
        first = stored(ctx.engine)

        cache = ChangeCache()
        started = time.perf_counter()
        count = refresh_documents(views, ORG, RANGES, today, cache=cache)
        after = time.perf_counter() - started
        note(f"after, first run: one load per job ({count} documents)_s", after)
        note("before/after first run", before / after)
        note("documents identical", stored(ctx.engine) == first)

        # an ingest of one repository adds commits; the next run reads only those
        added = add_commits(ctx.engine, args.new_commits)
        read = cache.rows_read
        started = time.perf_counter()
        refresh_documents(views, ORG, RANGES, today, cache=cache)
        incremental = time.perf_counter() - started
        note(f"after, next run ({added} new commits in one repository)_s", incremental)
        note("next run: rows read from the store", cache.rows_read - read)
        kept = stored(ctx.engine)
        started = time.perf_counter()
        refresh_documents(views, ORG, RANGES, today, cache=None)
        note("that run reading everything again_s", time.perf_counter() - started)
        note("before/after next run", before / incremental)
        note("next run's documents identical to a full read", stored(ctx.engine) == kept)

        # where a job's time goes: loading the records (with the kept commits, or reading every
        # commit again), alternated so that both see the same machine load; the rest of a run is
        # the documents over the loaded records
        who = Principal("token", 0, "bench", frozenset(), {ORG: Grant("admin", None)})
        times: dict[str, list[float]] = {"kept": [], "none": []}
        for _ in range(args.runs):
            for label, used in (("kept", cache), ("none", None)):
                started = time.perf_counter()
                records = org_records(views, who, ORG, "month", used)
                times[label].append(time.perf_counter() - started)
        note("records: changes", len(records[1].changes))
        warm, cold = statistics.median(times["kept"]), statistics.median(times["none"])
        note("loading the records, commits kept_s", warm)
        note("loading the records, every commit read_s", cold)
        note("loading: read all / kept", cold / warm)
        ctx.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
