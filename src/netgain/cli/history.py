"""History commands: `ingest`, `provenance`, `share`.

Every command that needs history first brings the store up to date by itself (an incremental
ingest), so they work in a repository that was never ingested.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from netgain import git
from netgain.cli.early import claim, start_early
from netgain.cli.output import console, emit_json, err_console, progress, warn
from netgain.config import RawConfig, database_url, ensure_state_dir, load_config
from netgain.errors import NetgainError, UsageError
from netgain.git.log import EarlyLog

# SQLAlchemy, the store, provenance (pydantic) and the ingest itself are imported where they are
# used: `netgain ingest` starts git's log before paying for them (see `_early_log`).
if TYPE_CHECKING:
    from sqlalchemy import Engine

    from netgain.history import IngestReport
    from netgain.history.share import ShareResult
    from netgain.provenance import MarkerRule
    from netgain.risk.feature_stream import FeatureStream

DB_HELP = "Database URL (default: $NETGAIN_DATABASE_URL, else SQLite at REPO/.netgain/netgain.db)."


@dataclass(slots=True)
class Workspace:
    root: Path
    engine: Engine
    markers: list[MarkerRule]
    config: RawConfig

    def use_config(self, config: RawConfig) -> None:
        """Read markers and risk settings from `config` (the gate passes the base revision's)."""
        from netgain.provenance import marker_rules

        self.config = config
        self.markers = marker_rules(config.section("provenance"), config.source)


def open_workspace(repo: Path, db: str | None) -> Workspace:
    """Resolve the repository, its configuration and the store behind it."""
    from netgain.history.missing import BLOBLESS_HINT, blobless
    from netgain.provenance import marker_rules
    from netgain.store.engine import open_store

    if not repo.exists():
        raise UsageError(f"{repo}: no such directory")
    root = git.repo_root(repo)
    ensure_state_dir(root)
    if blobless(root):
        warn(BLOBLESS_HINT)
    config = load_config(root)
    markers = marker_rules(config.section("provenance"), config.source)
    return Workspace(root, open_store(database_url(root, db)), markers, config)


def _risk_features(
    engine: Engine, repository_id: int, root: Path, config: RawConfig, stream: FeatureStream
) -> None:
    """Store the new commits' change-risk feature vectors (netgain.risk.feature_store)."""
    from netgain.risk.feature_store import update_features

    update_features(engine, repository_id, root, config, stream.written, stream)


def _feature_stream(ws: Workspace, early: EarlyLog | None) -> FeatureStream:
    """Where the ingest hands the commits it writes: their vectors are computed meanwhile when
    the early log's listing of author times came with it (a new store, no API families)."""
    from netgain.risk.feature_store import api_families_enabled, zone_globs
    from netgain.risk.feature_stream import FeatureStream

    try:
        zones = zone_globs(ws.root, ws.config)
        streaming = early is not None and not api_families_enabled(ws.root, ws.config)
    except NetgainError:  # a bad [zones] or [risk] setting: the feature pass reports it
        return FeatureStream(None, {})
    return FeatureStream(early.author_times() if early is not None and streaming else None, zones)


@contextmanager
def _early_log(repo: Path, db: str | None, all_refs: bool) -> Iterator[EarlyLog | None]:
    """The log of a first ingest started before the store is opened (`netgain.cli.early`):
    the one started before the command line was parsed, else one started now."""
    looked, early = claim(repo, db, all_refs)
    if not looked:
        early = start_early(repo, db, all_refs)
    try:
        yield early
    finally:
        if early is not None:
            early.close()


def run_ingest(
    ws: Workspace, revs: list[str], *, quiet: bool, early: EarlyLog | None = None
) -> IngestReport:
    from netgain.history import ingest_repository

    with progress(enabled=None if not quiet else False) as bar:
        task = bar.add_task("ingesting commits", total=None)
        stream = _feature_stream(ws, early)  # what the feature pass needs, kept from the write
        report = ingest_repository(
            ws.root,
            ws.engine,
            revs=revs,
            markers=ws.markers,
            on_commit=lambda n: bar.update(task, completed=n) if n % 500 == 0 else None,
            after_write=lambda engine, repository_id, root: _risk_features(
                engine, repository_id, root, ws.config, stream
            ),
            written=stream,
            early=early,
        )
    if report.shallow:
        warn("shallow clone: history is truncated, figures cover the commits present only")
    return report


def problem_lines(problems: list[dict[str, Any]]) -> None:
    if not problems:
        return
    err_console.print(f"[yellow]{len(problems)} problem(s) while reading history:[/yellow]")
    for p in problems[:20]:
        where = f" {p['sha'][:12]}" if p.get("sha") else ""
        err_console.print(
            f"  - {p['kind']}{where}: {p['message']}", highlight=False, markup=False, soft_wrap=True
        )
    if len(problems) > 20:
        err_console.print(f"  ... and {len(problems) - 20} more (see --json)")


def register(app: typer.Typer) -> None:
    """Attach the history commands to the root app."""

    @app.command()
    def ingest(
        repo: Path = typer.Argument(Path(), help="Repository to ingest (default: current)."),
        db: str | None = typer.Option(None, "--db", help=DB_HELP),
        all_refs: bool = typer.Option(False, "--all", help="Ingest every branch and tag."),
        as_json: bool = typer.Option(False, "--json", help="Print a JSON report."),
    ) -> None:
        """Store the repository's history and AI provenance (incremental and resumable)."""
        with _early_log(repo, db, all_refs) as early:
            ws = open_workspace(repo, db)
            revs = git.all_ref_names(ws.root) if all_refs else ["HEAD"]
            report = run_ingest(ws, revs, quiet=as_json, early=early)
        data = report.to_dict()
        data["problems"], data["problem_counts"] = ingest_problems(ws, report)
        if as_json:
            emit_json(data)
            return
        console.print(
            f"Ingested [bold]{report.commits_added}[/bold] new commit(s) "
            f"({report.commits_seen} read) from {report.repository}",
            highlight=False,
        )
        problem_lines([p for p in data["problems"] if not p["earlier_run"]])
        earlier = data["problem_counts"]["earlier_runs"]
        if earlier:
            err_console.print(
                f"[yellow]{earlier} problem(s) stored by earlier ingests still apply to the "
                "stored history (`netgain ingest --json` lists them)[/yellow]"
            )

    @app.command()
    def provenance(
        rev_range: list[str] = typer.Argument(
            None, help="git revision range, e.g. HEAD (all history), main..feature, HEAD~20.."
        ),
        repo: Path = typer.Option(Path(), "--repo", "-C", help="Repository (default: current)."),
        db: str | None = typer.Option(None, "--db", help=DB_HELP),
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
        limit: int = typer.Option(0, "--limit", help="Show at most N commits in the table."),
    ) -> None:
        """Per-commit AI attribution: ai / human / unknown added lines, tools, evidence."""
        from netgain.history.queries import load_provenance, summarize

        ws = open_workspace(repo, db)
        args = rev_range or ["HEAD"]
        shas = git.rev_list(ws.root, args)
        report = run_ingest(ws, git.positive_revs(ws.root, args), quiet=as_json)
        rows_by_sha = load_provenance(ws.engine, report.repository_id, shas)
        rows = [rows_by_sha[s] for s in shas if s in rows_by_sha]
        missing = len(shas) - len(rows)
        problems = history_problems(ws, report, set(shas))
        payload = {
            "range": " ".join(args),
            "commits": [r.to_dict() for r in rows],
            "summary": summarize(rows) | {"commits_not_ingested": missing},
            "history_truncated": report.shallow,
            "problems": problems,
        }
        if as_json:
            emit_json(payload)
            return
        _print_provenance(payload, limit)
        problem_lines(problems)

    @app.command()
    def share(
        rev_range: str = typer.Argument(..., help="REV_A..REV_B (or one revision: all history)."),
        include: list[str] = typer.Option([], "--include", help="Only paths matching GLOB."),
        exclude: list[str] = typer.Option([], "--exclude", help="Skip paths matching GLOB."),
        repo: Path = typer.Option(Path(), "--repo", "-C", help="Repository (default: current)."),
        db: str | None = typer.Option(None, "--db", help=DB_HELP),
        jobs: int = typer.Option(0, "--jobs", "-j", help="Parallel blames (default: all cores)."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
        top: int = typer.Option(15, "--top", help="Files to list in the table."),
        move_chars: int | None = typer.Option(
            None,
            "--move-chars",
            min=0,
            metavar="N",
            help="git blame -M<N>: characters a moved block needs (git's default 20).",
        ),
        copy_chars: int | None = typer.Option(
            None,
            "--copy-chars",
            min=0,
            metavar="N",
            help="git blame -C<N>: characters a copied block needs (git's default 40). "
            "Aider's published method: --move-chars 100 --copy-chars 100.",
        ),
    ) -> None:
        """AI share of the lines introduced in a range that survive at its end (blame-based)."""
        from netgain.history.queries import load_provenance
        from netgain.history.share import compute_share

        ws = open_workspace(repo, db)
        base, head = _split_range(ws.root, rev_range)
        report = run_ingest(ws, [head], quiet=as_json)
        shas = git.rev_list(ws.root, [head] if base is None else [f"{base}..{head}"])
        provenance_rows = load_provenance(ws.engine, report.repository_id, shas)
        with progress(enabled=None if not as_json else False) as bar:
            task = bar.add_task("blaming files", total=None)
            result = compute_share(
                ws.root,
                base,
                head,
                provenance_rows,
                include=include,
                exclude=exclude,
                label=rev_range,
                jobs=jobs or os.cpu_count(),
                on_file=lambda: bar.advance(task),
                move_chars=move_chars,
                copy_chars=copy_chars,
            )
        result.problems[:0] = report.problems
        data = result.to_dict()
        if as_json:
            emit_json(data)
            return
        _print_share(result, data, top)
        problem_lines(data["problems"])


def history_problems(
    ws: Workspace, report: IngestReport, shas: set[str] | None = None
) -> list[dict[str, Any]]:
    """This run's problems plus those earlier ingests stored (for `shas` only, when given).

    A commit read once with a missing blob keeps its unknown line counts, and a note that could
    not be read stays unread: every later figure built on them must say so, not only the run
    that first met the problem (a warm `metrics` or `report` ingests nothing new).
    """
    from netgain.history.queries import load_problems

    problems: list[dict[str, Any]] = list(report.to_dict()["problems"])
    seen = {(p["kind"], p["sha"], p["path"], p["message"]) for p in problems}
    for stored in load_problems(ws.engine, report.repository_id):
        key = (stored["kind"], stored["sha"], stored["path"], stored["message"])
        if (shas is None or stored["sha"] in shas) and key not in seen:
            seen.add(key)
            problems.append(stored)
    return problems


def ingest_problems(
    ws: Workspace, report: IngestReport
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Every problem of the stored history, each marked `earlier_run` (stored by an earlier
    ingest, not met again by this one), and how many of each.

    An incremental ingest reads only new commits: the unreadable commit or malformed note an
    earlier run stored is not met again, yet its figures stay incomplete, so `ingest --json`
    shows the whole picture rather than only what this run happened to read.
    """
    problems = history_problems(ws, report)
    this_run = len(report.problems)
    marked = [p | {"earlier_run": i >= this_run} for i, p in enumerate(problems)]
    return marked, {"this_run": this_run, "earlier_runs": len(problems) - this_run}


def _split_range(root: Path, rev_range: str) -> tuple[str | None, str]:
    if "..." in rev_range:
        raise UsageError(f"{rev_range!r}: use REV_A..REV_B (symmetric ranges are not supported)")
    if ".." in rev_range:
        base, _, head = rev_range.partition("..")
        base, head = base or "HEAD", head or "HEAD"
    else:
        base, head = None, rev_range
    for rev in (base, head):
        if rev is not None and git.rev_parse(root, rev) is None:
            raise UsageError(f"unknown revision {rev!r}")
    return base, head


def _fmt_share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _print_provenance(payload: dict[str, Any], limit: int) -> None:
    commits = payload["commits"]
    shown = commits[:limit] if limit else commits
    table = Table(title=f"AI provenance: {payload['range']}", title_justify="left")
    wide = console.width >= 100  # below that, the date gives way to the figures
    table.add_column("commit", no_wrap=True)
    if wide:
        table.add_column("date", no_wrap=True)
    table.add_column("author", no_wrap=True, max_width=18 if wide else 9, overflow="ellipsis")
    for name in ("ai", "human", "unknown"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("tools", min_width=11, overflow="fold")
    table.add_column("evidence", min_width=13, overflow="fold")
    for c in shown:
        added = c["added"]
        kinds = sorted({e.get("kind", "?") for e in c["evidence"]})
        table.add_row(
            c["sha"][:9],
            *([c["date"][:10]] if wide else []),
            c["author"].split(" <")[0],
            str(added["ai"]) if added["ai"] else "[dim]0[/dim]",
            str(added["human"]) if added["human"] else "[dim]0[/dim]",
            str(added["unknown"]),
            ", ".join(c["tools"]),
            ", ".join(kinds) or "[dim]none[/dim]",
        )
    console.print(table)
    if len(shown) < len(commits):
        console.print(f"[dim]... {len(commits) - len(shown)} more commits (--json for all)[/dim]")
    s = payload["summary"]
    added = s["added"]
    console.print(
        f"[bold]{s['commits']}[/bold] commits, {s['ai_commits']} with AI lines; added lines: "
        f"[magenta]ai {added['ai']}[/magenta] / [green]human {added['human']}[/green] / "
        f"[yellow]unknown {added['unknown']}[/yellow] -> AI share {_fmt_share(s['ai_share'])}",
        highlight=False,
    )
    if s["tools"]:
        console.print("tools: " + ", ".join(f"{k} ({v})" for k, v in s["tools"].items()))


def _print_share(result: ShareResult, data: dict[str, Any], top: int) -> None:
    console.print(
        f"[bold]AI share of surviving lines introduced in {result.range}[/bold]: "
        f"{_fmt_share(data['ai_share'])}  "
        f"(ai {result.ai} / human {result.human} / unknown {result.unknown} "
        f"of {result.total} lines; {result.boundary_lines} older lines not counted)",
        highlight=False,
    )
    if result.by_tool:
        tools = Table(title="by tool", title_justify="left")
        tools.add_column("tool")
        tools.add_column("lines", justify="right")
        tools.add_column("share", justify="right")
        for tool, lines in result.by_tool.most_common():
            tools.add_row(tool, str(lines), _fmt_share(lines / result.total))
        console.print(tools)
    files = sorted(data["files"], key=lambda f: (-f["ai_lines"], f["path"]))[:top]
    if files:
        table = Table(title=f"top {len(files)} files by AI lines", title_justify="left")
        for name in ("file", "lines", "ai", "human", "unknown", "ai share"):
            table.add_column(name, justify="left" if name == "file" else "right")
        for f in files:
            table.add_row(
                f["path"],
                str(f["total_lines"]),
                str(f["ai_lines"]),
                str(f["human_lines"]),
                str(f["unknown_lines"]),
                _fmt_share(f["ai_share"]),
            )
        console.print(table)
    if result.skipped_binary:
        console.print(f"[dim]{len(result.skipped_binary)} binary file(s) not counted[/dim]")
    if result.unavailable:
        shown = ", ".join(result.unavailable[:5]) + (" ..." if len(result.unavailable) > 5 else "")
        console.print(
            f"[yellow]INCOMPLETE: {len(result.unavailable)} file(s) could not be blamed (a blob "
            f"is missing): their lines are unknown and not in the figures above: {shown}[/yellow]",
            highlight=False,
        )
    for path, why in sorted(result.degraded.items()):
        console.print(f"[yellow]degraded: {path}: {why}[/yellow]", highlight=False)
