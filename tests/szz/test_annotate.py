"""The history replay must give the same line origins as `git blame`, line for line.

Each test compares `netgain.szz.annotate` with git's own blame on real repositories: a generated
history with merges, renames, deletions and re-additions, and hand-made corner cases.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from netgain.git import parse_incremental
from netgain.szz import find_inducing
from netgain.szz.annotate import Annotation, annotate, match_lines
from tests.gitrepo import GitRepo
from tests.szz.scenarios import SCENARIOS


def _git_blame(repo: Path, rev: str, path: str, *options: str) -> dict[int, tuple[str, str, int]]:
    out = GitRepo(repo, init=False).git_bytes(
        "blame", "--incremental", "--root", *options, rev, "--", path
    )
    return {b.final_line: (b.sha, b.orig_path, b.orig_line) for b in parse_incremental(out)}


def _replayed(
    ann: Annotation, fix: str, path: str, ignore: set[str] | None = None
) -> dict[int, tuple[str, str, int]]:
    out = {}
    for i, origin in enumerate(ann.before[(fix, path)]):
        o = origin.past(ignore or set())
        out[i + 1] = (o.sha, o.path, o.line)
    return out


def _modified_files(repo: GitRepo, sha: str) -> set[str]:
    out = repo.git("diff-tree", "--no-commit-id", "-r", "-M", "--name-status", sha)
    files = set()
    for line in out.splitlines():
        status, *paths = line.split("\t")
        if status == "M" or status.startswith("R"):
            files.add(paths[0])
    return files


@pytest.mark.parametrize(
    ("whitespace", "pathspec_limit"),
    [(False, 64), (True, 64), (True, 0)],
    ids=["exact", "ignore-whitespace", "whole-history-read"],
)
def test_generated_history_matches_git_blame(
    tmp_path: Path, whitespace: bool, pathspec_limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both ways of reading history (a pathspec per group of files, or the whole history with
    the other files skipped) give git blame's answer for every line."""
    from benchmarks.make_history import make_history

    monkeypatch.setattr("netgain.szz.annotate.PATHSPEC_LIMIT", pathspec_limit)
    monkeypatch.setattr("netgain.szz.annotate.PATHSPEC_MAX", pathspec_limit)
    path = make_history(tmp_path / "h", commits=700, files=12, seed=3)
    repo = GitRepo(path, init=False)
    repo.git("reset", "-q", "--hard", "main")
    shas = repo.git("log", "--no-merges", "--format=%H", "-n", "60").split()
    wanted = {sha: files for sha in shas if (files := _modified_files(repo, sha))}
    ann = annotate(path, wanted, ignore_whitespace=whitespace, jobs=2 if whitespace else 1)
    assert ann.unknown == set()
    pairs = [(sha, p) for sha, files in wanted.items() for p in files]
    assert len(pairs) >= 40
    # The history the pairs depend on has merges and renames, or this test proves little.
    assert repo.git("rev-list", "--merges", "--count", "main").strip() != "0"
    assert repo.git("log", "-M", "--diff-filter=R", "--format=%H", "main").strip()
    option = ("-w",) if whitespace else ()
    for sha, p in pairs:
        assert _replayed(ann, sha, p) == _git_blame(path, f"{sha}^", p, *option), (sha, p)


@pytest.mark.parametrize("pathspec_limit", [64, 0], ids=["pathspec", "whole-history-read"])
def test_merges_renames_and_odd_names_match_git_blame(
    tmp_path: Path, pathspec_limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("netgain.szz.annotate.PATHSPEC_LIMIT", pathspec_limit)
    monkeypatch.setattr("netgain.szz.annotate.PATHSPEC_MAX", pathspec_limit)
    r = GitRepo(tmp_path / "r")
    name = 'dir with space/ünïcode "q".py'
    r.commit({name: "a = 1\nb = 2\nc = 3\nd = 4\n", "gone.py": "x = 1\n"}, "Add")
    r.branch("side")
    r.commit({name: "a = 1\nb = 20\nc = 3\nd = 4\n"}, "Main edits b")
    r.checkout("side")
    r.commit({name: "a = 1\nb = 2\nc = 3\nd = 40\n", "gone.py": None}, "Side edits d")
    r.commit({name: "a = 1\nb = 2\nc  =  3\nd = 40\n"}, "Side reformats c")
    r.checkout("main")
    r.merge("side")
    r.commit({name: None, "moved.py": "a = 1\nb = 20\nc  =  3\nd = 40\n"}, "Rename")
    r.commit({"moved.py": "a = 1\nb = 20\nc  =  3\nd = 40\ne = 5\n", "gone.py": "y = 2\n"}, "More")
    fix = r.commit({"moved.py": "a = 1\nb = 21\nc = 30\nd = 41\ne = 5\n"}, "Fix")
    for whitespace, option in ((False, ()), (True, ("-w",))):
        ann = annotate(r.path, {fix: {"moved.py"}}, ignore_whitespace=whitespace)
        assert _replayed(ann, fix, "moved.py") == _git_blame(r.path, f"{fix}^", "moved.py", *option)


def test_looking_past_a_commit_follows_the_line_it_replaced(tmp_path: Path) -> None:
    r = GitRepo(tmp_path / "r")
    r.commit({"m.py": "def f(x):\n    return x + 1\n\ndef g(y):\n    return y * 2\n"}, "Add")
    reformat = r.commit(
        {"m.py": "def f(x):\n    return (x + 1)\n\ndef g(y):\n    return (y * 2)\n"}, "Format"
    )
    fix = r.commit(
        {"m.py": "def f(x):\n    return (x + 2)\n\ndef g(y):\n    return (y * 3)\n"}, "Fix"
    )
    ann = annotate(r.path, {fix: {"m.py"}}, ignore_whitespace=True)
    expected = _git_blame(r.path, f"{fix}^", "m.py", "-w", "--ignore-rev", reformat)
    assert _replayed(ann, fix, "m.py", {reformat}) == expected
    assert _replayed(ann, fix, "m.py", {reformat})[2][0] != reformat


def test_match_lines_keeps_order_and_leaves_new_lines_unmatched() -> None:
    assert match_lines([b"a = 1"], [b"a = 2"]) == [0]
    removed = [b"total = price * qty", b"return total"]
    added = [b"if qty < 0:", b"    raise ValueError", b"total = price * qty", b"return total"]
    matched = match_lines(removed, added)
    assert matched[2:] == [0, 1]
    assert match_lines([], [b"x"]) == [None]
    assert match_lines([b"zzz"], [b"q", b"r"]) == [None, None]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_replay_and_git_blame_engines_agree_on_every_variant(name: str, tmp_path: Path) -> None:
    scenario = SCENARIOS[name](tmp_path / name)
    dates = {scenario.fix: scenario.date} if scenario.date else None
    for variant in ("b", "ag", "ma", "r", "netgain"):
        results = [
            find_inducing(
                scenario.repo.path,
                [scenario.fix],
                variant,
                dates=dates,
                large_files=scenario.large_files,
                engine=engine,
            )[0]
            for engine in ("replay", "git")
        ]
        assert results[0].to_dict() == results[1].to_dict(), (name, variant)


def test_changed_text_from_patches_equals_text_from_blobs(tmp_path: Path) -> None:
    """The changed lines SZZ reads from diff-tree patches are the blobs' own lines."""
    from benchmarks.make_history import make_history
    from netgain.git import CatFileBatch
    from netgain.szz.changes import load_changes, load_commit_info

    path = make_history(tmp_path / "h", commits=200, files=10, seed=5)
    repo = GitRepo(path, init=False)
    shas = repo.git("rev-list", "--no-merges", "--all").split()
    infos = load_commit_info(path, shas)
    with_old = load_changes(path, infos)  # removed lines read from the old blobs
    from_patches = load_changes(path, infos, old_text=False)
    assert set(with_old) == set(from_patches)
    new_names = [
        f"{sha}:{f.diff.path}" for sha, c in from_patches.items() for f in c.files if f.added
    ]
    with CatFileBatch(path) as cat:
        new_blobs = {
            name: obj.data.decode("utf-8", "replace").splitlines()
            for name, obj in cat.read_many(new_names)
            if obj is not None
        }
    compared = 0
    for sha, changes in with_old.items():
        other = from_patches[sha]
        assert other.files_touched == changes.files_touched
        for a, b in zip(changes.files, other.files, strict=True):
            assert (a.diff.path, a.removed) == (b.diff.path, b.removed)
            new = new_blobs.get(f"{sha}:{b.diff.path}", [])
            assert b.added == {n: new[n - 1] for n in b.added}
            assert a.added == b.added
            compared += len(a.removed) + len(b.added)
    assert compared > 1000


@pytest.mark.parametrize("pathspec_limit", [64, 0], ids=["pathspec", "whole-history-read"])
def test_odd_files_match_git_blame_or_are_left_to_it(
    tmp_path: Path, pathspec_limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CRLF lines, a file that was binary for a while, a mode change, a symlink beside it and a
    name git must quote: the replay either matches git blame or says it cannot follow the file."""
    monkeypatch.setattr("netgain.szz.annotate.PATHSPEC_LIMIT", pathspec_limit)
    monkeypatch.setattr("netgain.szz.annotate.PATHSPEC_MAX", pathspec_limit)
    r = GitRepo(tmp_path / "r")
    r.commit(
        {"crlf.txt": b"a\r\nb\r\nc\r\n", "flip.dat": "one\ntwo\n", "tab\tname.py": "x = 1\n"}, "Add"
    )
    r.commit({"flip.dat": b"\x00binary\x00"}, "Binary for a while")
    r.commit({"flip.dat": "one\ntwo\nthree\n", "crlf.txt": b"a\r\nB\r\nc\r\n"}, "Text again")
    (r.path / "tab\tname.py").chmod(0o755)
    (r.path / "link").symlink_to("crlf.txt")
    r.git("add", "-A")
    r.commit(message="Mode and symlink")
    fix = r.commit(
        {
            "crlf.txt": b"A\r\nB\r\nc\r\n",
            "flip.dat": "ONE\ntwo\nthree\n",
            "tab\tname.py": "x = 2\n",
        },
        "Fix",
    )
    files = {"crlf.txt", "flip.dat", "tab\tname.py"}
    ann = annotate(r.path, {fix: files}, ignore_whitespace=False)
    assert set(ann.before) | ann.unknown == {(fix, p) for p in files}
    assert (fix, "crlf.txt") in ann.before and (fix, "tab\tname.py") in ann.before
    for _sha, path in ann.before:
        assert _replayed(ann, fix, path) == _git_blame(r.path, f"{fix}^", path), path
