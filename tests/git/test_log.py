"""iter_commits against real repositories: identities, numstat, order, merges, odd content."""

from __future__ import annotations

from collections.abc import Generator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from netgain.errors import GitError
from netgain.git import (
    Commit,
    FileStat,
    GitProblem,
    Identity,
    Trailer,
    encode_path,
    iter_commits,
    read_blob,
)
from tests.gitrepo import BASE_EPOCH, GitRepo

BOT = ("dependabot[bot]", "bot@example.com")


def by_sha(repo: GitRepo) -> dict[str, Commit]:
    return {c.sha: c for c in iter_commits(repo.path, ["HEAD"])}


def test_identities_dates_message_and_numstat(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    first = repo.commit(
        {"a.py": "1\n2\n3\n"}, "Add a\n\nBody.\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"
    )
    second = repo.commit(
        {"a.py": "1\nX\n3\n4\n", "b.py": "b\n"},
        "Edit a, add b\n",
        author=BOT,
        committer=("Grace Hopper", "grace@example.com"),
        date="1704070000 +0200",
    )
    commits = list(iter_commits(repo.path, ["HEAD"]))
    assert [c.sha for c in commits] == [first, second]  # oldest first
    c1, c2 = commits
    assert c1.parents == () and c1.is_root
    assert c2.parents == (first,)
    assert c1.author == Identity("Ada Lovelace", "ada@example.com")
    assert c2.author == Identity(*BOT)
    assert c2.committer == Identity("Grace Hopper", "grace@example.com")
    assert c1.author_date == datetime.fromtimestamp(BASE_EPOCH + 60, UTC)
    assert c2.author_date.utcoffset() is not None
    assert c2.author_date.utcoffset().total_seconds() == 7200  # type: ignore[union-attr]
    assert c2.author_date.timestamp() == 1704070000
    assert c1.message == "Add a\n\nBody.\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"
    assert c1.subject == "Add a"
    assert c1.trailers == [Trailer("Co-Authored-By", "Claude <noreply@anthropic.com>")]
    assert c1.files == [FileStat("a.py", 3, 0)]
    assert sorted(c2.files, key=lambda f: f.path) == [
        FileStat("a.py", 2, 1),
        FileStat("b.py", 1, 0),
    ]
    assert c2.lines_added == 3 and c2.lines_deleted == 1


def test_newest_first_and_exclude(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    shas = [repo.commit({"f": f"{i}\n"}, f"c{i}") for i in range(4)]
    newest = [c.sha for c in iter_commits(repo.path, ["HEAD"], oldest_first=False)]
    assert newest == shas[::-1]
    ranged = [c.sha for c in iter_commits(repo.path, ["HEAD"], exclude=[shas[1]])]
    assert ranged == shas[2:]
    assert [c.sha for c in iter_commits(repo.path, [f"{shas[0]}..{shas[2]}"])] == shas[1:3]
    assert list(iter_commits(repo.path, [])) == []


def test_bad_revision_raises_and_option_like_revision_is_refused(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit({"f": "1\n"}, "c")
    with pytest.raises(GitError):
        list(iter_commits(repo.path, ["no-such-branch"]))
    with pytest.raises(GitError, match="option"):
        list(iter_commits(repo.path, ["--output=/tmp/x"]))


def test_rename_copy_binary_delete(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    body = "".join(f"line {i}\n" for i in range(40))
    repo.commit({"old.py": body, "logo.png": b"\x89PNG\x00\x01\x02"}, "add")
    renamed = repo.commit({"old.py": None, "new dir/new.py": body + "extra\n"}, "rename")
    binary = repo.commit({"logo.png": b"\x89PNG\x00\x09"}, "binary")
    deleted = repo.commit({"new dir/new.py": None}, "delete")
    commits = by_sha(repo)
    assert commits[renamed].files == [FileStat("new dir/new.py", 1, 0, "old.py")]
    [png] = commits[binary].files
    assert png == FileStat("logo.png", None, None) and png.is_binary
    assert commits[deleted].files == [FileStat("new dir/new.py", 0, 41)]


def test_merge_commits_carry_no_stats_and_lines_count_once(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit({"base.txt": "b\n"}, "base")
    repo.branch("feature")
    f1 = repo.commit({"feat.txt": "1\n2\n"}, "feature 1")
    f2 = repo.commit({"feat.txt": "1\n2\n3\n"}, "feature 2")
    repo.checkout("main")
    m1 = repo.commit({"main.txt": "m\n"}, "main work")
    merge = repo.merge("feature")
    commits = list(iter_commits(repo.path, ["HEAD"]))
    assert len(commits) == 5
    merged = next(c for c in commits if c.sha == merge)
    assert merged.is_merge and merged.parents[1] == f2 and merged.files == []
    position = {c.sha: i for i, c in enumerate(commits)}
    for c in commits:  # topological: parents always come first
        assert all(position[p] < position[c.sha] for p in c.parents)
    assert sum(c.lines_added for c in commits) == 1 + 2 + 1 + 1  # base, f1, f2, m1; merge adds 0
    assert {f1, m1} <= set(position)


def test_root_and_empty_commits(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    root = repo.commit({}, "empty root")
    filled = repo.commit({"a": "x\n"}, "content")
    empty = repo.commit({}, "empty again")
    commits = by_sha(repo)
    assert commits[root].files == [] and commits[root].is_root
    assert commits[filled].files == [FileStat("a", 1, 0)]
    assert commits[empty].files == []


ODD_PATHS = [
    "with space.py",
    'quote"d.py',
    "tab\there.py",
    "new\nline.py",
    "back\\slash.py",
    "ünïcødé/файл.py",
    "bad-\udcff-utf8.py",  # the bytes b"bad-\xff-utf8.py"
    " leading space",
    "-starts-with-dash.py",
]


def test_odd_paths_round_trip(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    sha = repo.commit({p: f"content of {i}\n" for i, p in enumerate(ODD_PATHS)}, "odd paths")
    renamed = repo.commit({ODD_PATHS[2]: None, "renamed\ttab\n.py": "content of 2\n"}, "mv")
    commits = by_sha(repo)
    paths = sorted(f.path for f in commits[sha].files)
    assert paths == sorted(ODD_PATHS)
    for path in ODD_PATHS:
        assert read_blob(repo.path, sha, path) == f"content of {ODD_PATHS.index(path)}\n".encode()
    raw = repo.git_bytes("ls-tree", "-r", "-z", "--name-only", sha).split(b"\0")
    assert sorted(encode_path(p) for p in ODD_PATHS) == sorted(r for r in raw if r)
    assert commits[renamed].files == [FileStat("renamed\ttab\n.py", 0, 0, "tab\there.py")]


def test_latin1_encoding_header_is_decoded(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    message = "Café für José\n\nCo-authored-by: José <j@x>\n".encode("latin-1")
    latin_name = "Jos\udce9 M\udcfcller"  # the bytes b"Jos\xe9 M\xfcller": Latin-1, not UTF-8
    sha = repo.commit(
        {"f": "1\n"}, message, encoding="ISO-8859-1", author=(latin_name, "jm@example.com")
    )
    raw = repo.git_bytes("cat-file", "commit", sha)
    assert b"encoding ISO-8859-1" in raw and b"author Jos\xe9 M\xfcller" in raw
    problems: list[GitProblem] = []
    [commit] = iter_commits(repo.path, ["HEAD"], problems=problems)
    assert commit.message == "Café für José\n\nCo-authored-by: José <j@x>\n"
    assert commit.trailers == [Trailer("Co-authored-by", "José <j@x>")]
    assert commit.author.name == "José Müller"  # git re-encodes the identity lines too
    assert problems == []


def test_invalid_utf8_without_header_is_replaced_and_reported(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    good = repo.commit({"f": "1\n"}, "fine")
    # `git commit` repairs invalid UTF-8 (as Latin-1), so write the raw object as old tools did.
    bad = repo.commit_raw(
        {"f": "2\n"}, b"Bad \xff\xfe message\n", author=(b"Jos\xe9 M\xfcller", b"jm@example.com")
    )
    assert b"author Jos\xe9 M\xfcller" in repo.git_bytes("cat-file", "commit", bad)
    problems: list[GitProblem] = []
    commits = {c.sha: c for c in iter_commits(repo.path, ["HEAD"], problems=problems)}
    assert set(commits) == {good, bad}
    assert commits[bad].message == "Bad \ufffd\ufffd message\n"
    assert commits[bad].author.name == "Jos\ufffd M\ufffdller"
    assert commits[bad].files == [FileStat("f", 1, 1)]
    assert [(p.kind, p.sha) for p in problems] == [("bad-encoding", bad)]
    assert "message" in problems[0].message and "author name" in problems[0].message


def test_big_commit_of_120k_lines(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    rows = [f"row {i}\n" for i in range(120_000)]
    sha = repo.commit({"big.csv": "".join(rows), "small.txt": "s\n"}, "huge")
    shrink = repo.commit({"big.csv": "".join(rows[:60_000])}, "halve")
    commits = by_sha(repo)
    assert commits[sha].lines_added == 120_001
    assert commits[shrink].files == [FileStat("big.csv", 0, 60_000)]


def test_abandoned_iteration_leaves_no_process(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    for i in range(30):
        repo.commit({"f": f"{i}\n"}, f"c{i}")
    stream = iter_commits(repo.path, ["HEAD"])
    assert isinstance(stream, Generator)
    assert next(stream).subject == "c0"
    stream.close()  # must kill and reap git; filterwarnings=error turns a leak into a failure


def test_message_fields_cannot_break_record_framing(tmp_path: Path) -> None:
    """A message full of the separators the parser relies on is read intact."""
    repo = GitRepo(tmp_path / "r")
    nasty = "Subject \x1eC fake\n\n\x1eCdeadbeef\n0\t0\tfake.py\n-\t-\tbin\n"
    sha = repo.commit({"\x1eCpath.py": "x\n"}, nasty)
    after = repo.commit({"z": "1\n"}, "after")
    commits = by_sha(repo)
    assert set(commits) == {sha, after}
    assert commits[sha].message == nasty
    assert commits[sha].files == [FileStat("\x1eCpath.py", 1, 0)]


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        (b"1700000000 +9999", datetime.fromtimestamp(1700000000, UTC)),  # offset out of range
        (b"99999999999999 +0000", datetime(1970, 1, 1, tzinfo=UTC)),  # year 3 million
        (b"garbage", datetime(1970, 1, 1, tzinfo=UTC)),
    ],
)
def test_bad_dates_are_reported_not_fatal(tmp_path: Path, stamp: bytes, expected: datetime) -> None:
    repo = GitRepo(tmp_path / "r")
    bad = repo.commit_raw({"f": "1\n"}, b"odd date\n", date=stamp)
    good = repo.commit({"f": "2\n"}, "after")
    problems: list[GitProblem] = []
    commits = {c.sha: c for c in iter_commits(repo.path, ["HEAD"], problems=problems)}
    assert set(commits) == {bad, good}
    assert commits[bad].author_date == expected
    assert commits[bad].files == [FileStat("f", 1, 0)]
    assert commits[good].author_date.year == 2024
    assert {(p.kind, p.sha) for p in problems} == {("bad-date", bad)}


def test_unexpected_log_fields_are_reported_not_fatal() -> None:
    from netgain.git.log import _parse_log_stream

    header = [b"\x1eC" + b"a" * 40, b"", b"n", b"e", b"2024-01-01T00:00:00+00:00"]
    header += [b"n", b"e", b"2024-01-01T00:00:00+00:00", b"0", b"0", b"msg\n"]
    stream = b"\0".join([*header, b"\n1\t2\tok.py", b"garbage without tabs", b"x\ty\tz", b""])
    problems: list[GitProblem] = []
    [commit] = _parse_log_stream([stream[:7], stream[7:50], stream[50:]], problems)
    assert commit.files == [FileStat("ok.py", 1, 2)]
    assert [p.kind for p in problems] == ["unparseable-log", "unparseable-log"]


def test_parse_is_independent_of_pipe_chunking(tmp_path: Path) -> None:
    """Fields split across reads (down to one byte per read) parse exactly like one big read."""
    from netgain.git.log import _FORMAT, _parse_log_stream

    repo = GitRepo(tmp_path / "r")
    repo.commit({"a b.py": "1\n2\n", "bin": b"\x00"}, "one\n\nCo-authored-by: X <x@y>\n")
    repo.commit({"a b.py": None, "moved.py": "1\n2\n3\n"}, "two")
    repo.commit({}, "empty")
    data = repo.git_bytes("log", "-z", "--numstat", "-M", _FORMAT, "HEAD")
    whole = list(_parse_log_stream([data], []))
    assert len(whole) == 3
    for size in (1, 2, 3, 7, 64):
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        assert list(_parse_log_stream(chunks, [])) == whole, size
