"""`netgain report`: the offline HTML report, from the same document as `metrics --json`."""

from __future__ import annotations

from pathlib import Path

import typer

from netgain.cli.history import DB_HELP
from netgain.cli.metrics import (
    ADOPTION_HELP,
    DECISIONS_HELP,
    DEPLOYMENTS_HELP,
    REVIEWS_HELP,
    REWORK_HELP,
    SCAN_HELP,
    SZZ_HELP,
    metrics_document,
)
from netgain.cli.output import console, emit_json


def register(app: typer.Typer) -> None:
    """Attach `report` to the root app."""

    @app.command()
    def report(
        output: Path = typer.Option(
            Path(".netgain/report.html"),
            "--output",
            "-o",
            metavar="FILE",
            help="HTML file to write.",
        ),
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
        ai_review: list[Path] = typer.Option(
            [],
            "--ai-review",
            metavar="FILE",
            help="Review comments and reviews as GitHub returns them (pulls/N/comments and "
            "/reviews JSON): what each AI review bot's comments led to.",
        ),
        adoption_date: str | None = typer.Option(
            None, "--adoption-date", metavar="DATE", help=ADOPTION_HELP
        ),
        as_json: bool = typer.Option(
            False, "--json", help="Print the path and the document as JSON."
        ),
    ) -> None:
        """Write one self-contained HTML report (works offline) and print its path."""
        from netgain.report.html import write_html

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
            ai_review=ai_review,
            adoption_date=adoption_date,
        )
        target = output or Path(doc["repository"]) / ".netgain" / "report.html"
        path = write_html(doc, target)
        if as_json:
            emit_json({"report": str(path), "metrics": doc})
            return
        console.print(f"Report written to [bold]{path}[/bold]", highlight=False)
