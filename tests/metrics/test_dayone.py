"""A report worth opening on day one: with nothing imported, `netgain metrics` fills every section
git can answer and names, for the others, what would fill them.

The repositories are built in the shapes found on real histories (urllib3, werkzeug, httpx,
axios): GitHub merge commits and squash subjects, release tags next to pre-releases and branch
markers, conventional commits on some projects and none on others.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from netgain.metrics import MetricsConfig
from netgain.metrics.collect import load_changes, load_inducing
from netgain.store.engine import open_store
from netgain.store.metrics_models import ReworkFate
from netgain.store.models import Repository
from netgain.store.outcome_models import PullRequest, SzzRun
from tests.gitrepo import BASE_EPOCH, GitRepo
from tests.history.conftest import netgain

DAY = 86_400
CONFIG = "[metrics]\nmin_sample = 1\nbootstrap_iterations = 50\n"


def lines(prefix: str, n: int, start: int = 0) -> str:
    return "".join(f"{prefix}_{i} = {i}\n" for i in range(start, start + n))


def build_library(path: Path) -> tuple[GitRepo, dict[str, str]]:
    """A small library: a PR merged with a merge commit, squash-merged PRs with conventional
    subjects, release tags (a lightweight one, an annotated one, a pre-release and a branch
    marker), a fix that rewrites a feature within a week, and a refactor 45 days later."""
    repo = GitRepo(path)
    s: dict[str, str] = {}
    core = lines("core", 20)
    s["initial"] = repo.commit({"core.py": core}, "Initial", date=BASE_EPOCH)
    repo.branch("fix-parse")
    handled = core.replace("core_0 = 0\ncore_1 = 1\n", "core_0 = None\ncore_1 = -1\n")
    s["handle"] = repo.commit({"core.py": handled}, "Handle empty input", date=BASE_EPOCH + 2 * DAY)
    repo.checkout("main")
    s["merge"] = repo.merge(
        "fix-parse",
        "Merge pull request #1 from dev/fix-parse\n\nHandle empty input",
        date=BASE_EPOCH + 3 * DAY,
    )
    retry = lines("retry", 10)
    s["feat"] = repo.commit(
        {"retry.py": retry}, "feat: add retries (#2)", date=BASE_EPOCH + 5 * DAY
    )
    repo.tag("v1.0.0")  # lightweight: dated by the commit, day 5
    fixed = retry.replace("retry_0 = 0\nretry_1 = 1\nretry_2 = 2\n", "retry_0 = 1\nretry_1 = 2\n")
    fixed += "retry_x = 3\n"
    s["fix"] = repo.commit(
        {"retry.py": fixed}, "fix: retry off by one (#3)", date=BASE_EPOCH + 12 * DAY
    )
    repo.tag("1.1.0rc1")
    repo.tag("1.1.x")
    s["docs"] = repo.commit(
        {"README.md": "# lib\n\nUse it.\n"}, "docs: readme (#4)", date=BASE_EPOCH + 40 * DAY
    )
    repo.git_bytes(
        "tag",
        "-a",
        "v1.1.0",
        "-m",
        "1.1.0",
        env={
            "GIT_COMMITTER_NAME": "Rel",
            "GIT_COMMITTER_EMAIL": "rel@example.com",
            "GIT_COMMITTER_DATE": f"{BASE_EPOCH + 41 * DAY} +0000",
        },
    )
    refactored = handled.replace(lines("core", 5, 10), lines("core_new", 5, 10))
    s["refactor"] = repo.commit(
        {"core.py": refactored}, "refactor: core names (#5)", date=BASE_EPOCH + 45 * DAY
    )
    s["chore"] = repo.commit({"ci.yml": "on: push\n"}, "chore: ci", date=BASE_EPOCH + 70 * DAY)
    (repo.path / "netgain.toml").write_text(CONFIG)
    return repo, s


def metrics(repo: GitRepo, db: str, *args: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(
        netgain("metrics", "--db", db, "--json", *args, cwd=repo.path).stdout
    )
    return doc


def test_a_library_with_nothing_imported_fills_what_git_can_answer(tmp_path: Path) -> None:
    repo, _ = build_library(tmp_path / "lib")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    doc = metrics(repo, db)
    sections = doc["sections"]
    status = {k: v["status"] for k, v in sections.items()}
    assert status == {
        "throughput": "filled",
        "ai_share": "empty",
        "pull_requests": "filled",
        "features": "filled",
        "deployments": "filled",
        "lead_time": "filled",
        "incidents": "empty",
        "defect_density": "filled",
        "vulnerability_density": "empty",
        "reported_findings": "empty",
        "rework": "filled",
        "review": "empty",
        "risk": status["risk"],  # depends on how much labelled history the model needs
        "policy": "empty",
        "comprehension": "empty",  # no file in a design-doc zone
        "ai_review": "empty",
    }
    # Where each figure came from.
    assert sections["throughput"]["source"] == "git: 7 non-merge commits (1 merge not counted)"
    assert sections["pull_requests"]["source"] == ("git: 1 merge commit, 4 squash subjects `(#N)`")
    assert doc["sources"]["pull_requests"] == 5
    assert sections["features"]["source"] == (
        "git: conventional commits (5 commits typed, 1 feature; 4 PRs typed, 1 feature)"
    )
    assert sections["deployments"]["source"] == ("git: 2 release tags, 1 pre-release tag left out")
    assert sections["defect_density"]["source"] == (
        "git: SZZ on 1 of 1 fix commit (1 bug-introducing change)"
    )
    assert doc["quality"]["defect_density"]["source"] == sections["defect_density"]["source"]
    # Each empty section names what would fill it.
    assert "netgain incidents import FILE" in sections["incidents"]["fill"]
    assert "--reviews FILE" in sections["review"]["fill"]
    assert "--scan PATH" in sections["vulnerability_density"]["fill"]
    assert "netgain check" in sections["policy"]["fill"]
    assert "Co-Authored-By" in sections["ai_share"]["fill"]
    # Deployments: v1.0.0 (lightweight, day 5) and v1.1.0 (annotated, tagged on day 41).
    freq = doc["dora"]["deployment_frequency"]
    assert (freq["total"], freq["first"][:10], freq["last"][:10]) == (2, "2024-01-06", "2024-02-11")
    # Lead time: commit to the first release containing it, in hours. initial 120, handle 72,
    # feat 0, fix 29 days, docs 1 day; refactor and chore not released.
    lead = doc["dora"]["lead_time_hours"]
    assert lead["from"] == "commit to the first deployment containing it"
    assert (lead["n"], lead["not_deployed"], lead["value"]) == (5, 2, 72.0)
    # Rework: 2 of initial's 20 lines rewritten by handle (2 days); 3 of feat's 10 by fix (7
    # days); the refactor's rewrite of initial came 45 days later. chore's window is open.
    rework = doc["rework"]
    assert rework["all"]["n"] == 6
    assert (rework["unknown"]["numerator"], rework["unknown"]["denominator"]) == (5.0, 43.0)
    assert rework["source"].startswith("git: history replay, 6 changes whose 21-day window")
    # Defect density: SZZ from the fix blames the feature.
    assert doc["sources"]["szz_inducing_changes"] == 1
    assert doc["quality"]["defect_density"]["unknown"]["numerator"] == 1.0
    # Throughput: one feature item (PR #2), five PRs over the periods.
    assert doc["net_productivity"]["total"]["features"] == 1
    assert doc["risky_files"][0]["path"] == "retry.py"  # the change SZZ blamed
    assert sum(p["merged_prs"] for p in doc["periods"]) == 5


def test_a_warm_run_reuses_what_the_first_one_derived(tmp_path: Path) -> None:
    repo, s = build_library(tmp_path / "lib")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    first = metrics(repo, db)
    assert first["sections"]["defect_density"]["status"] == "filled"
    engine = open_store(db)
    with engine.connect() as conn:
        fates = conn.execute(select(ReworkFate.sha, ReworkFate.computed_at)).all()
        prs = conn.execute(select(PullRequest.id, PullRequest.number)).all()
    again = metrics(repo, db)
    with engine.connect() as conn:
        assert conn.execute(select(ReworkFate.sha, ReworkFate.computed_at)).all() == fates
        assert conn.execute(select(PullRequest.id, PullRequest.number)).all() == prs
    assert again["sections"] == first["sections"]
    assert again["rework"]["all"] == first["rework"]["all"]
    # A new commit: the PRs are derived again, chore's window closes and only it is replayed.
    late = repo.commit(
        {"core.py": lines("core", 20).replace("core_19 = 19\n", "core_19 = 0\n")},
        "fix: last core value (#6)",
        date=BASE_EPOCH + 100 * DAY,
    )
    third = metrics(repo, db)
    assert third["sources"]["pull_requests"] == 6
    assert third["rework"]["all"]["n"] == 7
    with engine.connect() as conn:
        rows = conn.execute(select(ReworkFate.sha, ReworkFate.computed_at)).all()
    kept = {sha: at for sha, at in rows}  # noqa: C416 - Row pairs
    assert {sha: kept[sha] for sha, _ in fates} == dict(fates)
    assert s["chore"] in kept and late not in kept
    szz = third["sections"]["defect_density"]["source"]
    assert szz.startswith("git: SZZ on 2 of 2 fix commits")
    # The same store read from scratch gives the same rework: kept fates are not stale.
    fresh = metrics(repo, f"sqlite:///{tmp_path / 'fresh.db'}")
    assert fresh["rework"]["all"] == third["rework"]["all"]
    engine.dispose()


def test_without_any_feature_signal_features_are_unknown_not_zero(tmp_path: Path) -> None:
    """urllib3's shape: a few typed commits, none a feature. 'net productivity: 0 features -
    85 h = -5.3' was printed; no feature data means no net figure."""
    repo = GitRepo(tmp_path / "r")
    repo.commit({"a.py": lines("a", 5)}, "Add a", date=BASE_EPOCH)
    repo.commit({"a.py": lines("a", 6)}, "docs: explain a", date=BASE_EPOCH + DAY)
    repo.commit({"b.py": lines("b", 5)}, "Add b (#3)", date=BASE_EPOCH + 30 * DAY)
    (repo.path / "netgain.toml").write_text(CONFIG)
    db = f"sqlite:///{tmp_path / 'store.db'}"
    doc = metrics(repo, db)
    assert doc["sections"]["features"]["status"] == "empty"
    assert doc["sections"]["features"]["source"] == (
        "git: conventional commits (1 commit typed, 0 feature)"
    )
    assert "netgain prs import" in doc["sections"]["features"]["fill"]
    total = doc["net_productivity"]["total"]
    assert (total["features"], total["net_features"]) == (None, None)
    assert total["missing"][0] == "features"
    assert all(p["features"] is None for p in doc["periods"])
    # No release tag: deployments are empty and say what would fill them.
    assert doc["sections"]["deployments"]["status"] == "empty"
    assert "--deployments" in doc["sections"]["deployments"]["fill"]
    text = netgain("metrics", "--db", db, cwd=repo.path).stdout
    assert "net productivity: unknown (no feature data" in text
    assert "where each figure comes from" in text and "to fill this:" in text
    html = tmp_path / "report.html"
    netgain("report", "--db", db, "--output", str(html), cwd=repo.path)
    page = html.read_text()
    assert 'data-section="features" data-status="empty"' in page
    assert "<code>netgain incidents import FILE</code>" in page
    assert "no feature data" in page


def test_szz_runs_within_its_budget_and_continues_next_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """werkzeug's 1,143 fix commits did not fit one run's budget: the report said how many were
    analysed, and the next run went on from there, newest first."""
    from netgain.metrics import derive

    repo = GitRepo(tmp_path / "r")
    body = lines("v", 12)
    repo.commit({"m.py": body}, "Add", date=BASE_EPOCH)
    fixes = []
    for k in range(3):
        body = body.replace(f"v_{k} = {k}\n", f"v_{k} = {k + 10}\n")
        fixes.append(repo.commit({"m.py": body}, f"Fix v_{k}", date=BASE_EPOCH + (k + 1) * DAY))
    db = f"sqlite:///{tmp_path / 'store.db'}"
    netgain("ingest", "--db", db, cwd=repo.path)
    engine = open_store(db)
    with engine.connect() as conn:
        rid = conn.execute(select(Repository.id)).scalar_one()
    dates = {c.sha: c.date for c in load_changes(engine, rid, MetricsConfig())}
    monkeypatch.setattr(derive, "SZZ_CHUNK", 1)
    first = derive.szz_on_fixes(engine, rid, repo.path, dates, budget_seconds=0)
    assert (first.fixes, first.analysed, first.analysed_now, first.pending) == (3, 1, 1, 2)
    with engine.connect() as conn:
        assert conn.execute(select(SzzRun.fix_sha)).scalars().all() == [fixes[-1]]
    second = derive.szz_on_fixes(engine, rid, repo.path, dates, budget_seconds=3600)
    assert (second.analysed, second.analysed_now, second.pending) == (3, 2, 0)
    skipped = derive.szz_on_fixes(engine, rid, repo.path, dates, budget_seconds=0, run=False)
    assert skipped.skipped and skipped.pending == 0
    engine.dispose()


def test_fixes_that_blamed_nothing_are_data_not_a_missing_source(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    now = datetime.now(UTC)
    with engine.begin() as conn:
        rid = conn.execute(
            insert(Repository).returning(Repository.id),
            [{"root_path": str(tmp_path), "created_at": now, "shallow": False}],
        ).scalar_one()
    assert load_inducing(engine, rid) is None  # never analysed
    with engine.begin() as conn:
        conn.execute(
            insert(SzzRun),
            [
                {
                    "repository_id": rid,
                    "fix_sha": "a" * 40,
                    "variant": "netgain",
                    "candidates": 0,
                    "problems": [],
                    "analyzed_at": now,
                }
            ],
        )
    assert load_inducing(engine, rid) == {}
    engine.dispose()


def test_merge_commits_titled_like_their_pr_are_pull_requests(tmp_path: Path) -> None:
    """werkzeug's shape: 246 of its merges are titled "use sha3-256 instead of sha-1 (#3164)"
    (GitHub's pull-request-title merge message); they were not recovered, so each branch commit
    counted as its own shipped item."""
    repo = GitRepo(tmp_path / "r")
    repo.commit({"a.py": lines("a", 5)}, "Start", date=BASE_EPOCH)
    repo.branch("sha3")
    repo.commit({"a.py": lines("a", 6)}, "use sha3", date=BASE_EPOCH + DAY)
    repo.commit({"a.py": lines("a", 7)}, "update tests", date=BASE_EPOCH + 2 * DAY)
    repo.checkout("main")
    repo.merge("sha3", "use sha3-256 instead of sha-1 (#3164)", date=BASE_EPOCH + 3 * DAY)
    (repo.path / "netgain.toml").write_text(CONFIG)
    doc = metrics(repo, f"sqlite:///{tmp_path / 'store.db'}")
    assert doc["sections"]["pull_requests"]["source"] == "git: 1 merge commit"
    # Start, and the PR's two branch commits as one item.
    assert (doc["sources"]["changes"], doc["sources"]["items"]) == (3, 2)
    lead = doc["dora"]["lead_time_hours"]
    assert (lead["from"], lead["n"], lead["value"]) == ("first commit to merge", 1, 48.0)
