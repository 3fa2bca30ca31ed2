"""Runs a target under hypothesis with the suite's bounded, reproducible settings.

`make test` runs every target for `EXAMPLES` inputs, derandomized so that CI sees the same
inputs on every run (hypothesis' example database is off for the same reason), with no deadline:
time is bounded by the size of the inputs, not measured. benchmarks/fuzz.py runs the same
targets with thousands of random inputs each.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings

from benchmarks.fuzzing.strategies import inputs_for
from benchmarks.fuzzing.targets import TARGETS, Target

EXAMPLES = 100

SUITE = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    # Mutating a real 72 KB export (github_pulls.json) takes longer to generate than
    # hypothesis expects of a strategy; the inputs are what they are meant to be.
    suppress_health_check=[HealthCheck.too_slow],
)


def family(name: str) -> list[str]:
    """The targets a tests/fuzz file covers, for `pytest.mark.parametrize`."""
    return [target.name for target in TARGETS.values() if target.family == name]


def fuzz(target: Target, workdir: Path) -> None:
    """Run `target` on `EXAMPLES` generated inputs; any crash or violation fails the test."""

    @SUITE
    @given(inputs_for(target))
    def keeps_the_contract(data: bytes) -> None:
        target.run(data, workdir)

    keeps_the_contract()
