"""Generated change histories with a KNOWN defect-risk function, for the risk model's tests,
benchmark and shipped default model.

Why not real git: the risk pipeline's inputs are the store's commit and file-change rows, so the
generator writes those records directly (`ChangeRecord`), which makes 100k-commit histories take a
second. Risk is a known function of the Kamei metrics the extractor computes: large changes, by
authors new to the code, spread over many files, in old large files, are more often defect-inducing;
AI-written lines add a little. `true_probability` is that function, so calibration can be checked.
"""

from __future__ import annotations

import math
import random

import numpy as np

from netgain.risk.features import FEATURES, ChangeRecord, FeatureExtractor, FileTouch
from netgain.risk.train import Dataset

_START = 1_600_000_000.0
_FIX_WORDS = ("Fix crash in", "Fix bug in", "Patch", "hotfix for")
_WORDS = ("Add", "Update", "Refactor", "Improve", "Rename", "Extend")


def true_probability(row: list[float]) -> float:
    """The generator's defect probability of a change with feature row `row` (FEATURES order)."""
    f = dict(zip(FEATURES, row, strict=True))
    z = (
        -3.2
        + 0.35 * math.log1p(f["la"])
        + 0.5 * math.log1p(f["nf"]) * (1.0 if f["exp"] < 30 else 0.3)
        - 0.35 * math.log1p(f["exp"])
        + 0.6 * (1.0 - f["familiarity"])
        + 0.25 * math.log1p(f["ndev"])
        + 0.8 * f["ai_share"] * (1.0 if f["tests"] == 0 else 0.0)
        + 0.4 * f["fix"]
        + 0.2 * math.log1p(f["lt"] / 500.0)
    )
    return 1.0 / (1.0 + math.exp(-z))


def generate(commits: int, seed: int = 0, *, days: float = 900.0) -> list[ChangeRecord]:
    """`commits` oldest-first changes over `days` days by a shifting population of authors."""
    rng = random.Random(seed)
    dirs = [f"{top}/{sub}" for top in ("api", "core", "ui", "db", "tests") for sub in "abcd"]
    files: list[str] = []
    step = days * 86_400.0 / max(1, commits)
    out: list[ChangeRecord] = []
    for i in range(commits):
        # newcomers keep arriving: author k joins around commit k * 40
        author = f"dev{min(int(rng.expovariate(1 / 6.0)), i // 40)}@example.com"
        if rng.random() < 0.5:
            author = f"dev{rng.randrange(0, 4)}@example.com"  # a few core maintainers
        n_files = 1 + min(int(rng.expovariate(1 / 2.0)), 30)
        touched: dict[str, FileTouch] = {}
        for _ in range(n_files):
            if files and rng.random() < 0.8:
                path = rng.choice(files[-200:] if rng.random() < 0.7 else files)
            else:
                d = rng.choice(dirs)
                path = f"{d}/{'test_' if d.startswith('tests') else ''}m{len(files)}.py"
                files.append(path)
            added = int(rng.lognormvariate(2.5, 1.3))
            touched[path] = FileTouch(path, added, int(added * rng.random() * 0.8))
        is_fix = rng.random() < 0.15
        ai = rng.random() < 0.3
        la = sum(t.added or 0 for t in touched.values())
        ai_lines = int(la * rng.uniform(0.3, 1.0)) if ai else 0
        out.append(
            ChangeRecord(
                sha=f"{seed:04x}{i:036x}",
                author=author,
                time=_START + i * step + rng.random() * step,
                message=f"{rng.choice(_FIX_WORDS if is_fix else _WORDS)} module {i % 97}",
                files=list(touched.values()),
                ai_lines=ai_lines,
                human_lines=la - ai_lines,
                tools=["claude-code"] if ai else [],
            )
        )
    out.sort(key=lambda c: c.time)
    return out


def dataset(commits: int, seed: int = 0) -> tuple[Dataset, np.ndarray]:
    """Features, sampled labels and the true probabilities of a generated history."""
    changes = generate(commits, seed)
    rng = np.random.default_rng(seed)
    extractor = FeatureExtractor()
    rows = [extractor.push(c) for c in changes]
    truth = np.asarray([true_probability(r) for r in rows])
    y = (rng.random(len(rows)) < truth).astype(np.int64)
    data = Dataset(
        np.asarray(rows, dtype=np.float64),
        y,
        np.asarray([c.time for c in changes]),
        [c.sha for c in changes],
    )
    return data, truth
