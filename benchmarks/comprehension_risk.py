"""The report's comprehension-risk section on a real repository, against a plain blame of its files.

    .venv/bin/python benchmarks/comprehension_risk.py REPO [--runs 3]

REPO is any git repository (e.g. a clone of modelcontextprotocol/python-sdk, fetched by hand:
benchmarks may use fetched repositories, `make test` never does). `netgain ingest` fills a
temporary store first (not timed); then, side by side in this process tree, best of `--runs`:

  * netgain: `comprehension_section` (zone files at HEAD under the repository's policy, blame
    to rank them by AI lines, the full history reading of the top 20);
  * the floor: `git blame --line-porcelain HEAD` of the same zone files one after the other,
    what a script finding the authors of that code pays before it knows who left.

CPU time of this process and its children, and wall time, are both printed: on a shared machine
the wall time is the CPU time plus the wait.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from netgain import git
from netgain.history.queries import CommitProvenance, load_provenance
from netgain.metrics.comprehension_risk import comprehension_section, zone_files_at
from netgain.policy.trusted import load_trusted
from netgain.store.engine import open_store
from netgain.store.models import Repository

NETGAIN = str(Path(sys.executable).with_name("netgain"))


def cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def best(runs: int, work: Callable[[], object]) -> tuple[float, float]:
    """(best wall seconds, best CPU seconds) of `work` over `runs` runs."""
    walls, cpus = [], []
    for _ in range(runs):
        c0, w0 = cpu(), time.perf_counter()
        work()
        walls.append(time.perf_counter() - w0)
        cpus.append(cpu() - c0)
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    repo = args.repo.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{tmp}/store.db"
        subprocess.run([NETGAIN, "ingest", "--db", db], cwd=repo, check=True, capture_output=True)
        engine = open_store(db)
        with Session(engine) as session:
            repository_id = session.query(Repository.id).scalar()

        def stored(shas: list[str]) -> dict[str, CommitProvenance]:
            return load_provenance(engine, repository_id, shas)

        head = git.rev_parse(repo, "HEAD")
        assert head is not None
        section = comprehension_section(repo, head, stored)
        files = sorted(zone_files_at(repo, head, load_trusted(repo, head).policy))

        def blame_all() -> None:
            for path in files:
                subprocess.run(
                    ["git", "blame", "--line-porcelain", "HEAD", "--", path],
                    cwd=repo,
                    check=True,
                    capture_output=True,
                )

        ours = best(args.runs, lambda: comprehension_section(repo, head, stored))
        floor = best(args.runs, blame_all)
        engine.dispose()
    print(f"repository: {repo.name}, HEAD {head[:12]}, policy {section.get('policy')}")
    print(
        f"zone files: {section.get('zone_files')}, with AI lines: {section.get('with_ai_lines')}, "
        f"shown: {len(section['files'])}, at risk: {section.get('at_risk', 0)} "
        f"(status: {section['status']})"
    )
    print(f"netgain comprehension section: {ours[0]:.2f} s wall, {ours[1]:.2f} s CPU (best)")
    print(f"git blame of the zone files:   {floor[0]:.2f} s wall, {floor[1]:.2f} s CPU (best)")
    print(f"ratio (CPU): {ours[1] / floor[1]:.2f}x, (wall): {ours[0] / floor[0]:.2f}x")


if __name__ == "__main__":
    main()
