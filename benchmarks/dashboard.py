"""The dashboard's pages on a real repository, next to what a user would otherwise run.

    .venv/bin/python benchmarks/dashboard.py REPO OWNER/NAME [--checks 3] [--runs 5] [--json]

REPO is a git repository (a mirror fetched by hand: benchmarks may use fetched repositories,
`make test` never does). It is cloned bare into a service data folder as the service's mirror
`OWNER/NAME`, ingested (main), and `netgain check` runs on its last `--checks` merges; each
decision is stored as the service stores it. Then, in this one process and warm (best and median
of `--runs`), with a signed-in admin session over real HTTP (uvicorn on loopback):

  * every dashboard page (overview, board answer, repository, the first pull request, review
    load, bottleneck, validation credit), whole history: the first view (metrics documents computed) and the
    warm ones (reused from `netgain.service.web.dashboard.cache` while no input changed);
  * the same figures without HTML: the query layer and flow computations the pages call;
  * what a user would otherwise run: `netgain report` (the offline HTML report of the same
    repository, warm, as a subprocess) for the overview and repository pages,
    `netgain metrics --board --json` (warm) for the board page, and
    `netgain check --format json` again for "why was this pull request blocked".
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

NETGAIN = str(Path(sys.executable).with_name("netgain"))
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # benchmarks.loopback: uvicorn on a free loopback port


def best_median(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def prepare(repo: Path, full_name: str, data: Path, checks: int) -> list[tuple[str, str]]:
    """Mirror, ingest and gate decisions; returns the (base, head) of each checked merge."""
    from netgain.cli.history import open_workspace, run_ingest
    from netgain.incidents.settings import IncidentSettings
    from netgain.metrics.derive import recover_from_git
    from netgain.service.check_job import record_decision
    from netgain.service.settings import from_env
    from netgain.service.tables import create_tables

    owner, name = full_name.split("/")
    mirror = data / "mirrors" / owner / f"{name}.git"
    mirror.parent.mkdir(parents=True)
    subprocess.run(["git", "clone", "-q", "--bare", str(repo), str(mirror)], check=True)
    settings = from_env({"NETGAIN_SERVICE_DIR": str(data)})
    branch = subprocess.run(
        ["git", "-C", str(mirror), "symbolic-ref", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()  # the default branch (main, master, ...)
    ws = open_workspace(mirror, settings.store_url)
    report = run_ingest(ws, [branch], quiet=True)
    head = subprocess.run(
        ["git", "-C", str(mirror), "rev-parse", branch], capture_output=True, text=True, check=True
    ).stdout.strip()
    recover_from_git(ws.engine, report.repository_id, head, IncidentSettings())
    create_tables(ws.engine)
    merges = subprocess.run(
        ["git", "-C", str(mirror), "log", "--merges", f"-n{checks}", "--format=%P", branch],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    ranges = [(p.split()[0], p.split()[1]) for p in merges if len(p.split()) >= 2]
    for number, (base, tip) in enumerate(ranges, start=1):
        record_decision(ws.engine, mirror, full_name, number, base, tip, settings.store_url)
    ws.engine.dispose()
    return ranges


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("full_name")
    parser.add_argument("--checks", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from benchmarks.loopback import Served
    from netgain.service import access
    from netgain.service.app import create_app
    from netgain.service.feeds.figures import org_flow
    from netgain.service.runtime import open_runtime
    from netgain.service.settings import from_env
    from netgain.service.views.board_views import org_boards
    from netgain.service.views.context import ViewContext
    from netgain.service.views.metrics_views import org_metrics, repository_metrics
    from netgain.service.views.overview import overview
    from netgain.service.views.scope import Window
    from netgain.service.web.dashboard.filters import Filters

    owner, name = args.full_name.split("/")
    results: dict[str, Any] = {"repository": args.full_name}
    with tempfile.TemporaryDirectory(prefix="netgain-dash-bench-") as tmp:
        data = Path(tmp) / "svc"
        start = time.perf_counter()
        ranges = prepare(args.repo, args.full_name, data, args.checks)
        results["prepare_s"] = round(time.perf_counter() - start, 2)
        runtime = open_runtime(from_env({"NETGAIN_SERVICE_DIR": str(data)}))
        ctx = runtime.ctx
        user = access.upsert_user(ctx.engine, provider="github", subject="b", login="bench")
        access.replace_grants(ctx.engine, user, {owner: access.Grant("admin", None)})
        cookie, _ = access.open_session(ctx.engine, user)
        principal = access.principal_from_session(ctx.engine, cookie)
        assert principal is not None
        views = ViewContext.of(ctx)
        window = Window(*Filters(range="all").window())
        base = f"/dashboard/{owner}"
        pages = {
            "overview": base,
            "board": f"{base}/board",
            "repository": f"{base}/repos/{name}",
            "pull request": f"{base}/repos/{name}/pull/1",
            "review load": f"{base}/review-load",
            "bottleneck": f"{base}/bottleneck",
            "validation credit": f"{base}/validation-credit",
        }
        figures: dict[str, Callable[[], object]] = {
            "overview": lambda: (
                overview(views, principal, owner, window),
                org_metrics(views, principal, owner, window, by="month"),
            ),
            "repository": lambda: repository_metrics(
                views, principal, args.full_name, window, by="month"
            ),
            "review load": lambda: org_flow(ctx, principal, owner),
            "board": lambda: org_boards(views, principal, owner, None),
        }
        with Served(create_app(ctx, runtime.queue)) as served:
            client = httpx.Client(
                base_url=served.url,
                cookies={access.SESSION_COOKIE: cookie},
                headers={"accept": "text/html"},
                timeout=300,
            )
            for label, path in pages.items():
                start = time.perf_counter()
                response = client.get(path + "?range=all")
                first = time.perf_counter() - start  # the documents are not cached yet
                assert response.status_code == 200, (path, response.text[:300])
                best, med = best_median(
                    lambda p=path: client.get(p + "?range=all").raise_for_status(), args.runs
                )
                results[f"page {label}"] = {
                    "first_s": round(first, 4),
                    "best_s": round(best, 4),
                    "median_s": round(med, 4),
                }
            client.close()
        for label, fn in figures.items():
            best, med = best_median(fn, args.runs)
            results[f"figures {label}"] = {"best_s": round(best, 4), "median_s": round(med, 4)}
        runtime.queue.stop() if hasattr(runtime.queue, "stop") else None
        ctx.close()

        work = Path(tmp) / "work"
        subprocess.run(["git", "clone", "-q", str(args.repo), str(work)], check=True)
        out = Path(tmp) / "report.html"
        report = [NETGAIN, "report", "-o", str(out), "--db", f"sqlite:///{Path(tmp) / 'r.db'}"]
        subprocess.run(report, cwd=work, check=True, capture_output=True)  # cold: ingest, SZZ
        best, med = best_median(
            lambda: subprocess.run(report, cwd=work, check=True, capture_output=True), args.runs
        )
        results["netgain report (warm)"] = {"best_s": round(best, 4), "median_s": round(med, 4)}
        board = [NETGAIN, "metrics", "--board", "--json", "--db", f"sqlite:///{Path(tmp) / 'r.db'}"]
        best, med = best_median(
            lambda: subprocess.run(board, cwd=work, check=True, capture_output=True), args.runs
        )
        results["netgain metrics --board (warm)"] = {
            "best_s": round(best, 4),
            "median_s": round(med, 4),
        }
        b, h = ranges[0]
        check = [NETGAIN, "check", "--base", b, "--head", h, "--format", "json", "--no-record"]
        check += ["--db", f"sqlite:///{Path(tmp) / 'r.db'}"]
        best, med = best_median(
            lambda: subprocess.run(check, cwd=work, check=False, capture_output=True), args.runs
        )
        results["netgain check again"] = {"best_s": round(best, 4), "median_s": round(med, 4)}

    if args.json:
        print(json.dumps(results, indent=2))
        return
    for key, value in results.items():
        print(f"{key:28} {value}")
    report_m = results["netgain report (warm)"]["median_s"]
    check_m = results["netgain check again"]["median_s"]
    print(
        f"overview page / report: {results['page overview']['median_s'] / report_m:.3f}; "
        f"repository page / report: {results['page repository']['median_s'] / report_m:.3f}; "
        f"pull request page / check: {results['page pull request']['median_s'] / check_m:.4f}; "
        "board page / netgain metrics --board: "
        f"{results['page board']['median_s'] / results['netgain metrics --board (warm)']['median_s']:.3f}"
        "; overview page / its figures alone: "
        f"{results['page overview']['median_s'] / results['figures overview']['median_s']:.2f}"
    )


if __name__ == "__main__":
    main()
