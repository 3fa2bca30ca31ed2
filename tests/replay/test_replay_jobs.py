"""`-j` unset: workers for a cold replay of many changes, none for a few or a warm one."""

from __future__ import annotations

import pytest

from netgain.replay.jobs import AUTO_JOBS_FROM, AUTO_JOBS_MAX, auto_jobs


@pytest.mark.parametrize(
    ("gathering", "cpus", "expected"),
    [
        (0, 8, 1),  # every fact stored: deciding is milliseconds, in process
        (AUTO_JOBS_FROM - 1, 8, 1),  # too few to pay for starting workers
        (AUTO_JOBS_FROM, 2, 2),  # one per core
        (5000, 1, 1),
        (5000, None, 1),  # cores unknown: in process
        (5000, 64, AUTO_JOBS_MAX),  # bounded: each worker also runs git and its threads
    ],
)
def test_auto_jobs(gathering: int, cpus: int | None, expected: int) -> None:
    assert auto_jobs(gathering, cpus) == expected
