"""The gate holds against the change it judges (issue 10): its own policy, people, CODEOWNERS,
zones and scan settings, its own suppressions, and approvals given on an older head.

Each bypass is run end to end through the installed `netgain check` on a real repository, next to
a safe look-alike that must keep working, so the protection cannot pass by blocking everything.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from netgain.cli.check import render_text
from netgain.report.markdown import render_markdown
from tests.gitrepo import GitRepo
from tests.history.conftest import netgain
from tests.policy.payloads_util import load, write
from tests.policy.scenario import ADA, BOB, CLAUDE, POLICY, base_repo
from tests.policy.test_check import check, rule, validate_document

LOGIN_SQL = """\
def login(conn, name):
    cur = conn.cursor()
    cur.execute(f"SELECT * FROM users WHERE name = '{name}'")
    return cur.fetchone()
"""

SUPPRESSED_SQL = """\
def login(conn, name):
    cur = conn.cursor()
    cur.execute(f"SELECT * FROM users WHERE name = '{name}'")  # netgain: ignore[sql-injection] input is trusted
    return cur.fetchone()
"""

ANYTHING_GOES = """\
[[rules]]
name = "anything-goes"
if = "true"

[approval]
all_of = ["anything-goes"]
"""

SECURITY_POLICY = POLICY.replace(
    'roles = { senior = ["sam"] }', 'roles = { senior = ["sam"], security = ["sec"] }'
)


def cli_check(repo: GitRepo, *args: str) -> tuple[int, str, dict[str, Any]]:
    """`netgain check --base base --head HEAD --format json` as a user runs it, and its text."""
    proc = netgain(
        "check",
        "--base",
        "base",
        "--head",
        "HEAD",
        "--format",
        "json",
        "--no-record",
        *args,
        cwd=repo.path,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    doc = json.loads(proc.stdout)
    return proc.returncode, render_text(doc), doc


def test_a_change_shipping_its_own_policy_is_judged_by_the_base_policy(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    repo.branch("feature")
    repo.commit(
        {"src/auth/login.py": LOGIN_SQL, "netgain.toml": ANYTHING_GOES},
        "Add login" + CLAUDE,
        author=BOB,
    )
    code, text, doc = cli_check(repo, "--approved-by", "carol")
    assert code == 1
    text = netgain("check", "--base", "base", "--head", "HEAD", cwd=repo.path, check=False).stdout
    assert "verdict: BLOCKED" in text
    assert "policy changed by this change: read from base" in text
    assert doc["policy_files_changed"] == ["netgain.toml"]
    assert doc["facts"]["policy_files_changed"] == ["netgain.toml"]
    names = [r["name"] for r in doc["rules"]]
    assert "anything-goes" not in names and "security-scan" in names
    assert rule(doc, "security-scan")["status"] == "blocked"
    assert "sql-injection" in rule(doc, "security-scan")["reason"]
    # the edit to the policy needs an owner of netgain.toml (CODEOWNERS at base: `*  @carol`)
    change = rule(doc, "policy-change")
    assert change["status"] == "approved"  # carol owns it and approved
    assert "CODEOWNERS (at base) of the changed policy files" in change["reason"]
    validate_document(doc)


def test_policy_change_alone_needs_an_owner_of_the_policy(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    repo.branch("feature")
    repo.commit({"netgain.toml": POLICY + "\n# tidy\n"}, "Tidy policy", author=BOB)
    code, _text, doc = cli_check(repo, "--approved-by", "sam")
    assert code == 1
    change = rule(doc, "policy-change")
    assert change["status"] == "pending"
    assert change["requirements"][0]["eligible"] == ["carol"]
    code, _text, doc = cli_check(repo, "--approved-by", "carol")
    assert code == 0 and doc["verdict"] == "approved"
    # the look-alike: a change that does not touch the configuration skips the rule
    repo.commit({"netgain.toml": POLICY, "src/app.py": "x = 1\n"}, "Revert", author=BOB)
    repo.git("branch", "-f", "base", "HEAD~1")
    repo.git("checkout", "-q", "-B", "feature2", "base")
    repo.commit({"src/app.py": "x = 2\n"}, "Change", author=BOB)
    _code, _text, doc = cli_check(repo, "--approved-by", "sam")
    assert doc["policy_files_changed"] == []
    assert rule(doc, "policy-change")["status"] == "skipped"


@pytest.mark.parametrize(
    ("files", "approver", "rule_name"),
    [
        # the change makes a friend a senior
        (
            {"netgain.toml": POLICY.replace('senior = ["sam"]', 'senior = ["carol"]')},
            "carol",
            "tiered-review",
        ),
        # the change makes a friend the owner of the auth zone
        (
            {".github/CODEOWNERS": "*  @carol\n/src/auth/ @carol\n"},
            "carol",
            "architectural-checkpoint",
        ),
        # the change moves auth out of every zone
        (
            {
                "netgain.toml": POLICY
                + '[zones.auth]\npaths = ["nothing/"]\n[zones.payments]\npaths = ["nothing/"]\n'
                '[zones.data_access]\npaths = ["nothing/"]\n'
            },
            "carol",
            "architectural-checkpoint",
        ),
    ],
    ids=["people", "codeowners", "zones"],
)
def test_people_owners_and_zones_come_from_base(
    tmp_path: Path, files: dict[str, str], approver: str, rule_name: str
) -> None:
    repo = base_repo(tmp_path / "r")
    repo.branch("feature")
    repo.commit(
        {"src/auth/tokens.py": "import jwt\n\n\ndef issue(s):\n    return jwt.encode({}, s)\n"}
        | files,
        "Tokens" + CLAUDE,
        author=BOB,
    )
    code, _text, doc = cli_check(repo, "--approved-by", approver)
    assert code == 1
    assert rule(doc, rule_name)["status"] in ("pending", "blocked")
    assert doc["policy_files_changed"] == sorted(files)
    assert "auth" in doc["facts"]["zones"]


def test_scan_settings_in_the_change_do_not_silence_its_findings(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    repo.branch("feature")
    ignore = POLICY + '\n[scan]\nignore = ["sql-injection"]\nexclude = ["src/**"]\n'
    repo.commit({"src/users.py": LOGIN_SQL, "netgain.toml": ignore}, "Users", author=BOB)
    code, _text, doc = cli_check(repo, "--approved-by", "carol")
    assert code == 1
    assert [f["rule_id"] for f in doc["findings"]] == ["sql-injection"]


def test_pyproject_counts_only_when_its_netgain_table_changes(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit(
        {
            "pyproject.toml": '[project]\nname = "x"\n\n[tool.netgain.people]\nroles = { senior = ["sam"] }\n',
            "src/app.py": "x = 1\n",
        },
        "init",
        author=ADA,
    )
    repo.git("branch", "base")
    repo.branch("feature")
    repo.commit(
        {
            "pyproject.toml": '[project]\nname = "y"\n\n[tool.netgain.people]\nroles = { senior = ["sam"] }\n'
        },
        "rename",
        author=BOB,
    )
    _code, _text, doc = cli_check(repo, "--approved-by", "carol")
    assert doc["policy_files_changed"] == []
    assert doc["policy"]["source"].endswith(":pyproject.toml")
    repo.commit(
        {
            "pyproject.toml": '[project]\nname = "y"\n\n[tool.netgain.people]\nroles = { senior = ["bob"] }\n'
        },
        "me",
        author=BOB,
    )
    _code, _text, doc = cli_check(repo, "--approved-by", "carol")
    assert doc["policy_files_changed"] == ["pyproject.toml"]


def test_workflow_running_netgain_is_a_policy_file(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    repo.commit(
        {
            ".github/workflows/gate.yml": "jobs:\n  gate:\n    steps:\n      - run: netgain check\n",
            ".github/workflows/docs.yml": "jobs:\n  docs:\n    steps:\n      - run: make docs\n",
        },
        "ci",
        author=ADA,
    )
    repo.git("branch", "-f", "base")
    repo.branch("feature")
    repo.commit(
        {
            ".github/workflows/gate.yml": "jobs:\n  gate:\n    steps:\n      - run: 'true'\n",
            ".github/workflows/docs.yml": "jobs:\n  docs:\n    steps:\n      - run: make html\n",
        },
        "ci tweaks",
        author=BOB,
    )
    _code, _text, doc = cli_check(repo, "--approved-by", "sam")
    assert doc["policy_files_changed"] == [".github/workflows/gate.yml"]


def test_explicit_policy_inside_the_repository_is_read_at_base(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    strict = '[[rules]]\nname = "two"\napprovals = [{ count = 2 }]\n'
    repo.commit({"ci/gate.toml": strict}, "gate policy", author=ADA)
    repo.git("branch", "-f", "base")
    repo.branch("feature")
    lax = '[[rules]]\nname = "two"\napprovals = [{ count = 1 }]\n'
    repo.commit({"ci/gate.toml": lax, "src/app.py": "x = 3\n"}, "relax", author=BOB)
    code, _text, doc = cli_check(repo, "--policy", "ci/gate.toml", "--approved-by", "carol")
    assert code == 1
    assert "missing 1 approval(s)" in rule(doc, "two")["reason"]
    assert doc["policy_files_changed"] == ["ci/gate.toml"]
    # a file outside the repository is read as it is, and the decision says so
    outside = tmp_path / "experiment.toml"
    outside.write_text(lax, encoding="utf-8")
    _code, text, doc = cli_check(repo, "--policy", str(outside), "--approved-by", "carol")
    assert rule(doc, "two")["status"] == "approved"
    assert "outside the repository" in doc["policy"]["read_from"]
    assert "outside the repository" in text


def test_a_suppression_added_by_the_change_does_not_clear_the_scan(tmp_path: Path) -> None:
    # the author declares the change human and the policy trusts that claim, so raw SQL (the
    # data_access zone) needs no design document: only the suppression is left to decide on
    policy = SECURITY_POLICY + "\n[provenance]\ntrust_human_claims = true\n"
    repo = base_repo(tmp_path / "r", policy=policy)
    repo.branch("feature")
    repo.commit({"src/users.py": SUPPRESSED_SQL}, "Users\n\nAI-Assisted: none", author=BOB)
    code, text, doc = cli_check(repo, "--approved-by", "carol", "--approved-by", "sam")
    assert code == 1  # sam is a senior, but the policy defines a security role
    scan = rule(doc, "security-scan")
    assert scan["status"] == "blocked"
    assert "finding suppressed in this change" in scan["reason"]
    assert "input is trusted" in scan["reason"]
    assert "finding suppressed in this change" in text
    [item] = doc["suppressed_in_change"]
    assert item["counts"] and item["comment_line"] == 3 and item["roles"] == ["security"]
    assert doc["facts"]["findings"]["suppressed_in_change"] == 1
    assert "finding suppressed in this change" in render_markdown(doc)
    validate_document(doc)
    # a security reviewer's approval accepts it, and the output says who did
    code, text, doc = cli_check(
        repo, "--approved-by", "carol", "--approved-by", "sam", "--approved-by", "sec"
    )
    assert code == 0, text
    assert doc["findings"] == []
    assert doc["suppressed_in_change"][0]["accepted_by"] == ["sec"]
    assert "accepted by sec" in text


def test_the_author_cannot_accept_their_own_suppression(tmp_path: Path) -> None:
    policy = POLICY.replace('roles = { senior = ["sam"] }', 'roles = { senior = ["sam", "bob"] }')
    repo = base_repo(tmp_path / "r", policy=policy)
    repo.branch("feature")
    repo.commit({"src/users.py": SUPPRESSED_SQL}, "Users", author=BOB)
    doc = check(repo, tmp_path, "", approved_by=["carol", "bob"])
    assert doc["suppressed_in_change"][0]["roles"] == ["senior"]  # no security role defined
    assert doc["suppressed_in_change"][0]["accepted_by"] == []
    assert doc["verdict"] == "blocked"


def test_existing_suppressions_keep_working(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r", policy=SECURITY_POLICY)
    repo.commit({"src/users.py": SUPPRESSED_SQL}, "Users (accepted)", author=ADA)
    repo.git("branch", "-f", "base")
    repo.branch("feature")
    repo.commit({"src/users.py": SUPPRESSED_SQL + "\n\nLIMIT = 10\n"}, "limit", author=BOB)
    doc = check(repo, tmp_path, "", approved_by=["carol"])
    assert doc["suppressed_in_change"] == []
    assert doc["verdict"] == "approved", render_text(doc)


def test_an_old_suppression_over_a_rewritten_line_is_reviewed(tmp_path: Path) -> None:
    standalone = SUPPRESSED_SQL.replace(
        "    cur.execute(f\"SELECT * FROM users WHERE name = '{name}'\")  # netgain: ignore[sql-injection] input is trusted\n",
        "    # netgain: ignore[sql-injection] input is trusted\n"
        "    cur.execute(\"SELECT * FROM users WHERE name = 'x'\")\n",
    )
    repo = base_repo(tmp_path / "r", policy=SECURITY_POLICY)
    repo.commit({"src/users.py": standalone}, "Users", author=ADA)
    repo.git("branch", "-f", "base")
    repo.branch("feature")
    rewritten = standalone.replace("name = 'x'\")", "name = '{name}'\")").replace(
        'cur.execute("', 'cur.execute(f"'
    )
    repo.commit({"src/users.py": rewritten}, "Users by name", author=BOB)
    doc = check(repo, tmp_path, "", approved_by=["carol"])
    [item] = doc["suppressed_in_change"]
    assert item["how"] == "existing suppression now covers a line this change wrote"
    assert doc["verdict"] == "blocked"


def _review_on(commit: str, login: str, tmp: Path) -> Path:
    review = load("reviews_list.json")[2]  # a real REST APPROVED review
    review["user"]["login"] = login
    review["commit_id"] = commit
    return write(tmp / "reviews.json", [review])


def test_an_approval_given_before_ai_sql_arrived_goes_stale(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    repo.branch("feature")
    clean = repo.commit(
        {"src/stats.py": "def count() -> int:\n    return 1\n"}, "Stats", author=BOB
    )
    repo.commit({"src/users.py": LOGIN_SQL}, "Users" + CLAUDE, author=BOB)
    reviews = _review_on(clean, "sam", tmp_path)
    doc = check(repo, tmp_path, "", reviews=reviews)
    assert doc["verdict"] in ("blocked", "pending")
    reason = f"approval by sam was given on an older head ({clean[:12]})"
    assert [s["login"] for s in doc["stale_approvals"]] == ["sam"]
    assert reason in doc["stale_approvals"][0]["reason"]
    assert reason in rule(doc, "peer-review")["reason"]
    assert reason in render_text(doc)


def test_merging_the_base_branch_in_keeps_the_approval(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    repo.branch("feature")
    reviewed = repo.commit(
        {"src/stats.py": "def count() -> int:\n    return 1\n"}, "Stats", author=BOB
    )
    repo.checkout("base")
    repo.commit({"README.md": "hello\n"}, "Readme", author=ADA)
    repo.git("branch", "-f", "main-tip")
    repo.checkout("feature")
    who = {"GIT_AUTHOR_NAME": "Bob", "GIT_AUTHOR_EMAIL": "bob@example.com"}
    who |= {"GIT_COMMITTER_NAME": "Bob", "GIT_COMMITTER_EMAIL": "bob@example.com"}
    repo.git_bytes("merge", "-q", "--no-edit", "main-tip", env=who)
    repo.git("branch", "-f", "base", "main-tip")
    doc = check(repo, tmp_path, "", reviews=_review_on(reviewed, "carol", tmp_path))
    assert doc["stale_approvals"] == []
    assert doc["verdict"] == "approved", render_text(doc)


def test_a_risk_model_shipped_by_the_change_is_not_used(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    repo.branch("feature")
    repo.commit(
        {".netgain/risk-model.json": '{"kind": "lapredict"}\n', "src/app.py": "x = 4\n"},
        "model",
        author=BOB,
    )
    doc = check(repo, tmp_path, "", approved_by=["carol"])
    assert doc["policy_files_changed"] == [".netgain/risk-model.json"]
    messages = [p["message"] for p in doc["problems"] if p["kind"] == "risk"]
    assert any("committed by the change being judged" in m for m in messages), messages
    assert doc["facts"]["risk"] is not None  # scored, with the pooled default
