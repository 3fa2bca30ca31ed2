"""git-ai notes carried across squash and rebase merges to the commit that lands (issue 15 item 3).

The shape of a squash-merging team: notes are written on the author's commits, the pull request
is squash-merged, the feature branch is deleted, and the noted commits survive only under
`refs/pull/N/head` (as a clone that fetches pull refs has them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.gitrepo import BASE_EPOCH, GitRepo
from tests.history.conftest import netgain_json
from tests.history.test_ingest_provenance import note

DAY = 86_400


def numbered(tag: str, n: int) -> str:
    return "".join(f"{tag} line {i}\n" for i in range(1, n + 1))


def by_sha(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["sha"]: c for c in payload["commits"]}


def squash(repo: GitRepo, branch: str, message: str, date: int) -> str:
    repo.checkout("main")
    repo.git(
        "-c",
        "user.name=GitHub",
        "-c",
        "user.email=noreply@github.com",
        "merge",
        "-q",
        "--squash",
        branch,
    )
    return repo.commit(message=message, date=date)


def test_notes_on_squashed_commits_count_on_the_squash_commit(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit({"README.md": "x\n"}, "Start", date=BASE_EPOCH)
    repo.branch("feature")
    first = repo.commit({"a.py": numbered("a", 5)}, "WIP a", date=BASE_EPOCH + DAY)
    repo.notes_add("refs/notes/ai", first, note("a.py", "1-3", human="4-5", tool="claude"))
    second = repo.commit({"b.py": numbered("b", 3)}, "WIP b", date=BASE_EPOCH + DAY + 60)
    repo.notes_add("refs/notes/ai", second, note("b.py", "1-3", tool="cursor"))
    repo.update_ref("refs/pull/1/head", second)
    repo.checkout("main")
    repo.commit({"other.py": numbered("o", 2)}, "Meanwhile", date=BASE_EPOCH + DAY + 120)
    landed = squash(repo, "feature", "Add a and b (#1)", BASE_EPOCH + 2 * DAY)
    repo.git("branch", "-q", "-D", "feature")
    # an abandoned pull request: its note lands nowhere and is reported
    repo.branch("abandoned", "main")
    lost = repo.commit({"z.py": numbered("z", 4)}, "Never merged", date=BASE_EPOCH + 3 * DAY)
    repo.notes_add("refs/notes/ai", lost, note("z.py", "1-4"))
    repo.update_ref("refs/pull/2/head", lost)
    repo.checkout("main")
    repo.git("branch", "-q", "-D", "abandoned")

    payload = netgain_json("provenance", "HEAD", cwd=repo.path)
    commits = by_sha(payload)
    squashed = commits[landed]
    assert squashed["level"] == "line"
    assert squashed["added"] == {"ai": 6, "human": 2, "unknown": 0}
    assert sorted(squashed["tools"]) == ["claude-code", "cursor"]
    uncarried = [p for p in payload["problems"] if p["kind"] == "uncarried-note"]
    assert [p["sha"] for p in uncarried] == [lost]


def test_a_rebased_commit_keeps_its_lines_where_they_moved(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit({"c.py": numbered("c", 2)}, "Start", date=BASE_EPOCH)
    repo.branch("feature")
    noted = repo.commit({"c.py": numbered("c", 2) + "new 1\nnew 2\n"}, "Add", date=BASE_EPOCH + DAY)
    repo.notes_add("refs/notes/ai", noted, note("c.py", "3"))  # line 3 AI, line 4 not attested
    repo.update_ref("refs/pull/3/head", noted)
    repo.checkout("main")
    repo.commit({"c.py": "header\n" + numbered("c", 2)}, "Header", date=BASE_EPOCH + DAY + 60)
    # what a rebase merge does: the same change as a new commit on top of main
    repo.git("cherry-pick", "--no-commit", noted)
    landed = repo.commit(message="Add", date=BASE_EPOCH + 2 * DAY)
    repo.git("branch", "-q", "-D", "feature")
    share = netgain_json("share", f"{landed}~1..{landed}", cwd=repo.path)
    [file] = [f for f in share["files"] if f["path"] == "c.py"]
    assert (file["ai_lines"], file["unknown_lines"]) == (1, 1)
    commits = by_sha(netgain_json("provenance", "HEAD", cwd=repo.path))
    assert commits[landed]["added"] == {"ai": 1, "human": 0, "unknown": 1}


def test_a_landed_commit_with_its_own_note_keeps_it(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit({"README.md": "x\n"}, "Start", date=BASE_EPOCH)
    repo.branch("feature")
    pre = repo.commit({"a.py": numbered("a", 4)}, "WIP", date=BASE_EPOCH + DAY)
    repo.notes_add("refs/notes/ai", pre, note("a.py", "1-4"))
    repo.update_ref("refs/pull/4/head", pre)
    landed = squash(repo, "feature", "Add a (#4)", BASE_EPOCH + 2 * DAY)
    repo.notes_add("refs/notes/ai", landed, note("a.py", "1", human="2-4"))
    commits = by_sha(netgain_json("provenance", "HEAD", cwd=repo.path))
    assert commits[landed]["added"] == {"ai": 1, "human": 3, "unknown": 0}
