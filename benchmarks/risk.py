"""Risk benchmark: feature-extraction rate and AUC against LApredict on generated histories.

Usage: `python -m benchmarks.risk [--commits N ...] [--write-default]`. `--write-default` retrains
netgain's pooled default model (src/netgain/risk/default_model.json) on a 20k-commit history.
`--planted` instead writes git histories with planted-and-fixed defects
(`benchmarks/planted_history.py`) and measures through the CLI: `netgain risk train` (real SZZ
labels) then `netgain risk evaluate --json`, plus how many planted defects SZZ recovered.
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

from sqlalchemy import select

from benchmarks.planted_history import make_planted_history
from benchmarks.risk_history import dataset, generate
from netgain.cli.history import open_workspace
from netgain.risk.features import FeatureExtractor
from netgain.risk.train import evaluate, train
from netgain.store.outcome_models import SzzLink

DEFAULT_MODEL = Path(__file__).parent.parent / "src" / "netgain" / "risk" / "default_model.json"


ZONES = {  # netgain init's starter zones: the globs the zone features match touched paths against
    "auth": ["**/auth/**", "**/login*", "**/session*"],
    "payments": ["**/payments/**", "**/billing/**"],
    "data_access": ["**/migrations/**", "**/db/**", "**/models/**"],
}
_APIS = ("os", "json", "re", "sqlalchemy", "requests", "jwt", "numpy", "subprocess", "typing")


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


def planted_run(repo: Path, commits: int, seed: int, gap_days: float) -> dict[str, Any]:
    """Generate a planted history at `repo`, train and evaluate through the CLI."""
    start = time.perf_counter()
    planted = make_planted_history(repo, commits, seed)
    generated = time.perf_counter() - start
    trained = _netgain(repo, "risk", "train", "--gap-days", str(gap_days))
    train_s = time.perf_counter() - start - generated
    result = _netgain(repo, "risk", "evaluate", "--gap-days", str(gap_days))
    found = szz_inducing(repo)
    truth = set(planted.inducing)
    return {
        "commits": planted.commits,
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
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commits", type=int, nargs="+", default=[5_000, 20_000, 100_000])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--write-default", action="store_true")
    parser.add_argument("--planted", action="store_true", help="git histories, SZZ labels, CLI")
    parser.add_argument("--gap-days", type=float, default=30.0, help="with --planted")
    args = parser.parse_args()
    if args.planted:
        for n in args.commits:
            for seed in args.seeds:
                with tempfile.TemporaryDirectory() as tmp:
                    row = planted_run(Path(tmp) / "repo", n, seed, args.gap_days)
                print(json.dumps(row), flush=True)
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
