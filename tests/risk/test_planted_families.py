"""The planted generator with feature families: the zone and API columns it feeds the model vary.

The ablation in `benchmarks/risk.py --planted --families --ablation` only means something when
ingest, reading the generated repository with the `netgain.toml` the generator writes, computes
zone and API-family values that differ between commits, and equal to what the planted risk
function was given (otherwise a model could not recover that function). It also relies on
`benchmarks.risk.without` really taking columns away from both model kinds.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from benchmarks.planted_history import API_POOL, Planted, _Gen, make_planted_history
from benchmarks.risk import FAMILY_COLUMNS, without
from netgain.cli.history import open_workspace, run_ingest
from netgain.risk.feature_store import stored_dataset
from netgain.risk.features import FEATURES
from netgain.risk.train import Dataset, fit


@pytest.fixture(scope="module")
def families(tmp_path_factory: pytest.TempPathFactory) -> tuple[Planted, Dataset]:
    repo = tmp_path_factory.mktemp("families") / "repo"
    truth = make_planted_history(repo, commits=500, seed=3, families=True)
    ws = open_workspace(repo, None)
    try:
        report = run_ingest(ws, ["HEAD"], quiet=True)
        data = stored_dataset(ws.engine, report.repository_id, set(truth.inducing), ws.root)
    finally:
        ws.engine.dispose()
    return truth, data


def _col(data: Dataset, name: str) -> np.ndarray:
    return data.x[:, FEATURES.index(name)]


def test_zone_and_api_features_vary(families: tuple[Planted, Dataset]) -> None:
    _truth, data = families
    assert len(data.shas) == 500
    assert set(_col(data, "zones_unknown").tolist()) == {0.0}, "netgain.toml zones not read"
    assert set(_col(data, "zones").tolist()) == {0.0, 1.0, 2.0}
    assert 0.1 < float(np.mean(_col(data, "zones") > 0)) < 0.4
    assert set(_col(data, "api_unknown").tolist()) == {0.0, 1.0}, "api_families not read"
    assert set(_col(data, "api_new").tolist()) >= {0.0, 1.0, 2.0}
    known = _col(data, "api_unknown") == 0
    familiarity = _col(data, "api_familiarity")[known]
    assert familiarity.min() == 0.0 and familiarity.max() == 1.0
    assert 0.05 < float(np.mean(_col(data, "api_new") > 0)) < 0.4
    assert int(data.y.sum()) >= 20, "too few planted defects to train on"


def test_stored_features_are_what_the_risk_function_used(
    families: tuple[Planted, Dataset],
) -> None:
    truth, data = families
    at = {sha: i for i, sha in enumerate(data.shas)}
    assert len(truth.families) > 300 and set(truth.families) <= set(at)
    for sha, (zones, api_new) in truth.families.items():
        row = data.x[at[sha]]
        got = (row[FEATURES.index("zones")], row[FEATURES.index("api_new")])
        assert got == (zones, api_new), sha


def test_without_removes_the_columns_from_both_model_kinds(
    families: tuple[Planted, Dataset],
) -> None:
    _truth, data = families
    masked = [FEATURES.index(n) for n in FAMILY_COLUMNS]
    full = fit("logistic", data.x, data.y)
    assert any(abs(full.params["coef"][i]) > 1e-3 for i in masked), "nothing to remove"
    reduced = fit("logistic", without(data, FAMILY_COLUMNS).x, data.y)
    assert all(reduced.params["coef"][i] == 0.0 for i in masked)
    trees = fit("gbm", without(data, FAMILY_COLUMNS).x, data.y).params["trees"]
    split_on = {
        f for t in trees for f, leaf in zip(t["feature"], t["leaf"], strict=True) if not leaf
    }
    assert split_on and not split_on & set(masked)


def test_without_families_no_configuration_is_written(tmp_path: Path) -> None:
    planted = make_planted_history(tmp_path / "repo", commits=60, seed=3)
    assert planted.families == {}
    assert not (tmp_path / "repo" / "netgain.toml").exists()


def test_an_author_who_knows_every_family_imports_familiar_ones() -> None:
    gen = _Gen(io.BytesIO(), seed=1, files=12, families=True)
    gen.known_apis["dev0"] = set(API_POOL)
    picks = [gen.imports("dev0") for _ in range(200)]
    assert any(picks) and all(set(p) <= set(API_POOL) for p in picks)
    fresh = [p for p in (gen.imports("newcomer") for _ in range(200)) if p]
    assert fresh and all(len(p) == len(set(p)) for p in fresh)
