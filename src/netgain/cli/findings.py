"""`netgain findings import FILE...`, `netgain findings link` and `netgain findings origins`.

Import stores penetration-test, bug-bounty and SARIF findings (re-import updates, never
duplicates), brings history up to date and traces every finding to the change that introduced
it. `origins` answers "where did last quarter's criticals come from?".
Exit codes: 0 every record imported, 1 some records were rejected (each reported with its file and
line), 2 usage error (unreadable file, unknown format, invalid JSON or SARIF).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from sqlalchemy.orm import Session

from netgain import git
from netgain.cli.history import DB_HELP, Workspace, open_workspace, run_ingest
from netgain.cli.metrics import parse_since
from netgain.cli.output import console, emit_json, err_console
from netgain.config import load_config
from netgain.errors import UsageError
from netgain.findings import FORMATS, SEVERITIES, import_findings, link_findings, read_findings
from netgain.findings.records import parse_source
from netgain.history.ingest import get_repository
from netgain.incidents.records import ImportProblem, RecordError
from netgain.metrics import metrics_config
from netgain.metrics.collect import load_changes, load_reported_findings
from netgain.metrics.inputs import GROUPS, PROVENANCE_KINDS
from netgain.metrics.reported import finding_origins

app = typer.Typer(
    help="Import security findings reported after the merge (pentest, bug bounty, SARIF) and "
    "trace each to the change that introduced it."
)

SOURCE_HELP = "Source of rows that name none: pentest, bounty, or another name."
FOUND_HELP = "Date found for SARIF results (default: each run's invocation end time)."


def link_repository(ws: Workspace, *, quiet: bool) -> dict[str, Any]:
    """Ingest new commits, then trace every finding of the repository."""
    report = run_ingest(ws, ["HEAD"], quiet=quiet)
    with Session(ws.engine) as session, session.begin():
        linked = link_findings(ws.root, session, report.repository_id)
    return linked.to_dict()


def _print_link(link: dict[str, Any]) -> None:
    linked = ", ".join(f"{n} by {method}" for method, n in link["linked"].items()) or "none"
    unlinked = sum(link["unlinked"].values())
    console.print(
        f"Traced {link['findings']} finding(s): {linked}; {unlinked} unlinked "
        f"({link['with_fix']} with a fix commit)",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    for reason, n in link["unlinked"].items():
        err_console.print(f"  unlinked {n}: {reason}", highlight=False, markup=False)
    for p in link["problems"][:50]:
        err_console.print(
            f"  - {p['finding']}: {p['message']}", highlight=False, markup=False, soft_wrap=True
        )


def _where(problem: ImportProblem) -> str:
    """`file:line: message (finding ID)`; SARIF problems name their JSON path in the message."""
    who = f" (finding {problem.record_id})" if problem.record_id else ""
    line = f"{problem.line}:" if problem.line else ""
    return f"{problem.file}:{line} {problem.message}{who}"


@app.command("import")
def import_command(
    files: list[Path] = typer.Argument(..., help="Findings files (CSV, JSON or SARIF)."),
    source: str = typer.Option("pentest", "--source", help=SOURCE_HELP),
    fmt: str | None = typer.Option(
        None, "--format", help=f"File format: {', '.join(FORMATS)} (default: guessed)."
    ),
    found_at: str | None = typer.Option(None, "--found-at", metavar="DATE", help=FOUND_HELP),
    repo: Path = typer.Option(Path(), "--repo", "-C", help="Repository (default: current)."),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    link: bool = typer.Option(True, "--link/--no-link", help="Trace findings to changes after."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON report."),
) -> None:
    """Import findings files (docs/findings.md) and trace each to its introducing change."""
    if fmt is not None and fmt.lower() not in FORMATS:
        raise typer.BadParameter(f"choose from {', '.join(FORMATS)}", param_hint="--format")
    try:
        default_source = parse_source(source, "--source")
    except RecordError as exc:
        raise UsageError(str(exc)) from None
    when = parse_since(found_at, "--found-at", end_of_day=True)
    ws = open_workspace(repo, db)
    reads = [
        read_findings(f, fmt, source=default_source, root=ws.root, found_at=when) for f in files
    ]
    imports = []
    with Session(ws.engine) as session, session.begin():
        repo_row = get_repository(session, ws.root, git.is_shallow(ws.root))
        for read in reads:
            imports.append(import_findings(session, repo_row.id, read))
    payload: dict[str, Any] = {"imports": [i.to_dict() for i in imports]}
    if link:
        payload["linking"] = link_repository(ws, quiet=as_json)
    rejected = sum(len(i.problems) for i in imports)
    if as_json:
        emit_json(payload)
    else:
        for i in imports:
            console.print(
                f"Imported {i.file} ({i.format}): {i.inserted} new, {i.updated} updated, "
                f"{i.unchanged} unchanged; {len(i.problems)} rejected",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )
            for p in i.problems:
                err_console.print(
                    f"  rejected {_where(p)}", highlight=False, markup=False, soft_wrap=True
                )
            for p in i.warnings[:20]:
                err_console.print(
                    f"  warning {_where(p)}", highlight=False, markup=False, soft_wrap=True
                )
        if link:
            _print_link(payload["linking"])
    if rejected:
        raise typer.Exit(1)


@app.command("link")
def link_command(
    repo: Path = typer.Option(Path(), "--repo", "-C", help="Repository (default: current)."),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON report."),
) -> None:
    """Re-trace every stored finding (after new commits, or a corrected fix reference)."""
    data = link_repository(open_workspace(repo, db), quiet=as_json)
    if as_json:
        emit_json(data)
    else:
        _print_link(data)


@app.command("origins")
def origins_command(
    since: str | None = typer.Option(None, "--since", metavar="DATE", help="Found from DATE."),
    until: str | None = typer.Option(None, "--until", metavar="DATE", help="Found up to DATE."),
    severity: list[str] = typer.Option(
        ["critical"], "--severity", help=f"Severities to show ({', '.join(SEVERITIES)})."
    ),
    repo: Path = typer.Option(Path(), "--repo", "-C", help="Repository (default: current)."),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the origins as JSON."),
) -> None:
    """Where the findings found in a window came from: AI-share bucket and provenance of the
    change that introduced each (e.g. last quarter's criticals)."""
    wanted = [s.lower() for s in severity]
    unknown = [s for s in wanted if s not in (*SEVERITIES, "unrated")]
    if unknown:
        raise typer.BadParameter(f"choose from {', '.join(SEVERITIES)}", param_hint="--severity")
    start = parse_since(since)
    end = parse_since(until, "--until", end_of_day=True)
    ws = open_workspace(repo, db)
    ingest = run_ingest(ws, ["HEAD"], quiet=as_json)
    raw = load_config(ws.root)
    config = metrics_config(raw.section("metrics"), raw.source)
    findings = load_reported_findings(ws.engine, ingest.repository_id)
    if findings is None:
        raise UsageError(
            "no findings imported: run `netgain findings import FILE` first (docs/findings.md)"
        )
    changes = load_changes(ws.engine, ingest.repository_id, config)
    origins = finding_origins(findings, changes, since=start, until=end)
    chosen = {sev: origins["by_severity"].get(sev) for sev in wanted}
    if as_json:
        emit_json(
            {
                "since": origins["since"],
                "until": origins["until"],
                "severities": chosen,
                "listed": [f for f in origins["listed"] if f["severity"] in wanted],
                "not_in_history": origins["not_in_history"],
            }
        )
        return
    window = f"{origins['since'] or 'the start'} to {origins['until'] or 'now'}"
    for sev, counts in chosen.items():
        if not counts:
            console.print(f"{sev}: none found from {window}", highlight=False, markup=False)
            continue
        console.print(
            f"{sev}: {counts['findings']} found from {window}", highlight=False, markup=False
        )
        buckets = ", ".join(f"{g}: {counts['by_bucket'][g]}" for g in (*GROUPS, "unlinked"))
        kinds = ", ".join(
            f"{k}: {counts['by_provenance'][k]}" for k in (*PROVENANCE_KINDS, "unlinked")
        )
        sources = ", ".join(f"{s}: {n}" for s, n in sorted(counts["by_source"].items()))
        console.print(f"  by AI share of the introducing change: {buckets}", markup=False)
        console.print(f"  by provenance: {kinds}", markup=False)
        console.print(f"  by source: {sources}", markup=False)
        for reason, n in counts["unlinked_reasons"].items():
            console.print(f"  unlinked {n}: {reason}", markup=False, highlight=False)
    for f in origins["listed"]:
        if f["severity"] in wanted:
            cause = f["cause"][:12] if f["cause"] else "unlinked"
            console.print(
                f"  {f['found_at'][:10]} {f['source']}:{f['id']} {f['title'][:60]} <- {cause} "
                f"({f['bucket']}, {f['method'] or f['reason']})",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )


def register(root: typer.Typer) -> None:
    """Attach `netgain findings ...` to the root app."""
    root.add_typer(app, name="findings")
