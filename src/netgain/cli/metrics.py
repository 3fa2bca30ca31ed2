"""`netgain metrics`: throughput, incidents, quality, rework, review load and net productivity,
per period and per AI-share bucket, each comparison with its sample size and 95% interval."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from netgain import git
from netgain.cli.history import DB_HELP, history_problems, open_workspace, problem_lines, run_ingest
from netgain.cli.output import console, emit_json, warn
from netgain.config import load_config
from netgain.errors import UsageError
from netgain.incidents.settings import load_settings
from netgain.metrics import compute_metrics, metrics_config
from netgain.metrics.collect import collect
from netgain.metrics.inputs import GROUPS
from netgain.metrics.provenance_coverage import team_members
from netgain.metrics.sections import comprehension_entry
from netgain.metrics.tool_telemetry import (
    MAX_NOTES,
    apply_cursor,
    copilot_estimate,
    fetch_cursor_commits,
    read_copilot_days,
    read_cursor_commits,
)


def parse_since(
    value: str | None, option: str = "--since", *, end_of_day: bool = False
) -> datetime | None:
    """An ISO date or date-time option; naive times are UTC. With `end_of_day`, a date alone
    means the end of that day (an `--until` that includes its last day)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"{option} {value!r}: use an ISO date such as 2024-01-31") from exc
    if end_of_day and len(value.strip()) == 10:
        moment = datetime.combine(moment.date(), time(23, 59, 59, 999999))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def metrics_document(
    repo: Path,
    db: str | None,
    *,
    by: str,
    since: str | None,
    reviews: list[Path],
    scan: list[str],
    rework: bool,
    quiet: bool,
    deployments: Path | None = None,
    decisions: Path | None = None,
    szz: bool = True,
    cursor_commits: Sequence[Path] = (),
    copilot_metrics: Sequence[Path] = (),
    fetch_cursor: bool = False,
    fetch_copilot: str | None = None,
    ai_review: Sequence[Path] = (),
    fetch_ai_review: str | None = None,
    adoption_date: str | None = None,
) -> dict[str, Any]:
    """Ingest (incrementally), collect every source and compute the metrics document.

    Deployments: `--deployments FILE`, else `[incidents] deployments_file`, plus the tags
    matching `[incidents] deploy_tags` (the sources incident linking uses); with none of them,
    release tags. Pull requests, features and SZZ labels are derived from git on the way.
    """
    if by not in ("week", "month"):
        raise UsageError(f"--by {by!r}: use week or month")
    start = parse_since(since)
    adoption = parse_since(adoption_date, "--adoption-date")
    if fetch_copilot:  # refuse a bad owner or a missing token before the (long) ingest
        from netgain.metrics.copilot_api import report_path

        report_path(fetch_copilot)
        if not os.environ.get("GITHUB_TOKEN", "").strip():
            raise UsageError("--fetch-copilot needs GITHUB_TOKEN (Copilot metrics read access)")
    ws = open_workspace(repo, db)
    raw = load_config(ws.root)
    config = metrics_config(raw.section("metrics"), raw.source)
    settings = load_settings(raw.section("incidents"), raw.source)
    if deployments is None and settings.deployments_file:
        deployments = ws.root / settings.deployments_file
    report = run_ingest(ws, ["HEAD"], quiet=quiet)
    data = collect(
        ws.engine,
        report.repository_id,
        ws.root,
        config,
        by=by,
        review_exports=reviews,
        rework=rework,
        szz=szz,
        scan_paths=scan or None,
        settings=settings,
        deployments_file=deployments,
        decisions_file=decisions,
    )
    if report.shallow:
        data.notes.append("shallow clone: history is truncated")
    people = raw.section("people")
    data.teams = _teams(people)
    cursor_summary = None
    if fetch_cursor:
        cursor_commits = [*cursor_commits, _fetch_cursor(ws.root, since)]
    if cursor_commits:
        records, notes = read_cursor_commits(cursor_commits)
        data.notes.extend(notes[:MAX_NOTES])
        data.changes, cursor_summary = apply_cursor(data.changes, records)
    doc = compute_metrics(
        data, config, by=by, since=start, repository=str(ws.root), adoption_date=adoption
    )
    # what the history could not give (absent blobs, unreadable notes and traces): the figures
    # below rest on it, so every output says so, warm runs included
    doc["problems"] = history_problems(ws, report)
    doc["comprehension"] = _comprehension(ws, report.repository_id)
    doc["sections"]["comprehension"] = comprehension_entry(doc["comprehension"])
    section = doc["provenance"]
    section["cursor"] = cursor_summary or {"status": "not imported (--cursor-commits FILE)"}
    fetch_notes: list[str] = []
    if fetch_copilot:
        fetched, fetch_notes = _fetch_copilot(ws.root, fetch_copilot, start)
        copilot_metrics = [*copilot_metrics, fetched]
    if copilot_metrics:
        days, notes = read_copilot_days(copilot_metrics)
        doc["notes"].extend(fetch_notes[:MAX_NOTES])
        doc["notes"].extend(notes[:MAX_NOTES])
        aliases, teams = _people_maps(people)
        section["estimated"] = copilot_estimate(
            data.changes, days, aliases, teams, min_sample=config.min_sample
        )
    else:
        section["estimated"] = {"status": "not imported (--copilot-metrics FILE)"}
    if fetch_ai_review:
        ai_review = [*ai_review, _fetch_ai_review(ws.root, fetch_ai_review, data)]
    title = "Is AI review worth it?"
    if ai_review:
        doc["ai_review"] = found = _ai_review(ws, report.repository_id, data, ai_review, config)
        bots = sum(r["comments"] for r in found["reviewers"] if r["bot"])
        source = (
            f"import: {found['comments_read']} review comments ({bots} top-level from AI review "
            f"bots), {found['reviews_read']} reviews"
        )
        doc["sections"]["ai_review"] = {
            "title": title,
            "status": "filled" if bots else "partial",
            "source": source,
            "fill": None if bots else "no comment in the export is from a known AI review bot",
        }
    else:
        fill = (
            "pass `--ai-review FILE` (GitHub's pulls/N/comments and pulls/N/reviews JSON) or "
            "`--fetch-ai-review OWNER/REPO`"
        )
        doc["ai_review"] = {"status": f"not imported: {fill}"}
        doc["sections"]["ai_review"] = {
            "title": title,
            "status": "empty",
            "source": None,
            "fill": fill,
        }
    return doc


def _comprehension(ws: Any, repository_id: int) -> dict[str, Any]:
    """Comprehension risk of the design-doc zone files at HEAD, from the store's provenance."""
    from netgain.history.queries import CommitProvenance, load_provenance
    from netgain.metrics.comprehension_risk import comprehension_section

    def stored(shas: list[str]) -> dict[str, CommitProvenance]:
        return load_provenance(ws.engine, repository_id, shas)

    return comprehension_section(ws.root, git.rev_parse(ws.root, "HEAD"), stored)


def _fetch_ai_review(root: Path, repository: str, data: Any) -> Path:
    """The review comments and reviews of every known pull request, with $GITHUB_TOKEN."""
    from netgain.metrics.ai_review_api import fetch_ai_review

    token = os.environ.get("GITHUB_TOKEN", "").strip()
    if not token:
        raise UsageError("--fetch-ai-review needs GITHUB_TOKEN (pull request read access)")
    numbers = [pr.number for pr in data.pull_requests or []]
    return fetch_ai_review(repository, numbers, token, root / ".netgain" / "ai-review.json")


def _ai_review(
    ws: Any, repository_id: int, data: Any, paths: Sequence[Path], config: Any
) -> dict[str, Any]:
    """The `ai_review` section: what each review bot's comments led to (docs/metrics.md)."""
    from netgain.metrics.ai_review import ai_review_section, finding_lines, load_szz_lines
    from netgain.metrics.ai_review_export import read_ai_review_exports
    from netgain.metrics.review_bots import builtin_bots

    export = read_ai_review_exports(paths, builtin_bots())
    landed = {pr.number: pr.commits for pr in data.pull_requests or []}
    head = git.rev_parse(ws.root, "HEAD") or "HEAD"
    touched = {c.path for c in export.comments}
    findings, problems = finding_lines(ws.root, head, touched)
    section = ai_review_section(
        ws.root,
        export,
        landed,
        szz_lines=load_szz_lines(ws.engine, repository_id),
        findings=findings,
        min_sample=config.min_sample,
    )
    section["notes"] += problems[:MAX_NOTES]
    return section


def _print_comprehension(section: dict[str, Any] | None) -> None:
    """Design-doc zone files whose AI-written code may have no one left who understands it."""
    if not section:
        return
    for problem in section.get("problems", []):
        console.print(f"comprehension risk: {problem}", highlight=False, markup=False)
    if section.get("not_examined"):
        console.print(
            f"comprehension risk: {section['not_examined']} zone file(s) past the first "
            "examined not read",
            highlight=False,
            markup=False,
        )
    if section["status"] != "ok":
        console.print(f"comprehension risk: {section['status']}", highlight=False, markup=False)
        return
    for row in section["files"]:
        if row["risk"]:
            console.print(
                f"comprehension risk: {row['path']}: {', '.join(row['risk'])} "
                f"({row['ai_lines']} of {row['lines']} lines AI-written; "
                f"{row['touched_since']} touched, {row['reviewed_since']} reviewed since)",
                highlight=False,
                markup=False,
            )


def _rate_text(rate: dict[str, Any]) -> str:
    return f"{rate['hits']}/{rate['lines']} lines ({fmt_estimate(rate)})"


def _print_ai_review(section: dict[str, Any] | None) -> None:
    """Per reviewer: comments that led to a change, defects on commented lines and the rest."""
    if not section or "reviewers" not in section:
        return
    for row in section["reviewers"]:
        changed = row["led_to_change"]
        line = (
            f"AI review, {row['reviewer']}: {row['comments']} comments on "
            f"{row['pull_requests']} PRs; {changed['hits']} of {changed['lines']} line comments "
            "led to a change"
        )
        defects = row["defects"]
        if "commented" in defects:
            line += (
                f"; defects on commented lines {_rate_text(defects['commented'])}, "
                f"elsewhere {_rate_text(defects['not_commented'])}"
            )
        console.print(line)


def _print_coverage(section: dict[str, Any] | None) -> None:
    """Provenance coverage of the repository and each team (no per-person rows)."""
    if not section:
        return
    rows = [("repository", section["repository"])]
    if "status" not in section["by_team"]:
        rows += list(section["by_team"].items())
    for scope, row in rows:
        cov = row["provenance_coverage"]
        evidence = row["evidence"]
        console.print(
            f"provenance coverage ({scope}): "
            + ("-" if cov is None else f"{cov:.0%}")
            + f" of {row['lines']} lines (line {evidence['line']}, commit {evidence['commit']}"
            + f", declared human {evidence['declared_human']}, none {evidence['none']});"
            + f" AI share rests on {row['ai_share_rests_on']} evidence"
        )
    cursor = section.get("cursor") or {}
    if "commits_attributed" in cursor:
        console.print(
            f"cursor AI code tracking: {cursor['commits_attributed']} commits attributed "
            f"(commit-level evidence), {cursor['records_without_commit']} records without a commit"
        )
    estimated = section.get("estimated") or {}
    if "repository" in estimated:
        console.print(
            "copilot, estimated (not in the AI share): "
            f"{fmt_estimate(estimated['repository'])} of committed lines "
            f"({estimated['users_matched_to_commits']} of {estimated['users']} users matched)"
        )


def _fetch_cursor(root: Path, since: str | None) -> Path:
    """Fetch Cursor's AI commit metrics with $CURSOR_API_KEY into .netgain/ (an import file)."""
    key = os.environ.get("CURSOR_API_KEY", "").strip()
    if not key:
        raise UsageError("--fetch-cursor needs CURSOR_API_KEY (a Cursor Admin API key)")
    target = root / ".netgain" / "cursor-ai-commits.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    return fetch_cursor_commits(key, target, start=since or "90d")


def _fetch_copilot(root: Path, owner: str, start: datetime | None) -> tuple[Path, list[str]]:
    """Fetch Copilot user-day reports with $GITHUB_TOKEN into .netgain/ (an import file).

    From `--since` (else 28 days back) to yesterday: today's report is not generated yet.
    """
    from netgain.metrics.copilot_api import fetch_copilot_days

    token = os.environ["GITHUB_TOKEN"].strip()  # checked before the ingest
    last = datetime.now(UTC).date() - timedelta(days=1)
    first = start.date() if start is not None else last - timedelta(days=27)
    first = max(first, last - timedelta(days=365))
    target = root / ".netgain" / "copilot-users.ndjson"
    target.parent.mkdir(parents=True, exist_ok=True)
    return fetch_copilot_days(token, owner, target, first=first, last=last)


def _string_lists(value: Any) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        return {}
    return {
        str(k): [m for m in v if isinstance(m, str)]
        for k, v in value.items()
        if isinstance(v, list)
    }


def _people_maps(people: dict[str, Any]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(aliases, teams) of `[people]`, read leniently: the policy loader validates `[people]`;
    entries of the wrong shape are skipped here rather than failing the metrics."""
    return _string_lists(people.get("aliases")), _string_lists(people.get("teams"))


def _teams(people: dict[str, Any]) -> dict[str, set[str]] | None:
    """Team -> member git identities from `[people]` (teams of logins, aliases to emails)."""
    aliases, teams = _people_maps(people)
    return team_members(teams, aliases) or None if teams else None


def fmt_estimate(est: dict[str, Any] | None, percent: bool = True) -> str:
    """`12.5% [8.1-18.0] n=40`, or `insufficient data (n=3)`, or the missing source."""
    if est is None:
        return "-"
    if "value" not in est:
        return str(est.get("status", "-"))
    if est["value"] is None:
        return f"insufficient data (n={est['n']})"

    def f(x: float) -> str:
        return f"{x:.1%}" if percent else f"{x:.2f}"

    return f"{f(est['value'])} [{f(est['low'])}-{f(est['high'])}] n={est['n']}"


def _print(doc: dict[str, Any]) -> None:
    table = Table(
        title=f"netgain metrics by {doc['by']}: {doc['repository']}", title_justify="left"
    )
    for name in (
        "period",
        "changes",
        "PRs",
        "features",
        "lines",
        "AI share",
        "incidents",
        "net features",
    ):
        table.add_column(name, justify="left" if name == "period" else "right")
    for p in doc["periods"]:
        table.add_row(
            p["period"],
            str(p["changes"]),
            "-" if p["merged_prs"] is None else str(p["merged_prs"]),
            _count(p["features"]),
            str(p["lines_added"]),
            "-" if p["ai_share"] is None else f"{p['ai_share']:.0%}",
            _count(p["incidents"]),
            _net(p["net_productivity"]["net_features"]),
        )
    console.print(table)
    _print_coverage(doc.get("provenance"))
    _print_ai_review(doc.get("ai_review"))
    buckets = Table(
        title="by AI-share bucket (unknown provenance is its own group)", title_justify="left"
    )
    for name in (
        "bucket",
        "changes",
        "items",
        "features",
        "change failure rate",
        "incidents/feature",
    ):
        buckets.add_column(name, justify="left" if name == "bucket" else "right")
    for group in GROUPS:
        row = doc["by_bucket"][group]
        outcomes = row["outcomes"]
        buckets.add_row(
            group if group == "unknown" else f"{group}%",
            str(row["changes"]),
            str(row["items"]),
            _count(row["features"]),
            fmt_estimate(outcomes.get("change_failure_rate", outcomes)),
            fmt_estimate(outcomes.get("incidents_per_feature", outcomes), percent=False),
        )
    console.print(buckets)
    quality = doc["quality"]
    for name, title in (
        ("defect_density", "defect density"),
        ("vulnerability_density", "vulnerability density"),
    ):
        q = quality[name]
        if "status" in q:
            console.print(f"{title}: {q['status']}", highlight=False)
            continue
        console.print(
            f"{title} ({q['unit']}): ai {fmt_estimate(q['ai'], False)}; "
            f"human {fmt_estimate(q['human'], False)}; unknown {fmt_estimate(q['unknown'], False)}; "
            f"ai/human {fmt_estimate(q['ratio_ai_human'], False)}",
            highlight=False,
        )
    print_reported(quality["reported_findings"])
    rework = doc["rework"]
    if "status" in rework:
        console.print(f"rework: {rework['status']}", highlight=False)
    else:
        console.print(
            f"rework within {rework['window_days']} days: all {fmt_estimate(rework['all'])}; "
            f"ai {fmt_estimate(rework['ai'])}; human {fmt_estimate(rework['human'])}",
            highlight=False,
        )
    review = doc["review"]
    if review["status"] != "ok":
        console.print(f"review load: {review['status']}", highlight=False)
    else:
        roles = ", ".join(
            f"{role} {v['reviews']} reviews / {v['hours']:.1f} h"
            for role, v in review["by_role"].items()
        )
        console.print(
            f"review load: {roles}; senior time on AI-heavy PRs "
            f"{fmt_estimate(review['senior_share_on_ai_heavy'])}",
            highlight=False,
        )
    lead = doc["dora"]["lead_time_hours"]
    if "value" in lead:
        console.print(
            f"lead time for changes (hours, median, {lead['from']}): {fmt_estimate(lead, False)}",
            highlight=False,
            markup=False,
        )
    deploys = doc["dora"]["deployment_frequency"]
    if "status" in deploys:
        console.print(f"deployment frequency: {deploys['status']}", highlight=False)
    else:
        console.print(
            f"deployment frequency: {deploys['total']} deployments, "
            f"{deploys['mean_per_period']:.2f} per {doc['by']} over {deploys['periods']}",
            highlight=False,
        )
    policy = doc["policy"]
    if policy["status"] != "ok":
        console.print(f"policy outcomes: {policy['status']}", highlight=False)
    else:
        required = policy["required"]
        console.print(
            f"policy outcomes: {policy['decisions']} gated change(s), passed "
            f"{fmt_estimate(policy['passed'])}; required senior review "
            f"{fmt_estimate(required['senior_review'])}, design doc "
            f"{fmt_estimate(required['design_doc'])}, owner approval "
            f"{fmt_estimate(required['owner_approval'])}",
            highlight=False,
            markup=False,
        )
    _print_comprehension(doc.get("comprehension"))
    net = doc["net_productivity"]["total"]
    missing = f" (not counted, no data: {', '.join(net['missing'])})" if net["missing"] else ""
    if net["features"] is None:
        console.print(
            "net productivity: unknown (no feature data: no commit or PR says which changes are "
            f"features); downstream cost {net['cost_hours']['total']:.1f} h{missing}",
            highlight=False,
            markup=False,
        )
    else:
        console.print(
            f"net productivity: {net['features']} features - {net['cost_hours']['total']:.1f} h "
            f"of downstream cost = [bold]{net['net_features']:.1f}[/bold] feature-equivalents"
            f"{missing}",
            highlight=False,
        )
    print_sections(doc["sections"])
    for note in doc["notes"][:20]:
        warn(note)
    problem_lines(doc["problems"])


def print_reported(family: dict[str, Any]) -> None:
    """Findings reported after the merge: density by provenance, and where criticals came from."""
    if "status" in family:
        console.print(f"reported findings: {family['status']}", highlight=False, markup=False)
        return
    sources = ", ".join(f"{s} {n}" for s, n in family["by_source"].items())
    d = family["density"]["all"]
    console.print(
        f"reported findings ({sources}; {family['linked']} traced, {family['unlinked']} "
        f"unlinked) per 1,000 added lines: ai {fmt_estimate(d['ai'], False)}; "
        f"human {fmt_estimate(d['human'], False)}; unknown {fmt_estimate(d['unknown'], False)}; "
        f"ai/human {fmt_estimate(d['ratio_ai_human'], False)}",
        highlight=False,
        markup=False,
    )
    origins = family["origins"]
    for severity in ("critical", "high"):
        counts = origins["by_severity"].get(severity)
        if not counts:
            continue
        buckets = ", ".join(f"{g} {n}" for g, n in counts["by_bucket"].items() if n)
        console.print(
            f"  {counts['findings']} {severity} found since {origins['since'] or 'the start'} "
            f"came from changes with AI share: {buckets}",
            highlight=False,
            markup=False,
        )


def print_sections(sections: dict[str, dict[str, Any]]) -> None:
    """Where each figure came from, and what would fill each section still empty."""
    table = Table(title="where each figure comes from", title_justify="left")
    for name in ("section", "status", "source / to fill it"):
        table.add_column(name, overflow="fold")
    for entry in sections.values():
        says = entry["source"] or ""
        if entry["fill"]:
            says = (
                f"{says}; to fill this: {entry['fill']}"
                if says
                else f"to fill this: {entry['fill']}"
            )
        table.add_row(entry["title"], entry["status"], says)
    console.print(table, markup=False, highlight=False)


def _count(value: int | None) -> str:
    return "-" if value is None else str(value)


def _net(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


SCAN_HELP = (
    "Also scan the tracked files under PATH (Python, notebooks, JavaScript, TypeScript; other "
    "languages are counted as not analysed) and compute vulnerability density by blame."
)
CURSOR_HELP = (
    "Cursor AI code tracking export (GET /analytics/ai-code/commits JSON): per-commit Tab, "
    "Composer and non-AI lines become commit-level evidence (repeatable)"
)
COPILOT_HELP = (
    "GitHub Copilot usage metrics, user-day NDJSON report (or a JSON array): an estimated "
    "per-team share with an interval, never mixed into measured AI shares (repeatable)"
)
REVIEWS_HELP = (
    "Review export for review load: GitHub list-reviews JSON or netgain's PR list "
    "(docs/metrics.md); repeatable."
)
DECISIONS_HELP = "Review-gate decision log (default: REPO/.netgain/decisions.jsonl)."
DEPLOYMENTS_HELP = "CSV of deployments (sha, deployed_at[, environment]) for deployment frequency."
BOARD_HELP = (
    "Only the board answer: throughput against the pre-AI baseline (interrupted time series), "
    "net gain after downstream cost, the weights and adjusted AI-vs-human quality."
)
ADOPTION_HELP = (
    "The week AI was adopted, when the history carries no AI evidence to find it "
    "(default: found from the AI share of added lines)."
)
REWORK_HELP = "Measure rework from the history (kept per change once its window has closed)."
SZZ_HELP = "Run SZZ on fix commits no run analysed yet, within [metrics] szz_seconds."


def register(app: typer.Typer) -> None:
    """Attach `metrics` to the root app."""

    @app.command()
    def metrics(
        repo: Path = typer.Option(Path(), "--repo", "-C", help="Repository (default: current)."),
        db: str | None = typer.Option(None, "--db", help=DB_HELP),
        since: str | None = typer.Option(
            None, "--since", metavar="DATE", help="Only from DATE on."
        ),
        by: str = typer.Option("week", "--by", metavar="week|month", help="Period length."),
        reviews: list[Path] = typer.Option([], "--reviews", metavar="FILE", help=REVIEWS_HELP),
        deployments: Path | None = typer.Option(
            None, "--deployments", metavar="FILE", help=DEPLOYMENTS_HELP
        ),
        decisions: Path | None = typer.Option(
            None, "--decisions", metavar="FILE", help=DECISIONS_HELP
        ),
        scan: list[str] = typer.Option([], "--scan", metavar="PATH", help=SCAN_HELP),
        rework: bool = typer.Option(True, "--rework/--no-rework", help=REWORK_HELP),
        szz: bool = typer.Option(True, "--szz/--no-szz", help=SZZ_HELP),
        cursor_commits: list[Path] = typer.Option(
            [], "--cursor-commits", metavar="FILE", help=CURSOR_HELP
        ),
        copilot_metrics: list[Path] = typer.Option(
            [], "--copilot-metrics", metavar="FILE", help=COPILOT_HELP
        ),
        fetch_cursor: bool = typer.Option(
            False,
            "--fetch-cursor",
            help="Fetch Cursor's AI commit metrics with $CURSOR_API_KEY (since --since, else "
            "90 days) and import them like --cursor-commits.",
        ),
        fetch_copilot: str | None = typer.Option(
            None,
            "--fetch-copilot",
            metavar="ORG|enterprise:SLUG",
            help="Fetch Copilot user-day usage reports with $GITHUB_TOKEN (since --since, else "
            "28 days, to yesterday) and import them like --copilot-metrics.",
        ),
        ai_review: list[Path] = typer.Option(
            [],
            "--ai-review",
            metavar="FILE",
            help="Review comments and reviews as GitHub returns them (GET /repos/O/R/pulls/N/"
            "comments and /reviews; gh api --paginate pages): what each AI review bot's comments "
            "led to.",
        ),
        fetch_ai_review: str | None = typer.Option(
            None,
            "--fetch-ai-review",
            metavar="OWNER/REPO",
            help="Fetch the review comments and reviews of every known pull request with "
            "$GITHUB_TOKEN and use them like --ai-review.",
        ),
        board: bool = typer.Option(False, "--board", help=BOARD_HELP),
        adoption_date: str | None = typer.Option(
            None, "--adoption-date", metavar="DATE", help=ADOPTION_HELP
        ),
        as_json: bool = typer.Option(False, "--json", help="Print the metrics document as JSON."),
    ) -> None:
        """Net-productivity metrics: throughput vs incidents, quality, rework, review load."""
        doc = metrics_document(
            repo,
            db,
            by=by,
            since=since,
            reviews=reviews,
            scan=scan,
            rework=rework,
            quiet=as_json,
            deployments=deployments,
            decisions=decisions,
            szz=szz,
            cursor_commits=cursor_commits,
            copilot_metrics=copilot_metrics,
            fetch_cursor=fetch_cursor,
            fetch_copilot=fetch_copilot,
            ai_review=ai_review,
            fetch_ai_review=fetch_ai_review,
            adoption_date=adoption_date,
        )
        if board:
            from netgain.report.board_text import board_lines

            answer = {"repository": doc["repository"], **doc["board"], "problems": doc["problems"]}
            if as_json:
                emit_json(answer)
                return
            for line in board_lines(answer):
                console.print(line, highlight=False, markup=False)
            problem_lines(doc["problems"])
            return
        if as_json:
            emit_json(doc)
            return
        _print(doc)
