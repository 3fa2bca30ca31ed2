"""The dashboard's overview page at organisation scale on PostgreSQL, warm, next to its SQL alone.

    .venv/bin/python benchmarks/dashboard_scale.py [--repos 200] [--commits 1000000] [--runs 7]
        [--stored-ranges 90d,all] [--json FILE]

Starts a throw-away PostgreSQL (benchmarks/pgserver.py), bulk-loads `--repos` repositories of
`--commits` commits over the two years up to today (`benchmarks.org_overview.generate`: authors,
line counts, attributions, a gate decision per twenty commits, incidents), builds the rollups
(as the ingest job does per repository), then runs the job that stores the overview's metrics
documents (`netgain.service.stored_documents.refresh_documents`, what the service queues after
an ingest) for `--stored-ranges`. Then, in this one process tree, with a signed-in admin over
real HTTP (uvicorn on loopback):

  * the overview page (`/dashboard/{org}`, the default range and each stored range): the first
    view and the median of `--runs` warm ones (after one untimed view);
  * the SQL alone: every statement the page sent to the database during one view, captured with
    its parameters and replayed on a raw connection (median of `--runs`);
  * what the page would cost without the stored document: the full document for `--full-repos`
    repositories, extrapolated per change to the range's changes.

Printed: seconds and ratios; `--json` writes them too.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.loopback import Served  # noqa: E402
from benchmarks.org_overview import ORG, SPAN, generate  # noqa: E402
from benchmarks.pgserver import PostgresServer  # noqa: E402


def median_s(call: Callable[[], object], runs: int) -> float:
    call()  # warm: plans, caches, the catalog's first read
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


class Statements:
    """The SQL a block of code sends (with its parameters), to replay it alone."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, Any]] = []
        self.on = False

    def __call__(self, conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if self.on:
            self.seen.append((statement, params))


def replay(raw: Any, statements: list[tuple[str, Any]]) -> None:
    """Run the statements on a raw psycopg connection, fetching every row."""
    for statement, params in statements:
        with raw.cursor() as cur:
            cur.execute(statement, params)
            if cur.description is not None:
                cur.fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repos", type=int, default=200)
    parser.add_argument("--commits", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--stored-ranges", default="90d,all")
    parser.add_argument("--full-repos", type=int, default=3)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--no-job", action="store_true", help="skip the documents job (to profile the SQL only)"
    )
    parser.add_argument(
        "--team-size", type=int, default=0, help="a team of this many authors, its page timed"
    )
    parser.add_argument(
        "--per-statement", action="store_true", help="print each statement's median time"
    )
    args = parser.parse_args()
    ranges = tuple(r for r in args.stored_ranges.split(",") if r)

    import psycopg
    from sqlalchemy import event

    from netgain.service import access
    from netgain.service.app import create_app
    from netgain.service.context import open_context
    from netgain.service.queue import EmbeddedQueue
    from netgain.service.settings import from_env
    from netgain.service.stored_documents import refresh_documents
    from netgain.service.views.context import ViewContext
    from netgain.service.views.metrics_views import org_metrics
    from netgain.service.views.rollup import refresh
    from netgain.service.views.scope import Window
    from netgain.service.web.dashboard.filters import Filters
    from netgain.store import author_months

    figures: dict[str, Any] = {}

    def note(key: str, value: Any) -> None:
        """Record and print a figure at once (a long run shows its progress)."""
        figures[key] = round(value, 4) if isinstance(value, float) else value
        print(f"{key:48} {figures[key]}", flush=True)
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")

    note("repositories", args.repos)
    server = PostgresServer()
    server.start()
    try:
        data = Path(tempfile.mkdtemp(prefix="netgain-dash-scale-")) / "svc"
        env = {"NETGAIN_SERVICE_DIR": str(data), "NETGAIN_DATABASE_URL": server.url}
        if args.team_size:  # a team "core" of the first authors of the generated history
            data.mkdir(parents=True)
            members = ", ".join(f'"dev{n}@acme.example"' for n in range(args.team_size))
            (data / "orgs.toml").write_text(
                f"[orgs.{ORG}.teams]\ncore = [{members}]\n", encoding="utf-8"
            )
            env["NETGAIN_ORG_CONFIG"] = str(data / "orgs.toml")
        settings = from_env(env)
        ctx = open_context(settings)
        dsn = server.url.replace("postgresql+psycopg://", "postgresql://")
        engine = ctx.engine
        start = datetime.now(UTC) - SPAN + timedelta(days=1)  # two years up to today
        started = time.perf_counter()
        written = generate(server.url, settings.mirrors, args.repos, args.commits, start=start)
        note("commits", written)
        note("load_s", time.perf_counter() - started)
        started = time.perf_counter()
        refresh(engine, list(range(1, args.repos + 1)))
        note("rollup_build_s", time.perf_counter() - started)
        started = time.perf_counter()
        with engine.begin() as conn:  # ingest keeps it; the bulk load bypassed ingest
            author_months.rebuild(conn)
        note("author_rollup_build_s", time.perf_counter() - started)
        views = ViewContext.of(ctx)
        user = access.upsert_user(engine, provider="github", subject="b", login="bench")
        access.replace_grants(engine, user, {ORG: access.Grant("admin", None)})
        cookie, _ = access.open_session(engine, user)
        statements = Statements()
        event.listen(engine, "before_cursor_execute", statements)

        def measure(client: httpx.Client, name: str, path: str) -> None:
            """The page warm and first, and the SQL it sent, replayed alone."""

            def view() -> str:
                response = client.get(path)
                response.raise_for_status()
                return response.text

            started = time.perf_counter()
            page = view()
            note(f"page {name} first_s", time.perf_counter() - started)
            note(f"page {name} shows the stored document", "data-freshness" in page)
            warm = median_s(view, args.runs)
            note(f"page {name} warm_s", warm)
            statements.seen.clear()
            statements.on = True
            view()
            statements.on = False
            captured = list(statements.seen)
            note(f"page {name} statements", len(captured))
            with psycopg.connect(dsn, autocommit=True) as raw:
                sql = median_s(lambda: replay(raw, captured), args.runs)
                note(f"sql alone {name}_s", sql)
                note(f"page/sql {name}", warm / sql)
                if args.per_statement:
                    for statement, params in captured:
                        one = median_s(lambda q=[(statement, params)]: replay(raw, q), 3)
                        print(f"  {one * 1000:8.1f} ms  {' '.join(statement.split())[:150]}")

        queue = EmbeddedQueue(engine, lambda task, args: "")
        with (
            Served(create_app(ctx, queue)) as served,
            httpx.Client(
                base_url=served.url,
                cookies={access.SESSION_COOKIE: cookie},
                headers={"accept": "text/html"},
                timeout=900,
            ) as client,
        ):
            for preset in ranges:
                if not args.no_job:
                    started = time.perf_counter()
                    stored = refresh_documents(views, ORG, (preset,))
                    note(f"job {preset} ({stored} document(s))_s", time.perf_counter() - started)
                views_of = [("", f"/dashboard/{ORG}?range={preset}")]
                if args.team_size:
                    views_of.append((" team", f"/dashboard/{ORG}?range={preset}&team=core"))
                for label, path in views_of:
                    measure(client, f"{preset}{label}", path)
                if args.team_size:
                    team_sums(views, preset, args.repos, args.team_size, args.runs, note)
        event.remove(engine, "before_cursor_execute", statements)

        if args.no_job:
            return
        # without the stored document: the full document per change, extrapolated
        who = access.Principal("token", 0, "bench", frozenset(), {ORG: access.Grant("admin", None)})
        names = [f"{ORG}/repo-{r:03d}" for r in range(args.full_repos)]
        for preset in ranges:
            filters = Filters(range=preset)
            window = Window(*filters.window())
            started = time.perf_counter()
            part = org_metrics(views, who, ORG, window, by=filters.period, repositories=names)
            seconds = time.perf_counter() - started
            assert part.document is not None
            changes = int(part.document["sources"]["changes"])
            page = client_free_overview_changes(views, who, window)
            note(f"full document {preset}, {args.full_repos} repos_s", seconds)
            note(f"full document {preset} extrapolated_s", seconds / max(changes, 1) * page)
        ctx.close()
    finally:
        server.stop()


def team_sums(views: Any, preset: str, repos: int, size: int, runs: int, note: Any) -> None:
    """A team's headline sums two ways, in this process: the per-author rollup (what the page
    reads) and the aggregate straight over the members' commits (what it read before)."""
    from sqlalchemy import func

    from netgain.service.views.overview import _author_sums, commit_aggregate, window_bounds
    from netgain.service.views.scope import Window
    from netgain.service.web.dashboard.filters import Filters
    from netgain.store.models import Commit

    engine = views.engine
    ids = list(range(1, repos + 1))  # the generated repositories, all readable
    window = Window(*Filters(range=preset).window())
    authors = sorted(f"dev{n}@acme.example" for n in range(size))
    bounds = [
        *window_bounds(Commit.author_date, window.since, window.until),
        func.lower(Commit.author_email).in_(authors),
    ]

    def straight() -> list[Any]:
        with engine.connect() as conn:
            return sorted(tuple(r) for r in conn.execute(commit_aggregate(engine, ids, bounds)))

    def rolled() -> list[Any]:
        return sorted(
            (m, b, *v) for (m, b), v in _author_sums(engine, ids, window, authors).items()
        )

    same = [tuple(int(x) if not isinstance(x, str) else x for x in r) for r in straight()]
    note(f"team sums {preset} equal", same == rolled())
    fast, slow = median_s(rolled, runs), median_s(straight, runs)
    note(f"team sums {preset} rollup_s", fast)
    note(f"team sums {preset} straight over the commits_s", slow)
    note(f"team sums {preset} straight/rollup", slow / fast)


def client_free_overview_changes(views: Any, who: Any, window: Any) -> int:
    """The changes of the window over the whole organisation (the headline's count)."""
    from netgain.service.views.overview import overview

    return overview(views, who, ORG, window).changes


if __name__ == "__main__":
    main()
