"""`netgain risk train | score | evaluate`: the change-risk model (see docs/risk.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from netgain import git
from netgain.cli.history import DB_HELP, open_workspace, run_ingest
from netgain.cli.output import console, emit_json, warn
from netgain.config import load_config
from netgain.errors import UsageError

risk_app = typer.Typer(help="Change risk: a defect model trained on the repository's history.")
GAP_HELP = "Days before the end of the data whose commits are left out (defects not found yet)."


def _labelled(repo: Path, db: str | None, quiet: bool) -> tuple[Any, Any]:
    from netgain.risk.service import label_history

    ws = open_workspace(repo, db)
    report = run_ingest(ws, ["HEAD"], quiet=quiet)
    return ws, label_history(ws.root, ws.engine, report.repository_id)


@risk_app.command("train")
def train_cmd(
    repo: Path = typer.Option(Path(), "--repo", "-C", help="Repository (default: current)."),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    gap_days: float = typer.Option(90.0, "--gap-days", help=GAP_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Label history with SZZ, pick the best model by time-ordered validation, save it."""
    from netgain.risk.service import MODEL_FILE
    from netgain.risk.train import TooLittleHistoryError, train

    ws, labelled = _labelled(repo, db, as_json)
    out: dict[str, Any] = {
        "commits": len(labelled.data.shas),
        "fixes": labelled.fixes,
        "fixes_analysed_now": labelled.fixes_analysed_now,
        "positives": int(labelled.data.y.sum()),
        "problems": labelled.problems,
    }
    try:
        model = train(labelled.data, gap_days)
    except TooLittleHistoryError as exc:
        notice = f"too little history for a repository model: {exc}; the pooled default is used"
        out |= {"model": None, "notice": notice}
        if as_json:
            emit_json(out)
        else:
            warn(notice)
        return
    path = ws.root / MODEL_FILE
    model.save(path)
    out |= {"model": {"name": model.kind, "path": str(path), **model.trained}, "notice": None}
    if as_json:
        emit_json(out)
        return
    console.print(
        f"Trained [bold]{model.kind}[/bold] on {model.trained['commits']} commits "
        f"({model.trained['positives']} defect-inducing); validation AUC "
        + ", ".join(f"{k} {v:.3f}" for k, v in model.trained["validation_auc"].items())
        + f"; saved to {path}",
        highlight=False,
    )


@risk_app.command("score")
def score_cmd(
    rev: str | None = typer.Argument(None, help="A commit to score."),
    base: str | None = typer.Option(None, "--base", help="Score the change BASE..HEAD."),
    head: str | None = typer.Option(None, "--head", help="Head of the change (with --base)."),
    repo: Path = typer.Option(Path(), "--repo", "-C", help="Repository (default: current)."),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Probability that a change introduces a defect, its tier, and why."""
    from netgain.risk.feature_store import scoring_changes, stored_row
    from netgain.risk.service import change_row, repository_model, score, tiers

    if (rev is None) == (base is None and head is None):
        raise UsageError("give either REV or --base REV --head REV")
    if rev is None and (base is None or head is None):
        raise UsageError("--base and --head go together")
    ws = open_workspace(repo, db)
    tip = rev if rev is not None else head or "HEAD"
    if git.rev_parse(ws.root, f"{tip}^{{commit}}") is None:
        raise UsageError(f"unknown revision {tip!r}")
    if base is not None and git.rev_parse(ws.root, f"{base}^{{commit}}") is None:
        raise UsageError(f"unknown revision {base!r}")
    report = run_ingest(ws, [tip], quiet=as_json)
    spec = [f"{tip}^!"] if rev is not None else [f"{base}..{head}"]
    shas = set(git.rev_list(ws.root, spec))
    # One commit: its stored vector (computed during ingest). A range: its commits folded into
    # one change, against the state replayed up to the first of them.
    row = stored_row(ws.engine, report.repository_id, next(iter(shas))) if rev else None
    if row is None:
        changes, zones = scoring_changes(ws.engine, report.repository_id, ws.root)
        try:
            row, _record = change_row(changes, shas, zones)
        except ValueError as exc:
            raise UsageError(f"{' '.join(spec)}: {exc} (merge commits only?)") from exc
    config = load_config(ws.root)
    model, notice = repository_model(ws.root)
    result = score(model, row, tiers(config.section("risk"), str(config.source or "netgain.toml")))
    result |= {"change": " ".join(spec), "notice": notice}
    if as_json:
        emit_json(result)
        return
    if notice:
        warn(notice)
    console.print(
        f"risk [bold]{result['risk']:.1%}[/bold] ({result['tier']}) by {result['model']} model",
        highlight=False,
    )
    for r in result["reasons"]:
        sign = "raises" if r["push"] > 0 else "lowers"
        console.print(
            f"  {r['feature']} = {r['value']:g} (typical {r['typical']:g}) {sign} it by "
            f"{abs(r['push']):.1%}",
            highlight=False,
        )


@risk_app.command("evaluate")
def evaluate_cmd(
    repo: Path = typer.Option(Path(), "--repo", "-C", help="Repository (default: current)."),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    gap_days: float = typer.Option(90.0, "--gap-days", help=GAP_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """AUC, F1, Effort@20%Recall and Popt on the time-ordered test split, next to LApredict."""
    from netgain.risk.train import TooLittleHistoryError, evaluate

    _ws, labelled = _labelled(repo, db, as_json)
    try:
        result = evaluate(labelled.data, gap_days)
    except TooLittleHistoryError as exc:
        raise UsageError(f"cannot evaluate: {exc}") from exc
    if as_json:
        emit_json(result)
        return
    s = result["split"]
    console.print(
        f"time-ordered split: {s['train']} train / {s['test']} test commits "
        f"({s['positives']} defect-inducing), last {s['gap_days']:g} days excluded",
        highlight=False,
    )
    for key in ("model", "baseline"):
        m = result[key]
        console.print(
            f"  {m['name']:<10} AUC {m['auc']:.3f}  F1 {m['f1']:.3f}  "
            f"Effort@20%Recall {m['effort_at_20_recall']:.3f}  Popt {m['popt']:.3f}",
            highlight=False,
        )
    console.print(
        "calibration (predicted / observed): "
        + ", ".join(f"{b['predicted']:.1%}/{b['observed']:.1%}" for b in result["calibration"]),
        highlight=False,
    )
    console.print(
        "by AI share: "
        + ", ".join(
            f"{b['bucket']} {b['commits']} commits, predicted {b['predicted']:.1%}, "
            f"observed {b['observed']:.1%}"
            for b in result["by_ai_share"]
            if b["commits"]
        ),
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Attach `netgain risk` to the root app."""
    app.add_typer(risk_app, name="risk")
