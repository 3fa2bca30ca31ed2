"""`netgain prs import FILE`: pull requests from a GitHub or GitLab export.

Stores merged PRs in `pull_requests` (re-import updates, git-recovered PRs are enriched, never
duplicated), marks features from PR labels and linked tracker issue types, then re-links the
repository's incidents (a `caused_by: #12` now resolves through the exported merge commit).
Exit codes: 0 every record imported, 1 some records were rejected (each reported with its file
and line), 2 usage error (unreadable file, unknown format, invalid JSON).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from sqlalchemy.orm import Session

from netgain import git
from netgain.cli.history import DB_HELP, open_workspace, run_ingest
from netgain.cli.incidents import incident_settings, link_repository, print_link
from netgain.cli.output import console, emit_json, err_console
from netgain.incidents import classify_features, recover_pull_requests
from netgain.incidents.issuetypes import read_issue_types, stored_issue_types
from netgain.incidents.prexport import PR_FORMATS, read_pull_requests
from netgain.incidents.prstore import import_pull_requests, mark_commit_issue_types
from netgain.incidents.records import ImportProblem

app = typer.Typer(
    help="Import pull request exports (GitHub, GitLab): PRs, their commits, features."
)


def _say(text: str, *, err: bool = False) -> None:
    (err_console if err else console).print(text, highlight=False, markup=False, soft_wrap=True)


@app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="PR export: a JSON array as the REST API returns it."),
    fmt: str | None = typer.Option(
        None, "--format", help="github (GET /pulls?state=all) or gitlab (merge_requests)."
    ),
    issues: list[Path] = typer.Option(
        [],
        "--issues",
        metavar="FILE",
        help="Jira search export read for issue types only (repeatable).",
    ),
    repo: Path = typer.Option(Path(), "--repo", "-C", help="Repository (default: current)."),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    link: bool = typer.Option(True, "--link/--no-link", help="Re-link incidents after."),
    szz: bool = typer.Option(True, "--szz/--no-szz", help="Use SZZ when nothing names a cause."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON report."),
) -> None:
    """Import merged pull requests; mark features from labels and tracker issue types."""
    if fmt is not None and fmt.lower() not in PR_FORMATS:
        raise typer.BadParameter(f"choose from {', '.join(PR_FORMATS)}", param_hint="--format")
    ws = open_workspace(repo, db)
    settings = incident_settings(ws)
    export = read_pull_requests(file, fmt)
    file_types: dict[str, str] = {}
    issue_problems: list[ImportProblem] = []
    for path in issues:
        types, bad = read_issue_types(path)
        file_types |= types
        issue_problems += bad
    ingest = run_ingest(ws, ["HEAD"], quiet=as_json)
    with Session(ws.engine) as session, session.begin():
        repo_id = ingest.repository_id
        recover_pull_requests(session, repo_id, git.rev_parse(ws.root, "HEAD"))
        report = import_pull_requests(
            ws.root,
            session,
            repo_id,
            export,
            str(file),
            feature_labels=settings.feature_labels,
            issue_types=stored_issue_types(session, repo_id) | file_types,
            feature_issue_types=settings.feature_issue_types,
        )
        report.problems += issue_problems
        classify_features(session, repo_id, feature_types=settings.feature_types)
        commit_features = mark_commit_issue_types(
            session,
            repo_id,
            stored_issue_types(session, repo_id) | file_types,
            feature_issue_types=settings.feature_issue_types,
        )
    payload: dict[str, Any] = {
        "import": report.to_dict() | {"commit_issue_type_features": commit_features},
    }
    if link:
        payload |= link_repository(ws, settings, quiet=as_json, szz=szz)
    if as_json:
        emit_json(payload)
    else:
        _print(report.to_dict(), commit_features)
        if link and payload["linking"]["incidents"]:
            print_link(payload)
    if report.problems:
        raise typer.Exit(1)


def _print(data: dict[str, Any], commit_features: int) -> None:
    _say(
        f"Imported {data['file']} ({data['source']}): {data['inserted']} new, "
        f"{data['enriched']} enriched (recovered from git before), {data['updated']} updated, "
        f"{data['unchanged']} unchanged; {len(data['problems'])} rejected, "
        f"{len(data['skipped'])} skipped (not merged). Features: {data['features']['label']} "
        f"PR(s) by label, {data['features']['issue_type']} PR(s) and {commit_features} commit(s) "
        "by tracker issue type"
    )
    for p in data["problems"]:
        ident = p["number"]
        who = "" if not ident else f" (PR {ident})" if ident.isdigit() else f" (issue {ident})"
        _say(f"  rejected {p['file']}:{p['line']}: {p['message']}{who}", err=True)
    unlanded = data["merge_commit_not_in_history"]
    for p in unlanded[:20]:
        _say(
            f"  no commits for PR {p['number']} ({p['file']}:{p['line']}): {p['message']}", err=True
        )
    if len(unlanded) > 20:
        _say(f"  ... and {len(unlanded) - 20} more PRs without commits (see --json)", err=True)
    for p in data["skipped"][:20]:
        _say(f"  skipped {p['file']}:{p['line']}: PR {p['number']} {p['message']}", err=True)
    if len(data["skipped"]) > 20:
        _say(f"  ... and {len(data['skipped']) - 20} more skipped (see --json)", err=True)


def register(root: typer.Typer) -> None:
    """Attach `netgain prs ...` to the root app."""
    root.add_typer(app, name="prs")
