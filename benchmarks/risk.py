"""Risk benchmark: feature-extraction rate and AUC against LApredict on generated histories.

Usage: `python -m benchmarks.risk [--commits N ...] [--write-default]`. `--write-default` retrains
netgain's pooled default model (src/netgain/risk/default_model.json) on a 20k-commit history.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from benchmarks.risk_history import dataset, generate
from netgain.risk.features import FeatureExtractor
from netgain.risk.train import evaluate, train

DEFAULT_MODEL = Path(__file__).parent.parent / "src" / "netgain" / "risk" / "default_model.json"


def extraction_rate(commits: int, seed: int = 0) -> float:
    """Commits per second of the one-pass feature extraction (generation not timed)."""
    changes = generate(commits, seed)
    extractor = FeatureExtractor()
    start = time.perf_counter()
    for c in changes:
        extractor.push(c)
    return commits / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commits", type=int, nargs="+", default=[5_000, 20_000, 100_000])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--write-default", action="store_true")
    args = parser.parse_args()
    if args.write_default:
        data, _ = dataset(20_000, seed=7)
        model = train(data)
        model.trained["source"] = "benchmarks/risk_history.py generate(20000, seed=7)"
        model.save(DEFAULT_MODEL)
        print(f"wrote {DEFAULT_MODEL} ({model.kind})")
        return
    for n in args.commits:
        rate = extraction_rate(n)
        print(json.dumps({"commits": n, "features_per_second": round(rate)}))
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
