"""`netgain policy replay` on a planted history whose tiers and outcomes are known.

Seven merged changes after the root commit: a direct push, three squash-merged pull requests, one
merge-commit pull request, and two later fixes. An incident names PR #2 as its cause; SZZ traces
each fix back to the pull request whose lines it repairs.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from netgain.policy.defaults import STARTER_POLICY
from tests.gitrepo import GitRepo
from tests.history.conftest import netgain
from tests.policy.scenario import ADA, AUTH_CODE, BOB, CLAUDE, SQL_CODE

PARSER = """\
def parse(text: str) -> list[str]:
    parts = text.split(",")
    return [p.strip() for p in parts]


def first(text: str) -> str:
    return parse(text)[0]
"""

REPORT = """\
def total(values: list[float]) -> float:
    return round(sum(values), 1)


def average(values: list[float]) -> float:
    return total(values) / len(values)
"""

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "src/netgain/replay/replay.schema.json").read_text()
)

# a policy whose only senior rule looks at one file: it escalates PR #2 and nothing the default does
PATHS_POLICY = """\
[[rules]]
name = "report-owner"
tier = "senior"
if = 'change.paths.exists(p, p == "src/report.py")'
approvals = [{ count = 2, roles = ["senior"] }]

[[rules]]
name = "peer-review"
tier = "peer"
if = "true"
approvals = [{ count = 1 }]
"""


def build(path: Path) -> tuple[GitRepo, dict[str, str]]:
    repo = GitRepo(path)
    c: dict[str, str] = {}
    repo.commit(
        {"src/app.py": "def main() -> None:\n    print('hello')\n", "src/auth/__init__.py": ""},
        "Initial layout",
        author=ADA,
    )
    c["push"] = repo.commit(
        {"src/app.py": "def main() -> None:\n    print('hello, world')\n"}, "Greet", author=BOB
    )
    c["pr1"] = repo.commit({"src/parser.py": PARSER}, "Add parser (#1)" + CLAUDE, author=BOB)
    c["pr2"] = repo.commit({"src/report.py": REPORT}, "Add report helpers (#2)", author=BOB)
    repo.branch("feature")
    c["pr3_commit"] = repo.commit(
        {"src/auth/tokens.py": AUTH_CODE}, "Add token helpers" + CLAUDE, author=BOB
    )
    repo.checkout("main")
    c["pr3"] = repo.merge("feature", "Merge pull request #3 from bob/feature\n\nToken helpers")
    c["pr4"] = repo.commit({"src/lookup.py": SQL_CODE}, "Add user lookup (#4)", author=BOB)
    c["fix1"] = repo.commit(
        {
            "src/parser.py": PARSER.replace(
                "return parse(text)[0]", "return (parse(text) or [''])[0]"
            )
        },
        "Fix crash on empty input in first()",
        author=ADA,
    )
    c["fix2"] = repo.commit(
        {"src/report.py": REPORT.replace("round(sum(values), 1)", "round(sum(values), 2)")},
        "Fix rounding bug in total()",
        author=ADA,
    )
    return repo, c


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """The planted repository (ingested, incident imported), the policies' folder, the shas."""
    tmp = tmp_path_factory.mktemp("replay")
    repo, c = build(tmp / "repo")
    (tmp / "default.toml").write_text(STARTER_POLICY)
    (tmp / "paths.toml").write_text(PATHS_POLICY)
    incidents = tmp / "incidents.csv"
    incidents.write_text(
        "id,title,severity,started_at,resolved_at,caused_by\n"
        f"INC-1,Reports show wrong totals,sev2,2030-01-01T00:00:00Z,,{c['pr2']}\n"
    )
    netgain("ingest", cwd=repo.path)
    netgain("incidents", "import", str(incidents), "--no-szz", cwd=repo.path)
    return repo.path, tmp, c


@pytest.fixture(scope="module")
def replayed(planted: tuple[Path, Path, dict[str, str]]) -> tuple[dict[str, Any], dict[str, str]]:
    root, tmp, c = planted
    proc = netgain(
        "policy",
        "replay",
        "--policy",
        str(tmp / "default.toml"),
        "--policy",
        str(tmp / "paths.toml"),
        "--json",
        "--per-change",
        cwd=root,
    )
    doc = json.loads(proc.stdout)
    Draft202012Validator(SCHEMA).validate(doc)
    return doc, c


def test_every_mainline_step_is_one_change(replayed: tuple[dict[str, Any], dict[str, str]]) -> None:
    doc, c = replayed
    assert doc["changes"] == doc["replayed"] == 7
    assert doc["root_commits_left_out"] == 1
    assert doc["not_replayed"] == 0
    assert doc["pull_requests"] == 4
    by_head = {row["head"]: row for row in doc["per_change"]}
    assert by_head[c["pr3"]]["id"] == "pr:3"  # the merge commit names its pull request
    assert by_head[c["pr1"]]["id"] == "pr:1" and by_head[c["push"]]["id"] == c["push"]
    assert by_head[c["pr1"]]["ai_share"] == 1.0 and by_head[c["pr2"]]["ai_share"] == 0.0
    assert by_head[c["pr3"]]["ai_share"] == 1.0  # the branch's AI commit, seen through the merge


def test_default_policy_tiers(replayed: tuple[dict[str, Any], dict[str, str]]) -> None:
    doc, c = replayed
    default = doc["policies"][0]
    assert default["name"] == "default" and default["changes"] == 7
    tiers = {row["head"]: row["policies"]["default"]["tiers"] for row in doc["per_change"]}
    assert tiers[c["pr1"]] == ["peer", "senior"]  # more than half AI-written
    assert tiers[c["pr3"]] == ["design_doc", "owner", "peer", "senior"]  # AI code in zone auth
    assert "senior" in tiers[c["pr4"]]  # the author's first raw SQL here
    # unmarked raw SQL is in the data-access zone, where lines without evidence count as AI
    assert {"design_doc", "owner"} <= set(tiers[c["pr4"]])
    for human in ("push", "pr2", "fix1", "fix2"):
        assert tiers[c[human]] == ["peer"], human
    # every other tier a rule names is counted too (`peer`: the rule every change meets)
    assert default["tiers"] == {
        "senior": 3,
        "owner": 2,
        "design_doc": 2,
        "peer_only": 4,
        "peer": 7,
    }
    # no review export: one review per escalation at the [metrics] weight, labelled so
    assert default["senior_hours"] == 1.5 and default["owner_hours"] == 1.0
    assert list(default["hours_basis"]) == [
        "[metrics] review_hours_per_review weight (not measured)"
    ]


def test_outcomes_caught_and_missed(replayed: tuple[dict[str, Any], dict[str, str]]) -> None:
    doc, c = replayed
    rows = {row["head"]: row for row in doc["per_change"]}
    assert rows[c["pr2"]]["incidents"] == 1
    assert rows[c["pr1"]]["defects"] >= 1 and rows[c["pr2"]]["defects"] >= 1  # SZZ from fixes
    assert rows[c["pr4"]]["vulnerabilities"] >= 1  # SQL built from a parameter
    default, paths = doc["policies"]
    assert default["caught"] == {"incidents": 0, "defects": 1, "vulnerabilities": 1}
    assert default["missed"] == {"incidents": 1, "defects": 1, "vulnerabilities": 0}
    # the path rule sends only PR #2 (two senior approvals) to seniors: it catches the incident
    # and PR #2's defect, and lets PR #1's defect and PR #4's finding through
    assert paths["tiers"]["senior"] == 2  # PR #2 and the fix to src/report.py
    assert paths["senior_hours"] == 2 * 2 * 0.5
    assert paths["caught"] == {"incidents": 1, "defects": 1, "vulnerabilities": 0}
    assert paths["missed"] == {"incidents": 0, "defects": 1, "vulnerabilities": 1}
    assert paths["against_first"]["senior_reviews_cut"] == pytest.approx(1 / 3, abs=1e-4)
    assert paths["against_first"]["more_missed"] == {
        "incidents": -1,
        "defects": 0,
        "vulnerabilities": 1,
    }
    assert doc["sources"]["incidents"] == "imported"
    # seven changes are below the minimum sample: rates say so rather than print a number
    assert default["catch_rate"]["incidents"]["status"] == "insufficient data"


def test_review_timelines_cost_the_escalations(planted: tuple[Path, Path, dict[str, str]]) -> None:
    root, tmp, _c = planted
    export = tmp / "reviews.json"
    export.write_text(
        json.dumps(
            [
                {"number": 1, "reviews": [{"reviewer": "sam", "hours": 1.0}]},
                {"number": 2, "reviews": [{"reviewer": "ola", "hours": 3.0}]},
            ]
        )
    )
    args = ["policy", "replay", "--no-szz", "--json", "--reviews", str(export)]
    doc = json.loads(netgain(*args, "--policy", str(tmp / "default.toml"), cwd=root).stdout)
    Draft202012Validator(SCHEMA).validate(doc)
    default = doc["policies"][0]
    # PR #1 at its own 1.0 h; PR #3 and PR #4 (seniors and owners) at the export's mean (2.0 h)
    assert default["senior_hours"] == 1.0 + 2.0 + 2.0 and default["owner_hours"] == 2.0 + 2.0
    assert default["hours_basis"] == {
        "mean of the exported review timelines": 4,
        "pull request's review timeline": 1,
    }
    assert doc["sources"]["review_hours"] == "review export"


def test_text_output_names_every_policy(tmp_path: Path) -> None:
    repo, _c = build(tmp_path / "repo")
    policy = tmp_path / "paths.toml"
    policy.write_text(PATHS_POLICY)
    out = netgain("policy", "replay", "--policy", str(policy), "--no-szz", cwd=repo.path).stdout
    out = " ".join(out.split())  # the console wraps long lines where the temporary path ends
    assert "paths" in out and "7 of 7 merged changes" in out
    missing = netgain(
        "policy", "replay", "--policy", str(tmp_path / "nope.toml"), cwd=repo.path, check=False
    )
    assert missing.returncode == 2 and "nope.toml: no such file" in missing.stderr


def test_window_and_last(planted: tuple[Path, Path, dict[str, str]]) -> None:
    root, _tmp, c = planted
    args = ["policy", "replay", "--no-szz", "--json", "--per-change"]
    doc = json.loads(netgain(*args, "--last", "2", cwd=root).stdout)
    assert [row["head"] for row in doc["per_change"]] == [c["fix1"], c["fix2"]]
    empty = json.loads(netgain(*args, "--since", "2999-01-01", cwd=root).stdout)
    Draft202012Validator(SCHEMA).validate(empty)
    assert empty["changes"] == 0 and empty["policies"][0]["tiers"]["senior"] == 0
    assert empty["timings"]["seconds_per_change"] is None


def test_a_broken_policy_is_refused_with_file_and_line(tmp_path: Path) -> None:
    repo, _c = build(tmp_path / "repo")
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rules]]\nname = "x"\nif = "change.ai_shar > 1"\n')
    proc = netgain("policy", "replay", "--policy", str(bad), cwd=repo.path, check=False)
    assert proc.returncode == 2
    assert f"{bad}:3: rules[0].if: CEL: unknown fact" in proc.stderr


def test_worker_processes_and_stored_facts_change_no_verdict(
    planted: tuple[Path, Path, dict[str, str]],
) -> None:
    """-j 2 (spawned workers) and a replay from stored facts give exactly the in-process,
    freshly gathered result; the second replay gathers nothing."""
    root, tmp, _c = planted
    args = ["policy", "replay", "--no-szz", "--json", "--per-change"]
    args += ["--policy", str(tmp / "default.toml"), "--policy", str(tmp / "paths.toml")]
    fresh = json.loads(netgain(*args, "-j", "1", "--no-stored-facts", cwd=root).stdout)
    # seven changes; the two policies share their fact sections: one gathering per change
    assert fresh["timings"]["stored_facts"] == {"used": False, "gatherings": 7, "reused": 0}
    parallel = json.loads(netgain(*args, "-j", "2", "--no-stored-facts", cwd=root).stdout)
    assert (parallel["timings"]["jobs"], parallel["timings"]["jobs_basis"]) == (2, "option")
    # without -j, seven changes to gather are too few to start workers for
    auto = json.loads(netgain(*args, "--no-stored-facts", cwd=root).stdout)
    assert (auto["timings"]["jobs"], auto["timings"]["jobs_basis"]) == (1, "auto")
    assert auto["per_change"] == fresh["per_change"]
    assert parallel["per_change"] == fresh["per_change"]
    assert parallel["policies"] == fresh["policies"]
    netgain(*args, "-j", "2", cwd=root)  # stores every change's facts (if not stored yet)
    stored = json.loads(netgain(*args, "-j", "2", cwd=root).stdout)
    Draft202012Validator(SCHEMA).validate(stored)
    assert stored["timings"]["stored_facts"] == {"used": True, "gatherings": 7, "reused": 7}
    assert stored["per_change"] == fresh["per_change"]
    assert stored["policies"] == fresh["policies"]
    assert "scan" not in stored["timings"]["stages"]  # nothing was gathered again


def test_a_cold_replay_writes_its_scan_cache_back(
    planted: tuple[Path, Path, dict[str, str]],
) -> None:
    """The replay keeps the scan cache in memory between changes (analysis.cache_memory): the
    process, and each worker on exit, writes it back for the next run."""
    root, tmp, _c = planted
    args = ["policy", "replay", "--no-szz", "--json", "--no-stored-facts"]
    args += ["--policy", str(tmp / "default.toml")]
    for jobs in ("1", "2"):
        shutil.rmtree(root / ".netgain" / "cache", ignore_errors=True)
        netgain(*args, "-j", jobs, cwd=root)
        snapshots = list((root / ".netgain" / "cache" / "scan").rglob("snapshot-*.pickle"))
        assert len(snapshots) == 1, jobs
        assert not list((root / ".netgain" / "cache" / "scan").rglob("*.tmp"))
