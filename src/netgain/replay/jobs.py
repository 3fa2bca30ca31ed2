"""How many worker processes a replay uses when `-j` is not given.

A cold replay is CPU-bound (the scan of each head, git's blame of the changed files), and each
change is independent: on two mostly idle cores two workers replayed 5,000 pypa/pip changes at
1.9x the CPU rate of one process (docs/BENCHMARKS.md "policy replay"). Starting a worker costs
seconds (importing netgain, unpickling the window and the risk history), so a replay with few
changes to gather, or none (every fact stored), stays in the calling process.
"""

from __future__ import annotations

AUTO_JOBS_FROM = 100  # changes to gather before workers are worth starting
AUTO_JOBS_MAX = 4  # workers at most, whatever the cores (each also runs git and its threads)


def auto_jobs(gathering: int, cpus: int | None) -> int:
    """Worker processes for `gathering` changes without stored facts on `cpus` cores: one per
    core (at most AUTO_JOBS_MAX) from AUTO_JOBS_FROM changes on, else 1 (in process)."""
    if gathering < AUTO_JOBS_FROM:
        return 1
    return max(1, min(AUTO_JOBS_MAX, cpus or 1))
