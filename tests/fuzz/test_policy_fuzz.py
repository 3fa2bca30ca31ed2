"""The policy file, CEL conditions, CODEOWNERS, coverage reports and GitHub payloads under hostile input.

Inputs come from `benchmarks.fuzzing.strategies`; benchmarks/fuzzing/targets.py says what each target runs and
checks. The crashes these found are pinned in test_policy_regressions.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.fuzzing.targets import TARGETS
from tests.fuzz.harness import family, fuzz


@pytest.mark.parametrize("name", family("policy"))
def test_keeps_the_contract(name: str, workdir: Path) -> None:
    fuzz(TARGETS[name], workdir)
