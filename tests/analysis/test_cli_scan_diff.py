"""`--diff BASE` against real git repositories: committed, uncommitted and untracked changes."""

from __future__ import annotations

import json
from pathlib import Path

from netgain.analysis.diff_filter import changed_lines_since
from netgain.git.model import LineRange
from tests.analysis.scan_helpers import commit_all, git, init_repo, run_scan, sarif_log, write_json

BODY = "".join(f"value_{n} = {n}\n" for n in range(1, 11))


def _repo(tmp_path: Path) -> tuple[Path, str]:
    repo = init_repo(tmp_path / "repo")
    (repo / "pkg").mkdir()
    (repo / "pkg" / "old.py").write_text(BODY, encoding="utf-8")
    (repo / "pkg" / "moved.py").write_text(BODY.replace("value", "item"), encoding="utf-8")
    base = commit_all(repo, "base")
    return repo, base


def _change(repo: Path) -> None:
    lines = BODY.splitlines(keepends=True)
    lines[3] = "value_4 = input()\n"  # changed line 4
    lines.insert(7, "extra = 1\n")  # added line 8
    (repo / "pkg" / "old.py").write_text("".join(lines), encoding="utf-8")
    commit_all(repo, "change")
    git(repo, "mv", "pkg/moved.py", "pkg/renamed.py")
    commit_all(repo, "rename")
    # Uncommitted edit of a committed file, and an untracked file.
    renamed = repo / "pkg" / "renamed.py"
    renamed.write_text(renamed.read_text(encoding="utf-8") + "item_11 = 11\n", encoding="utf-8")
    (repo / "pkg" / "new.py").write_text("a = 1\nb = 2\n", encoding="utf-8")


def test_changed_lines_cover_commits_worktree_renames_and_untracked(tmp_path: Path) -> None:
    repo, base = _repo(tmp_path)
    _change(repo)
    changed = changed_lines_since(repo, base)
    assert changed.ranges["pkg/old.py"] == [LineRange(4, 4), LineRange(8, 8)]
    assert changed.ranges["pkg/renamed.py"] == [LineRange(11, 11)]  # rename itself adds nothing
    assert "pkg/new.py" in changed.whole
    assert changed.touches("pkg/new.py", 2)
    assert not changed.touches("pkg/old.py", 5)


def test_scan_root_in_a_subfolder_maps_paths(tmp_path: Path) -> None:
    repo, base = _repo(tmp_path)
    _change(repo)
    changed = changed_lines_since(repo / "pkg", base)
    assert "old.py" in changed.ranges


def test_diff_reports_only_findings_touching_changed_lines(tmp_path: Path) -> None:
    repo, base = _repo(tmp_path)
    _change(repo)
    log = write_json(
        tmp_path / "tool.sarif",
        sarif_log(
            "Semgrep OSS",
            [
                ("on-changed-line", "pkg/old.py", 4),
                ("on-added-line", "pkg/old.py", 8),
                ("on-old-line", "pkg/old.py", 2),
                ("worktree-edit", "pkg/renamed.py", 11),
                ("renamed-old-line", "pkg/renamed.py", 3),
                ("untracked", "pkg/new.py", 1),
            ],
        ),
    )
    result = run_scan(repo, "--diff", base, "--import", log, "--format", "json", "--no-cache")
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    assert sorted(f["rule"] for f in doc["findings"]) == [
        "on-added-line",
        "on-changed-line",
        "untracked",
        "worktree-edit",
    ]
    assert doc["summary"]["outside_diff"] == 2
    assert doc["diff_base"] == base


def test_trace_step_on_a_changed_line_keeps_an_old_sink(tmp_path: Path) -> None:
    repo, base = _repo(tmp_path)
    _change(repo)
    log = sarif_log("CodeQL", [("py/flow", "pkg/old.py", 2)])
    step = {
        "location": {
            "physicalLocation": {
                "artifactLocation": {"uri": "pkg/old.py"},
                "region": {"startLine": 4},
            },
            "message": {"text": "new source"},
        }
    }
    log["runs"][0]["results"][0]["codeFlows"] = [{"threadFlows": [{"locations": [step]}]}]
    path = write_json(tmp_path / "flow.sarif", log)
    doc = json.loads(run_scan(repo, "--diff", base, "--import", path, "--format", "json").stdout)
    assert [f["rule"] for f in doc["findings"]] == ["py/flow"]


def test_nothing_changed_reports_nothing(tmp_path: Path) -> None:
    repo, _ = _repo(tmp_path)
    log = write_json(tmp_path / "t.sarif", sarif_log("X", [("r", "pkg/old.py", 2)]))
    result = run_scan(repo, "--diff", "HEAD", "--import", log, "--format", "json", "--no-cache")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["summary"]["outside_diff"] == 1


def test_bad_base_and_non_repository_are_usage_errors(tmp_path: Path) -> None:
    repo, _ = _repo(tmp_path)
    bad = run_scan(repo, "--diff", "no-such-branch", "--no-cache")
    assert bad.exit_code == 2
    assert "--diff no-such-branch: no such commit" in bad.output
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "a.py").write_text("x = 1\n", encoding="utf-8")
    outside = run_scan(plain, "--diff", "HEAD", "--no-cache")
    assert outside.exit_code == 2
    assert "needs a git repository" in outside.output


def test_option_like_base_is_refused(tmp_path: Path) -> None:
    repo, _ = _repo(tmp_path)
    result = run_scan(repo, "--diff=--output=/tmp/pwned", "--no-cache")
    assert result.exit_code == 2
    assert "looks like an option" in result.output
    assert not Path("/tmp/pwned").exists()


def test_unusual_file_names_are_matched(tmp_path: Path) -> None:
    repo, base = _repo(tmp_path)
    odd = repo / "pkg" / 'sp ace "q" \u00e9.py'
    odd.write_text("x = 1\n", encoding="utf-8")
    commit_all(repo, "odd name")
    changed = changed_lines_since(repo, base)
    assert changed.ranges['pkg/sp ace "q" \u00e9.py'] == [LineRange(1, 1)]
