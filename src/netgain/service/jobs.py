"""The job functions every queue runs: one entry point, dispatched on the task name."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netgain.service import events
from netgain.service.context import ServiceContext

if TYPE_CHECKING:
    from sqlalchemy import Engine


def ingest_repository(
    ctx: ServiceContext, *, installation_id: int, repository: str, backfill: bool = False
) -> str:
    """Incremental ingest of the default branch into the shared store (a push); with `backfill`
    (an installation added the repository, `netgain org sync`) also SZZ labelling of the fixes
    not analysed yet and training of the repository's risk model."""
    from netgain.cli.history import open_workspace, run_ingest
    from netgain.service import mirror
    from netgain.service.views.rollup import refresh as refresh_rollups

    gh = ctx.github
    info = gh.request(installation_id, "GET", f"/repos/{repository}").json()
    branch = str(info["default_branch"])
    path = mirror.fetch(
        ctx.settings.mirrors,
        repository,
        web_url=ctx.settings.web_url,
        token=gh.installation_token(installation_id),
        refs=[f"refs/heads/{branch}"],
    )
    ws = open_workspace(path, ctx.settings.store_url)
    try:
        report = run_ingest(ws, [f"refs/heads/{branch}"], quiet=True)
        refresh_rollups(ws.engine, [report.repository_id])  # the overview reads them warm
        trained = _label_and_train(ws.root, ws.engine, report.repository_id) if backfill else ""
    finally:
        ws.engine.dispose()
    fed = _apply_feeds(ctx, report.repository_id)
    if backfill:  # the pull requests closed before the webhooks flowed
        from netgain.service.feeds.backfill import backfill_timelines

        done = backfill_timelines(ctx, installation_id, repository)
        fed += f"; timelines: {done.pull_requests} pull request(s), {done.new} new event(s)"
    return f"ingested {repository} ({len(report.problems)} problem(s)){trained}{fed}"


def _apply_feeds(ctx: ServiceContext, repository_id: int) -> str:
    """What the feeds kept for later: feature issues naming new commits, and incidents whose
    repository was not ingested until now (netgain.service.feeds)."""
    from netgain.service.feeds.features import reapply_issue_types
    from netgain.service.feeds.router import replay_pending

    marked = reapply_issue_types(ctx.engine, repository_id)
    replayed = replay_pending(ctx)
    parts = [f"{marked} feature commit(s)"] * bool(marked) + [f"{replayed} incident(s)"] * bool(
        replayed
    )
    return f"; feeds: {', '.join(parts)}" if parts else ""


def _label_and_train(root: Path, engine: Engine, repository_id: int) -> str:
    """SZZ over the new fixes, then the risk model (saved in the mirror's .netgain)."""
    from netgain.risk.service import MODEL_FILE, label_history
    from netgain.risk.train import TooLittleHistoryError, train

    labelled = label_history(root, engine, repository_id)
    try:
        model = train(labelled.data, 90.0)
    except TooLittleHistoryError as exc:
        return f"; {labelled.fixes} fix(es) labelled; no model: {exc}"
    model.save(root / MODEL_FILE)
    return f"; {labelled.fixes} fix(es) labelled; model {model.kind} trained"


def forget_repository(ctx: ServiceContext, *, repository: str) -> str:
    """A repository removed from the installation: its history, decisions and mirror go."""
    from netgain.service.forget import forget_repository as forget

    done = forget(ctx.engine, ctx.settings.mirrors, repository)
    return (
        f"forgot {repository} ({done.histories} stored history, {done.decisions} decision(s), "
        f"{done.github_ids} remembered id(s))"
    )


def check_merge_group(
    ctx: ServiceContext,
    *,
    installation_id: int,
    repository: str,
    head_sha: str,
    base_sha: str,
    head_ref: str,
) -> str:
    """A merge queue's group: scan what the group adds; approvals were given on each pull request.

    The group never waits on netgain: it gets a completed run. Approvals are per pull request
    (each was gated on its own head before it could join the queue), so a pending verdict here
    only lacks those approvals and passes; a blocking one (what the combination adds is blocked
    whoever approves) fails the group.
    """
    from netgain.report.github_check import check_run
    from netgain.service import mirror
    from netgain.service.check_job import (
        complete_check_run,
        gate,
        not_analysed,
        open_check_run,
        store_decision,
    )

    run_id = open_check_run(ctx, installation_id, repository, head_sha)
    try:
        path = mirror.fetch(
            ctx.settings.mirrors,
            repository,
            web_url=ctx.settings.web_url,
            token=ctx.github.installation_token(installation_id),
            refs=[head_ref],
            want=[base_sha, head_sha],
        )
        doc, _brief = gate(ctx, path, base_sha, head_sha, None, [], repository)
    except Exception as exc:
        complete_check_run(
            ctx, installation_id, repository, run_id, not_analysed(repository, head_sha, exc)
        )
        raise
    payload = check_run(doc, name=ctx.settings.check_name)
    if doc["verdict"] == "pending":
        payload["conclusion"] = "success"
        payload["output"]["title"] = "merge group: approvals were given on each pull request"
    complete_check_run(ctx, installation_id, repository, run_id, payload)
    store_decision(ctx, repository, None, head_sha, doc, payload["conclusion"], run_id)
    return str(payload["conclusion"])


def store_org_documents(ctx: ServiceContext, *, org: str) -> str:
    """The organisation's overview documents (netgain.service.stored_documents)."""
    from netgain.service.stored_documents import refresh_documents
    from netgain.service.views.context import ViewContext

    started = time.perf_counter()
    stored = refresh_documents(ViewContext.of(ctx), org)
    return f"stored {stored} overview document(s) of {org} in {time.perf_counter() - started:.1f} s"


def follow_ups(task: str, args: dict[str, Any]) -> list[events.JobRequest]:
    """The jobs a finished job asks for: after an ingest, its organisation's overview documents
    (queued after the ingest's commit, so they read what it stored)."""
    if task == events.INGEST:
        owner, _, _ = str(args["repository"]).partition("/")
        return [events.documents_job(owner)]
    return []


def run_job(ctx: ServiceContext, task: str, args: dict[str, Any]) -> str:
    """Run one job by task name (the same code under Procrastinate and the embedded queue)."""
    from netgain.service.check_job import check_pull_request
    from netgain.service.mirror import check_name

    if task == events.DOCUMENTS:
        org = str(args.get("org"))
        check_name(f"{org}/overview")  # an organisation name as GitHub spells one
        return store_org_documents(ctx, org=org)
    check_name(str(args.get("repository")))  # API paths and mirror paths are built from it
    if task == events.CHECK:
        return check_pull_request(ctx, **args)
    if task == events.INGEST:
        return ingest_repository(ctx, **args)
    if task == events.FORGET:
        return forget_repository(ctx, **args)
    if task == events.MERGE_GROUP:
        return check_merge_group(ctx, **args)
    if task == events.RELEASE_COMMIT:
        from netgain.service.feeds.backfill import resolve_release_commit

        return resolve_release_commit(ctx, **args)
    if task == events.PULL_COMMITS:
        from netgain.service.feeds.backfill import record_pull_commits

        return record_pull_commits(ctx, **args)
    raise ValueError(f"unknown task {task!r}")
