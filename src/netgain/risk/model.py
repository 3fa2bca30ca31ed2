"""Risk models: LApredict (on all or on code lines), logistic regression and gradient boosting,
stored as plain JSON.

Why JSON and not pickle: a model file lives in the repository (`.netgain/risk-model.json`) and may
come from anyone who can push; unpickling it would run their code. Every model here is a handful of
arrays: a logistic regression is a scaler plus coefficients, a gradient-boosted model is its trees'
node tables, and calibration is two Platt-scaling numbers. `predict` evaluates them with numpy.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from netgain.atomic import write_atomic
from netgain.errors import NetgainError
from netgain.risk.features import FEATURES

FORMAT = 1  # bump when a reader of the previous format could not evaluate the file
MODEL_KINDS = ("lapredict", "lapredict_code", "logistic", "gbm")

Array = NDArray[np.float64]


class RiskModelError(NetgainError):
    """A model file that cannot be used (corrupt, or written by a newer netgain)."""


@dataclass(slots=True)
class RiskModel:
    """A fitted, calibrated model; `params` hold the arrays of its `kind` as JSON lists."""

    kind: str
    features: list[str]
    params: dict[str, Any]
    # {"platt": [a, b]}: p = 1 / (1 + exp(-(a * raw + b))); or isotonic {"x": [...], "y": [...]}
    calibration: dict[str, list[float]]
    threshold: float  # the probability cut that maximised F1 on the validation fold
    medians: list[float]  # per feature, the reference value for explanations
    trained: dict[str, Any] = field(default_factory=dict)  # provenance: commits, dates, metrics
    default: bool = False

    # -- evaluation ---------------------------------------------------------------------------
    def columns(self, x: Array) -> Array:
        """The model's feature columns out of a full FEATURES matrix."""
        idx = [FEATURES.index(f) for f in self.features]
        return x[:, idx]

    def raw(self, x: Array) -> Array:
        """Uncalibrated score (log-odds) of each row of a full FEATURES matrix."""
        cols = self.columns(x)
        if self.kind in ("lapredict", "lapredict_code", "logistic"):
            z = (np.log1p(np.maximum(cols, 0.0)) - np.asarray(self.params["mean"])) / np.asarray(
                self.params["scale"]
            )
            return np.asarray(z @ np.asarray(self.params["coef"]) + self.params["intercept"])
        if self.kind == "gbm":
            out = np.full(len(cols), float(self.params["baseline"]))
            for tree in self.params["trees"]:
                out += _tree_values(tree, cols)
            return out
        raise RiskModelError(f"unknown model kind {self.kind!r}")

    def predict(self, x: Array) -> Array:
        """Calibrated probability of each row being defect-inducing."""
        raw = self.raw(x)
        cal = self.calibration
        if cal.get("x"):
            return np.clip(np.interp(raw, cal["x"], cal["y"]), 0.0, 1.0)
        if "platt" in cal:
            a, b = cal["platt"]
            raw = a * raw + b
        return np.asarray(1.0 / (1.0 + np.exp(-raw)))

    def explain(self, row: Sequence[float], top: int = 5) -> list[dict[str, Any]]:
        """The features that moved this change's probability most, with the signed change.

        Each feature in turn is set to the training median; the difference in probability is
        that feature's push (positive: it made the change riskier).
        """
        x = np.asarray([row], dtype=np.float64)
        base = float(self.predict(x)[0])
        trials = np.repeat(x, len(self.features), axis=0)
        for i, name in enumerate(self.features):
            trials[i, FEATURES.index(name)] = self.medians[i]
        moved = base - self.predict(trials)
        order = sorted(range(len(self.features)), key=lambda i: -abs(moved[i]))
        return [
            {
                "feature": self.features[i],
                "value": float(x[0, FEATURES.index(self.features[i])]),
                "typical": float(self.medians[i]),
                "push": round(float(moved[i]), 4),
            }
            for i in order[:top]
            if abs(moved[i]) > 1e-6
        ]

    # -- files --------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        from netgain import __version__

        return {
            "format": FORMAT,
            "netgain": __version__,
            "kind": self.kind,
            "features": self.features,
            "params": self.params,
            "calibration": self.calibration,
            "threshold": self.threshold,
            "medians": self.medians,
            "trained": self.trained,
        }

    def save(self, path: Path) -> None:
        write_atomic(path, (json.dumps(self.to_dict(), indent=1) + "\n").encode("utf-8"))


def _tree_values(tree: dict[str, list[Any]], x: Array) -> Array:
    """Leaf values of one histogram-GBM tree for every row (NaN follows `missing_left`)."""
    feature = np.asarray(tree["feature"], dtype=np.int64)
    threshold = np.asarray(tree["threshold"], dtype=np.float64)
    left = np.asarray(tree["left"], dtype=np.int64)
    right = np.asarray(tree["right"], dtype=np.int64)
    leaf = np.asarray(tree["leaf"], dtype=bool)
    missing_left = np.asarray(tree["missing_left"], dtype=bool)
    value = np.asarray(tree["value"], dtype=np.float64)
    node = np.zeros(len(x), dtype=np.int64)
    rows = np.arange(len(x))
    for _ in range(len(feature)):
        active = ~leaf[node]
        if not active.any():
            break
        n = node[active]
        v = x[rows[active], feature[n]]
        go_left = np.where(np.isnan(v), missing_left[n], v <= threshold[n])
        node[active] = np.where(go_left, left[n], right[n])
    return value[node]


def from_dict(data: Any, source: str) -> RiskModel:
    """A model from its JSON form; RiskModelError names `source` and what is wrong."""
    from netgain import __version__

    if not isinstance(data, dict):
        raise RiskModelError(f"{source}: not a netgain risk model (expected a JSON object)")
    fmt = data.get("format")
    if not isinstance(fmt, int):
        raise RiskModelError(f"{source}: not a netgain risk model (no integer 'format')")
    if fmt > FORMAT:
        raise RiskModelError(
            f"{source}: written by netgain {data.get('netgain', '?')} in model format {fmt}; "
            f"this netgain ({__version__}) reads format {FORMAT} or older: upgrade netgain "
            "or run `netgain risk train` again"
        )
    try:
        features = [str(f) for f in data["features"]]
        unknown = [f for f in features if f not in FEATURES]
        if unknown:
            raise RiskModelError(f"{source}: unknown feature(s) {', '.join(unknown)}")
        kind = str(data["kind"])
        if kind not in MODEL_KINDS:
            raise RiskModelError(f"{source}: unknown model kind {kind!r}")
        model = RiskModel(
            kind=kind,
            features=features,
            params=dict(data["params"]),
            calibration={k: [float(v) for v in vs] for k, vs in data["calibration"].items()},
            threshold=float(data["threshold"]),
            medians=[float(m) for m in data["medians"]],
            trained=dict(data.get("trained", {})),
        )
        if len(model.medians) != len(features):
            raise RiskModelError(
                f"{source}: {len(model.medians)} medians for {len(features)} features"
            )
        probe = np.zeros((1, len(FEATURES)))
        if not math.isfinite(float(model.predict(probe)[0])):
            raise RiskModelError(f"{source}: the model does not give a finite probability")
    except RiskModelError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        raise RiskModelError(f"{source}: corrupt risk model ({type(exc).__name__}: {exc})") from exc
    return model


def load_model(path: Path) -> RiskModel:
    """Read a model file; a clear RiskModelError when it is corrupt or from a newer netgain."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RiskModelError(f"{path}: cannot read the risk model ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise RiskModelError(f"{path}: corrupt risk model (not UTF-8 text)") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RiskModelError(
            f"{path}:{exc.lineno}: corrupt risk model (invalid JSON: {exc.msg})"
        ) from exc
    return from_dict(data, str(path))


def default_model() -> RiskModel:
    """The pooled model shipped with netgain (trained on generated histories, see docs/risk.md)."""
    text = resources.files("netgain.risk").joinpath("default_model.json").read_text("utf-8")
    model = from_dict(json.loads(text), "netgain/risk/default_model.json")
    model.default = True
    return model


def load_or_default(path: Path) -> tuple[RiskModel, str | None]:
    """The repository's model, or the default one with a notice saying why."""
    if not path.exists():
        return default_model(), (
            f"no trained model at {path}: using netgain's pooled default model "
            "(run `netgain risk train`)"
        )
    try:
        return load_model(path), None
    except RiskModelError as exc:
        return default_model(), f"{exc}; falling back to netgain's pooled default model"
