"""Every SZZ variant on every pitfall scenario, against hand-worked expectations."""

from __future__ import annotations

import pytest

from netgain.szz import VARIANTS, find_inducing
from tests.szz.scenarios import SCENARIOS, Scenario


@pytest.fixture(scope="module", params=sorted(SCENARIOS))
def scenario(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    name: str = request.param
    return SCENARIOS[name](tmp_path_factory.mktemp(name))


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_variant_finds_expected_inducing_commits(scenario: Scenario, variant: str) -> None:
    dates = {scenario.fix: scenario.date} if scenario.date else None
    [result] = find_inducing(
        scenario.repo.path,
        [scenario.fix],
        variant,
        dates=dates,
        large_files=scenario.large_files,
        jobs=2,
    )
    assert result.problems == []
    assert scenario.names(result.inducing) == scenario.expected[variant]


def test_default_variant_finds_the_true_introducer(scenario: Scenario) -> None:
    dates = {scenario.fix: scenario.date} if scenario.date else None
    [result] = find_inducing(
        scenario.repo.path, [scenario.fix], dates=dates, large_files=scenario.large_files
    )
    assert scenario.names(result.inducing) == scenario.truth
