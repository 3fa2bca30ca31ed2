"""Time-ordered splits, calibration against a known risk function, and model files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from benchmarks.risk_history import dataset
from netgain.risk.features import FEATURES
from netgain.risk.model import FORMAT, RiskModelError, default_model, load_model, load_or_default
from netgain.risk.train import (
    Dataset,
    TooLittleHistoryError,
    evaluate,
    fit,
    gbm_params,
    popt,
    select,
    split,
    train,
)


@pytest.fixture(scope="module")
def synthetic() -> tuple[Dataset, np.ndarray]:
    return dataset(12_000, seed=3)


def test_gap_excludes_recent_commits_from_training_and_test(
    synthetic: tuple[Dataset, np.ndarray],
) -> None:
    data, _ = synthetic
    s = split(data, 90)
    cutoff = data.times.max() - 90 * 86_400
    assert s.excluded == int((data.times > cutoff).sum()) > 0
    assert data.times[s.test.stop - 1] <= cutoff < data.times[s.test.stop]
    assert s.train.stop == s.valid.start and s.valid.stop == s.test.start
    # labels inside the gap cannot change anything: flip them all and evaluate again
    flipped = Dataset(data.x, data.y.copy(), data.times, data.shas)
    flipped.y[s.test.stop :] = 1 - flipped.y[s.test.stop :]
    logistic = ("logistic",)
    assert evaluate(data, kinds=logistic) == evaluate(flipped, kinds=logistic)
    wider = evaluate(data, gap_days=300, kinds=logistic)
    assert wider["split"]["gap_days"] == 300
    assert wider["split"]["excluded_recent"] > s.excluded


def test_beats_lapredict_and_is_calibrated(synthetic: tuple[Dataset, np.ndarray]) -> None:
    data, truth = synthetic
    result = evaluate(data)
    assert result["model"]["auc"] >= result["baseline"]["auc"] + 0.05
    assert set(result["model"]) == {"name", "auc", "f1", "effort_at_20_recall", "popt"}
    assert result["split"]["positives"] == int(data.y[split(data, 90).test].sum())
    assert sum(b["commits"] for b in result["calibration"]) == result["split"]["test"]
    assert sum(b["commits"] for b in result["by_ai_share"]) == result["split"]["test"]
    # the generator makes AI lines without tests riskier: the buckets must show it
    buckets = {b["bucket"]: b for b in result["by_ai_share"]}
    assert buckets["half_or_more"]["predicted"] > buckets["none"]["predicted"]
    # calibration: on later, unseen commits the predicted probability tracks the true one
    fresh, fresh_truth = dataset(12_000, seed=11)
    model = train(data)
    p = model.predict(fresh.x)
    order = np.argsort(p)
    for chunk in np.array_split(order, 5):
        assert abs(p[chunk].mean() - fresh_truth[chunk].mean()) < 0.03
    assert abs(p.mean() - fresh_truth.mean()) < 0.02
    del truth


def test_too_little_history_says_why(synthetic: tuple[Dataset, np.ndarray]) -> None:
    data, _ = synthetic
    small = Dataset(data.x[:150], data.y[:150], data.times[:150], data.shas[:150])
    with pytest.raises(TooLittleHistoryError, match="150 commit"):
        train(small, gap_days=0)


def test_gbm_json_matches_scikit_learn(synthetic: tuple[Dataset, np.ndarray]) -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier  # type: ignore[import-untyped]

    data, _ = synthetic
    x = data.x[:4000].copy()
    x[::7, 3] = np.nan  # missing values follow the learned side
    clf = HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(x, data.y[:4000])
    model = fit("gbm", data.x[:10], np.asarray([0, 1] * 5), 0)
    model.params = gbm_params(clf)
    assert np.allclose(model.raw(x), clf.decision_function(x))


def test_popt_bounds() -> None:
    y = np.asarray([1, 0, 0, 1, 0])
    x = np.zeros((5, len(FEATURES)))
    x[:, FEATURES.index("la")] = [10, 50, 5, 1, 30]
    density = y / np.maximum(x[:, FEATURES.index("la")], 1)
    # scores are ranked per changed line (score / effort): y itself is the optimal ranking
    assert popt(y, y + 1e-9, x) == pytest.approx(1.0)
    # clean changes first, then the defective ones largest first: the worst ranking
    effort = np.maximum(x[:, FEATURES.index("la")], 1)
    assert popt(y, (1 - y) * 1e6 + y * effort**2, x) == pytest.approx(0.0)
    assert 0.0 < popt(y, np.ones(5), x) < 1.0
    del density


def test_round_trip_and_newer_format(tmp_path: Path, synthetic: tuple[Dataset, np.ndarray]) -> None:
    data, _ = synthetic
    model = train(data)
    path = tmp_path / "m.json"
    model.save(path)
    again = load_model(path)
    assert np.allclose(again.predict(data.x[:500]), model.predict(data.x[:500]))
    raw = json.loads(path.read_text())
    raw["format"] = FORMAT + 1
    raw["netgain"] = "9.0.0"
    path.write_text(json.dumps(raw))
    with pytest.raises(RiskModelError, match=r"netgain 9\.0\.0 in model format 2.*upgrade"):
        load_model(path)
    fallback, notice = load_or_default(path)
    assert fallback.default and notice is not None and "falling back" in notice


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": 1,\n "kind": ', r"m\.json:2: corrupt risk model \(invalid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"format": 1, "kind": "logistic"}', r"corrupt risk model \(KeyError"),
        (
            '{"format": 1, "kind": "logistic", "features": ["la", "magic"]}',
            "unknown feature",
        ),
    ],
)
def test_corrupt_files_are_named(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "m.json"
    path.write_text(text)
    with pytest.raises(RiskModelError, match=message):
        load_model(path)
    model, notice = load_or_default(path)
    assert model.default and notice is not None and str(path) in notice


def test_default_model_is_shipped_and_sane() -> None:
    model = default_model()
    small = np.zeros((1, len(FEATURES)))
    big = small.copy()
    big[0, FEATURES.index("la")] = 2000
    big[0, FEATURES.index("nf")] = 25
    assert model.predict(big)[0] > model.predict(small)[0]


def test_tiers_from_config() -> None:
    from netgain.errors import ConfigError
    from netgain.risk.service import tier, tiers

    t = tiers({"medium": 0.1, "high": 0.4})
    assert [tier(p, t) for p in (0.05, 0.1, 0.39, 0.4)] == ["low", "medium", "medium", "high"]
    assert tiers({}) == {"medium": 0.2, "high": 0.5}
    with pytest.raises(ConfigError, match=r"\[risk\] medium \(0.6\) exceeds high"):
        tiers({"medium": 0.6})
    with pytest.raises(ConfigError, match=r"x.toml: \[risk\] high must be a number"):
        tiers({"high": "very"}, "x.toml")


def test_selection_keeps_the_best_validation_candidate_lapredict_included(
    synthetic: tuple[Dataset, np.ndarray],
) -> None:
    data, _ = synthetic
    s = split(data, 90)
    args = (data.x[s.train], data.y[s.train], data.x[s.valid], data.y[s.valid])
    model, baseline, scores = select(*args)
    assert set(scores) == {"logistic", "gbm", "lapredict", "lapredict_code"}
    assert scores[model.kind] == max(scores.values())
    assert baseline.kind == "lapredict"
    # with LApredict the only candidate it is the model, and its score is the baseline's
    alone, _b, alone_scores = select(*args, kinds=("lapredict",))
    assert alone.kind == "lapredict" and alone.features == ["la"]
    assert alone_scores == {"lapredict": scores["lapredict"]}
    code, _b, _s = select(*args, kinds=("lapredict_code",))
    assert code.kind == "lapredict_code" and code.features == ["la_code"]
