"""SARIF import, baselines and suppression comments under hostile input.

Inputs come from `tests.fuzz.strategies`; tests/fuzz/targets.py says what each target runs and
checks. The crashes these found are pinned in test_analysis_regressions.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz.harness import family, fuzz
from tests.fuzz.targets import TARGETS


@pytest.mark.parametrize("name", family("analysis"))
def test_keeps_the_contract(name: str, workdir: Path) -> None:
    fuzz(TARGETS[name], workdir)
