"""Every SZZ variant on every pitfall scenario, against hand-worked expectations."""

from __future__ import annotations

from pathlib import Path

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


def test_netgain_default_is_right_on_every_scenario(tmp_path: Path) -> None:
    for name, build in SCENARIOS.items():
        s = build(tmp_path / name)
        dates = {s.fix: s.date} if s.date else None
        [result] = find_inducing(s.repo.path, [s.fix], dates=dates, large_files=s.large_files)
        assert s.names(result.inducing) == s.truth, name
