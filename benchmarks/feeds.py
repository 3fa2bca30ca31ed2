"""Continuous data: webhook intake of the feeds' routes, and the flow computations at scale.

    .venv/bin/python benchmarks/feeds.py [--deliveries 2000] [--clients 8] [--prs 20000]
        [--commits 2000] [--postgres] [--json FILE]

Part 1, intake (one process tree: `create_app` served by uvicorn in a thread, the embedded
SQLite store, or a throw-away PostgreSQL with --postgres). A generated monorepo history of
`--commits` commits across four services is in the store, with two production deployments, and
the org config routes the PagerDuty service `payments-api` to `services/payments/`. Sent from
`--clients` threads:
  * PagerDuty v3 deliveries: `incident.triggered` then `incident.resolved` for half as many
    incidents (each stored, routed, and linked to the path's changes in the last deployment),
    one in ten a redelivery;
  * GitHub `pull_request_review` deliveries through the existing GitHub route (a timeline row
    and a queued check each);
  * `GET /healthz`: the HTTP floor of the same stack.
The alternative a user has for incidents is the hand-run import: the same incidents as a
PagerDuty CSV export through `parse_file` + `import_records` (what `netgain incidents import`
does before linking), timed per incident beside the webhook's per-event cost.

Part 2, computations: `--prs` generated pull request timelines (300 people, 12 teams, 1-3
reviews each, 1-2 gate decisions), timed through `compute_flow`, `compute_review_load` and
`compute_validation_credit`, next to the floor a user would write by hand: numpy median and p90
of each stage per AI-share bucket (no intervals, no privacy rules). And the loader: the same
pull requests as feed rows in the store, read back by `load_inputs`, next to the bare SELECT.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.fakegithub import Served  # noqa: E402
from benchmarks.feedpayloads import PD_SECRET, pagerduty_incident, pd_signed  # noqa: E402
from benchmarks.github_payloads import load  # noqa: E402
from netgain.incidents.formats import parse_file  # noqa: E402
from netgain.incidents.importer import import_records  # noqa: E402
from netgain.metrics.flow import (  # noqa: E402
    PrTimeline,
    RequestEvent,
    ReviewEvent,
    compute_flow,
)
from netgain.metrics.people import Audience  # noqa: E402
from netgain.metrics.reviewers import ReviewDone, compute_review_load  # noqa: E402
from netgain.metrics.validation import GateDecision, compute_validation_credit  # noqa: E402
from netgain.service.app import create_app  # noqa: E402
from netgain.service.catalog import CatalogEntry  # noqa: E402
from netgain.service.feeds import github as feed_github  # noqa: E402
from netgain.service.feeds.tables import deployments, pr_events  # noqa: E402
from netgain.service.feeds.timelines import load_inputs  # noqa: E402
from netgain.service.runtime import open_runtime  # noqa: E402
from netgain.service.settings import from_env  # noqa: E402
from netgain.service.signature import sign  # noqa: E402
from netgain.store.models import Commit, FileChange, Repository  # noqa: E402

SECRET = "bench-webhook-secret"  # noqa: S105 (a throw-away secret of this run)
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SERVICES = ("payments", "search", "web", "auth")


def _mirror(mirrors: Path, commits: int) -> list[tuple[str, str, str]]:
    """A monorepo mirror of `commits` commits (git fast-import), one file each under one of
    four services: [(sha, parent, path)] oldest first."""
    rng = random.Random(7)
    mirror = mirrors / "acme" / "mono.git"
    mirror.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "--bare", str(mirror)], check=True)
    stream: list[str] = []
    paths: list[str] = []
    for i in range(commits):
        path = f"services/{rng.choice(SERVICES)}/m{i % 50}.py"
        paths.append(path)
        data = f"v = {i}\n"
        stamp = int((T0 + timedelta(minutes=10 * i)).timestamp())
        stream += [
            "commit refs/heads/main",
            f"mark :{i + 1}",
            f"author a <a@acme.example> {stamp} +0000",
            f"committer a <a@acme.example> {stamp} +0000",
            "data 6",
            "change",
            f"M 100644 inline {path}",
            f"data {len(data)}",
            data,
        ]
    marks = mirrors / "marks"
    subprocess.run(
        ["git", f"--git-dir={mirror}", "fast-import", "--quiet", f"--export-marks={marks}"],
        input="\n".join(stream).encode(),
        check=True,
    )
    sha_of = dict(line.split() for line in marks.read_text().splitlines())
    shas = [sha_of[f":{i + 1}"] for i in range(commits)]
    return [(sha, shas[i - 1] if i else "", paths[i]) for i, sha in enumerate(shas)]


def _history(engine: Any, mirrors: Path, commits: int) -> int:
    history = _mirror(mirrors, commits)
    with Session(engine) as session, session.begin():
        repo = Repository(root_path=str((mirrors / "acme" / "mono.git").resolve()), created_at=T0)
        session.add(repo)
        session.flush()
        for i, (sha, parent, path) in enumerate(history):
            when = T0 + timedelta(minutes=10 * i)
            commit = Commit(
                repository_id=repo.id,
                sha=sha,
                parents=parent,
                author_name="a",
                author_email="a@acme.example",
                author_date=when,
                committer_name="a",
                committer_email="a@acme.example",
                committer_date=when,
                subject="change",
                message="change",
                trailers=[],
            )
            session.add(commit)
            session.flush()
            session.add(FileChange(commit_id=commit.id, path=path, added=1, deleted=0))
        repo_id = repo.id
    with engine.begin() as conn:
        # two production deployments: the last ships the newest 10% of the history
        for n, index in enumerate((commits * 9 // 10, commits - 1)):
            conn.execute(
                deployments.insert().values(
                    repository="acme/mono",
                    source="deployment",
                    external_id=str(n),
                    sha=history[index][0],
                    ref="main",
                    environment="production",
                    deployed_at=T0 + timedelta(minutes=10 * index + 5),
                )
            )
    return int(repo_id)


def _without_mirror(mirrors: Path) -> None:
    """The store's graph instead of git: what linking costs before the mirror exists."""
    shutil.rmtree(mirrors / "acme" / "mono.git")


def _percentiles(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "p50_ms": 1000 * ordered[len(ordered) // 2],
        "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
    }


def _send(
    url: str, requests: list[tuple[str, str, bytes, dict[str, str]]], clients: int
) -> dict[str, Any]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    local = threading.local()

    def one(item: tuple[str, str, bytes, dict[str, str]]) -> None:
        method, path, body, headers = item
        if not hasattr(local, "http"):
            local.http = httpx.Client(base_url=url, timeout=60)
        started = time.perf_counter()
        answer = local.http.request(method, path, content=body or None, headers=headers)
        took = time.perf_counter() - started
        with lock:
            latencies.append(took)
            statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, requests))
    wall = time.perf_counter() - started
    return {
        "requests": len(requests),
        "wall_s": wall,
        "per_s": len(requests) / wall,
        "statuses": statuses,
        **_percentiles(latencies),
    }


def _pagerduty_requests(
    deliveries: int, first: int = 0
) -> list[tuple[str, str, bytes, dict[str, str]]]:
    rng = random.Random(11)
    out: list[tuple[str, str, bytes, dict[str, str]]] = []
    incidents = deliveries // 2
    for number in range(first + 1, first + incidents + 1):
        start = T0 + timedelta(days=30, minutes=number)
        for kind, status, at in (
            ("triggered", "triggered", start),
            ("resolved", "resolved", start + timedelta(minutes=30)),
        ):
            payload = pagerduty_incident(
                f"ev-{number}-{kind}",
                f"incident.{kind}",
                number=number,
                status=status,
                created_at=start.isoformat(),
                occurred_at=at.isoformat(),
            )
            body, headers = pd_signed(payload)
            out.append(("POST", "/webhooks/pagerduty", body, headers))
    for _ in range(deliveries // 10):  # redeliveries of earlier events
        out.append(out[rng.randrange(len(out))])
    return out[:deliveries]


def _review_requests(deliveries: int) -> list[tuple[str, str, bytes, dict[str, str]]]:
    template = load("pull_request_review_submitted.json")
    template["installation"] = {"id": 1}
    template["repository"]["full_name"] = "acme/mono"
    out: list[tuple[str, str, bytes, dict[str, str]]] = []
    for i in range(deliveries):
        payload = json.loads(json.dumps(template))
        payload["pull_request"]["number"] = 1 + i % 400
        payload["review"]["id"] = 10_000 + i
        body = json.dumps(payload).encode()
        headers = {
            "X-GitHub-Event": "pull_request_review",
            "X-GitHub-Delivery": f"r-{i}",
            "X-Hub-Signature-256": sign(SECRET.encode(), body),
            "Content-Type": "application/json",
        }
        out.append(("POST", "/webhooks/github", body, headers))
    return out


def _csv_import(tmp: Path, engine: Any, repository_id: int, incidents: int) -> dict[str, Any]:
    header = "id,incident_number,description,service_name,created_on,resolved_on,status,urgency\n"
    rows = [
        f"P{n},{n},Latency {n},payments-api,{(T0 + timedelta(days=10, minutes=n)).isoformat()},"
        f"{(T0 + timedelta(days=10, minutes=n + 30)).isoformat()},resolved,high\n"
        for n in range(1, incidents + 1)
    ]
    path = tmp / "incidents.csv"
    path.write_text(header + "".join(rows), encoding="utf-8")
    started = time.perf_counter()
    parsed = parse_file(path, "pagerduty")
    with Session(engine) as session, session.begin():
        report = import_records(session, repository_id, parsed, str(path))
    wall = time.perf_counter() - started
    return {
        "incidents": incidents,
        "wall_s": wall,
        "per_incident_ms": 1000 * wall / incidents,
        "inserted": report.inserted,
        "updated": report.updated,
    }


def intake(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    secrets = tmp / "secrets"
    secrets.mkdir()
    (secrets / "webhook").write_text(SECRET, encoding="utf-8")
    (secrets / "pd").write_text(PD_SECRET, encoding="utf-8")
    config = tmp / "org.toml"
    config.write_text(
        '[[orgs.acme.incident_routes]]\nservice = "payments-api"\n'
        'repository = "acme/mono"\npath = "services/payments"\n',
        encoding="utf-8",
    )
    env = {
        "NETGAIN_SERVICE_DIR": str(tmp / "svc"),
        "NETGAIN_WEBHOOK_SECRET_FILE": str(secrets / "webhook"),
        "NETGAIN_PAGERDUTY_SECRET_FILE": str(secrets / "pd"),
        "NETGAIN_ORG_CONFIG": str(config),
        "NETGAIN_CHECK_DELAY": "3600",
    }
    server = None
    if args.postgres:
        from benchmarks.pgserver import PostgresServer

        server = PostgresServer()
        server.start()
        env["NETGAIN_DATABASE_URL"] = server.create_database("feeds_bench")
    runtime = open_runtime(from_env(env))
    if runtime.procrastinate is not None:  # as `netgain serve` does: the queue's connection pool
        runtime.procrastinate.open()
    try:
        repo_id = _history(runtime.ctx.engine, runtime.ctx.settings.mirrors, args.commits)
        pd = _pagerduty_requests(args.deliveries)
        reviews = _review_requests(args.deliveries)
        floor: list[tuple[str, str, bytes, dict[str, str]]] = [
            ("GET", "/healthz", b"", {})
        ] * args.deliveries
        with Served(create_app(runtime.ctx, runtime.queue)) as served:
            results = {
                "floor": _send(served.url, floor, args.clients),
                "pagerduty": _send(served.url, pd, args.clients),
                "github_review": _send(served.url, reviews, args.clients),
            }
            _without_mirror(runtime.ctx.settings.mirrors)
            later = _pagerduty_requests(args.deliveries, first=args.deliveries)
            results["pagerduty_no_mirror"] = _send(served.url, later, args.clients)
        with runtime.ctx.engine.connect() as conn:
            from sqlalchemy import func

            from netgain.store.outcome_models import Incident, IncidentLink

            results["stored"] = {
                "incidents": conn.execute(select(func.count()).select_from(Incident)).scalar(),
                "links": conn.execute(select(func.count()).select_from(IncidentLink)).scalar(),
                "timeline_rows": conn.execute(select(func.count()).select_from(pr_events)).scalar(),
            }
        alt = tempfile.mkdtemp(prefix="feeds-csv-")
        try:
            results["csv_import"] = _csv_import(
                Path(alt), runtime.ctx.engine, repo_id, args.deliveries // 2
            )
        finally:
            shutil.rmtree(alt, ignore_errors=True)
        return results
    finally:
        if runtime.procrastinate is not None:
            runtime.procrastinate.close()
        if hasattr(runtime.queue, "stop"):
            runtime.queue.stop()
        runtime.ctx.close()
        if server is not None:
            server.stop()


def _generated(
    prs: int,
) -> tuple[
    list[PrTimeline],
    list[ReviewDone],
    list[GateDecision],
    dict[tuple[str, int], str],
    dict[str, list[str]],
]:
    rng = random.Random(3)
    people = [f"dev{i:03d}" for i in range(300)]
    teams = {f"team{t:02d}": people[t * 25 : (t + 1) * 25] for t in range(12)}
    timelines: list[PrTimeline] = []
    reviews: list[ReviewDone] = []
    decisions: list[GateDecision] = []
    authors: dict[tuple[str, int], str] = {}
    for n in range(prs):
        repo = f"acme/r{n % 200}"
        author = rng.choice(people)
        opened = T0 + timedelta(hours=rng.uniform(0, 24 * 180))
        first = opened - timedelta(hours=rng.expovariate(1 / 20))
        done: list[ReviewEvent] = []
        at = opened
        for _ in range(rng.randint(1, 3)):
            at += timedelta(hours=rng.expovariate(1 / 8))
            who = rng.choice(people)
            state = rng.choice(("approved", "commented", "changes_requested"))
            done.append(ReviewEvent(who, at, state))
            reviews.append(ReviewDone(who, at, state, repo, n, rng.randint(5, 2000)))
        merged = at + timedelta(hours=rng.expovariate(1 / 3))
        ai = rng.randint(0, 200)
        timelines.append(
            PrTimeline(
                repository=repo,
                number=n,
                author=author,
                opened=opened,
                first_commit=first,
                merged=merged,
                deployed=merged + timedelta(hours=rng.expovariate(1 / 12)),
                reviews=tuple(done),
                requests=(RequestEvent(done[0].reviewer, opened),),
                ai_lines=ai,
                human_lines=200 - ai,
            )
        )
        authors[(repo, n)] = author
        for k in range(rng.randint(1, 2)):
            findings = frozenset(f"rule{j}" for j in range(rng.randint(0, 3 - k)))
            decisions.append(
                GateDecision(
                    repo,
                    n,
                    opened + timedelta(hours=k * 6),
                    rng.choice(("approved", "blocked", "pending")),
                    author,
                    findings,
                    frozenset(),
                )
            )
    return timelines, reviews, decisions, authors, teams


def _timed(fn: Any, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def _numpy_floor(timelines: list[PrTimeline]) -> None:
    groups: dict[str, dict[str, list[float]]] = {}
    for t in timelines:
        for stage, hours in t.stages().items():
            if hours is not None:
                groups.setdefault(t.group, {}).setdefault(stage, []).append(hours)
    for stages in groups.values():
        for values in stages.values():
            data = np.asarray(values)
            np.median(data), np.percentile(data, 90)


def computations(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    timelines, reviews, decisions, authors, teams = _generated(args.prs)
    seniors = frozenset(f"dev{i:03d}" for i in range(0, 300, 10))
    admin = Audience(None)
    out: dict[str, Any] = {"prs": args.prs, "reviews": len(reviews), "decisions": len(decisions)}
    out["flow_s"] = _timed(lambda: compute_flow(timelines, teams=teams, seniors=seniors))
    out["numpy_floor_s"] = _timed(lambda: _numpy_floor(timelines))
    tiers = dict.fromkeys(seniors, "senior")
    out["review_load_s"] = _timed(
        lambda: compute_review_load(reviews, tiers=tiers, teams=teams, audience=admin)
    )
    out["validation_s"] = _timed(
        lambda: compute_validation_credit(
            reviews, decisions, authors=authors, teams=teams, audience=admin
        )
    )
    # the loader over the store, next to the bare SELECT of the same rows
    runtime = open_runtime(from_env({"NETGAIN_SERVICE_DIR": str(tmp / "load")}))
    try:
        engine = runtime.ctx.engine
        rows = []
        for t in timelines[: args.prs]:
            name = t.repository
            rows.append(feed_github._event(name, t.number, "opened", "opened", t.author, t.opened))
            rows.append(
                feed_github._event(
                    name, t.number, "merged", "merged", t.author, t.merged or t.opened
                )
            )
            rows += [
                feed_github._event(
                    name,
                    t.number,
                    f"review:{t.number}:{i}",
                    "review",
                    r.reviewer,
                    r.at,
                    state=r.state,
                )
                for i, r in enumerate(t.reviews)
            ]
        with engine.begin() as conn:
            conn.execute(pr_events.insert(), rows)
        entries = [CatalogEntry(f"acme/r{i}", 10_000 + i) for i in range(200)]
        out["event_rows"] = len(rows)

        def loader() -> None:
            with engine.connect() as conn:
                load_inputs(conn, entries)

        def bare() -> None:
            with engine.connect() as conn:
                conn.execute(select(pr_events)).all()

        out["load_inputs_s"] = _timed(loader)
        out["bare_select_s"] = _timed(bare)
    finally:
        runtime.queue.stop() if hasattr(runtime.queue, "stop") else None
        runtime.ctx.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--prs", type=int, default=20000)
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--skip-intake", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="feeds-bench-"))
    try:
        result: dict[str, Any] = {"postgres": args.postgres}
        if not args.skip_intake:
            result["intake"] = intake(args, tmp)
        result["computations"] = computations(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _print(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


def _print(result: dict[str, Any]) -> None:
    intake_ = result.get("intake")
    if intake_:
        floor = intake_["floor"]
        for name in ("floor", "pagerduty", "pagerduty_no_mirror", "github_review"):
            r = intake_[name]
            print(
                f"{name:14} {r['per_s']:8.1f}/s  p50 {r['p50_ms']:7.1f} ms ({r['p50_ms'] / floor['p50_ms']:5.1f}x floor)"
                f"  p99 {r['p99_ms']:7.1f} ms  {r['statuses']}"
            )
        csv = intake_["csv_import"]
        pd_per = 1000 / intake_["pagerduty"]["per_s"]
        print(
            f"csv import     {csv['per_incident_ms']:.2f} ms/incident (webhook: {pd_per:.2f} ms/event wall, "
            f"{pd_per / csv['per_incident_ms']:.1f}x)"
        )
        print(f"stored         {intake_['stored']}")
    c = result["computations"]
    print(
        f"flow           {c['flow_s']:.3f} s for {c['prs']} PRs (numpy floor {c['numpy_floor_s']:.3f} s, "
        f"{c['flow_s'] / c['numpy_floor_s']:.1f}x)"
    )
    print(f"review load    {c['review_load_s']:.3f} s for {c['reviews']} reviews")
    print(f"validation     {c['validation_s']:.3f} s for {c['decisions']} decisions")
    print(
        f"load_inputs    {c['load_inputs_s']:.3f} s for {c['event_rows']} rows (bare SELECT "
        f"{c['bare_select_s']:.3f} s, {c['load_inputs_s'] / c['bare_select_s']:.1f}x)"
    )


if __name__ == "__main__":
    main()
