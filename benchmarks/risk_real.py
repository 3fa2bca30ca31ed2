"""Change risk on real histories: `netgain risk train` and `risk evaluate` on local clones.

    .venv/bin/python -m benchmarks.risk_real REPO... [--gap-days 90] [--groups]

Each repository is cloned into a temporary folder (so the store and model never land in the
original), then `netgain risk train --json` (ingest, SZZ labels with the default variant, fit)
and `netgain risk evaluate --json` run through the CLI. The table gives, on the same time-ordered
test fold, the chosen model and LApredict: AUC, F1, Effort@20%Recall and Popt.

`--groups` also says what the features contribute: on the same stored vectors and labels, the
chosen model is selected and scored again with one feature group removed at a time (a removed
column is set to 0, which both model kinds then ignore; see `benchmarks.risk.without`), and with
Kamei's 14 metrics only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.risk import _chosen, _netgain, stored_labelled, without
from netgain.risk.features import FEATURES, SIZE_BY_KIND
from netgain.risk.train import auc, metrics

GROUPS: dict[str, tuple[str, ...]] = {
    "size (NS ND NF entropy LA LD LT)": ("ns", "nd", "nf", "entropy", "la", "ld", "lt"),
    "history (NDEV AGE NUC)": ("ndev", "age", "nuc"),
    "experience (EXP REXP SEXP)": ("exp", "rexp", "sexp"),
    "purpose (FIX)": ("fix",),
}
KAMEI = tuple(c for cols in GROUPS.values() for c in cols)
GROUPS["size by kind (LA/LD of code, test, other)"] = SIZE_BY_KIND
BEYOND_KAMEI = tuple(f for f in FEATURES if f not in KAMEI)


def history_facts(repo: Path) -> dict[str, Any]:
    """Non-merge commits and the years they span (first to last author date)."""
    out = subprocess.run(
        ["git", "-C", str(repo), "log", "--no-merges", "--format=%at", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    times = sorted(int(t) for t in out)
    years = (times[-1] - times[0]) / (365.25 * 86400) if times else 0.0
    return {"commits": len(times), "years": round(years, 1)}


def contributions(repo: Path, gap_days: float) -> dict[str, float]:
    """Test AUC of the selected model with every feature, without each group, Kamei only."""
    data = stored_labelled(repo)
    model, _baseline, s = _chosen(data, gap_days)
    yt = data.y[s.test]
    out = {"all": metrics(model, data.x[s.test], yt)["auc"]}
    removals = {**{f"without {k}": v for k, v in GROUPS.items()}, "Kamei only": BEYOND_KAMEI}
    for name, columns in removals.items():
        part = without(data, columns)
        chosen, _b, _s = _chosen(part, gap_days)
        out[name] = metrics(chosen, part.x[s.test], yt)["auc"]
    return out


def code_changes_auc(repo: Path, gap_days: float) -> dict[str, Any]:
    """Test AUC of the chosen model and LApredict on the test commits that add code lines.

    Why: a commit that adds no code line can hardly be blamed on a code line, so both scorers
    get those right for free; this is the harder ranking among the commits that could be risky.
    """
    data = stored_labelled(repo)
    model, baseline, s = _chosen(data, gap_days)
    xt, yt = data.x[s.test], data.y[s.test]
    keep = xt[:, FEATURES.index("la_code")] > 0
    return {
        "commits": int(keep.sum()),
        "positives": int(yt[keep].sum()),
        "model": round(auc(yt[keep], model.raw(xt[keep])), 4),
        "baseline": round(auc(yt[keep], baseline.raw(xt[keep])), 4),
    }


def run(source: Path, gap_days: float, groups: bool) -> dict[str, Any]:
    """Clone `source`, train and evaluate through the CLI, and gather the row's figures.

    The project is named after `source` as given (a symlink to a bare mirror keeps its name).
    """
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / source.name
        subprocess.run(["git", "clone", "-q", str(source.resolve()), str(repo)], check=True)
        start = time.perf_counter()
        trained = _netgain(repo, "risk", "train", "--gap-days", str(gap_days))
        train_s = time.perf_counter() - start
        result = _netgain(repo, "risk", "evaluate", "--gap-days", str(gap_days))
        row = {
            "project": source.name,
            **history_facts(repo),
            "fixes": trained["fixes"],
            "positives": trained["positives"],
            "model": result["model"],
            "baseline": result["baseline"],
            "split": result["split"],
            "validation_auc": result["validation_auc"],
            "train_seconds": round(train_s, 1),
            "code_changes": code_changes_auc(repo, gap_days),
        }
        if groups:
            row["contributions"] = contributions(repo, gap_days)
        return row


def table(rows: list[dict[str, Any]]) -> str:
    """The rows as Markdown, with the mean AUC gain over LApredict."""
    out = [
        "| project | non-merge commits | years | fix commits | defect-inducing | test (positives) "
        "| model | AUC model / LA | gain | F1 model / LA | Effort@20%R model / LA "
        "| Popt model / LA | AUC on code-adding commits (positives) model / LA |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    gains = []
    for r in rows:
        m, b = r["model"], r["baseline"]
        gain = m["auc"] - b["auc"]
        gains.append(gain)
        out.append(
            f"| {r['project']} | {r['commits']:,} | {r['years']} | {r['fixes']:,} "
            f"| {r['positives']:,} | {r['split']['test']:,} ({r['split']['positives']}) "
            f"| {m['name']} | {m['auc']:.3f} / {b['auc']:.3f} | {gain:+.3f} "
            f"| {m['f1']:.3f} / {b['f1']:.3f} "
            f"| {m['effort_at_20_recall']:.3f} / {b['effort_at_20_recall']:.3f} "
            f"| {m['popt']:.3f} / {b['popt']:.3f} "
            f"| {r['code_changes']['model']:.3f} / {r['code_changes']['baseline']:.3f} "
            f"({r['code_changes']['positives']}) |"
        )
    if rows:
        model = sum(r["model"]["auc"] for r in rows) / len(rows)
        base = sum(r["baseline"]["auc"] for r in rows) / len(rows)
        cells = []
        for k in ("f1", "effort_at_20_recall", "popt"):
            mm = sum(r["model"][k] for r in rows) / len(rows)
            bb = sum(r["baseline"][k] for r in rows) / len(rows)
            cells.append(f"{mm:.3f} / {bb:.3f}")
        cm = sum(r["code_changes"]["model"] for r in rows) / len(rows)
        cb = sum(r["code_changes"]["baseline"] for r in rows) / len(rows)
        out.append(
            f"| **mean** | | | | | | | {model:.3f} / {base:.3f} | "
            f"**{sum(gains) / len(gains):+.3f}** | {' | '.join(cells)} | {cm:.3f} / {cb:.3f} |"
        )
    return "\n".join(out)


def groups_table(rows: list[dict[str, Any]]) -> str:
    """Test AUC with all features, without each group and with Kamei's metrics only."""
    names = list(rows[0]["contributions"])
    out = ["| project | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for r in rows:
        c = r["contributions"]
        cells = [f"{c['all']:.3f}"] + [f"{c[n]:.3f} ({c[n] - c['all']:+.3f})" for n in names[1:]]
        out.append(f"| {r['project']} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("repos", type=Path, nargs="+", help="local clones (project = folder name)")
    parser.add_argument("--gap-days", type=float, default=90.0)
    parser.add_argument("--groups", action="store_true", help="also ablate feature groups")
    args = parser.parse_args()
    rows = []
    for source in args.repos:
        row = run(source.absolute(), args.gap_days, args.groups)
        print(json.dumps(row), flush=True)
        rows.append(row)
    print(table(rows))
    if args.groups:
        print()
        print(groups_table(rows))


if __name__ == "__main__":
    main()
