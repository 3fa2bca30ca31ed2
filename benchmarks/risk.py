"""Risk benchmark: feature-extraction rate and AUC against LApredict on generated histories.

Usage: `python -m benchmarks.risk [--commits N ...] [--write-default]`. `--write-default` retrains
netgain's pooled default model (src/netgain/risk/default_model.json) on a 20k-commit history.
`--planted` instead writes git histories with planted-and-fixed defects
(`benchmarks/planted_history.py`) and measures through the CLI: `netgain risk train` (real SZZ
labels) then `netgain risk evaluate --json`, plus how many planted defects SZZ recovered.
`--planted --families` plants through zones and API families too (`planted_history.py`), and
`--ablation` then evaluates, on the same stored features and labels, the chosen model with all
features and with the families beyond Kamei's removed (`FAMILY_COLUMNS`), next to LApredict, and
prints a Markdown table at the end:
`python -m benchmarks.risk --planted --families --ablation --commits 3000 5000 --seeds 1 2 3`.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select

from benchmarks.planted_history import make_planted_history
from benchmarks.risk_history import dataset, generate
from netgain.cli.history import open_workspace, run_ingest
from netgain.risk.features import FAMILY_FEATURES, FEATURES, FeatureExtractor
from netgain.risk.service import label_history
from netgain.risk.train import (
    Dataset,
    TooLittleHistoryError,
    auc,
    enough,
    evaluate,
    metrics,
    split,
    train,
)
from netgain.risk.train import (
    select as select_model,
)
from netgain.store.outcome_models import SzzLink

DEFAULT_MODEL = Path(__file__).parent.parent / "src" / "netgain" / "risk" / "default_model.json"


ZONES = {  # netgain init's starter zones: the globs the zone features match touched paths against
    "auth": ["**/auth/**", "**/login*", "**/session*"],
    "payments": ["**/payments/**", "**/billing/**"],
    "data_access": ["**/migrations/**", "**/db/**", "**/models/**"],
}
_APIS = ("os", "json", "re", "sqlalchemy", "requests", "jwt", "numpy", "subprocess", "typing")
FAMILY_COLUMNS = FAMILY_FEATURES  # the families beyond Kamei's and AI provenance
ZONE_COLUMNS = ("zones", "zones_unknown")
API_COLUMNS = ("api_new", "api_familiarity", "api_unknown")


def extraction_rate(commits: int, seed: int = 0, *, families: bool = False) -> float:
    """Commits per second of the one-pass feature extraction (generation not timed).

    With `families`, every change also carries 0-3 API families and the starter zones are
    matched, as in a store ingested with `[zones]` configured.
    """
    changes = generate(commits, seed)
    if families:
        rng = random.Random(seed)
        for c in changes:
            c.apis = tuple(sorted(set(rng.sample(_APIS, rng.randrange(0, 4)))))
    extractor = FeatureExtractor(ZONES if families else None)
    start = time.perf_counter()
    for c in changes:
        extractor.push(c)
    return commits / (time.perf_counter() - start)


def _netgain(repo: Path, *args: str) -> dict[str, Any]:
    cli = Path(sys.executable).with_name("netgain")
    done = subprocess.run(
        [str(cli), *args, "--json"], cwd=repo, check=True, capture_output=True, text=True
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def szz_inducing(repo: Path) -> set[str]:
    """The commits the stored SZZ links (variant netgain) name as defect-inducing."""
    engine = open_workspace(repo, None).engine
    try:
        with engine.connect() as conn:
            query = select(SzzLink.inducing_sha).where(SzzLink.variant == "netgain")
            return set(conn.execute(query).scalars())
    finally:
        engine.dispose()


def without(data: Dataset, names: tuple[str, ...] | list[str]) -> Dataset:
    """`data` with the columns `names` set to 0: the models then cannot use them.

    Why this removes a feature: a constant column standardises to 0 in the logistic models (its
    coefficient stays 0: its gradient is the L2 term alone) and gives the boosted trees a single
    histogram bin, so no split on it; the public training API needs no option for it
    (`tests/risk/test_planted_families.py` checks both model kinds leave such columns unused).
    """
    x = data.x.copy()
    x[:, [FEATURES.index(n) for n in names]] = 0.0
    return Dataset(x, data.y, data.times, data.shas)


def family_variation(data: Dataset) -> dict[str, float]:
    """Share of commits with a non-trivial value of each new family (a constant one is unusable)."""
    x = data.x
    col = {n: x[:, FEATURES.index(n)] for n in FAMILY_COLUMNS}
    return {
        "zones>0": round(float(np.mean(col["zones"] > 0)), 4),
        "api_known": round(float(np.mean(col["api_unknown"] == 0)), 4),
        "api_new>0": round(float(np.mean(col["api_new"] > 0)), 4),
    }


def _chosen(data: Dataset, gap_days: float) -> tuple[Any, Any, Any]:
    """What `evaluate` does, keeping the fitted models: split, select, and the split itself."""
    reason = enough(data, gap_days)
    if reason:
        raise TooLittleHistoryError(reason)
    s = split(data, gap_days)
    model, baseline, _scores = select_model(
        data.x[s.train], data.y[s.train], data.x[s.valid], data.y[s.valid]
    )
    return model, baseline, s


def paired_auc_interval(
    y: Any, a: Any, b: Any, rounds: int = 1000, seed: int = 0
) -> tuple[float, float]:
    """95 % bootstrap interval of AUC(a) - AUC(b) over resamples of the same test commits."""
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(rounds):
        idx = rng.integers(0, len(y), len(y))
        if 0 < int(y[idx].sum()) < len(idx):
            diffs.append(auc(y[idx], a[idx]) - auc(y[idx], b[idx]))
    low, high = np.percentile(diffs, [2.5, 97.5])
    return round(float(low), 4), round(float(high), 4)


def ablation(
    data: Dataset, gap_days: float, truth: dict[str, tuple[float, float]] | None = None
) -> dict[str, Any]:
    """The chosen model with all features and without `FAMILY_COLUMNS`, next to LApredict.

    Both are selected (logistic or boosted, by validation AUC) and scored exactly as
    `netgain risk evaluate` does, on the same split; the AUC difference gets a paired bootstrap
    interval over the test commits, since a test fold holds only 80-200 defect-inducing ones.
    With the generator's `truth` (planting probabilities), the AUC of the true function with and
    without its family terms on the same fold: what a model that knew the generator would score
    (a reference, not a bound: on one fold any scorer's AUC varies by a few hundredths). The chosen
    model's AUC without the zone columns only and without the API columns only says which family
    carries the effect.
    """
    reduced_data = without(data, FAMILY_COLUMNS)
    full, baseline, s = _chosen(data, gap_days)
    reduced, _baseline, _s = _chosen(reduced_data, gap_days)
    xt, yt = data.x[s.test], data.y[s.test]
    xr = reduced_data.x[s.test]
    m_full, m_reduced = metrics(full, xt, yt), metrics(reduced, xr, yt)
    single: dict[str, dict[str, Any]] = {}
    for name, columns in (("without_zones", ZONE_COLUMNS), ("without_api", API_COLUMNS)):
        part = without(data, columns)
        model, _b, _s = _chosen(part, gap_days)
        single[name] = metrics(model, part.x[s.test], yt)
    ceiling: dict[str, float] = {}
    if truth is not None:
        known = [truth.get(sha, (0.0, 0.0)) for sha in data.shas[s.test]]  # fixes never plant
        ceiling = {
            "all": round(auc(yt, np.asarray([p for p, _ in known])), 4),
            "without_families": round(auc(yt, np.asarray([q for _, q in known])), 4),
        }
    return {
        "true_risk_auc": ceiling,
        "all": m_full,
        "without_families": m_reduced,
        "baseline": metrics(baseline, xt, yt) | {"name": "lapredict"},
        "auc_effect": round(m_full["auc"] - m_reduced["auc"], 4),
        "auc_effect_95": paired_auc_interval(yt, full.raw(xt), reduced.raw(xr)),
        "popt_effect": round(m_full["popt"] - m_reduced["popt"], 4),
        "auc_one_family_removed": single,
        "variation": family_variation(data),
        "test": s.to_dict(data.y),
    }


def stored_labelled(repo: Path) -> Dataset:
    """The stored features and SZZ labels `netgain risk train` left (nothing is recomputed)."""
    ws = open_workspace(repo, None)
    try:
        report = run_ingest(ws, ["HEAD"], quiet=True)
        return label_history(ws.root, ws.engine, report.repository_id).data
    finally:
        ws.engine.dispose()


def planted_run(
    repo: Path,
    commits: int,
    seed: int,
    gap_days: float,
    *,
    families: bool = False,
    with_ablation: bool = False,
) -> dict[str, Any]:
    """Generate a planted history at `repo`, train and evaluate through the CLI."""
    start = time.perf_counter()
    planted = make_planted_history(repo, commits, seed, families=families)
    generated = time.perf_counter() - start
    trained = _netgain(repo, "risk", "train", "--gap-days", str(gap_days))
    train_s = time.perf_counter() - start - generated
    result = _netgain(repo, "risk", "evaluate", "--gap-days", str(gap_days))
    found = szz_inducing(repo)
    truth = set(planted.inducing)
    extra: dict[str, Any] = {}
    if with_ablation:
        extra["ablation"] = ablation(stored_labelled(repo), gap_days, planted.truth)
        # the in-process evaluation must be the CLI's: same stored vectors, same labels
        assert extra["ablation"]["all"] == result["model"], (extra["ablation"], result["model"])
    return {
        "commits": planted.commits,
        "families": families,
        "seed": seed,
        "planted_fixed": len(truth),
        "fixes": len(planted.fixes),
        "szz_recall": round(len(truth & found) / max(1, len(truth)), 4),
        "szz_precision": round(len(truth & found) / max(1, len(found)), 4),
        "chosen": trained["model"]["name"] if trained["model"] else None,
        "model": result["model"],
        "baseline": result["baseline"],
        "auc_gain": round(result["model"]["auc"] - result["baseline"]["auc"], 4),
        "split": result["split"],
        "seconds": {"generate": round(generated, 1), "train": round(train_s, 1)},
    } | extra


def _auc(m: dict[str, Any], kind: str) -> str:
    """An AUC for the table, naming the model when selection chose another kind than `kind`."""
    return f"{m['auc']:.4f}" + ("" if m["name"] == kind else f" ({m['name']})")


def ablation_table(rows: list[dict[str, Any]]) -> str:
    """The ablation rows of `planted_run` as a Markdown table."""
    out = [
        "| commits | seed | positives (test) | zones>0 / API known / api_new>0 | model | "
        "AUC all | AUC without families | effect (95 % paired bootstrap) | Popt all / without | "
        "AUC without zones / without API | LApredict AUC / Popt | "
        "true risk AUC (all / without family terms) |",
        "|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        a = r["ablation"]
        v = a["variation"]
        lo, hi = a["auc_effect_95"]
        t = a["true_risk_auc"]
        one = a["auc_one_family_removed"]
        kind = name = a["all"]["name"]
        if a["without_families"]["name"] != name:
            name += f" / {a['without_families']['name']}"
        out.append(
            f"| {r['commits']:,} | {r['seed']} | {a['test']['test']} ({a['test']['positives']}) | "
            f"{v['zones>0']:.2f} / {v['api_known']:.2f} / {v['api_new>0']:.2f} | {name} | "
            f"{a['all']['auc']:.4f} | {a['without_families']['auc']:.4f} | "
            f"{a['auc_effect']:+.4f} ({lo:+.3f} to {hi:+.3f}) | {a['all']['popt']:.3f} / "
            f"{a['without_families']['popt']:.3f} | {_auc(one['without_zones'], kind)} / "
            f"{_auc(one['without_api'], kind)} | {a['baseline']['auc']:.4f} / "
            f"{a['baseline']['popt']:.3f} | {t.get('all', float('nan')):.4f} / "
            f"{t.get('without_families', float('nan')):.4f} |"
        )
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commits", type=int, nargs="+", default=[5_000, 20_000, 100_000])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--write-default", action="store_true")
    parser.add_argument("--planted", action="store_true", help="git histories, SZZ labels, CLI")
    parser.add_argument("--gap-days", type=float, default=30.0, help="with --planted")
    parser.add_argument("--families", action="store_true", help="with --planted: zones, imports")
    parser.add_argument(
        "--ablation", action="store_true", help="with --planted: without the new families too"
    )
    args = parser.parse_args()
    if (args.families or args.ablation) and not args.planted:
        parser.error("--families and --ablation apply to --planted histories only")
    if args.planted:
        rows = []
        for n in args.commits:
            for seed in args.seeds:
                with tempfile.TemporaryDirectory() as tmp:
                    row = planted_run(
                        Path(tmp) / "repo",
                        n,
                        seed,
                        args.gap_days,
                        families=args.families,
                        with_ablation=args.ablation,
                    )
                print(json.dumps(row), flush=True)
                rows.append(row)
        if args.ablation:
            print(ablation_table(rows))
        return
    if args.write_default:
        data, _ = dataset(20_000, seed=7)
        model = train(data)
        model.trained["source"] = "benchmarks/risk_history.py generate(20000, seed=7)"
        model.save(DEFAULT_MODEL)
        print(f"wrote {DEFAULT_MODEL} ({model.kind})")
        return
    for n in args.commits:
        rate = extraction_rate(n)
        full = extraction_rate(n, families=True)
        print(
            json.dumps(
                {
                    "commits": n,
                    "features_per_second": round(rate),
                    "with_zones_and_api_families": round(full),
                }
            )
        )
        for seed in args.seeds:
            data, _ = dataset(n, seed)
            r = evaluate(data)
            print(
                json.dumps(
                    {
                        "commits": n,
                        "seed": seed,
                        "model": r["model"],
                        "baseline": r["baseline"],
                        "auc_gain": round(r["model"]["auc"] - r["baseline"]["auc"], 4),
                        "split": r["split"],
                    }
                )
            )


if __name__ == "__main__":
    main()
