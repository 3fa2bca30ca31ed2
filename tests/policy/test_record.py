"""The review gate's decision log: what `netgain check` records and how it reaches the report."""

from __future__ import annotations

import errno
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from netgain.policy.record import (
    DECISIONS_FILE,
    append_decision,
    decision_record,
    read_decisions,
)
from tests.history.conftest import netgain
from tests.policy.scenario import SAM, ai_auth_change, base_repo


def _rule(name: str, status: str, tier: str = "", **req: object) -> dict[str, object]:
    return {"name": name, "status": status, "tier": tier, "requirements": [req] if req else []}


def test_record_names_what_applicable_rules_required() -> None:
    doc = {
        "verdict": "blocked",
        "base": "b" * 40,
        "head": "h" * 40,
        "pull_request": 7,
        "author": "bob",
        "provenance": {"ai_share": 0.8},
        "facts": {"risk": 0.4, "risk_tier": "high"},
        "tiers": ["senior: tiered-review"],
        "rules": [
            _rule("tiered-review", "pending", "", kind="approvals", eligible_from=["role senior"]),
            _rule("checkpoint", "blocked", "", kind="design_doc"),
            _rule(
                "owners", "approved", "", kind="approvals", eligible_from=["owners of zone auth"]
            ),
            _rule(
                "codeowners",
                "approved",
                "",
                kind="approvals",
                eligible_from=["CODEOWNERS of the changed files"],
            ),
            _rule("by-tier", "skipped", "senior"),  # skipped: requires nothing
            _rule(
                "peer",
                "approved",
                "peer",
                kind="approvals",
                eligible_from=["anyone but the author"],
            ),
        ],
    }
    record = decision_record(doc, recorded_at=datetime(2024, 3, 1, tzinfo=UTC))
    assert record["requires"] == ["senior_review", "design_doc", "owner_approval"]
    assert record["failed_rules"] == ["tiered-review", "checkpoint"]
    assert [r["requires"] for r in record["rules"]] == [
        ["senior_review"],
        ["design_doc"],
        ["owner_approval"],
        ["owner_approval"],
        [],
        [],
    ]
    assert (record["passed"], record["ai_share"], record["risk_tier"]) == (False, 0.8, "high")
    assert record["recorded_at"] == "2024-03-01T00:00:00+00:00"


def test_fields_of_the_wrong_shape_are_left_out_not_fatal() -> None:
    """A stored document from another version, or a hand-concatenated log: a field of another
    shape gives an empty value instead of an exception that loses every record after it."""
    doc = {
        "verdict": "blocked",
        "rules": [
            "not a rule",
            {"name": "r", "status": "blocked", "tier": "senior", "requirements": "x"},
            {
                "name": "s",
                "status": "pending",
                "requirements": [{"kind": "approvals", "eligible_from": "role senior"}],
            },
        ],
        "provenance": "broken",
        "facts": [],
        "tiers": "one string",
    }
    record = decision_record(doc)
    assert [r["name"] for r in record["rules"]] == ["r", "s"]
    assert record["requires"] == ["senior_review"] and record["failed_rules"] == ["r", "s"]
    assert record["ai_share"] is None and record["risk"] is None and record["tiers"] == []


def test_log_keeps_the_latest_decision_per_range_and_reports_corrupt_lines(tmp_path: Path) -> None:
    log = tmp_path / ".netgain" / "decisions.jsonl"
    assert read_decisions(log) is None  # never recorded: a missing source, not an empty one

    def rec(head: str, verdict: str, day: int) -> dict[str, object]:
        return {
            "base": "b",
            "head": head,
            "verdict": verdict,
            "rules": [],
            "recorded_at": datetime(2024, 3, day, tzinfo=UTC).isoformat(),
        }

    append_decision(log, rec("h1", "pending", 1))
    append_decision(log, rec("h2", "approved", 2))
    with log.open("a", encoding="utf-8") as f:
        f.write('{"base": "b", "head": "h3", "verd\n')  # a truncated write: line 3
        f.write('{"base": "b", "head": "h3", "verdict": "approved", "rules": []}\n')  # line 4
        f.write("\n")
    append_decision(log, rec("h1", "approved", 3))  # line 6: the re-run after an approval
    append_decision(log, rec("h2", "blocked", 1))  # line 7: older than line 2, loses
    result = read_decisions(log)
    assert result is not None
    assert [(d["head"], d["verdict"]) for d in result.decisions] == [
        ("h2", "approved"),
        ("h1", "approved"),
    ]
    assert result.lines == 4
    assert [p.split(": ", 1)[0] for p in result.problems] == [f"{log}:3", f"{log}:4"]
    assert "needs base, head and an ISO recorded_at" in result.problems[1]


def test_check_records_and_report_shows_policy_outcomes(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    ai_auth_change(repo)
    db = f"sqlite:///{tmp_path / 'store.db'}"
    base = repo.git("rev-parse", "base")
    gate = ("check", "--base", base, "--head", "HEAD", "--db", db, "--author", "bob")
    assert netgain(*gate, cwd=repo.path, check=False).returncode == 1  # blocked, recorded
    assert netgain(*gate, "--approved-by", "sam", cwd=repo.path, check=False).returncode == 1
    assert netgain(*gate, "--no-record", cwd=repo.path, check=False).returncode == 1
    repo.checkout("base")
    repo.commit({"README.md": "hello\n"}, "Docs", author=SAM)
    small = ("check", "--base", "HEAD~1", "--head", "HEAD", "--db", db, "--author", "sam")
    small += ("--approved-by", "ada")  # peer review
    assert netgain(*small, cwd=repo.path, check=False).returncode == 0
    lines = (repo.path / DECISIONS_FILE).read_text().splitlines()
    assert len(lines) == 3  # --no-record wrote nothing
    first = json.loads(lines[0])
    assert (first["verdict"], first["ai_share"], first["head"]) == (
        "blocked",
        1.0,
        repo.git("rev-parse", "feature"),
    )
    assert "architectural-checkpoint" in first["failed_rules"]
    assert set(first["requires"]) >= {"senior_review", "design_doc"}

    out = tmp_path / "report.html"
    with (repo.path / DECISIONS_FILE).open("a") as log:
        log.write("not json\n")  # line 4
    run = netgain(
        "report", "--db", db, "--output", str(out), "--no-rework", "--json", cwd=repo.path
    )
    doc = json.loads(run.stdout)["metrics"]
    policy = doc["policy"]
    assert policy["decisions"] == 2 and doc["sources"]["policy_decisions"] == 2
    assert policy["verdicts"] == {"approved": 1, "pending": 0, "blocked": 1}
    assert policy["required"]["design_doc"]["numerator"] == 1
    assert policy["failures_by_rule"][0]["rule"] == "architectural-checkpoint"
    assert f"policy decisions: {repo.path / DECISIONS_FILE}:4: not a JSON decision record" in (
        " ".join(doc["notes"])
    )
    html = out.read_text()
    for chart in ("chart-policy-decisions", "chart-policy-required", "chart-policy-rules"):
        assert f'id="{chart}"' in html
    assert "data-policy-empty" not in html


def test_an_unwritable_log_is_a_problem_not_a_changed_verdict(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    ai_auth_change(repo)
    (repo.path / DECISIONS_FILE).mkdir(parents=True)  # a directory where the log should be
    run = netgain(
        "check",
        "--base",
        "base",
        "--head",
        "HEAD",
        "--format",
        "json",
        "--db",
        f"sqlite:///{tmp_path / 'store.db'}",
        cwd=repo.path,
        check=False,
    )
    doc = json.loads(run.stdout)
    assert run.returncode == 1 and doc["verdict"] == "blocked"
    [problem] = [p for p in doc["problems"] if p["kind"] == "record"]
    assert problem["message"].startswith("decision not recorded in ")


def test_an_explicit_missing_log_is_a_usage_error(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    run = netgain(
        "metrics",
        "--decisions",
        str(tmp_path / "none.jsonl"),
        "--no-rework",
        "--db",
        f"sqlite:///{tmp_path / 'store.db'}",
        cwd=repo.path,
        check=False,
    )
    assert run.returncode == 2 and "none.jsonl: no such decision log" in run.stderr


_APPEND_NEAR_LIMIT = """
import resource, sys
from pathlib import Path
from netgain.policy.record import append_decision
path = Path(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (path.stat().st_size + 10, resource.RLIM_INFINITY))
try:
    append_decision(path, {"base": "b" * 40, "head": "h" * 40, "note": "x" * 200})
except OSError as exc:
    print(exc.errno, exc.filename)
"""


def test_a_record_cut_short_by_a_full_disk_is_an_error(tmp_path: Path) -> None:
    """A short write (the file size limit here, a full disk in CI) raises instead of passing for
    a recorded decision; the caller then reports "decision not recorded"."""
    log = tmp_path / "decisions.jsonl"
    log.write_text("")
    out = subprocess.run(
        [sys.executable, "-c", _APPEND_NEAR_LIMIT, str(log)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == [str(errno.ENOSPC), str(log)]
