"""The risk section of the metrics document: calibration and risk by AI share, or why not.

`netgain report` must never show a made-up number, so this reads only what exists: the SZZ labels
already stored (by `netgain risk train` or `netgain szz`) and the trained model's gap. It runs no
SZZ itself (that can take minutes) and re-runs `evaluate`'s time-ordered split, so the report shows
the same test-fold figures as `netgain risk evaluate --json`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from netgain.risk.data import load_history
from netgain.risk.service import MODEL_FILE, history_dataset
from netgain.risk.train import DEFAULT_GAP_DAYS, TooLittleHistoryError, evaluate

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


def risk_summary(root: Path, engine: Engine, repository_id: int) -> dict[str, Any]:
    """`{"status": "ok", ...evaluate's result}` or `{"status": <why the section is empty>}`."""
    has_model, gap_days, problem = _model_gap(root)
    history = load_history(engine, repository_id, "netgain")
    if history.analysed_fixes == 0 and not has_model:
        return {"status": NO_LABELS}
    data = history_dataset(history)
    try:
        result = evaluate(data, gap_days)
    except TooLittleHistoryError as exc:
        return {"status": f"too little labelled history for a risk evaluation: {exc}"}
    out: dict[str, Any] = {"status": "ok", "gap_days": gap_days, "trained_model": has_model}
    if problem:
        out["problem"] = problem
    return out | result
