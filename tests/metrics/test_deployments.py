"""DORA deployment frequency: hand-computed per-period counts, and tags / a file end to end."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from netgain.metrics import Change, Dataset, MetricsConfig, compute_metrics
from netgain.metrics.outcomes import deployment_frequency
from tests.history.conftest import netgain
from tests.metrics.test_cli import build_repo

CONFIG = MetricsConfig(min_sample=2, bootstrap_iterations=100)


def test_frequency_counts_empty_periods_as_zero() -> None:
    deploys = [
        datetime(2024, 1, 1, 10, tzinfo=UTC),  # Monday of 2024-W01
        datetime(2024, 1, 3, 10, tzinfo=UTC),  # same week
        datetime(2024, 1, 17, 10, tzinfo=UTC),  # 2024-W03; W02 had none
    ]
    freq = deployment_frequency(deploys, "week", CONFIG)
    assert freq["per_period"] == {"2024-W01": 2, "2024-W02": 0, "2024-W03": 1}
    assert (freq["total"], freq["periods"], freq["mean_per_period"]) == (3, 3, 1.0)
    share = freq["periods_with_deployment"]
    assert (share["numerator"], share["denominator"]) == (2, 3)
    assert freq["first"] == "2024-01-01T10:00:00+00:00"
    month = deployment_frequency(deploys, "month", CONFIG)
    assert month["per_period"] == {"2024-01": 3} and month["mean_per_period"] == 3.0


def test_document_says_no_deployment_data_without_a_source() -> None:
    one = [Change("a" * 40, "x@example.com", datetime(2024, 1, 1, tzinfo=UTC), 1, 0, 1, 0)]
    doc = compute_metrics(Dataset(changes=one), CONFIG)
    assert doc["dora"]["deployment_frequency"]["status"] == "no deployment data"
    assert doc["sections"]["deployments"]["status"] == "empty"
    assert doc["periods"][0]["deployments"] is None and doc["sources"]["deployments"] is None
    doc = compute_metrics(
        Dataset(changes=one, deployments=[datetime(2024, 1, 2, tzinfo=UTC)]), CONFIG
    )
    assert doc["periods"][0]["deployments"] == 1
    assert doc["dora"]["deployment_frequency"]["total"] == 1


def test_tags_and_a_deployments_file_end_to_end(tmp_path: Path) -> None:
    repo, shas = build_repo(tmp_path / "r")  # commits on Jan 2, Jan 3, Jan 10 and Mar 1 2024
    repo.tag("deploy-1", shas["ai"])  # dated by its commit: 2024-01-03 (W01)
    repo.tag("deploy-2", shas["fix"])  # 2024-01-10 (W02)
    repo.tag("v1.0", shas["fix"])  # does not match the glob
    (repo.path / "netgain.toml").write_text('[incidents]\ndeploy_tags = "deploy-*"\n')
    deploys = tmp_path / "deploys.csv"
    deploys.write_text(
        "sha,deployed_at,environment\n"
        f"{shas['ai']},2024-01-03T00:00:00Z,production\n"  # the same deployment as deploy-1
        f"{shas['later']},2024-03-01T12:00:00Z,production\n"
        "nope,2024-03-02T00:00:00Z,production\n"
    )
    db = f"sqlite:///{tmp_path / 'store.db'}"
    doc = json.loads(
        netgain(
            "metrics",
            "--db",
            db,
            "--json",
            "--no-rework",
            "--deployments",
            str(deploys),
            cwd=repo.path,
        ).stdout
    )
    freq = doc["dora"]["deployment_frequency"]
    assert freq["total"] == 3 and doc["sources"]["deployments"] == 3
    assert (freq["per_period"]["2024-W01"], freq["per_period"]["2024-W02"]) == (1, 1)
    assert freq["per_period"]["2024-W09"] == 1 and freq["periods"] == 9
    assert [n for n in doc["notes"] if "deployments" in n] == [
        f"deployments: {deploys}:4: 'nope' does not name a commit"
    ]
    by_period = {p["period"]: p["deployments"] for p in doc["periods"]}
    assert by_period["2024-W01"] == 1 and by_period["2024-W05"] == 0
    text = netgain(
        "metrics", "--db", db, "--no-rework", "--deployments", str(deploys), cwd=repo.path
    ).stdout
    assert "deployment frequency: 3 deployments, 0.33 per week over 9" in text
    assert "policy outcomes: no review-gate decisions recorded" in text
