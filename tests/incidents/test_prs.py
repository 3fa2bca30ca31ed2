"""`netgain prs import`: recorded GitHub / GitLab payloads, a real repository, a real store."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from netgain.errors import UsageError
from netgain.incidents.issuetypes import read_issue_types
from netgain.incidents.prexport import parse_pull_requests, read_pull_requests
from netgain.incidents.pulls import load_graph, merged_commits
from netgain.store.engine import open_store
from netgain.store.outcome_models import Feature, PullRequest
from tests.history.conftest import netgain
from tests.incidents.prs_repo import build_prs_repo

DATA = Path(__file__).with_name("data")
GITHUB = DATA / "github_pulls.json"
GITLAB = DATA / "gitlab_merge_requests.json"
JIRA = DATA / "jira_issues.json"


def test_github_payload_reads_merged_prs_and_reports_the_rest_by_line() -> None:
    export = read_pull_requests(GITHUB)
    assert export.source == "github"
    assert [r.number for r in export.records] == [8, 4, 3, 2, 1]
    # Record starts (worked out from the file): 8@2, 6@213, 5@424, 4@625, 7@826, 3@1027 ...
    assert [(p.line, p.record_id, p.message) for p in export.skipped] == [
        (213, "6", "not merged (state closed)"),
        (424, "5", "not merged (state open)"),
    ]
    assert [(p.line, p.record_id) for p in export.problems] == [(826, "7")]
    assert "merged_at: 'last tuesday' is not an ISO 8601 date" in export.problems[0].message
    one = export.records[-1]
    assert (one.title, one.labels, one.author_login) == ("Add search", ["enhancement"], "octo")
    assert (one.head_ref, one.base_ref, one.line) == ("search", "main", 1449)
    assert one.merged_at == datetime(2024, 1, 4, tzinfo=UTC)
    assert one.created_at == datetime(2024, 1, 3, tzinfo=UTC)
    assert one.url == "https://github.com/octo/shop/pull/1"
    assert export.records[1].head_ref == "feature/PROJ-5-login"


def test_gitlab_payload() -> None:
    export = read_pull_requests(GITLAB)  # guessed from `iid` and `web_url`
    assert export.source == "gitlab"
    assert [r.number for r in export.records] == [2, 1]
    assert [(p.record_id, p.message) for p in export.skipped] == [
        ("3", "not merged (state opened)")
    ]
    squash, merge = export.records
    # A squash merged without a merge commit: the squash commit is what landed.
    assert squash.merge_sha == "36a472f4cf607f53c310797afa74fb21132b2193"
    assert (squash.labels, squash.author_login, squash.base_ref) == (["feature"], "octo", "main")
    assert merge.merge_sha == "5e5ad2101a494b2790e52fe8d83fce70ed9c1f74"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"number": "1", "merged_at": "2024-01-01T00:00:00Z"}, "number: missing or not"),
        (
            {"number": 1, "merged_at": "2024-01-01T00:00:00Z", "merge_commit_sha": "abc"},
            "merge_commit_sha: 'abc' is not a full commit id",
        ),
        ({"number": 1, "merged_at": "2024-01-01T00:00:00Z", "labels": [3]}, "labels: each"),
        ({"number": 1, "merged_at": "2024-01-01T00:00:00Z", "user": "octo"}, "user: expected"),
        (
            {"number": 1, "created_at": "2024-02-01T00:00:00Z", "merged_at": "2024-01-01T00:00Z"},
            "merged_at is before created_at",
        ),
        ("a string", "expected a pull request object"),
    ],
)
def test_bad_records_name_their_line(entry: object, message: str) -> None:
    good = {"number": 9, "title": "ok", "merged_at": "2024-01-01T00:00:00Z"}
    text = "[\n" + json.dumps(good) + ",\n" + json.dumps(entry) + "\n]\n"
    export = parse_pull_requests(text, "prs.json", "github")
    assert [r.number for r in export.records] == [9]
    [problem] = export.problems
    assert (problem.file, problem.line) == ("prs.json", 3) and message in problem.message


def test_unusable_files_are_usage_errors(tmp_path: Path) -> None:
    bad = tmp_path / "prs.json"
    bad.write_text('[{"number": 1},\n{"number": 2,}]')
    with pytest.raises(UsageError, match=r"prs.json:2: not valid JSON"):
        read_pull_requests(bad)
    bad.write_text('{"pulls": []}')
    with pytest.raises(UsageError, match="expected a JSON array"):
        read_pull_requests(bad, "github")
    with pytest.raises(UsageError, match="unknown pull request format"):
        parse_pull_requests("[]", "x", "bitbucket")


def test_jira_issue_types_file() -> None:
    types, problems = read_issue_types(JIRA)
    assert types == {"PROJ-5": "Story", "PROJ-7": "Bug"}
    assert [(p.line, p.record_id, p.message) for p in problems] == [
        (42, "PROJ-9", "fields.issuetype.name: missing")
    ]


def _rows(db: str) -> tuple[dict[int, PullRequest], dict[tuple[str, str, str], Feature]]:
    engine = open_store(db)
    with Session(engine) as session:
        prs = {row.number: row for row in session.scalars(select(PullRequest))}
        features = {
            (f.subject_kind, f.subject_id, f.source): f for f in session.scalars(select(Feature))
        }
        session.expunge_all()
    engine.dispose()
    return prs, features


def test_import_enriches_git_recovered_prs_and_marks_features(tmp_path: Path) -> None:
    repo, shas = build_prs_repo(tmp_path / "r")
    recorded = {r.number: r.merge_sha for r in read_pull_requests(GITHUB).records}
    assert (recorded[1], recorded[2], recorded[4]) == (
        shas["merge1"],
        shas["squash2"],
        shas["rebase4"],
    ), "GitRepo no longer reproduces the commit ids the recorded payload names"
    db = f"sqlite:///{tmp_path / 'store.db'}"
    netgain("incidents", "link", "--db", db, "--no-szz", cwd=repo.path)  # recovers PRs 1, 2, 3
    before, _ = _rows(db)
    assert {n: r.source for n, r in before.items()} == {
        1: "merge-commit",
        2: "squash-subject",
        3: "squash-subject",
    }

    args = ("prs", "import", str(GITHUB), "--issues", str(JIRA), "--db", db, "--json")
    run = netgain(*args, "--no-szz", cwd=repo.path, check=False)
    assert run.returncode == 1, run.stderr  # one rejected record (and one bad Jira issue)
    report = json.loads(run.stdout)["import"]
    assert (report["inserted"], report["enriched"], report["updated"]) == (2, 3, 0)
    assert [(p["line"], p["number"]) for p in report["problems"]] == [(826, "7"), (42, "PROJ-9")]
    assert [p["line"] for p in report["skipped"]] == [213, 424]
    assert [(p["number"], p["line"]) for p in report["merge_commit_not_in_history"]] == [("8", 2)]
    assert report["features"] == {"label": 2, "issue_type": 1}
    assert report["commit_issue_type_features"] == 1

    prs, features = _rows(db)
    assert sorted(prs) == [1, 2, 3, 4, 8]
    assert {r.source for r in prs.values()} == {"export"}
    assert prs[1].commit_shas == [shas["search2"], shas["search1"]]  # the merged branch
    assert prs[1].author_email == "ada@example.com"
    assert prs[2].commit_shas == [shas["squash2"]] and prs[4].commit_shas == [shas["rebase4"]]
    assert prs[8].commit_shas == [] and prs[8].merge_sha.startswith("deadbeef")
    assert prs[2].labels == ["type: feature"] and prs[3].title == "Fix empty search crash"
    label = {k[1]: (f.is_feature, f.detail) for k, f in features.items() if k[2] == "label"}
    assert label == {
        "1": (True, "label: enhancement"),
        "2": (True, "label: type: feature"),
        "3": (False, "labels: bug"),
        "8": (False, "labels: bug"),
    }
    issue = {k[:2]: (f.is_feature, f.detail) for k, f in features.items() if k[2] == "issue-type"}
    assert issue == {
        ("pr", "4"): (True, "PROJ-5: Story"),  # from the branch name and title
        ("pr", "3"): (False, "PROJ-7: Bug"),  # from the body ("Fixes PROJ-7.")
        ("commit", shas["rebase4"]): (True, "PROJ-5: Story"),
        ("commit", shas["squash3"]): (False, "PROJ-7: Bug"),
    }

    # Re-import: nothing new, nothing duplicated; re-linking keeps the exported rows.
    again = json.loads(netgain(*args, "--no-szz", cwd=repo.path, check=False).stdout)["import"]
    assert (again["inserted"], again["enriched"], again["unchanged"]) == (0, 0, 5)
    netgain("incidents", "link", "--db", db, "--no-szz", cwd=repo.path)
    prs_after, features_after = _rows(db)
    assert sorted(prs_after) == [1, 2, 3, 4, 8] and len(features_after) == len(features)
    assert prs_after[1].commit_shas == prs[1].commit_shas

    # The metrics see the exported PRs as work items and their features.
    (repo.path / "netgain.toml").write_text("[metrics]\nmin_sample = 1\n")
    doc = json.loads(netgain("metrics", "--db", db, "--json", "--no-rework", cwd=repo.path).stdout)
    assert doc["sources"]["pull_requests"] == 5
    assert doc["net_productivity"]["total"]["features"] == 3  # PRs 1, 2 (labels), 4 (story)
    assert sum(p["merged_prs"] for p in doc["periods"]) == 5


def test_labels_and_issue_types_are_configurable(tmp_path: Path) -> None:
    repo, _ = build_prs_repo(tmp_path / "r")
    (repo.path / "netgain.toml").write_text(
        '[incidents]\nfeature_labels = ["bug"]\nfeature_issue_types = ["bug"]\n'
    )
    db = f"sqlite:///{tmp_path / 'store.db'}"
    run = netgain(
        "prs",
        "import",
        str(GITHUB),
        "--issues",
        str(JIRA),
        "--db",
        db,
        "--json",
        "--no-link",
        cwd=repo.path,
        check=False,
    )
    report = json.loads(run.stdout)["import"]
    assert report["features"] == {"label": 2, "issue_type": 1}  # PRs 3 and 8; PROJ-7 on PR 3
    _, features = _rows(db)
    assert features[("pr", "3", "label")].is_feature
    assert not features[("pr", "1", "label")].is_feature


def test_gitlab_import_and_bad_format_option(tmp_path: Path) -> None:
    repo, shas = build_prs_repo(tmp_path / "r")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    out = netgain("prs", "import", str(GITLAB), "--db", db, "--no-link", cwd=repo.path)
    assert "0 new, 2 enriched" in out.stdout and "1 skipped" in out.stdout
    prs, _ = _rows(db)
    assert prs[1].commit_shas == [shas["search2"], shas["search1"]]
    assert prs[2].commit_shas == [shas["squash2"]]
    bad = netgain("prs", "import", str(GITLAB), "--format", "svn", cwd=repo.path, check=False)
    assert bad.returncode == 2 and "--format" in bad.stderr


def test_store_upsert_on_both_databases_with_hostile_text(tmp_path: Path, store_url: str) -> None:
    from netgain.history.ingest import get_repository
    from netgain.incidents.prstore import import_pull_requests

    pr = {
        "number": 12,
        "title": "nul \u0000 and lone \udcff surrogate",
        "labels": [{"name": "feature\u0000"}, {"name": "x\udcff"}],
        "merged_at": "2024-01-01T00:00:00Z",
        "merge_commit_sha": "ab" * 20,
    }
    text = json.dumps([pr])
    root = build_prs_repo(tmp_path / "r")[0].path
    engine = open_store(store_url)
    counts = []
    for _ in range(2):
        export = parse_pull_requests(text, "prs.json", "github")
        with Session(engine) as session, session.begin():
            repo_id = get_repository(session, root, False).id
            report = import_pull_requests(root, session, repo_id, export, "prs.json")
            counts.append((report.inserted, report.updated, report.unchanged, len(report.unlanded)))
    assert counts == [(1, 0, 0, 1), (0, 0, 1, 1)]
    with Session(engine) as session:
        [row] = session.scalars(select(PullRequest)).all()
        [feature] = session.scalars(select(Feature)).all()
        assert "\x00" not in row.title and "\udcff" not in row.title
        assert row.commit_shas == [] and row.merge_sha == "ab" * 20
        assert "\x00" not in feature.detail and "\udcff" not in feature.detail
        assert not feature.is_feature  # "feature\x00" is not the label "feature"
    engine.dispose()


def test_merged_commits_equal_git_rev_list(tmp_path: Path) -> None:
    """Merge-commit PRs list their branch's commits, as `git rev-list --no-merges P1..P2` does,
    from the stored graph: a branch that merged main midway and a branch off a branch."""
    from tests.gitrepo import GitRepo

    repo = GitRepo(tmp_path / "r")
    repo.commit({"a.py": "a = 1\n"}, "Initial")
    repo.branch("one")
    repo.commit({"one.py": "x = 1\n"}, "one: first")
    repo.checkout("main")
    repo.commit({"main.py": "m = 1\n"}, "Direct push to main")
    repo.checkout("one")
    repo.merge("main", "Merge branch 'main' into one")  # main merged into the branch
    repo.commit({"one.py": "x = 2\n"}, "one: second")
    repo.branch("two")  # branched off the PR branch
    repo.commit({"two.py": "y = 1\n"}, "two: first")
    repo.checkout("main")
    m1 = repo.merge("one", "Merge pull request #1 from octo/one\n\nOne")
    repo.commit({"main.py": "m = 2\n"}, "Another direct push")
    m2 = repo.merge("two", "Merge pull request #2 from octo/two\n\nTwo")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    netgain("incidents", "link", "--db", db, "--no-szz", cwd=repo.path)
    prs, _ = _rows(db)
    for number, merge in ((1, m1), (2, m2)):
        expected = repo.git("rev-list", "--no-merges", f"{merge}^1..{merge}^2").split()
        assert prs[number].commit_shas == expected, number
    assert len(prs[1].commit_shas) == 2 and len(prs[2].commit_shas) == 1


def test_a_pr_merged_into_another_prs_branch_keeps_its_commits(tmp_path: Path) -> None:
    """werkzeug's early history: `Merge pull request #53 from jab/patch-1` merged into a branch
    that PR #60 later brought to main. #53 was recovered with no commits (only merges on main's
    first-parent line had any), so its commit counted as a lone item next to an empty PR item."""
    from tests.gitrepo import GitRepo

    repo = GitRepo(tmp_path / "r")
    repo.commit({"a.py": "a = 1\n"}, "Initial")
    repo.branch("big")
    big = repo.commit({"big.py": "b = 1\n"}, "big: first")
    repo.branch("patch")
    patch = repo.commit({"p.py": "p = 1\n"}, "Fix typo")
    repo.checkout("big")
    inner = repo.merge("patch", "Merge pull request #53 from jab/patch-1\n\nFix typo")
    repo.checkout("main")
    repo.commit({"main.py": "m = 1\n"}, "Direct push to main")
    repo.checkout("big")
    side = repo.merge("main", "Merge branch 'main' into big")  # not a PR: nothing new
    later = repo.commit({"big.py": "b = 2\n"}, "big: second")
    repo.checkout("main")
    outer = repo.merge("big", "Merge pull request #60 from octo/big\n\nBig")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    netgain("incidents", "link", "--db", db, "--no-szz", cwd=repo.path)
    prs, _ = _rows(db)
    assert prs[53].commit_shas == [patch]
    assert prs[60].commit_shas == [later, big]
    # Without owners the outer merge keeps everything its branch brought, as git rev-list does.
    engine = open_store(db)
    with Session(engine) as session:
        graph = load_graph(session, 1)
    engine.dispose()
    everything = repo.git("rev-list", "--no-merges", f"{outer}^1..{outer}^2").split()
    assert merged_commits(graph, repo.head())[outer] == everything
    assert set(merged_commits(graph, repo.head(), {inner, outer})) == {inner, outer}
    assert side not in merged_commits(graph, repo.head(), {inner, outer})


def test_jira_issues_imported_as_incidents_type_the_commits_naming_them(tmp_path: Path) -> None:
    repo, shas = build_prs_repo(tmp_path / "r")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    netgain(
        "incidents",
        "import",
        str(JIRA),
        "--format",
        "jira",
        "--db",
        db,
        "--no-szz",
        cwd=repo.path,
    )
    _, features = _rows(db)
    issue = {k[1]: f.is_feature for k, f in features.items() if k[2] == "issue-type"}
    assert issue == {shas["rebase4"]: True, shas["squash3"]: False}


def test_text_output_names_each_rejected_record(tmp_path: Path) -> None:
    repo, _ = build_prs_repo(tmp_path / "r")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    run = netgain(
        "prs",
        "import",
        str(GITHUB),
        "--issues",
        str(JIRA),
        "--db",
        db,
        cwd=repo.path,
        check=False,
    )
    assert run.returncode == 1
    assert "2 rejected, 2 skipped (not merged)" in run.stdout
    assert f"rejected {GITHUB}:826: merged_at: 'last tuesday'" in run.stderr
    assert f"rejected {JIRA}:42: fields.issuetype.name: missing (issue PROJ-9)" in run.stderr
    assert f"no commits for PR 8 ({GITHUB}:2)" in run.stderr
    assert "Linked" not in run.stdout  # no incidents: nothing to report about linking


def test_paginated_output_one_array_per_page() -> None:
    """`gh api --paginate repos/o/r/pulls?state=all` prints one array per page, back to back."""
    page1 = json.dumps([{"number": 1, "merged_at": "2024-01-01T00:00:00Z"}], indent=1)
    page2 = json.dumps([{"number": 2, "merged_at": "2024-01-02T00:00:00Z"}, {"number": 0}])
    export = parse_pull_requests(page1 + page2 + "\n", "pages.json", "github")
    assert [r.number for r in export.records] == [1, 2]
    assert [(p.line, p.message) for p in export.problems] == [
        (6, "number: missing or not a positive integer")
    ]
    with pytest.raises(UsageError, match=r"pages.json:1: expected a JSON array \(one per page\)"):
        list(parse_pull_requests('{"a": 1}[]', "pages.json", "github").records)
    with pytest.raises(UsageError, match=r"pages.json:1: not valid JSON"):
        parse_pull_requests("[1][", "pages.json", "github")
