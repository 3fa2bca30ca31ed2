"""The check job: the same gate as `netgain check`, run on a mirror, reported through the API.

Order matters for honesty: the check run is `in_progress` before any work, the result is dropped
when the pull request moved on to a newer head meanwhile, and a job that fails completes its
check run as a failure ("not analysed") rather than leaving an approval to chance.
"""

from __future__ import annotations

import json
import logging
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from netgain.service.context import CURRENT_JOB, ServiceContext
from netgain.service.github_app import GitHubError
from netgain.service.remembered import forget, recall, remember

if TYPE_CHECKING:
    from netgain.policy.evaluate import Decision
    from netgain.policy.facts import ChangeContext

log = logging.getLogger("netgain.service")

STICKY_MARKER = "<!-- netgain:sticky-comment -->"
MAX_COMMENT = 65_536


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def open_check_run(ctx: ServiceContext, installation: int, repository: str, head: str) -> int:
    """The id of this head's check run, reopened as `in_progress` (created on first sight), so a
    retried or re-requested job never leaves a second run on the same head."""
    gh = ctx.github
    name = ctx.settings.check_name
    key = f"{repository}@{head}#{name}"
    body = {"status": "in_progress", "started_at": _now()}
    stored = recall(ctx.engine, "check_run", key)
    if stored is not None:
        try:
            gh.request(installation, "PATCH", f"/repos/{repository}/check-runs/{stored}", json=body)
            return stored
        except GitHubError as exc:
            if exc.status != 404:
                raise
            forget(ctx.engine, "check_run", key)
    found = gh.request(
        installation,
        "GET",
        f"/repos/{repository}/commits/{head}/check-runs",
        params={"check_name": name, "filter": "latest"},
    ).json()
    runs = [r for r in found.get("check_runs", []) if isinstance(r, dict) and r.get("name") == name]
    if runs:
        run_id = int(runs[0]["id"])
        gh.request(installation, "PATCH", f"/repos/{repository}/check-runs/{run_id}", json=body)
    else:
        created = gh.request(
            installation,
            "POST",
            f"/repos/{repository}/check-runs",
            json={"name": name, "head_sha": head, **body},
        ).json()
        run_id = int(created["id"])
    remember(ctx.engine, "check_run", key, run_id)
    return run_id


def complete_check_run(
    ctx: ServiceContext, installation: int, repository: str, run_id: int, payload: dict[str, Any]
) -> None:
    """Complete the run with the first 50 annotations, then append the rest 50 at a time."""
    gh = ctx.github
    path = f"/repos/{repository}/check-runs/{run_id}"
    output = payload["output"]
    gh.request(
        installation,
        "PATCH",
        path,
        json={
            "status": "completed",
            "conclusion": payload["conclusion"],
            "completed_at": _now(),
            "output": output,
        },
    )
    for batch in payload.get("annotation_batches", []):
        more = {"title": output["title"], "summary": output["summary"], "annotations": batch}
        gh.request(installation, "PATCH", path, json={"output": more})


def _fail_output(title: str, summary: str) -> dict[str, Any]:
    return {"conclusion": "failure", "output": {"title": title, "summary": summary}}


def not_analysed(repository: str, head: str, exc: Exception) -> dict[str, Any]:
    """The failed check run's output: a generic message and the job id, never the exception
    text (it can show server paths, hosts or git's output to everyone who can read the pull
    request); the detail goes to the service's log under the same job id."""
    job = CURRENT_JOB.get() or "unknown"
    log.error("job %s: %s@%s not analysed: %s: %s", job, repository, head, type(exc).__name__, exc)
    return _fail_output(
        "not analysed: netgain could not finish the check",
        "The check failed before a decision, so nothing is approved. "
        f"Ask the netgain operators to look up job {job} in the service's log; "
        "re-run the check once it is fixed.",
    )


def upsert_sticky_comment(
    ctx: ServiceContext, installation: int, repository: str, number: int, markdown: str
) -> None:
    """Update the pull request's one netgain comment (found by its hidden marker), else post it."""
    gh = ctx.github
    body = f"{STICKY_MARKER}\n{markdown}"
    if len(body) > MAX_COMMENT:
        body = body[: MAX_COMMENT - 60] + "\n\n(truncated: see the check run)\n"
    key = f"{repository}#{number}"
    stored = recall(ctx.engine, "comment", key)
    if stored is not None:
        try:
            path = f"/repos/{repository}/issues/comments/{stored}"
            gh.request(installation, "PATCH", path, json={"body": body})
            return
        except GitHubError as exc:
            if exc.status != 404:
                raise
            forget(ctx.engine, "comment", key)  # deleted by someone: find or post it again
    for comment in gh.paginate(installation, f"/repos/{repository}/issues/{number}/comments"):
        if isinstance(comment, dict) and STICKY_MARKER in str(comment.get("body") or ""):
            comment_id = int(comment["id"])
            if comment.get("body") != body:
                gh.request(
                    installation,
                    "PATCH",
                    f"/repos/{repository}/issues/comments/{comment_id}",
                    json={"body": body},
                )
            remember(ctx.engine, "comment", key, comment_id)
            return
    posted = gh.request(
        installation, "POST", f"/repos/{repository}/issues/{number}/comments", json={"body": body}
    ).json()
    remember(ctx.engine, "comment", key, int(posted["id"]))


def reviewers_to_request(
    doc: dict[str, Any], *, author: str | None, reviewed: set[str], requested: set[str]
) -> tuple[list[str], list[str]]:
    """(users, team slugs) to ask: per unmet requirement, the first `needed` routed suggestions
    that are GitHub logins, never the author nor anyone who already reviewed or is asked."""
    skip = {s.lower() for s in reviewed | requested | ({author} if author else set())}
    users: list[str] = []
    teams: list[str] = []
    for ask in doc.get("reviewers", []):
        needed = max(1, int(ask.get("needed") or 1))
        taken = 0
        for suggestion in ask.get("suggested", []):
            login = str(suggestion.get("login") or "").lstrip("@")
            if taken >= needed or not login or "@" in login:  # git e-mail: not a GitHub user
                continue
            if "/" in login:
                slug = login.split("/", 1)[1]
                if slug not in teams:
                    teams.append(slug)
                taken += 1
                continue
            if login.lower() in skip:
                continue
            if login not in users:
                users.append(login)
            taken += 1
    return users, teams


def store_decision(
    ctx: ServiceContext,
    repository: str,
    number: int | None,
    head: str,
    doc: dict[str, Any],
    conclusion: str,
    run_id: int,
) -> None:
    from netgain.service.tables import decisions

    with ctx.engine.begin() as conn:
        conn.execute(
            decisions.insert().values(
                repository=repository,
                number=number,
                head_sha=head,
                verdict=doc.get("verdict", "error"),
                conclusion=conclusion,
                check_run_id=run_id,
                document=json.loads(json.dumps(doc, default=str)),
            )
        )


def record_decision(
    engine: Engine, mirror: Path, repository: str, number: int, base: str, head: str, db: str
) -> dict[str, Any]:
    """`netgain check` on a mirror's range, stored as the service stores the decision it
    reports (its check job does the same with the pull request's event and reviews): how the
    dashboard's tests and benchmarks get real decisions without a pull request event."""
    from netgain.service.settings import ServiceSettings

    ctx = ServiceContext(ServiceSettings(database_url=db), engine)
    doc, _brief = gate(ctx, mirror, base, head, None, [], repository)
    conclusion = "success" if doc["verdict"] == "approved" else "failure"
    store_decision(ctx, repository, number, head, doc, conclusion, number)
    return doc


def gate(
    ctx: ServiceContext,
    mirror: Path,
    base: str,
    head: str,
    pull: dict[str, Any] | None,
    reviews: list[Any],
    repository: str,
    token: str | None = None,
) -> tuple[dict[str, Any], str | None]:
    """`netgain check` itself (netgain.cli.check.run_check) on the mirror, policy from the base,
    and the review brief when a senior or an owner must review (None otherwise).

    With the installation token, the pull request's code-scanning analyses of this head (CodeQL,
    or any SARIF uploaded to GitHub) are read as imported results, as the Action does: changed
    code in languages netgain does not analyse is then judged instead of left "not analysed".
    """
    from netgain.cli.check import run_check
    from netgain.policy.brief import build_brief
    from netgain.report.brief import render_brief

    briefs: list[str] = []

    def keep_brief(gathered: ChangeContext, decision: Decision) -> None:
        brief = build_brief(gathered, decision)
        if brief.needed:
            briefs.append(render_brief(brief))

    with tempfile.TemporaryDirectory(prefix="netgain-job-") as tmp:
        event = reviews_file = None
        if pull is not None:
            event = Path(tmp) / "event.json"
            event.write_text(
                json.dumps({"pull_request": pull, "repository": {"full_name": repository}}),
                encoding="utf-8",
            )
            reviews_file = Path(tmp) / "reviews.json"
            reviews_file.write_text(json.dumps(reviews), encoding="utf-8")
        doc = run_check(
            repo=mirror,
            base=base,
            head=head,
            event=event,
            reviews=reviews_file,
            author=None,
            approved_by=[],
            pr_body=None,
            coverage=None,
            policy_path=None,
            review_load=None,
            labels=[],
            db=ctx.settings.store_url,
            fetch_reviews=False,
            record=False,
            fetch_code_scanning=token is not None and pull is not None,
            github_token=token,
            github_api=ctx.settings.api_url,
            on_decision=keep_brief,
        )
    return doc, ("".join(briefs) or None)


def check_pull_request(
    ctx: ServiceContext, *, installation_id: int, repository: str, number: int, head_sha: str
) -> str:
    """Run the gate on the pull request's current head; returns what happened (for logs)."""
    from netgain.report.github_check import check_run
    from netgain.service import mirror

    gh = ctx.github
    pull = gh.request(installation_id, "GET", f"/repos/{repository}/pulls/{number}").json()
    if pull.get("state") != "open":
        return "closed"
    head = str(pull["head"]["sha"])
    base = str(pull["base"]["sha"])
    if head != head_sha:
        log.info(
            "%s#%s: checking current head %s instead of %s", repository, number, head, head_sha
        )
    run_id = open_check_run(ctx, installation_id, repository, head)
    try:
        token = gh.installation_token(installation_id)
        path = mirror.fetch(
            ctx.settings.mirrors,
            repository,
            web_url=ctx.settings.web_url,
            token=token,
            refs=[f"refs/heads/{pull['base']['ref']}", f"refs/pull/{number}/head"],
            want=[base, head],
        )
        reviews = list(gh.paginate(installation_id, f"/repos/{repository}/pulls/{number}/reviews"))
        doc, brief = gate(ctx, path, base, head, pull, reviews, repository, token)
    except Exception as exc:
        complete_check_run(
            ctx,
            installation_id,
            repository,
            run_id,
            not_analysed(repository, head, exc),
        )
        raise
    current = gh.request(installation_id, "GET", f"/repos/{repository}/pulls/{number}").json()
    if current.get("head", {}).get("sha") != head:
        # a newer head arrived meanwhile: its own job reports; this result is not its verdict
        complete_check_run(
            ctx,
            installation_id,
            repository,
            run_id,
            {
                "conclusion": "neutral",
                "output": {
                    "title": "superseded by a newer head",
                    "summary": f"The pull request's head moved on from {head[:12]}.",
                },
            },
        )
        return "stale"
    payload = check_run(doc, name=ctx.settings.check_name, brief=brief)
    complete_check_run(ctx, installation_id, repository, run_id, payload)
    from netgain.report.brief import append_brief
    from netgain.report.markdown import render_markdown

    comment = append_brief(render_markdown(doc), brief)
    upsert_sticky_comment(ctx, installation_id, repository, number, comment)
    author = (pull.get("user") or {}).get("login")
    reviewed = {str(r["user"]["login"]) for r in reviews if isinstance(r, dict) and r.get("user")}
    requested = {
        str(r.get("login")) for r in current.get("requested_reviewers") or [] if isinstance(r, dict)
    }
    users, teams = reviewers_to_request(doc, author=author, reviewed=reviewed, requested=requested)
    if users or teams:
        gh.request(
            installation_id,
            "POST",
            f"/repos/{repository}/pulls/{number}/requested_reviewers",
            json={"reviewers": users, "team_reviewers": teams},
        )
    conclusion = str(payload["conclusion"])
    _notify(ctx, repository, number, head, doc, run_id)
    store_decision(ctx, repository, number, head, doc, conclusion, run_id)
    return conclusion


def _notify(
    ctx: ServiceContext, repository: str, number: int, head: str, doc: dict[str, Any], run_id: int
) -> None:
    """Notify the channels when what the pull request needs changed since its last decision."""
    from sqlalchemy import select

    from netgain.service import notify
    from netgain.service.tables import decisions

    settings = ctx.settings
    if settings.slack_webhook is None and settings.notify_webhook is None:
        return
    why = notify.reasons(doc)
    with ctx.engine.connect() as conn:
        previous = conn.execute(
            select(decisions.c.document)
            .where(decisions.c.repository == repository, decisions.c.number == number)
            .order_by(decisions.c.id.desc())
            .limit(1)
        ).scalar()
    if not why or (isinstance(previous, dict) and notify.reasons(previous) == why):
        return
    notify.send(
        slack_url=settings.slack_webhook.get_secret_value() if settings.slack_webhook else None,
        webhook_url=settings.notify_webhook.get_secret_value() if settings.notify_webhook else None,
        repository=repository,
        number=number,
        head_sha=head,
        verdict=str(doc.get("verdict")),
        why=why,
        url=f"{settings.web_url}/{repository}/pull/{number}/checks?check_run_id={run_id}",
    )
