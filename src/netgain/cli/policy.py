"""`netgain policy replay`: what each policy would have cost and caught on the merged history.

Brings the store up to date (incremental ingest, pull requests recovered from git, SZZ on fix
commits within `[metrics] szz_seconds`), then replays every merged change of the window through
each policy (`netgain.replay`) and prints the trade-off table or the JSON document
(`src/netgain/replay/replay.schema.json`, docs/policy.md "Replaying policies").
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from netgain.cli.history import DB_HELP, open_workspace, run_ingest
from netgain.cli.metrics import REVIEWS_HELP, SZZ_HELP, fmt_estimate, parse_since
from netgain.cli.output import console, emit_json, progress, warn
from netgain.errors import UsageError
from netgain.replay.jobs import AUTO_JOBS_FROM, AUTO_JOBS_MAX, auto_jobs

SCHEMA_VERSION = 1
MAX_LISTED = 50  # changes listed by name when they could not be replayed


def _policies(root: Path, paths: list[Path]) -> list[Any]:
    from netgain.policy.schema import load_policy
    from netgain.replay.run import NamedPolicy

    if not paths:
        policy = load_policy(root)
        return [NamedPolicy("current", policy, policy.source or "built-in default")]
    out: list[NamedPolicy] = []
    names: set[str] = set()
    for path in paths:
        if not path.is_file():
            raise UsageError(f"--policy {path}: no such file")
        name = path.stem
        suffix = 2
        while name in names:
            name, suffix = f"{path.stem}-{suffix}", suffix + 1
        names.add(name)
        out.append(NamedPolicy(name, load_policy(root, path), str(path)))
    return out


def _stored_merges(
    engine: Any, repository_id: int, head: str
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Pull requests by merge sha, and what each mainline merge brought in (stored graph)."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from netgain.incidents.pulls import load_graph, merged_commits
    from netgain.replay.changes import PullRequestRef
    from netgain.store.outcome_models import PullRequest

    with Session(engine) as session:
        rows = session.execute(
            select(PullRequest.merge_sha, PullRequest.number, PullRequest.title).where(
                PullRequest.repository_id == repository_id
            )
        ).all()
        graph = load_graph(session, repository_id)
    refs = {sha: PullRequestRef(number, title or "") for sha, number, title in rows}
    return refs, merged_commits(graph, head)


def replay_document(
    repo: Path,
    db: str | None,
    *,
    since: str | None,
    policy_paths: list[Path],
    reviews: list[Path],
    szz: bool,
    quiet: bool,
    per_change: bool = False,
    limit: int | None = None,
    jobs: int | None = 1,
    stored_facts: bool = True,
    exact_share: bool = False,
) -> dict[str, Any]:
    """Everything `netgain policy replay` does except printing; returns the replay document.

    `jobs` None chooses the worker processes from the cores and the changes to gather
    (`netgain.replay.jobs.auto_jobs`); the document's `timings.jobs` says how many ran.

    `exact_share` blames with the gate's whole-tree copy search instead of the replay's cheaper
    one (netgain.replay.run.REPLAY_COPY_SEARCH); the document's `sources` names the method.
    """
    from dataclasses import replace

    from netgain import git
    from netgain.analysis.cache_memory import ScanMemory
    from netgain.cli.scan_config import gate_scan_options, load_scan_config
    from netgain.history.queries import load_provenance
    from netgain.history.share import share_method
    from netgain.incidents.settings import load_settings
    from netgain.metrics.collect import load_changes, load_incidents, load_inducing
    from netgain.metrics.config import metrics_config
    from netgain.metrics.derive import recover_from_git, szz_on_fixes
    from netgain.metrics.review_export import read_review_exports
    from netgain.policy.window_history import WindowHistory
    from netgain.replay.changes import merged_changes
    from netgain.replay.facts_cache import FactsCache, code_digest
    from netgain.replay.outcomes import LaterOutcomes
    from netgain.replay.parallel import WorkerSpec, gathering_count, replay_all
    from netgain.replay.risk import HistoryScorer
    from netgain.replay.run import (
        REPLAY_COPY_SEARCH,
        WHOLE_TREE_FILES,
        ReplayedChange,
        ReplayInputs,
    )
    from netgain.replay.summary import ReviewHours, compare_to_first, summarise_policy
    from netgain.risk.feature_store import scoring_changes
    from netgain.risk.service import repository_model, tiers

    started = time.perf_counter()
    window_start = parse_since(since)
    ws = open_workspace(repo, db)
    raw = ws.config
    config = metrics_config(raw.section("metrics"), raw.source)
    settings = load_settings(raw.section("incidents"), raw.source)
    policies = _policies(ws.root, policy_paths)
    exported, review_notes = read_review_exports(reviews) if reviews else ([], [])
    report = run_ingest(ws, ["HEAD"], quiet=quiet)
    rid = report.repository_id
    head = git.rev_parse(ws.root, "HEAD^{commit}")
    if head is None:
        raise UsageError(f"{ws.root}: the repository has no commits")
    recover_from_git(ws.engine, rid, head, settings)
    stored = load_changes(ws.engine, rid, config)
    szz_progress = szz_on_fixes(
        ws.engine,
        rid,
        ws.root,
        {c.sha: c.date for c in stored},
        budget_seconds=config.szz_seconds,
        run=szz,
    )
    incidents = load_incidents(ws.engine, rid)
    inducing = load_inducing(ws.engine, rid)
    outcomes = LaterOutcomes.build(incidents, inducing)
    refs, brought = _stored_merges(ws.engine, rid, head)
    changes, roots = merged_changes(ws.root, head, window_start, refs, brought, limit)
    records, zones = scoring_changes(ws.engine, rid, ws.root, raw)
    model, model_notice = repository_model(ws.root)
    scorer = HistoryScorer(records, zones, model, tiers(raw.section("risk"), str(raw.source)))
    scan_config = load_scan_config(raw)
    copy_search = "whole-tree" if exact_share else REPLAY_COPY_SEARCH
    method = share_method(copy_search, WHOLE_TREE_FILES)
    inputs = ReplayInputs(
        root=ws.root,
        raw=raw,
        provenance_for=lambda shas: load_provenance(ws.engine, rid, shas),
        # one process scans change after change: the scan cache stays in memory between them
        scan_options=replace(gate_scan_options(scan_config, ws.root), memory=ScanMemory()),
        outcomes=outcomes,
        scorer=scorer,
        cache_dir=ws.root / ".netgain" / "cache",
        facts=FactsCache.open(
            ws.root / ".netgain" / "cache" / "replay", raw.data, code_digest(), method
        )
        if stored_facts
        else None,
        whole_tree_files=WHOLE_TREE_FILES,
        copy_search=copy_search,
    )
    # oldest first commit first: the risk pass then never restarts
    changes.sort(key=lambda c: (scorer.first_time(c.shas) or c.merged_at.timestamp(), c.head))
    replayed: list[ReplayedChange] = []
    failed: list[dict[str, str]] = []
    replay_started = time.perf_counter()

    def spec() -> WorkerSpec:
        return WorkerSpec(
            store_url=ws.engine.url.render_as_string(hide_password=False),
            repository_id=rid,
            root=ws.root,
            raw=raw,
            scan_options=inputs.scan_options,
            outcomes=outcomes,
            scorer=scorer,
            cache_dir=inputs.cache_dir,
            facts=inputs.facts,
            policies=tuple(policies),
            window=inputs.window,
            copy_search=inputs.copy_search,
            whole_tree_files=inputs.whole_tree_files,
        )

    gathering = gathering_count(changes, policies, inputs.facts)
    jobs_basis = "option"
    if jobs is None:
        jobs, jobs_basis = auto_jobs(gathering, os.cpu_count()), "auto"
    if gathering:
        # the window's graph, authors, touched paths and renames read once, not once a change
        inputs.window = WindowHistory.read(ws.root, head)
    results: list[Any] = [None] * len(changes)
    with progress(enabled=None if not quiet else False) as bar, git.CatFileBatch(ws.root) as blobs:
        inputs.blobs = blobs
        task = bar.add_task("replaying merged changes", total=len(changes))
        for index, result in replay_all(changes, policies, inputs, jobs=jobs, spec=spec):
            results[index] = result
            bar.advance(task)
    inputs.blobs = None
    if inputs.scan_options.memory is not None:
        inputs.scan_options.memory.flush()
    for result in results:  # in the changes' order, however the workers finished
        if isinstance(result, ReplayedChange):
            replayed.append(result)
        else:
            failed.append(result)
    replay_seconds = time.perf_counter() - replay_started
    ws.engine.dispose()
    hours = ReviewHours.from_exports(exported, config.review_hours_per_review)
    rows = [summarise_policy(p, replayed, hours, config) for p in policies]
    compare_to_first(rows)
    merged = sorted(c.merged_at for c in changes)
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "repository": str(ws.root),
        "head": head,
        "since": window_start.isoformat() if window_start else None,
        "window": {
            "first_merge": merged[0].isoformat() if merged else None,
            "last_merge": merged[-1].isoformat() if merged else None,
        },
        "changes": len(changes),
        "replayed": len(replayed),
        "not_replayed": len(failed),
        "not_replayed_changes": failed[:MAX_LISTED],
        "root_commits_left_out": roots,
        "pull_requests": sum(1 for c in changes if c.pull_request is not None),
        "unparsed_files": sum(c.unparsed for c in replayed),
        "changes_with_problems": sum(1 for c in replayed if c.problems),
        "sources": {
            "incidents": "imported" if incidents is not None else "no incidents imported",
            "defects": "SZZ" if inducing is not None else "SZZ never ran",
            "szz": szz_progress.to_dict(),
            "vulnerabilities": "netgain's scan of each change at its merge: findings of "
            "severity medium or above on the lines it added",
            "risk_model": model.kind + (" (pooled default)" if model.default else ""),
            "risk_model_notice": model_notice,
            "review_hours": "review export" if hours.mean is not None else "weights",
            "ai_share": method,
        },
        "notes": review_notes[:MAX_LISTED],
        "policies": rows,
        "timings": {
            "total_seconds": round(time.perf_counter() - started, 2),
            "replay_seconds": round(replay_seconds, 2),
            "seconds_per_change": round(replay_seconds / len(changes), 4) if changes else None,
            "jobs": jobs,
            "jobs_basis": jobs_basis,
            "stored_facts": {
                "used": stored_facts,
                "gatherings": sum(c.gathered for c in replayed),
                "reused": sum(c.reused for c in replayed),
            },
            "stages": _stage_totals(replayed),
        },
    }
    if per_change:
        doc["per_change"] = [c.to_dict() for c in replayed]
    return doc


def _stage_totals(replayed: list[Any]) -> dict[str, float]:
    """Seconds spent per stage of gathering and deciding, over every replayed change."""
    totals: dict[str, float] = {}
    for change in replayed:
        for stage, seconds in change.stages.items():
            totals[stage] = totals.get(stage, 0.0) + seconds
    return {k: round(v, 2) for k, v in sorted(totals.items(), key=lambda kv: -kv[1])}


def _print(doc: dict[str, Any]) -> None:
    window = doc["window"]
    console.print(
        f"policy replay: {doc['repository']}: {doc['replayed']} of {doc['changes']} merged "
        f"changes ({window['first_merge'] or '-'} to {window['last_merge'] or '-'}), "
        f"{doc['pull_requests']} pull requests",
        highlight=False,
    )
    table = Table(title_justify="left")
    for name in (
        "policy",
        "senior",
        "owner",
        "design doc",
        "peer only",
        "senior h",
        "owner h",
        "incidents caught/missed",
        "defects caught/missed",
        "vulns caught/missed",
    ):
        table.add_column(name, justify="left" if name == "policy" else "right")
    for row in doc["policies"]:
        t, caught, missed = row["tiers"], row["caught"], row["missed"]
        table.add_row(
            row["name"],
            str(t["senior"]),
            str(t["owner"]),
            str(t["design_doc"]),
            str(t["peer_only"]),
            f"{row['senior_hours']:.1f}",
            f"{row['owner_hours']:.1f}",
            *(f"{caught[k]}/{missed[k]}" for k in ("incidents", "defects", "vulnerabilities")),
        )
    console.print(table)
    for row in doc["policies"]:
        rates = row["catch_rate"]
        against = row["against_first"]
        cut = against["senior_reviews_cut"]
        console.print(
            f"{row['name']}: senior share {fmt_estimate(row['senior_share'])}; catch rate "
            f"incidents {fmt_estimate(rates['incidents'])}, defects "
            f"{fmt_estimate(rates['defects'])}; senior reviews cut against "
            f"{against['policy']}: {'-' if cut is None else f'{cut:.0%}'}; hours from "
            + (", ".join(f"{k} ({v})" for k, v in row["hours_basis"].items()) or "-"),
            highlight=False,
        )
    sources = doc["sources"]
    console.print(
        f"incidents: {sources['incidents']}; defects: {sources['defects']} "
        f"({sources['szz']['analysed']} of {sources['szz']['fix_commits']} fix commits "
        f"analysed); risk model: {sources['risk_model']}",
        highlight=False,
    )
    if doc["not_replayed"]:
        warn(f"{doc['not_replayed']} change(s) could not be replayed (see --json)")
    if doc["unparsed_files"]:
        warn(f"{doc['unparsed_files']} changed file(s) could not be parsed")
    per = doc["timings"]["seconds_per_change"]
    console.print(
        f"{doc['timings']['total_seconds']:.1f} s"
        + (f", {per:.3f} s per change" if per is not None else ""),
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Attach the `policy` command group to the root app."""
    group = typer.Typer(
        name="policy",
        help="Review policies: replay them on the merged history.",
        no_args_is_help=True,
    )

    @group.command()
    def replay(
        repo: Path = typer.Option(Path(), "--repo", "-C", help="Repository (default: current)."),
        db: str | None = typer.Option(None, "--db", help=DB_HELP),
        since: str | None = typer.Option(
            None, "--since", metavar="DATE", help="Only changes merged from DATE on."
        ),
        policy: list[Path] = typer.Option(
            [],
            "--policy",
            metavar="FILE",
            help="A policy to replay (repeatable; the first is the baseline of the comparison). "
            "Default: the repository's policy.",
        ),
        reviews: list[Path] = typer.Option([], "--reviews", metavar="FILE", help=REVIEWS_HELP),
        szz: bool = typer.Option(True, "--szz/--no-szz", help=SZZ_HELP),
        per_change: bool = typer.Option(
            False, "--per-change", help="With --json: every change's verdicts."
        ),
        last: int | None = typer.Option(
            None, "--last", metavar="N", min=1, help="Only the N most recent changes."
        ),
        jobs: int | None = typer.Option(
            None,
            "--jobs",
            "-j",
            min=1,
            metavar="N",
            help="Worker processes that gather the changes without stored facts (default: one "
            f"per core, at most {AUTO_JOBS_MAX}, when {AUTO_JOBS_FROM} or more changes need "
            "gathering, else none: in this process). -j 1 on a machine busy with other work.",
        ),
        stored_facts: bool = typer.Option(
            True,
            "--stored-facts/--no-stored-facts",
            help="Reuse the facts an earlier replay gathered for a change (same commits, "
            "configuration, provenance and netgain build); --no-stored-facts gathers again.",
        ),
        exact_share: bool = typer.Option(
            False,
            "--exact-share",
            help="Blame the AI share as `netgain check` does (git blame -M -C -C -C: copies "
            "looked for in the whole tree for every commit) instead of the replay's -M -C -C "
            "(only for the commit creating a file): a cold replay of pypa/pip took twice the CPU.",
        ),
        as_json: bool = typer.Option(False, "--json", help="Print the replay document as JSON."),
    ) -> None:
        """Replay policies over every merged change: tiers, review hours, outcomes caught."""
        doc = replay_document(
            repo,
            db,
            since=since,
            policy_paths=policy,
            reviews=reviews,
            szz=szz,
            quiet=as_json,
            per_change=per_change,
            limit=last,
            jobs=jobs,
            stored_facts=stored_facts,
            exact_share=exact_share,
        )
        if as_json:
            emit_json(doc)
            return
        _print(doc)

    app.add_typer(group, name="policy")
