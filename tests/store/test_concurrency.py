"""Two to eight netgain processes on one store at once: none fails, no row is duplicated or lost.

The mix (benchmarks/concurrency.py) cycles `risk train`, `check`, `szz` and `ingest`, all started
together on one store and one real history (a copy per case, so each case's decision log is its
own). The reference is the same four commands run one after another on a fresh SQLite store;
every table must then hold exactly the reference's rows, compared by content (commit shas
instead of ids). `risk train` here labels and stores features but fits no model: scikit-learn
costs seconds per process and the model is a file (tests/test_atomic.py covers two writers of
it). The larger run, models included, is `benchmarks/concurrency.py`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from benchmarks.concurrency import (
    KINDS,
    commands,
    differences,
    failures,
    fresh_copy,
    plan_for,
    run_one_by_one,
    run_together,
    store_content,
)
from benchmarks.make_history import make_history
from netgain.policy.record import DECISIONS_FILE, read_decisions
from tests.gitrepo import git_env
from tests.store.shared import once

RUNS = "finished_ingest_runs"  # one per ingesting command: depends on the mix, checked apart
TIMEOUT = 300  # seconds for the whole mix: a hang fails the test instead of stalling the suite


@dataclass(frozen=True, slots=True)
class Reference:
    history: Path
    content: dict[str, Counter[tuple[Any, ...]]]
    codes: dict[str, int]  # exit code of each kind of command run alone


def _build(folder: Path) -> Reference:
    make_history(folder / "repo", commits=200, files=30, notes=5, merge_every=30)
    repo = fresh_copy(folder / "repo", folder / "alone")
    url = f"sqlite:///{folder / 'alone.db'}"
    cmds = commands(len(KINDS), repo, url, plan_for(repo), model=False)
    outcomes = run_one_by_one(cmds, git_env())
    codes = {o.kind: o.returncode for o in outcomes}
    assert codes == {"risk": 0, "check": 1, "szz": 0, "ingest": 0}, outcomes  # check: pending
    content = store_content(url)
    assert all(content[t] for t in ("commits", "szz_links", "risk_features")), "a thin mix"
    return Reference(folder / "repo", content, codes)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    """The history and what the mix stores one by one, built once per test run."""
    built: Reference = once(tmp_path_factory, "concurrency", _build)
    return built


@pytest.mark.slow
@pytest.mark.parametrize(
    ("store", "processes"),
    [
        ("sqlite", 2),
        ("sqlite", 4),
        ("sqlite", 8),
        pytest.param("postgres", 2, marks=pytest.mark.postgres),
        pytest.param("postgres", 4, marks=pytest.mark.postgres),
    ],
)
def test_processes_started_together_store_what_one_by_one_stores(
    store: str,
    processes: int,
    reference: Reference,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    url = (
        f"sqlite:///{tmp_path / 'together.db'}"
        if store == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    repo = fresh_copy(reference.history, tmp_path / "repo")
    cmds = commands(processes, repo, url, plan_for(repo), model=False)
    outcomes = run_together(cmds, git_env(), timeout=TIMEOUT)

    assert failures(outcomes, reference.codes) == []
    content = store_content(url)
    expected = {t: rows for t, rows in reference.content.items() if t != RUNS}
    assert differences(expected, content) == {}  # no table has a duplicated or a lost row
    ingests = sum(1 for kind, _argv in cmds if kind != "szz")
    assert content[RUNS] == Counter({(1,): ingests})  # every ingest finished its run
    log = read_decisions(repo / DECISIONS_FILE)
    checks = sum(1 for kind, _argv in cmds if kind == "check")
    assert log is not None and log.problems == [] and log.lines == checks  # whole lines, all
