"""`make demo` (scripts/demo.sh) runs from any git checkout of netgain, a `git worktree` included
(where `.git` is a file, which the script used to refuse), and refuses a folder that is not the
top of its own checkout (an unpacked sdist inside some other repository)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitrepo import GitRepo, git_env

ROOT = Path(__file__).resolve().parents[1]
NETGAIN = Path(sys.executable).with_name("netgain")


def _checkout(tmp_path: Path) -> GitRepo:
    """A tiny project laid out like netgain's: scripts/demo.sh, src/, four commits."""
    repo = GitRepo(tmp_path / "origin")
    demo = (ROOT / "scripts" / "demo.sh").read_text(encoding="utf-8")
    repo.commit({"scripts/demo.sh": demo, "src/app.py": "A = 1\n"}, "init")
    for i in range(3):
        repo.commit({"src/app.py": f"A = {i + 2}\n"}, f"change {i}")
    return repo


def _run_demo(folder: Path) -> subprocess.CompletedProcess[str]:
    venv_bin = folder / ".venv" / "bin"
    venv_bin.mkdir(parents=True, exist_ok=True)
    (venv_bin / "netgain").symlink_to(NETGAIN)  # the installed netgain, as `make venv` gives
    return subprocess.run(
        ["bash", str(folder / "scripts" / "demo.sh")],
        env=git_env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.slow
def test_the_demo_runs_in_a_git_worktree(tmp_path: Path) -> None:
    repo = _checkout(tmp_path)
    worktree = tmp_path / "wt"
    repo.git("worktree", "add", "-q", "-b", "demo", str(worktree))
    assert (worktree / ".git").is_file()
    done = _run_demo(worktree)
    assert done.returncode == 0, done.stderr
    assert "Ingested 4 new commit(s)" in done.stdout
    assert "== netgain scan src" in done.stdout
    assert (worktree / ".netgain" / "report.html").is_file()


def test_the_demo_refuses_a_folder_inside_another_repository(tmp_path: Path) -> None:
    outer = GitRepo(tmp_path / "home")
    outer.commit({"notes.txt": "x\n"}, "dotfiles")
    unpacked = outer.path / "netgain-0.1.0"
    (unpacked / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "demo.sh", unpacked / "scripts" / "demo.sh")
    done = _run_demo(unpacked)
    assert done.returncode == 2
    assert "run it from a git clone" in done.stderr
    assert not (outer.path / ".netgain").exists()  # the outer history was not ingested
