"""The risk section of the metrics document: calibration and risk by AI share, or why not.

`netgain report` must never show a made-up number, so this reads only what exists: the SZZ labels
already stored (by `netgain risk train` or `netgain szz`), the stored feature vectors and the
trained model's gap. It runs no SZZ itself (that can take minutes) and re-runs `evaluate`'s
time-ordered split, so the report shows the same test-fold figures as `netgain risk evaluate
--json`.

Why a cache: `evaluate` fits every candidate model (seconds on a large history), and `metrics` and
`report` are run again and again on an unchanged store. The result is kept in `risk_evaluations`
under a key made of the model file's bytes, the stored vectors' generation, the SZZ labels' state,
the gap and netgain's version; any change to one of them misses and recomputes.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, insert, select

from netgain.risk.data import load_labels
from netgain.risk.feature_store import generation, stored_dataset, update_features
from netgain.risk.features import FEATURES
from netgain.risk.service import MODEL_FILE
from netgain.risk.train import DEFAULT_GAP_DAYS, TooLittleHistoryError, evaluate
from netgain.store.retry import retrying
from netgain.store.risk_models import RiskEvaluation

NO_LABELS = (
    "no trained risk model and no SZZ labels in the store: run `netgain risk train` "
    "(it labels defect-inducing commits with SZZ) to fill this section"
)


def _model_gap(root: Path) -> tuple[bool, float, str | None]:
    """Whether a model file exists, the gap it was trained with, and a problem reading it."""
    path = root / MODEL_FILE
    if not path.is_file():
        return False, DEFAULT_GAP_DAYS, None
    try:
        trained = json.loads(path.read_text(encoding="utf-8")).get("trained", {})
        return True, float(trained.get("gap_days", DEFAULT_GAP_DAYS)), None
    except (OSError, ValueError, AttributeError, TypeError) as exc:
        return True, DEFAULT_GAP_DAYS, f"{path}: unreadable ({exc}); default gap used"


def evaluation_key(
    root: Path, engine: Engine, repository_id: int, labels_state: str, gap_days: float
) -> str:
    """What an evaluation depends on: model file, stored vectors, SZZ labels, gap, version."""
    from netgain import __version__

    path = root / MODEL_FILE
    try:
        model = hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        model = "no model"
    except OSError as exc:
        model = f"unreadable: {exc.strerror}"
    parts = [
        __version__,
        model,
        generation(engine, repository_id),
        labels_state,
        gap_days,
        list(FEATURES),
    ]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def cached_evaluation(engine: Engine, repository_id: int, key: str) -> dict[str, Any] | None:
    """The stored evaluation when its key matches, else None."""
    with engine.connect() as conn:
        row = conn.execute(
            select(RiskEvaluation.key, RiskEvaluation.result).where(
                RiskEvaluation.repository_id == repository_id
            )
        ).first()
    if row is None or row[0] != key or not isinstance(row[1], dict):
        return None
    return dict(row[1])


def store_evaluation(engine: Engine, repository_id: int, key: str, result: dict[str, Any]) -> None:
    """Keep `result` as the repository's cached evaluation (one per repository).

    Two reports at once may both store one: the loser of the race replaces the winner's row.
    """

    def replace() -> None:
        with engine.begin() as conn:
            conn.execute(
                delete(RiskEvaluation).where(RiskEvaluation.repository_id == repository_id)
            )
            conn.execute(
                insert(RiskEvaluation).values(
                    repository_id=repository_id,
                    key=key,
                    result=result,
                    created_at=datetime.now(UTC),
                )
            )

    retrying(replace, conflicts=True)


def risk_summary(root: Path, engine: Engine, repository_id: int) -> dict[str, Any]:
    """`{"status": "ok", ...evaluate's result}` or `{"status": <why the section is empty>}`.

    Served from the cache when nothing it depends on changed; `"cached": true` says so.
    """
    has_model, gap_days, problem = _model_gap(root)
    update_features(engine, repository_id, root)
    labels = load_labels(engine, repository_id, "netgain")
    if labels.analysed_fixes == 0 and not has_model:
        return {"status": NO_LABELS}
    key = evaluation_key(root, engine, repository_id, labels.state, gap_days)
    hit = cached_evaluation(engine, repository_id, key)
    if hit is not None:
        return hit | {"cached": True}
    out = _summary(root, engine, repository_id, labels.inducing, has_model, gap_days, problem)
    store_evaluation(engine, repository_id, key, out)
    return out | {"cached": False}


def _summary(
    root: Path,
    engine: Engine,
    repository_id: int,
    inducing: set[str],
    has_model: bool,
    gap_days: float,
    problem: str | None,
) -> dict[str, Any]:
    data = stored_dataset(engine, repository_id, inducing, root)
    try:
        result = evaluate(data, gap_days)
    except TooLittleHistoryError as exc:
        return {"status": f"too little labelled history for a risk evaluation: {exc}"}
    out: dict[str, Any] = {"status": "ok", "gap_days": gap_days, "trained_model": has_model}
    if problem:
        out["problem"] = problem
    return out | result
