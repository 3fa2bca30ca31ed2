"""What the commands need: labelled datasets from the store, scoring a change, tiers.

SZZ is run only on fix commits no earlier run analysed, so `risk train` after `risk train` is
cheap, and the labels it uses are the ones `netgain szz` stores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from netgain.config import RawConfig
from netgain.errors import ConfigError
from netgain.risk.data import fix_shas, load_labels, load_messages, pending_fixes
from netgain.risk.feature_store import stored_dataset
from netgain.risk.features import FEATURES, ChangeRecord, FeatureExtractor, FileTouch, as_dict
from netgain.risk.model import RiskModel, load_or_default
from netgain.risk.train import Dataset

MODEL_FILE = Path(".netgain") / "risk-model.json"
DEFAULT_TIERS = {"medium": 0.2, "high": 0.5}


@dataclass(slots=True)
class Labelled:
    """A dataset plus how its labels were obtained."""

    data: Dataset
    fixes: int
    fixes_analysed_now: int
    problems: list[dict[str, Any]] = field(default_factory=list)


def label_history(
    root: Path, engine: Engine, repository_id: int, variant: str = "netgain"
) -> Labelled:
    """Run SZZ on unanalysed fix commits, then read the stored feature vectors and labels."""
    from netgain.store.retry import retrying
    from netgain.szz import find_inducing
    from netgain.szz.persist import store_results

    fixes = fix_shas(load_messages(engine, repository_id), engine, repository_id)
    todo = pending_fixes(engine, repository_id, fixes, variant)
    problems: list[dict[str, Any]] = []
    if todo:
        results = find_inducing(root, todo, variant)
        for r in results:
            problems.extend(
                {"fix": r.fix, "kind": p.kind, "message": p.message} for p in r.problems
            )

        def store() -> None:
            with Session(engine) as session, session.begin():
                store_results(session, repository_id, results)

        # a concurrent `szz` or `risk train` may store the same fixes: the loser replaces them
        retrying(store, conflicts=True)
    labels = load_labels(engine, repository_id, variant)
    data = stored_dataset(engine, repository_id, labels.inducing, root)
    return Labelled(data, len(fixes), len(todo), problems)


def history_dataset(changes: list[ChangeRecord], inducing: set[str]) -> Dataset:
    """Features computed in memory (one pass) with labels: for benchmarks and tests."""
    extractor = FeatureExtractor()
    rows = [extractor.push(c) for c in changes]
    return Dataset(
        np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURES)),
        np.asarray([1 if c.sha in inducing else 0 for c in changes], np.int64),
        np.asarray([c.time for c in changes], dtype=np.float64),
        [c.sha for c in changes],
    )


def change_row(
    changes: list[ChangeRecord],
    shas: set[str],
    zones: dict[str, list[str]] | None = None,
    findings: int | None = None,
    coverage: float | None = None,
) -> tuple[list[float], ChangeRecord]:
    """Features of the commits `shas` taken together, against the history before the first.

    The commits of the change are folded into one record (files summed, API families joined,
    the newest commit's author and message), so a multi-commit pull request is scored as the
    change it is. `findings` and `coverage` are the change's own, when the caller knows them.
    """
    inside = [c for c in changes if c.sha in shas]
    if not inside:
        raise ValueError("none of the change's commits are in the store")
    first = min(c.time for c in inside)
    extractor = FeatureExtractor(zones)
    for c in changes:
        if c.time < first and c.sha not in shas:
            extractor.record(c)
    record = fold_change(inside, findings, coverage)
    return extractor.features(record), record


def fold_change(
    inside: list[ChangeRecord], findings: int | None = None, coverage: float | None = None
) -> ChangeRecord:
    """The commits of one change folded into one record (files summed, API families joined,
    the newest commit's author and message), so a pull request is scored as the change it is."""
    merged: dict[str, FileTouch] = {}
    for c in inside:
        for f in c.files:
            prev = merged.get(f.path) or (merged.pop(f.old_path, None) if f.old_path else None)
            if prev is None:
                merged[f.path] = FileTouch(f.path, f.added, f.deleted, f.old_path)
            else:
                merged[f.path] = FileTouch(
                    f.path,
                    (prev.added or 0) + (f.added or 0),
                    (prev.deleted or 0) + (f.deleted or 0),
                    prev.old_path,
                )
    last = inside[-1]
    record = ChangeRecord(
        last.sha,
        last.author,
        last.time,
        "\n".join(c.message for c in inside),
        list(merged.values()),
        sum(c.ai_lines for c in inside),
        sum(c.human_lines for c in inside),
        sum(c.unknown_lines for c in inside),
        sorted({t for c in inside for t in c.tools}),
    )
    known = [c.apis for c in inside if c.apis is not None]
    record.apis = tuple(sorted({a for apis in known for a in apis})) if known else None
    record.findings, record.coverage = findings, coverage
    return record


def tiers(section: dict[str, Any], source: str = "netgain.toml") -> dict[str, float]:
    """`[risk] medium` and `high` probability thresholds, validated."""
    out = dict(DEFAULT_TIERS)
    for key in ("medium", "high"):
        if key in section:
            value = section[key]
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise ConfigError(f"{source}: [risk] {key} must be a number in [0, 1]")
            out[key] = float(value)
    if out["medium"] > out["high"]:
        raise ConfigError(f"{source}: [risk] medium ({out['medium']}) exceeds high ({out['high']})")
    return out


def tier(probability: float, thresholds: dict[str, float]) -> str:
    """low / medium / high for a probability."""
    if probability >= thresholds["high"]:
        return "high"
    if probability >= thresholds["medium"]:
        return "medium"
    return "low"


def score(model: RiskModel, row: list[float], thresholds: dict[str, float]) -> dict[str, Any]:
    """Probability, tier and the features that pushed it, for one feature row."""
    p = float(model.predict(np.asarray([row], dtype=np.float64))[0])
    return {
        "risk": round(p, 4),
        "tier": tier(p, thresholds),
        "model": model.kind + (" (default)" if model.default else ""),
        "features": {k: round(v, 4) for k, v in as_dict(row).items()},
        "reasons": model.explain(row),
    }


def repository_model(root: Path) -> tuple[RiskModel, str | None]:
    """The repository's trained model, or the pooled default with a notice."""
    return load_or_default(root / MODEL_FILE)


def gate_model(root: Path, base: str) -> tuple[RiskModel, str | None]:
    """The model the review gate may trust: never one the change being judged brought along.

    A model committed at `base` is read from there. A model file that git tracks in the working
    tree but that is not at base was added by the change itself (a model that scores everything
    low would lift risk-based tiers): the pooled default is used instead. An untracked file (a
    `netgain risk train` of this checkout or a CI cache) is the repository's own and is used.
    """
    import json

    from netgain import git
    from netgain.risk.model import RiskModelError, default_model, from_dict

    rel = MODEL_FILE.as_posix()
    try:
        blob = git.read_blob(root, base, rel)
    except git.GitProblemError as exc:
        return default_model(), f"{rel} unreadable at base: {exc}; using the pooled default"
    if blob is not None:
        label = f"{base[:12]}:{rel}"
        try:
            return from_dict(json.loads(blob.decode("utf-8")), label), None
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            return default_model(), f"{label}: corrupt risk model ({exc}); using the pooled default"
        except RiskModelError as exc:
            return default_model(), f"{exc}; using the pooled default"
    if git.run_git(root, "ls-files", "--", rel).strip():
        return default_model(), (
            f"{rel} is committed by the change being judged (not at base): "
            "using netgain's pooled default model"
        )
    return repository_model(root)


def change_risk(
    root: Path,
    engine: Engine,
    repository_id: int,
    base: str,
    head: str,
    findings: int | None = None,
    coverage: float | None = None,
    config: RawConfig | None = None,
    model: tuple[RiskModel, str | None] | None = None,
) -> tuple[dict[str, Any] | None, list[str]]:
    """The risk of `base..head` for `netgain check`, and notices (default model, no commits).

    `findings` (security findings on the added lines) and `coverage` (diff coverage) are passed
    when `check` scanned the change or was given a coverage report. Returns None with a notice
    when the change has no non-merge commit in the store.
    """
    from netgain import git
    from netgain.config import load_config
    from netgain.risk.feature_store import scoring_changes

    config = config or load_config(root)
    thresholds = tiers(config.section("risk"), str(config.source or "netgain.toml"))
    model_used, notice = model or repository_model(root)
    notices = [notice] if notice else []
    shas = set(git.rev_list(root, [f"{base}..{head}"]))
    try:
        changes, zones = scoring_changes(engine, repository_id, root, config)
        row, _record = change_row(changes, shas, zones, findings, coverage)
    except ValueError as exc:
        return None, [*notices, f"risk not computed: {exc}"]
    return score(model_used, row, thresholds), notices
