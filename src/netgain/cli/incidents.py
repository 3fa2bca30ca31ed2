"""`netgain incidents import FILE` and `netgain incidents link`.

Import stores the incidents (re-import updates, never duplicates), then brings history up to date
and links every incident of the repository to its fixing and causing commits.
Exit codes: 0 all records imported, 1 some records were rejected (each reported with its line),
2 usage error (unreadable file, unknown format, invalid JSON).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from sqlalchemy.orm import Session

from netgain import git
from netgain.cli.history import DB_HELP, Workspace, open_workspace, run_ingest
from netgain.cli.output import console, emit_json, err_console
from netgain.config import load_config
from netgain.history.ingest import get_repository
from netgain.incidents import (
    FORMATS,
    LinkReport,
    classify_features,
    import_records,
    link_incidents,
    parse_file,
    recover_pull_requests,
)
from netgain.incidents.deployments import Deployment, file_deployments
from netgain.incidents.issuetypes import stored_issue_types
from netgain.incidents.link import LinkProblem
from netgain.incidents.prstore import mark_commit_issue_types
from netgain.incidents.settings import IncidentSettings, load_settings

app = typer.Typer(help="Import incidents and link them to the commits that fixed and caused them.")


def incident_settings(ws: Workspace) -> IncidentSettings:
    """The `[incidents]` table of the repository's configuration."""
    config = load_config(ws.root)
    return load_settings(config.section("incidents"), config.source)


def link_repository(
    ws: Workspace,
    settings: IncidentSettings,
    *,
    quiet: bool,
    szz: bool,
    deployments_file: Path | None = None,
) -> dict[str, Any]:
    """Ingest, recover PRs and conventional-commit features from git, then link every incident."""
    report = run_ingest(ws, ["HEAD"], quiet=quiet)
    if deployments_file is None and settings.deployments_file:
        deployments_file = ws.root / settings.deployments_file
    deployments: list[Deployment] = []
    deploy_problems: list[LinkProblem] = []
    if deployments_file is not None:
        deployments, bad = file_deployments(ws.root, deployments_file)
        deploy_problems = [LinkProblem("deployments", str(p)) for p in bad]
    with Session(ws.engine) as session, session.begin():
        prs = recover_pull_requests(session, report.repository_id, git.rev_parse(ws.root, "HEAD"))
        features = classify_features(
            session, report.repository_id, feature_types=settings.feature_types
        )
        features += mark_commit_issue_types(
            session,
            report.repository_id,
            stored_issue_types(session, report.repository_id),
            feature_issue_types=settings.feature_issue_types,
        )
        links = link_incidents(
            ws.root,
            session,
            report.repository_id,
            patterns=settings.reference_patterns,
            run_szz=szz,
            deploy_tags=settings.deploy_tags,
            deployments=deployments,
        )
        links.problems[:0] = deploy_problems
    return {"pull_requests": prs, "features": features, "linking": links.to_dict()}


def print_link(data: dict[str, Any]) -> None:
    link: dict[str, Any] = data["linking"]
    kinds = ", ".join(f"{n} {k}" for k, n in link["links"].items()) or "none"
    console.print(
        f"Linked {link['incidents']} incident(s): {kinds}; "
        f"{link['without_fix']} without a fix, {link['without_cause']} without a cause "
        f"({data['pull_requests']} PR(s) and {data['features']} typed change(s) recovered from git)",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    problems = link["problems"]
    if problems:
        err_console.print(f"{len(problems)} unresolved reference(s):", soft_wrap=True)
        for p in problems[:50]:
            err_console.print(
                f"  - {p['incident']}: {p['message']}",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )


@app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="Incident export to import."),
    fmt: str | None = typer.Option(
        None, "--format", help=f"File format: {', '.join(FORMATS)} (default: guessed)."
    ),
    repo: Path = typer.Option(Path(), "--repo", "-C", help="Repository (default: current)."),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    link: bool = typer.Option(True, "--link/--no-link", help="Link incidents to commits after."),
    szz: bool = typer.Option(True, "--szz/--no-szz", help="Use SZZ when nothing names a cause."),
    deployments: Path | None = typer.Option(
        None, "--deployments", help="CSV of deployments (sha, deployed_at[, environment])."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON report."),
) -> None:
    """Import incidents (generic CSV/JSON, PagerDuty CSV, Jira JSON, GitHub issues JSON)."""
    ws = open_workspace(repo, db)
    settings = incident_settings(ws)
    if fmt is not None and fmt.lower() not in FORMATS:
        raise typer.BadParameter(f"choose from {', '.join(FORMATS)}", param_hint="--format")
    parsed = parse_file(file, fmt, github_labels=settings.github_labels)
    with Session(ws.engine) as session, session.begin():
        repo_row = get_repository(session, ws.root, git.is_shallow(ws.root))
        report = import_records(session, repo_row.id, parsed, str(file))
    payload: dict[str, Any] = {"import": report.to_dict()}
    if link:
        payload |= link_repository(
            ws, settings, quiet=as_json, szz=szz, deployments_file=deployments
        )
    if as_json:
        emit_json(payload)
    else:
        console.print(
            f"Imported {file} ({report.source}): {report.inserted} new, {report.updated} updated, "
            f"{report.unchanged} unchanged; {len(report.problems)} rejected, "
            f"{len(report.skipped)} skipped",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
        for p in report.problems:
            err_console.print(f"  rejected {p}", highlight=False, markup=False, soft_wrap=True)
        for p in report.skipped[:20]:
            err_console.print(f"  skipped {p}", highlight=False, markup=False, soft_wrap=True)
        if len(report.skipped) > 20:
            err_console.print(
                f"  ... and {len(report.skipped) - 20} more skipped (see --json)", soft_wrap=True
            )
        if link:
            print_link(payload)
    if report.problems:
        raise typer.Exit(1)


@app.command("link")
def link_command(
    repo: Path = typer.Option(Path(), "--repo", "-C", help="Repository (default: current)."),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    szz: bool = typer.Option(True, "--szz/--no-szz", help="Use SZZ when nothing names a cause."),
    deployments: Path | None = typer.Option(
        None, "--deployments", help="CSV of deployments (sha, deployed_at[, environment])."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON report."),
) -> None:
    """Re-link every stored incident (after new commits, or a configuration change)."""
    ws = open_workspace(repo, db)
    data = link_repository(
        ws, incident_settings(ws), quiet=as_json, szz=szz, deployments_file=deployments
    )
    if as_json:
        emit_json(data)
    else:
        print_link(data)


def register(root: typer.Typer) -> None:
    """Attach `netgain incidents ...` to the root app."""
    root.add_typer(app, name="incidents")


__all__ = ["LinkReport", "register"]
