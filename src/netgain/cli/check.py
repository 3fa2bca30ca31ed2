"""`netgain check`: the review gate for one change (base..head).

Brings the store up to date (incremental ingest), gathers the change's facts, evaluates the review
policy, suggests reviewers, and prints the decision as text, Markdown, JSON or a GitHub check-run
payload. Exit 0 approved, 1 blocked or pending, 2 usage or configuration error.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from netgain.errors import UsageError
from netgain.jsoninput import JsonInputError, loads
from netgain.text import ascii_json_storable

if TYPE_CHECKING:
    from netgain.policy.evaluate import Decision
    from netgain.policy.facts import ChangeContext

DB_HELP = "Database URL (default: $NETGAIN_DATABASE_URL, else SQLite at REPO/.netgain/netgain.db)."


class CheckFormat(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"
    GITHUB = "github"


def _load_map(path: Path) -> dict[str, int]:
    try:
        data = loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, JsonInputError) as exc:
        raise UsageError(f"{path}: cannot read review load: {exc}") from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, int) for k, v in data.items()
    ):
        raise UsageError(f"{path}: review load must be a JSON object of login -> open reviews")
    return dict(data)


def run_check(
    *,
    repo: Path,
    base: str | None,
    head: str | None,
    event: Path | None,
    reviews: Path | None,
    author: str | None,
    approved_by: list[str],
    pr_body: Path | None,
    coverage: Path | None,
    policy_path: Path | None,
    review_load: Path | None,
    labels: list[str],
    db: str | None,
    fetch_reviews: bool,
    record: bool = True,
    org_policy: str | None = None,
    imports: list[Path] | None = None,
    fetch_code_scanning: bool = False,
    github_token: str | None = None,
    github_api: str | None = None,
    on_decision: Callable[[ChangeContext, Decision], None] | None = None,
    cursor_commits: list[Path] | None = None,
    fetch_cursor: bool = False,
) -> dict[str, Any]:
    """Everything `netgain check` does except printing; returns the decision document.

    `on_decision` sees the gathered context and the decision (the review brief uses it) without
    changing the document.

    With `record`, the decision is appended to REPO/.netgain/decisions.jsonl for the report's
    policy outcomes; a failure to write it is a problem in the document, never a changed verdict.
    """
    from netgain import git
    from netgain.analysis.sarif_import import import_sarif
    from netgain.cli.history import open_workspace, run_ingest
    from netgain.cli.scan_config import gate_scan_options, load_scan_config
    from netgain.git.model import GitProblem
    from netgain.history.queries import CommitProvenance, load_provenance
    from netgain.policy.coverage import parse_coverage
    from netgain.policy.document import build_document
    from netgain.policy.evaluate import decide
    from netgain.policy.facts import gather
    from netgain.policy.floor import load_floor
    from netgain.policy.github import (
        PullRequest,
        Review,
        latest_states,
        parse_event,
        parse_reviews,
    )
    from netgain.policy.github import (
        fetch_reviews as fetch,
    )
    from netgain.policy.routing import route
    from netgain.policy.trusted import load_trusted, policy_files_changed

    started = time.perf_counter()
    timings: dict[str, float] = {}
    event = event or (
        Path(os.environ["GITHUB_EVENT_PATH"]) if os.environ.get("GITHUB_EVENT_PATH") else None
    )
    pr = parse_event(event) if event is not None else PullRequest()
    base = base or pr.base_sha
    head = head or pr.head_sha
    if not base or not head:
        raise UsageError(
            "--base and --head are required (or an --event with pull_request.base/head)"
        )
    if pr_body is not None:
        try:
            pr.body = pr_body.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--pr-body {pr_body}: {exc}") from exc
    pr.labels += [lb for lb in labels if lb not in pr.labels]
    review_list: list[Review] = []
    if reviews is not None:
        review_list += parse_reviews(reviews)
    elif (
        (fetch_reviews or os.environ.get("GITHUB_ACTIONS") == "true")
        and os.environ.get("GITHUB_TOKEN")
        and pr.repository
        and pr.number
    ):
        review_list += fetch(pr.repository, pr.number, os.environ["GITHUB_TOKEN"])
    review_list += pr.reviews
    review_list += [Review(login, "APPROVED") for login in approved_by]
    pr.reviews = review_list
    load = _load_map(review_load) if review_load is not None else {}
    cov = parse_coverage(coverage) if coverage is not None else None

    t = time.perf_counter()
    ws = open_workspace(repo, db)
    resolved = []
    for rev in (base, head):
        sha = git.rev_parse(ws.root, f"{rev}^{{commit}}") if not rev.startswith("-") else None
        if sha is None:
            raise UsageError(f"unknown revision {rev!r}")
        resolved.append(sha)
    base_sha, head_sha = resolved
    # everything that decides the verdict comes from the base, never from the change judged
    trusted = load_trusted(ws.root, base_sha, policy_path)
    floor = load_floor(org_policy, gated=ws.root)  # --org-policy, else $NETGAIN_ORG_POLICY
    if floor is not None:  # the repository's policy over the organisation floor, checked
        trusted.policy = floor.apply(trusted.raw)
    policy = trusted.policy
    ws.use_config(trusted.raw)
    scan_config = load_scan_config(trusted.raw)
    timings["config"] = time.perf_counter() - t
    # other scanners' results: unreadable ones are problems, and their code stays not analysed
    sarifs = [import_sarif(path, root=ws.root) for path in imports or []]
    scanning_problems: list[str] = []
    # the service passes its installation token (and a GitHub Enterprise Server API); Actions and
    # people running the CLI pass GITHUB_TOKEN
    token = github_token or os.environ.get("GITHUB_TOKEN")
    if (
        (fetch_code_scanning or os.environ.get("GITHUB_ACTIONS") == "true")
        and token
        and pr.repository
        and pr.number
    ):
        from netgain.policy.code_scanning import fetch_code_scanning as fetch_scanning
        from netgain.policy.github import API

        try:
            sarifs += fetch_scanning(
                pr.repository, pr.number, head_sha, token, root=ws.root, api=github_api or API
            )
        except UsageError as exc:  # the code it would cover stays "not analysed"
            scanning_problems.append(f"code scanning results not read: {exc}")
    t = time.perf_counter()
    report = run_ingest(ws, [head_sha], quiet=True)
    timings["ingest"] = time.perf_counter() - t
    options = gate_scan_options(scan_config, ws.root)

    def stored(shas: list[str]) -> dict[str, CommitProvenance]:
        return load_provenance(ws.engine, report.repository_id, shas)

    provenance_for: Callable[[list[str]], dict[str, CommitProvenance]] = stored

    cursor_summary: dict[str, Any] | None = None
    if cursor_commits or fetch_cursor:
        from netgain.cli.check_cursor import cursor_loader

        provenance_for, cursor_summary, cursor_problems = cursor_loader(
            ws.root, base_sha, head_sha, cursor_commits or [], fetch_cursor, provenance_for
        )
        scanning_problems += cursor_problems
    ctx = gather(
        ws.root,
        base_sha,
        head_sha,
        policy,
        pr,
        provenance_for=provenance_for,
        scan_options=options,
        author_login=author,
        coverage=cov,
        cache_dir=ws.root / ".netgain" / "cache",
        policy_files=lambda diffs: policy_files_changed(
            ws.root, base_sha, head_sha, diffs, trusted
        ),
        imports=sarifs,
    )
    ctx.problems.extend(GitProblem("policy", n) for n in trusted.notices)
    ctx.problems.extend(GitProblem("import", n) for n in scanning_problems)
    t = time.perf_counter()
    _add_risk(ws.root, ws.engine, report.repository_id, ctx, trusted.raw)
    timings["risk"] = time.perf_counter() - t
    t = time.perf_counter()
    decision = decide(policy, ctx, latest_states(pr.reviews))
    route(decision, ctx, policy, load)
    timings["decide"] = time.perf_counter() - t
    if on_decision is not None:
        on_decision(ctx, decision)
    ctx.timings = timings | ctx.timings
    ctx.timings["total"] = time.perf_counter() - started
    ctx.problems[:0] = report.problems
    ws.engine.dispose()
    doc = build_document(ctx, decision, policy)
    doc["policy"]["read_from"] = trusted.read_from
    if cursor_summary is not None:
        doc["provenance"]["imports"] = {"cursor": cursor_summary}
    if record:
        _record(ws.root, doc)
    return doc


def _record(root: Path, doc: dict[str, Any]) -> None:
    """Append the decision to the repository's decision log (docs/policy.md "Decision log")."""
    from netgain.policy.record import DECISIONS_FILE, append_decision, decision_record

    try:
        append_decision(root / DECISIONS_FILE, decision_record(doc))
    except OSError as exc:
        doc["problems"].append(
            {
                "kind": "record",
                "message": f"decision not recorded in {root / DECISIONS_FILE}: {exc.strerror}",
                "path": str(DECISIONS_FILE),
                "sha": None,
            }
        )


def _add_risk(root: Path, engine: Any, repository_id: int, ctx: Any, config: Any) -> None:
    """Set the `change.risk` / `change.risk_tier` facts (netgain.risk); notices become problems."""
    from netgain.git.model import GitProblem
    from netgain.risk.service import change_risk, gate_model

    scanned = any(p.endswith((".py", ".pyi")) for p in ctx.added)  # check scans Python only
    coverage = ctx.coverage.ratio if ctx.coverage is not None else None
    result, notices = change_risk(
        root,
        engine,
        repository_id,
        ctx.base,
        ctx.head,
        findings=len(ctx.findings) if scanned else None,
        coverage=float(coverage) if coverage is not None else None,
        config=config,
        model=gate_model(root, ctx.base),
    )
    if result is not None:
        ctx.facts.risk, ctx.facts.risk_tier = result["risk"], result["tier"]
        ctx.risk_reasons = list(result.get("reasons") or [])
    ctx.problems.extend(GitProblem("risk", n) for n in notices)


def render_text(doc: dict[str, Any]) -> str:
    """Plain text for a terminal or a CI log."""
    prov = doc["provenance"]
    lines = [
        f"verdict: {doc['verdict'].upper()}",
        f"policy: {doc['policy']['source'] or 'built-in default'} "
        f"(read from {doc['policy']['read_from'] or 'the working tree'})",
        f"AI share: {prov.get('measured_ai_share', prov['ai_share']):.0%} (ai "
        f"{prov['ai_lines']} / human {prov['human_lines']} / unknown {prov['unknown_lines']}); "
        f"provenance coverage {prov.get('provenance_coverage', 0.0):.0%}",
    ]
    if prov.get("unknown_as_ai_lines"):
        lines.append(
            f"counted as AI by the gate: {prov['ai_share']:.0%} ({prov['unknown_as_ai_lines']} "
            "lines without AI evidence where unknown_as = ai)"
        )
    for zone in doc["zones"]:
        lines.append(f"zone {zone['zone']}: " + "; ".join(zone["reasons"][:3]))
    author = doc["facts"]["author"]
    for family in author["first_signals"]:
        from netgain.analysis.signals import FAMILIES

        what = FAMILIES[family].description if family in FAMILIES else family
        lines.append(f"first {what} this author ({author['login'] or 'unknown'}) has written here")
    for f in doc["findings"]:
        lines.append(
            f"finding {f['severity']} {f['rule_id']} at {f['path']}:{f['line']}: {f['message']}"
        )
        if f.get("suppressed_in_change") is not None:
            lines.append(
                "  finding suppressed in this change, reason given: "
                f"{f['suppressed_in_change']!r}; it counts until a gate role approves"
            )
    for s in doc["suppressed_in_change"]:
        if not s["counts"]:
            lines.append(
                f"suppression of {s['rule_id']} at {s['path']}:{s['line']} ({s['how']}) "
                f"accepted by {', '.join(s['accepted_by'])}"
            )
    for f in doc["files"]:
        if f.get("reason"):
            lines.append(f"not analysed: {f['path']} ({f['language']}): {f['reason']}")
    for u in doc.get("unparsed_for_signals", []):
        where = f"{u['path']}:{u['line']}" if u["line"] else u["path"]
        lines.append(f"code signals: {where}: {u['reason']}")
    if doc["policy_files_changed"]:
        lines.append(
            f"policy changed by this change: read from {doc['policy']['read_from']}; changed: "
            + ", ".join(doc["policy_files_changed"])
        )
    for stale in doc["stale_approvals"]:
        lines.append(stale["reason"])
    for d in doc["design_documents"]:
        lines.append(
            f"design doc {d['link']}: {'accepted' if d['accepted'] else 'rejected'}: {d['reason']}"
        )
    comprehension = doc.get("comprehension") or {}
    record = comprehension.get("reviewer_of_record")
    if record is not None:
        lines.append(f"reviewer of record: {record['login'] or 'none yet'} ({record['reason']})")
    for f in comprehension.get("files", []):
        if f["risk"]:
            lines.append(
                f"comprehension risk: {f['path']}: {', '.join(f['risk'])} ({f['ai_lines']} AI "
                f"lines; touched since by {f['touched_since']}, reviewed by {f['reviewed_since']})"
            )
    lines.append("rules:")
    for rule in doc["rules"]:
        lines.append(f"  {rule['status']:<11} {rule['name']}: {rule['reason']}")
    for tier in doc["tiers"]:
        lines.append(f"tier: {tier}")
    for ask in doc["reviewers"]:
        names = (
            ", ".join(f"{s['login']} ({s['why']})" for s in ask["suggested"]) or "nobody eligible"
        )
        lines.append(f"needs {ask['needed']} approval(s) for {ask['rule']}: ask {names}")
    for p in doc["codeowners"]["problems"]:
        lines.append(f"warning: {doc['codeowners']['path']}:{p['line']}: {p['message']}")
    for p in doc["problems"]:
        lines.append(f"warning: {p['kind']}: {p['message']}")
    return "\n".join(lines) + "\n"


def register(app: typer.Typer) -> None:
    """Attach `netgain check` to the root app."""

    @app.command()
    def check(
        base: str | None = typer.Option(
            None, "--base", metavar="REV", help="Base revision of the change."
        ),
        head: str | None = typer.Option(
            None, "--head", metavar="REV", help="Head revision of the change."
        ),
        event: Path | None = typer.Option(
            None,
            "--event",
            metavar="FILE",
            help="GitHub pull_request / pull_request_review payload (default: $GITHUB_EVENT_PATH).",
        ),
        reviews: Path | None = typer.Option(
            None, "--reviews", metavar="FILE", help="GitHub REST list-reviews response (JSON)."
        ),
        author: str | None = typer.Option(
            None, "--author", metavar="LOGIN", help="Author login (default: from the event)."
        ),
        approved_by: list[str] = typer.Option(
            [], "--approved-by", metavar="LOGIN", help="Count an approval by LOGIN (repeatable)."
        ),
        pr_body: Path | None = typer.Option(
            None, "--pr-body", metavar="FILE", help="PR description (default: from the event)."
        ),
        coverage: Path | None = typer.Option(
            None,
            "--coverage",
            metavar="FILE",
            help="Cobertura XML or lcov report for diff coverage.",
        ),
        policy: Path | None = typer.Option(
            None,
            "--policy",
            metavar="FILE",
            help="Policy file (default: netgain.toml, then pyproject.toml).",
        ),
        imports: list[Path] = typer.Option(
            [],
            "--import",
            help="Other scanners' SARIF for the head (CodeQL, Semgrep, Bandit, ...): their "
            "findings on added lines count, and they cover the languages they analysed.",
        ),
        fetch_code_scanning: bool = typer.Option(
            False,
            "--fetch-code-scanning",
            help="Read the pull request's GitHub code-scanning analyses of the head "
            "(GITHUB_TOKEN; on by default in GitHub Actions).",
        ),
        org_policy: str | None = typer.Option(
            None,
            "--org-policy",
            metavar="FILE",
            help="Organisation floor: a file, a git checkout or CHECKOUT:PATH (read at HEAD); "
            "default $NETGAIN_ORG_POLICY. The policy may tighten it, never loosen it.",
        ),
        review_load: Path | None = typer.Option(
            None,
            "--review-load",
            metavar="FILE",
            help="JSON login -> open review count, for routing.",
        ),
        label: list[str] = typer.Option(
            [], "--label", metavar="NAME", help="Add a PR label fact (repeatable)."
        ),
        fmt: CheckFormat = typer.Option(CheckFormat.TEXT, "--format", help="Output format."),
        output: Path | None = typer.Option(
            None, "--output", "-o", metavar="FILE", help="Write the output to FILE."
        ),
        fetch_reviews: bool = typer.Option(
            False, "--fetch-reviews", help="Fetch reviews from the GitHub API with $GITHUB_TOKEN."
        ),
        record: bool = typer.Option(
            True,
            "--record/--no-record",
            help="Append the decision to .netgain/decisions.jsonl (the report's policy outcomes).",
        ),
        brief: bool = typer.Option(
            False,
            "--brief",
            help="Print a Markdown review brief (what a senior or owner should read first) "
            "instead of the decision; the decision still goes to --output.",
        ),
        brief_output: Path | None = typer.Option(
            None,
            "--brief-output",
            metavar="FILE",
            help="Write the review brief to FILE (implies --brief; the decision prints as usual).",
        ),
        cursor_commits: list[Path] = typer.Option(
            [],
            "--cursor-commits",
            metavar="FILE",
            help="Cursor AI code tracking export (GET /analytics/ai-code/commits JSON): exact "
            "per-commit Tab / Composer / non-AI lines for commits without line-level evidence.",
        ),
        fetch_cursor: bool = typer.Option(
            False,
            "--fetch-cursor",
            help="Fetch Cursor's AI commit metrics (last 90 days) with $CURSOR_API_KEY and use "
            "them like --cursor-commits.",
        ),
        repo: Path = typer.Option(Path(), "--repo", "-C", help="Repository (default: current)."),
        db: str | None = typer.Option(None, "--db", help=DB_HELP),
    ) -> None:
        """The review gate: AI share, zones, findings, policy decision and who must review."""
        briefs: list[str] = []

        def write_brief(ctx: ChangeContext, decision: Decision) -> None:
            from netgain.policy.brief import build_brief
            from netgain.report.brief import render_brief

            briefs.append(render_brief(build_brief(ctx, decision)))

        doc = run_check(
            repo=repo,
            base=base,
            head=head,
            event=event,
            reviews=reviews,
            author=author,
            approved_by=approved_by,
            pr_body=pr_body,
            coverage=coverage,
            policy_path=policy,
            review_load=review_load,
            labels=label,
            db=db,
            fetch_reviews=fetch_reviews,
            record=record,
            org_policy=org_policy,
            imports=imports,
            fetch_code_scanning=fetch_code_scanning,
            on_decision=write_brief if brief or brief_output is not None else None,
            cursor_commits=cursor_commits,
            fetch_cursor=fetch_cursor,
        )
        if brief_output is not None:
            try:
                brief_output.write_text("".join(briefs), encoding="utf-8")
            except OSError as exc:
                raise UsageError(f"--brief-output {brief_output}: {exc.strerror}") from exc
        if fmt is CheckFormat.JSON:
            text = ascii_json_storable(json.dumps(doc, indent=2, sort_keys=True, default=str))
            text += "\n"
        elif fmt is CheckFormat.MARKDOWN:
            from netgain.report.markdown import render_markdown

            text = render_markdown(doc)
        elif fmt is CheckFormat.GITHUB:
            from netgain.report.github_check import check_run

            rendered = json.dumps(check_run(doc), indent=2, sort_keys=True, default=str)
            text = ascii_json_storable(rendered) + "\n"
        else:
            text = render_text(doc)
        if output is not None:
            output.write_text(text, encoding="utf-8")
        if brief and brief_output is None:
            typer.echo("".join(briefs), nl=False)
        elif output is None:
            typer.echo(text, nl=False)
        raise typer.Exit(doc["exit_code"])
