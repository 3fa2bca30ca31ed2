"""The organisation overview on PostgreSQL: 200 repositories, 1 million commits, warm.

    .venv/bin/python benchmarks/org_overview.py [--repos 200] [--commits 1000000] [--runs 7]
        [--full-repos 5] [--json FILE]

Starts a throw-away PostgreSQL (benchmarks/pgserver.py), migrates a netgain store into it and bulk
loads (COPY, not git) `--repos` repositories of `--commits` commits in all: authors, dates over
two years, line counts, attributions for about two thirds of them (line- and commit-level, AI
shares spread over every bucket), a gate decision per twenty commits and some incidents. Then,
warm (after one untimed call), it times in one process:

- the overview view (`netgain.service.views.overview.overview`: access check, catalog, the
  aggregate SQL, decisions, incidents, the pydantic model), all time and the last 90 days;
- the aggregate SQL alone straight over the commits (what the overview computed before the
  monthly rollups; the rollup itself is built once after an ingest, timed as rollup_build);
- for scale, the full metrics document of the CLI's rules (`org_metrics`: every change loaded
  into Python and `compute_metrics` run) over `--full-repos` repositories only, and that figure
  per commit times the overview's commits: what the overview would cost without SQL aggregates.

Printed: medians in milliseconds and the ratios; `--json` writes them too.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.pgserver import PostgresServer  # noqa: E402
from netgain.service.access import Grant, Principal  # noqa: E402
from netgain.service.tables import create_tables  # noqa: E402
from netgain.service.views.context import ViewContext  # noqa: E402
from netgain.service.views.metrics_views import org_metrics  # noqa: E402
from netgain.service.views.overview import overview, overview_sql  # noqa: E402
from netgain.service.views.rollup import refresh  # noqa: E402
from netgain.service.views.scope import Window  # noqa: E402
from netgain.store.engine import open_store  # noqa: E402

ORG = "acme"
START = datetime(2024, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=730)


def _copy(raw: Any, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def generate(
    url: str,
    mirrors: Path,
    repos: int,
    commits: int,
    seed: int = 7,
    start: datetime = START,
) -> int:
    """Bulk-load the store with two years of history from `start`; returns the commits written."""
    import psycopg

    rng = random.Random(seed)
    per_repo = commits // repos
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    now = datetime.now(UTC)
    written = 0
    with psycopg.connect(dsn) as raw:
        _copy(
            raw,
            "repositories",
            ["id", "root_path", "created_at", "shallow"],
            [(r + 1, str(mirrors / ORG / f"repo-{r:03d}.git"), now, False) for r in range(repos)],
        )
        commit_id = 0
        decision_rows: list[tuple[Any, ...]] = []
        for r in range(repos):
            commit_rows: list[tuple[Any, ...]] = []
            attribution_rows: list[tuple[Any, ...]] = []
            for i in range(per_repo):
                commit_id += 1
                when = start + SPAN * (i / per_repo) + timedelta(seconds=rng.randrange(3600))
                added = rng.randrange(1, 200)
                author = f"dev{rng.randrange(60)}@acme.example"
                sha = f"{commit_id:040x}"
                merge = i % 25 == 0
                commit_rows.append(
                    (
                        commit_id,
                        r + 1,
                        sha,
                        "",
                        "Dev",
                        author,
                        when,
                        "Dev",
                        author,
                        when,
                        f"change {i}",
                        f"change {i}\n",
                        "[]",
                        merge,
                        0 if merge else added,
                        rng.randrange(50),
                        rng.randrange(1, 8),
                    )
                )
                if not merge and rng.random() < 0.66:
                    ai = int(added * rng.choice((0.0, 0.1, 0.4, 0.6, 0.9, 1.0)))
                    unknown = rng.randrange(0, max(1, (added - ai) // 3))
                    attribution_rows.append(
                        (
                            commit_id,
                            ai,
                            added - ai - unknown,
                            unknown,
                            rng.choice(("line", "commit")),
                            '["claude-code"]',
                            "[]",
                            "[]",
                            "{}",
                        )
                    )
                if i % 20 == 0:
                    decision_rows.append(
                        (
                            f"{ORG}/repo-{r:03d}",
                            i // 20 + 1,
                            sha,
                            rng.choice(("approved", "approved", "pending", "blocked")),
                            "success",
                            json.dumps({"verdict": "approved", "rules": []}),
                            when,
                        )
                    )
            _copy(
                raw,
                "commits",
                [
                    "id",
                    "repository_id",
                    "sha",
                    "parents",
                    "author_name",
                    "author_email",
                    "author_date",
                    "committer_name",
                    "committer_email",
                    "committer_date",
                    "subject",
                    "message",
                    "trailers",
                    "is_merge",
                    "lines_added",
                    "lines_deleted",
                    "files_changed",
                ],
                commit_rows,
            )
            _copy(
                raw,
                "attributions",
                [
                    "commit_id",
                    "ai_lines",
                    "human_lines",
                    "unknown_lines",
                    "level",
                    "tools",
                    "models",
                    "evidence",
                    "line_map",
                ],
                attribution_rows,
            )
            written += len(commit_rows)
        _copy(
            raw,
            "service_decisions",
            ["repository", "number", "head_sha", "verdict", "conclusion", "document", "created_at"],
            decision_rows,
        )
        _copy(
            raw,
            "incidents",
            [
                "repository_id",
                "source",
                "external_id",
                "title",
                "started_at",
                "labels",
                "caused_by",
                "fixed_by",
                "body",
                "raw",
                "imported_at",
                "updated_at",
            ],
            [
                (
                    rng.randrange(repos) + 1,
                    "pagerduty",
                    f"PD-{n}",
                    "outage",
                    start + SPAN * rng.random(),
                    "[]",
                    "[]",
                    "[]",
                    "",
                    "{}",
                    now,
                    now,
                )
                for n in range(repos * 10)
            ],
        )
        _copy(
            raw,
            "ingest_runs",
            ["repository_id", "started_at", "finished_at", "heads", "commits_added"],
            [(r + 1, now, now, "[]", per_repo) for r in range(repos)],
        )
        raw.execute("SELECT setval(pg_get_serial_sequence('commits', 'id'), %s)", (commit_id,))
        raw.commit()
        raw.autocommit = True
        raw.execute("VACUUM ANALYZE")
    return written


def _median_ms(call: Any, runs: int) -> float:
    call()  # warm: plans, caches, the catalog's first read
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repos", type=int, default=200)
    parser.add_argument("--commits", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--full-repos", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    server = PostgresServer()
    server.start()
    try:
        engine = open_store(server.url)
        create_tables(engine)
        mirrors = Path(tempfile.mkdtemp(prefix="netgain-overview-")) / "mirrors"
        started = time.perf_counter()
        written = generate(server.url, mirrors, args.repos, args.commits)
        load_s = time.perf_counter() - started
        views = ViewContext(engine, mirrors)
        who = Principal("token", 1, "alice", frozenset(), {ORG: Grant("member", None)})
        recent = Window(since=START + SPAN - timedelta(days=90))
        ids = list(range(1, args.repos + 1))

        started = time.perf_counter()
        refreshed = refresh(engine, ids)
        rollup_s = time.perf_counter() - started

        def sql_alone(window: Window) -> None:
            with engine.connect() as conn:
                conn.execute(overview_sql(engine, ids, window)).all()

        figures: dict[str, Any] = {
            "repositories": args.repos,
            "commits": written,
            "load_seconds": round(load_s, 1),
            "rollup_build_ms": rollup_s * 1000,
            "rollups_built": refreshed,
            "overview_ms": _median_ms(lambda: overview(views, who, ORG, Window()), args.runs),
            "sql_alone_ms": _median_ms(lambda: sql_alone(Window()), args.runs),
            "overview_90d_ms": _median_ms(lambda: overview(views, who, ORG, recent), args.runs),
            "sql_alone_90d_ms": _median_ms(lambda: sql_alone(recent), args.runs),
        }
        view = overview(views, who, ORG, Window())
        assert view.repositories == args.repos and view.changes > 0
        figures["overview_changes"] = view.changes
        names = [f"{ORG}/repo-{r:03d}" for r in range(args.full_repos)]
        full_ms = _median_ms(lambda: org_metrics(views, who, ORG, Window(), repositories=names), 1)
        per_commit = full_ms / (view.changes * args.full_repos / args.repos)
        figures["full_document_ms"] = full_ms
        figures["full_document_repos"] = args.full_repos
        figures["full_document_extrapolated_ms"] = per_commit * view.changes
        figures["sql_alone_over_overview"] = figures["sql_alone_ms"] / figures["overview_ms"]
        figures["extrapolated_full_over_overview"] = (
            figures["full_document_extrapolated_ms"] / figures["overview_ms"]
        )
        for key, value in figures.items():
            shown = f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"
            print(f"{key:34} {shown}")
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        engine.dispose()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
