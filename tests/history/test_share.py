"""`netgain share`: blame-based AI share of surviving lines, figures computed by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.gitrepo import GitRepo
from tests.history.conftest import netgain, netgain_json

SESSION = "s_0a1b2c3d4e5f60"


def ai_note(path: str, ranges: str, tool: str = "cursor") -> str:
    meta = {
        "schema_version": "authorship/3.0.0",
        "base_commit_sha": "d" * 40,
        "prompts": {},
        "sessions": {SESSION: {"agent_id": {"tool": tool, "id": "x", "model": "gpt-5"}}},
    }
    return f"{path}\n  {SESSION}::t_99887766554433 {ranges}\n---\n{json.dumps(meta)}"


def numbered(tag: str, n: int) -> list[str]:
    return [f"{tag}{i}\n" for i in range(1, n + 1)]


@pytest.fixture
def release(tmp_path: Path) -> tuple[GitRepo, str]:
    """v1 (old lines), then a release range with AI, human-marked and unknown lines."""
    repo = GitRepo(tmp_path / "repo")
    repo.commit({"core.py": "".join(numbered("old", 4)), "README.md": "hello\n"}, "v1")
    repo.tag("v1")
    # Claude writes 6 lines of core.py and a 3-line test file.
    core = numbered("old", 4) + numbered("ai", 6)
    repo.commit(
        {"core.py": "".join(core), "tests/test_core.py": "".join(numbered("t", 3))},
        "Add feature\n\nCo-Authored-By: Claude Opus 4.6 (1M context) <noreply@anthropic.com>\n",
    )
    # A human rewrites two of Claude's lines (they are no longer Claude's).
    core[4] = "human-fix-1\n"
    core[5] = "human-fix-2\n"
    repo.commit({"core.py": "".join(core)}, "Fix two lines\n\nAI-Assisted: none\n")
    # Cursor (via a git-ai note) adds a 4-line module, only lines 1-3 attested.
    noted = repo.commit({"pkg/mod.py": "".join(numbered("m", 4))}, "Module")
    repo.notes_add("refs/notes/ai", noted, ai_note("pkg/mod.py", "1-3"))
    # A binary file is not counted; a deleted file contributes nothing.
    repo.commit({"logo.png": b"\x89PNG\r\n\x1a\n\x00\x00binary"}, "Logo")
    (repo.path / "netgain.toml").write_text(
        '[[provenance.markers]]\ntool = "human"\nkind = "human"\nfield = "trailer"\n'
        'pattern = "^AI-Assisted: none"\n'
    )
    repo.commit({"netgain.toml": (repo.path / "netgain.toml").read_text()}, "Config")
    return repo, "v1..HEAD"


def test_share_counts_surviving_lines_by_tool_and_file(release: tuple[GitRepo, str]) -> None:
    repo, rng = release
    data = netgain_json("share", rng, cwd=repo.path)
    # core.py: 4 claude lines survive, 2 human-marked; tests: 3 claude; mod.py: 3 cursor + 1
    # unknown; netgain.toml: 5 unknown. README/old core lines are boundary (outside the range).
    assert data["ai_lines"] == 10
    assert data["human_lines"] == 2
    assert data["unknown_lines"] == 6
    assert data["total_lines"] == 18
    assert data["ai_share"] == pytest.approx(10 / 18)
    assert data["by_tool"] == {"claude-code": 7, "cursor": 3}
    assert data["boundary_lines"] == 4
    assert data["skipped_binary_files"] == ["logo.png"]
    files = {f["path"]: f for f in data["files"]}
    assert files["core.py"]["ai_lines"] == 4 and files["core.py"]["human_lines"] == 2
    assert files["pkg/mod.py"]["ai_lines"] == 3 and files["pkg/mod.py"]["unknown_lines"] == 1
    assert "README.md" not in files


def test_share_globs_have_gitignore_semantics(release: tuple[GitRepo, str]) -> None:
    repo, rng = release
    only_py = netgain_json("share", rng, "--include", "*.py", cwd=repo.path)
    assert {f["path"] for f in only_py["files"]} == {"core.py", "tests/test_core.py", "pkg/mod.py"}
    no_tests = netgain_json("share", rng, "--include", "*.py", "--exclude", "tests/", cwd=repo.path)
    assert {f["path"] for f in no_tests["files"]} == {"core.py", "pkg/mod.py"}
    assert no_tests["ai_lines"] == 7


def test_share_follows_lines_moved_to_another_file(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit({"base.txt": "base\n"}, "base")
    repo.tag("start")
    block = "".join(f"def helper_{i}(value):\n    return value * {i} + {i * 7}\n" for i in range(8))
    repo.commit({"a.py": block}, "helpers\n\nCo-authored-by: Codex <noreply@openai.com>\n")
    # Move the whole block to another file: blame -C attributes it to the Codex commit.
    repo.commit({"a.py": None, "b.py": "# moved\n" + block}, "move helpers")
    data = netgain_json("share", "start..HEAD", cwd=repo.path)
    files = {f["path"]: f for f in data["files"]}
    assert files["b.py"]["ai_lines"] == 16
    assert files["b.py"]["unknown_lines"] == 1
    assert data["by_tool"] == {"codex": 16}


def test_share_of_single_revision_covers_all_history(release: tuple[GitRepo, str]) -> None:
    repo, _ = release
    data = netgain_json("share", "HEAD", cwd=repo.path)
    assert data["boundary_lines"] == 0
    assert data["total_lines"] == 18 + 5  # the v1 lines are now counted (as unknown)
    assert data["ai_lines"] == 10


def test_share_text_output(release: tuple[GitRepo, str]) -> None:
    repo, rng = release
    out = netgain("share", rng, cwd=repo.path).stdout
    assert "AI share of surviving lines" in out
    assert "claude-code" in out and "cursor" in out


def _git_blame_new_lines(repo: GitRepo, rng: str, path: str, *thresholds: str) -> int:
    """Lines of `path` that `git blame <thresholds> rng` credits to commits inside the range."""
    out = repo.git("blame", "--porcelain", *thresholds, rng, "--", path)
    boundary: set[str] = set()
    group_lines: list[str] = []
    for line in out.splitlines():
        parts = line.split(" ")
        if len(parts) >= 3 and len(parts[0]) == 40 and parts[1].isdigit():
            group_lines.append(parts[0])
        elif line == "boundary":
            boundary.add(group_lines[-1])
    return sum(1 for sha in group_lines if sha not in boundary)


def test_move_and_copy_thresholds_reproduce_aiders_blame_exactly(tmp_path: Path) -> None:
    """Repetitive files (a YAML settings file) are where git's default thresholds take new
    blocks for moves or copies of old ones: `--move-chars/--copy-chars 100` must count what
    `git blame -M100 -C100 -C -C` counts, file by file, and the defaults what git's defaults do."""
    repo = GitRepo(tmp_path / "repo")

    def block(name: str) -> str:
        return f"{name}:\n  enabled: true\n  retries: 3\n  timeout_seconds: 30\n"

    repo.commit(
        {"settings.yml": "".join(block(f"svc{i}") for i in range(4)), "lib.py": "X = 1\n"},
        "v1",
    )
    repo.tag("v1")
    blocks = [block(f"svc{i}") for i in range(4)]
    for step in range(3):
        blocks += [block(f"new{step}{k}") for k in range(3)]
        blocks.insert(1, block(f"moved{step}"))
        repo.commit({"settings.yml": "".join(blocks)}, f"more services {step}")
    repo.commit({"lib.py": "X = 1\nY = 2\n", "copy.yml": "".join(blocks[:5])}, "copy")
    paths = ["settings.yml", "copy.yml", "lib.py"]
    aider = netgain_json(
        "share", "v1..HEAD", "--move-chars", "100", "--copy-chars", "100", cwd=repo.path
    )
    default = netgain_json("share", "v1..HEAD", cwd=repo.path)
    for data, thresholds in (
        (aider, ("-M100", "-C100", "-C", "-C")),
        (default, ("-M", "-C", "-C", "-C")),
    ):
        counted = {f["path"]: f["total_lines"] for f in data["files"]}
        expected = {p: _git_blame_new_lines(repo, "v1..HEAD", p, *thresholds) for p in paths}
        assert {p: counted.get(p, 0) for p in paths} == expected
    assert aider["total_lines"] != default["total_lines"]  # the thresholds matter here
    bad = netgain("share", "v1..HEAD", "--move-chars", "-1", cwd=repo.path, check=False)
    assert bad.returncode == 2
