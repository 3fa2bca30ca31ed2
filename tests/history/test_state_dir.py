"""`.netgain/` in the analysed repository ignores itself, as pytest's and Ruff's caches do."""

from __future__ import annotations

from pathlib import Path

from tests.gitrepo import GitRepo
from tests.history.conftest import netgain


def test_netgain_leaves_git_status_clean(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit({"app.py": "import os\n\n\ndef run(cmd):\n    os.system(cmd)\n"}, "one")
    repo.commit({"app.py": "import os\n\n\ndef run(cmd):\n    os.system(cmd)\n# two\n"}, "two")
    netgain("ingest", cwd=repo.path)
    netgain("scan", ".", cwd=repo.path, check=False)
    netgain("check", "--base", "HEAD~1", "--head", "HEAD", cwd=repo.path, check=False)
    assert (repo.path / ".netgain" / "netgain.db").is_file()
    assert (repo.path / ".netgain" / "decisions.jsonl").is_file()
    assert repo.git("status", "--porcelain", "--untracked-files=all") == ""
    # and `git add -A` commits nothing of it
    repo.git("add", "-A")
    assert repo.git("diff", "--cached", "--name-only") == ""


def test_an_existing_gitignore_of_the_user_is_kept(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit({"app.py": "x = 1\n"}, "one")
    (repo.path / ".netgain").mkdir()
    (repo.path / ".netgain" / ".gitignore").write_text("netgain.db\n", encoding="utf-8")
    netgain("ingest", cwd=repo.path)
    assert (repo.path / ".netgain" / ".gitignore").read_text(encoding="utf-8") == "netgain.db\n"
