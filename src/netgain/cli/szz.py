"""`netgain szz FIX...`: the commits that introduced what each fix fixed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from sqlalchemy.orm import Session

from netgain import git
from netgain.cli.output import console, emit_json, err_console
from netgain.config import database_url
from netgain.errors import UsageError
from netgain.history.ingest import get_repository
from netgain.store.engine import open_store
from netgain.store.retry import retrying
from netgain.szz import DEFAULT_VARIANT, VARIANTS, SzzResult, find_inducing, get_variant
from netgain.szz.persist import store_results

DB_HELP = "Database URL (default: $NETGAIN_DATABASE_URL, else SQLite at REPO/.netgain/netgain.db)."


def resolve_fixes(root: Path, names: list[str]) -> list[str]:
    """Full commit ids for the names given; an unknown name is a usage error naming it."""
    shas: list[str] = []
    for name in names:
        sha = git.rev_parse(root, f"{name}^{{commit}}")
        if sha is None:
            raise UsageError(f"{name!r} does not name a commit in {root}")
        shas.append(sha)
    return shas


def _detail(r: SzzResult) -> dict[str, Any]:
    data = r.to_dict()
    data.pop("fix")
    return data


def _print_text(results: list[SzzResult], variant: str) -> None:
    for r in results:
        adjacent = any(e.reason == "adjacent" for c in r.candidates for e in c.evidence)
        blamed = (
            f"{r.lines_blamed} line(s) around its insertions blamed "
            f"({r.lines_changed} changed line(s), none worth blaming)"
            if adjacent
            else f"{r.lines_blamed} of {r.lines_changed} changed line(s) blamed"
        )
        console.print(
            f"[bold]{r.fix[:12]}[/bold] ({variant}): {len(r.candidates)} inducing commit(s), "
            f"{blamed}",
            highlight=False,
            soft_wrap=True,
        )
        for c in r.candidates:
            date = c.author_date.date().isoformat() if c.author_date else "?"
            console.print(f"  {c.sha[:12]}  {date}", highlight=False, soft_wrap=True)
            for ev in c.evidence:
                moved = f" (from {ev.inducing_path})" if ev.inducing_path != ev.path else ""
                console.print(
                    f"    {ev.path}{moved}: lines {_spans(ev.lines)} [{ev.reason}]",
                    highlight=False,
                    markup=False,
                    soft_wrap=True,
                )
        for d in r.dropped:
            console.print(
                f"  [dim]dropped {d.sha[:12]}: {d.reason}[/dim]", highlight=False, soft_wrap=True
            )
        for p in r.problems:
            err_console.print(
                f"  problem {p.kind}: {p.message}" + (f" ({p.path})" if p.path else ""),
                highlight=False,
                markup=False,
                soft_wrap=True,
            )


def _spans(lines: tuple[int, ...]) -> str:
    out: list[str] = []
    for n in lines:
        if out and "-" not in out[-1] and int(out[-1]) + 1 == n:
            out[-1] = f"{out[-1]}-{n}"
        elif out and "-" in out[-1] and int(out[-1].split("-")[1]) + 1 == n:
            out[-1] = f"{out[-1].split('-')[0]}-{n}"
        else:
            out.append(str(n))
    return ",".join(out)


def register(app: typer.Typer) -> None:
    """Attach `netgain szz` to the root app."""

    @app.command()
    def szz(
        fixes: list[str] = typer.Argument(..., help="Fix commits (any revision names)."),
        variant: str = typer.Option(
            DEFAULT_VARIANT, "--variant", help=f"SZZ variant: {', '.join(VARIANTS)}."
        ),
        repo: Path = typer.Option(Path(), "--repo", "-C", help="Repository (default: current)."),
        db: str | None = typer.Option(None, "--db", help=DB_HELP),
        jobs: int = typer.Option(
            0, "--jobs", "-j", help="Parallel git processes (default: all cores)."
        ),
        as_json: bool = typer.Option(
            False, "--json", help='Print {"FIX_SHA": ["INDUCING_SHA", ...]} as JSON.'
        ),
        evidence: bool = typer.Option(
            False,
            "--evidence",
            help="With --json: per fix, the candidates with their evidence (file, lines), "
            "dropped candidates and problems instead of the plain list.",
        ),
        store: bool = typer.Option(
            True, "--store/--no-store", help="Record the links in the store for metrics."
        ),
        trailers: bool = typer.Option(
            True,
            "--trailers/--no-trailers",
            help="Take a fix's `Fixes: <sha>` trailers as its answer (default variant only); "
            "--no-trailers blames every fix, e.g. to evaluate against those trailers.",
        ),
        engine_name: str = typer.Option(
            "replay",
            "--engine",
            help="replay: one pass over the files' history for all fixes (default); "
            "git: one `git blame` per fix and file (slower; to cross-check).",
        ),
    ) -> None:
        """For each fix commit, the commits that introduced what it fixed (SZZ)."""
        if engine_name not in ("replay", "git"):
            raise UsageError(f"unknown --engine {engine_name!r} (choose replay or git)")
        if not repo.exists():
            raise UsageError(f"{repo}: no such directory")
        root = git.repo_root(repo)
        chosen = get_variant(variant)
        shas = resolve_fixes(root, fixes)
        results = find_inducing(
            root, shas, chosen, jobs=jobs or None, engine=engine_name, trailers=trailers
        )
        if store:
            engine = open_store(database_url(root, db))
            shallow = git.is_shallow(root)

            def store_links() -> None:
                with Session(engine) as session, session.begin():
                    repo_row = get_repository(session, root, shallow)
                    store_results(session, repo_row.id, results)

            # another `szz` or `risk train` may store the same fixes at once: the loser replaces
            retrying(store_links, conflicts=True)
            engine.dispose()
        if as_json:
            if evidence:
                emit_json({r.fix: _detail(r) for r in results})
            else:
                emit_json({r.fix: r.inducing for r in results})
            return
        _print_text(results, chosen.title)
