"""The review brief (`netgain check --brief`) on real repositories: what a senior reads first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from netgain.policy.brief import RANKS, Brief, brief_order, build_brief, runs
from netgain.policy.evaluate import Decision
from netgain.policy.facts import ChangeContext
from netgain.report.brief import render_brief
from tests.gitrepo import GitRepo
from tests.history.conftest import netgain
from tests.policy.payloads_util import write
from tests.policy.scenario import ADA, BOB, CLAUDE, SQL_CODE, ai_auth_change, base_repo, pr_event
from tests.policy.test_check import check


def brief_for(repo: GitRepo, tmp: Path, **options: Any) -> tuple[Brief, dict[str, Any]]:
    """Run the gate on base..HEAD and build the brief from what it gathered and decided."""
    briefs: list[Brief] = []

    def keep(ctx: ChangeContext, decision: Decision) -> None:
        briefs.append(build_brief(ctx, decision))

    doc = check(repo, tmp, record=False, on_decision=keep, **options)
    [brief] = briefs
    return brief, doc


def ai_auth_and_sql(tmp: Path) -> GitRepo:
    repo = base_repo(tmp / "r")
    ai_auth_change(repo)
    repo.commit({"src/users.py": SQL_CODE}, "User lookup" + CLAUDE, author=BOB)
    return repo


def test_taint_line_comes_first_with_its_trace_then_zone_lines(tmp_path: Path) -> None:
    repo = ai_auth_and_sql(tmp_path)
    brief, doc = brief_for(repo, tmp_path)
    assert brief.needed and "senior review required by rule tiered-review" in brief.reason
    first = brief.items[0]
    assert (first.kind, first.path, first.line) == ("taint", "src/users.py", 6)
    assert "sql-injection" in first.why
    assert first.trace and first.trace[-1].startswith("src/users.py:6:")
    assert first.trace[0].startswith("src/users.py:4:")  # the `name` parameter, the source
    # the lesser reasons for the same line stay with it
    assert first.also == [
        "zone data_access: raw_sql (cur.execute(binop))",
        "first use of raw_sql by bob in this repository",
    ]
    kinds = [i.kind for i in brief.items]
    assert kinds == sorted(kinds, key=RANKS.__getitem__)
    zone_items = [i for i in brief.items if i.kind == "zone"]
    assert zone_items and all("zone auth" in i.why for i in zone_items)
    assert {i.path for i in zone_items} == {"src/auth/tokens.py"}
    # the jwt lines first, then the rest of the zone file in one run around them
    assert [(i.line, i.end_line) for i in zone_items] == [(3, 3), (10, 10), (14, 14), (1, 19)]
    # each added line counts once: in the brief or low attention, never both
    # 7 added lines; the sink (6) and the source on the trace (4) are in the brief
    assert brief.low_attention["src/users.py"] == 5
    assert brief.lines_in_brief == doc["facts"]["lines_added"] - sum(brief.low_attention.values())
    assert doc["verdict"] == "blocked"  # the brief changes nothing in the decision
    # the reading order Effort@20% measures: the sink, its source, then the zone's jwt lines
    order = brief_order(brief)
    assert order[:3] == [("src/users.py", 6), ("src/users.py", 4), ("src/auth/tokens.py", 3)]
    assert len(order) == len(set(order)) == brief.lines_in_brief


def test_large_ai_block_and_files_new_to_the_author(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    repo.branch("feature")
    helpers = "".join(f"def f{i}(x: int) -> int:\n    return x + {i}\n" for i in range(8))
    # src/auth/__init__.py was only ever changed by Ada: Bob has never touched it
    repo.commit(
        {"src/util.py": helpers, "src/auth/__init__.py": '"""Auth package, documented."""\n'},
        "Helpers" + CLAUDE,
        author=BOB,
    )
    brief, _ = brief_for(repo, tmp_path)
    assert brief.needed
    blocks = [i for i in brief.items if i.kind == "ai_block"]
    assert [(b.path, b.line, b.end_line) for b in blocks] == [("src/util.py", 1, 16)]
    # the auth file is a zone line first: it is listed once, under its most important reason
    assert [i.kind for i in brief.items if i.path == "src/auth/__init__.py"] == ["zone"]


def test_cli_prints_the_brief_and_writes_it_to_a_file(tmp_path: Path) -> None:
    repo = ai_auth_and_sql(tmp_path)
    event = write(tmp_path / "event.json", pr_event(repo))
    proc = netgain(
        "check", "--event", str(event), "--brief", "--no-record", cwd=repo.path, check=False
    )
    assert proc.returncode == 1, proc.stderr  # blocked, as without --brief
    text = proc.stdout
    assert text.startswith("## Review brief")
    assert "1. `src/users.py:6` (on a taint path)" in text
    assert "   - src/users.py:4:" in text
    assert text.index("taint path") < text.index("sensitive zone")
    assert "   - also: first use of jwt by bob in this repository" in text
    out = tmp_path / "brief.md"
    proc = netgain(
        "check",
        "--event",
        str(event),
        "--brief-output",
        str(out),
        "--no-record",
        cwd=repo.path,
        check=False,
    )
    assert out.read_text(encoding="utf-8") == text
    assert proc.stdout.startswith("verdict: BLOCKED")  # the decision prints as usual
    proc = netgain(
        "check",
        "--event",
        str(event),
        "--brief-output",
        str(tmp_path / "no" / "brief.md"),
        "--no-record",
        cwd=repo.path,
        check=False,
    )
    assert (
        proc.returncode == 2 and "--brief-output" in proc.stderr and "Traceback" not in proc.stderr
    )


def test_human_docs_only_change_needs_no_brief(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    repo.branch("feature")
    repo.commit({"docs/guide.md": "# Guide\n\nRun `make`.\n"}, "Write a guide", author=BOB)
    event = write(tmp_path / "event.json", pr_event(repo))
    proc = netgain(
        "check", "--event", str(event), "--brief", "--no-record", cwd=repo.path, check=False
    )
    assert proc.stdout.startswith("## Review brief\n\nNo brief needed: no rule sends this change")
    assert "peer" in proc.stdout


def test_runs_groups_contiguous_lines() -> None:
    assert runs({5, 1, 2, 3, 9, 10}) == [(1, 3), (5, 5), (9, 10)]
    assert runs(set()) == []


def test_hunks_of_a_file_new_to_the_author_make_one_item(tmp_path: Path) -> None:
    """The shape seen on pallets/itsdangerous: a contributor's first change to a module, in
    several hunks, adding the repository's first hmac call (a first use of crypto)."""
    repo = base_repo(tmp_path / "r")
    body = "".join(f"def f{i}(x: bytes) -> bytes:\n    return x\n\n\n" for i in range(6))
    repo.commit({"src/sign.py": "import hmac\n\n\n" + body}, "Signing module", author=ADA)
    repo.git("branch", "-f", "base")
    repo.branch("feature")
    lines = ("import hmac\n\n\n" + body).splitlines(keepends=True)
    lines[4] = "    return x + b'1'\n"  # inside f0
    lines[16] = "    return hmac.new(x, b'', 'sha256').digest()\n"  # inside f3
    lines[24] = "    return x[::-1]\n"  # inside f5
    repo.commit({"src/sign.py": "".join(lines)}, "Sign with hmac", author=BOB)
    brief, _ = brief_for(repo, tmp_path)
    assert brief.needed and "first-use-review" in brief.reason
    assert [(i.kind, i.line, i.end_line) for i in brief.items] == [
        ("first_use", 17, 17),
        ("new_to_author", 5, 25),
    ]
    assert "bob has never changed this file before (2 lines: 5, 25)" in brief.items[1].why


def test_added_lines_no_test_runs_come_after_first_uses(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "r")
    repo.commit({"src/calc.py": "def add(a, b):\n    return a + b\n"}, "Calc", author=BOB)
    repo.git("branch", "-f", "base")
    repo.branch("feature")
    calc = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"
    repo.commit({"src/calc.py": calc}, "Sub" + CLAUDE, author=BOB)
    lcov = tmp_path / "lcov.info"
    lcov.write_text("SF:src/calc.py\nDA:1,1\nDA:2,1\nDA:5,1\nDA:6,0\nend_of_record\n")
    brief, _ = brief_for(repo, tmp_path, coverage=lcov)
    assert brief.needed  # mostly AI-written: the senior tier
    assert [(i.kind, i.line, i.end_line) for i in brief.items] == [("uncovered", 6, 6)]
    assert brief.low_attention == {"src/calc.py": 3}  # the blank lines and the covered `def`


def test_several_signals_on_one_line_make_one_item(tmp_path: Path) -> None:
    """The shape seen on miguelgrinberg/microblog: `from flask_login import a, b, c` is one line
    with several session signals; it is one item, not one per imported name."""
    repo = base_repo(tmp_path / "r")
    ai_auth_change(repo)
    views = (
        "from flask_login import current_user, login_user, logout_user\n\n\n"
        "def out() -> None:\n    logout_user()\n"
    )
    repo.commit({"src/views.py": views}, "Views" + CLAUDE, author=BOB)
    brief, _ = brief_for(repo, tmp_path)
    [first] = [i for i in brief.items if i.path == "src/views.py" and i.line == 1]
    assert first.kind == "zone"
    assert first.why.startswith("zone auth: session (import flask_login.current_user, ")
    assert first.also == ["first use of session by bob in this repository"]


def test_files_nothing_analysed_are_named_before_the_items(tmp_path: Path) -> None:
    """The ranking cannot speak for code nobody scanned: the brief says so first."""
    repo = base_repo(tmp_path / "r")
    ai_auth_change(repo)
    broken = "def broken(:\n    pass\n"
    go = 'package api\n\nfunc Hello() string { return "hi" }\n'
    repo.commit({"src/broken.py": broken, "src/api/users.go": go}, "More" + CLAUDE, author=BOB)
    brief, _ = brief_for(repo, tmp_path)
    assert brief.needed
    paths = [entry.split(":")[0] for entry in brief.not_analysed]
    assert "src/broken.py" in paths and "src/api/users.go" in paths
    text = render_brief(brief)
    assert text.index("### Not analysed") < text.index("1. `")
