"""parse_trailers must agree with git itself on every message, including the tricky ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from netgain.git import Trailer, iter_commits, parse_trailers
from tests.gitrepo import GitRepo, run

CLAUDE = "Co-Authored-By: Claude <noreply@anthropic.com>"

# (id, message): each is a case where a naive "Key: value anywhere" reader goes wrong.
MESSAGES: list[tuple[str, str]] = [
    ("plain", f"Add login\n\nWhy it is needed.\n\n{CLAUDE}\n"),
    (
        "prose-colon-mid-body",
        "Fix parser\n\nThis paragraph mentions\nNote: this is prose\nand goes on.\n",
    ),
    (
        "prose-then-trailers",
        f"Fix\n\nFixes: in the body\nmore text here\n\n{CLAUDE}\nSigned-off-by: A <a@x>\n",
    ),
    ("trailer-para-not-last", f"Fix\n\n{CLAUDE}\n\nA closing remark.\n"),
    ("sob-25-percent-ok", "S\n\nsome text\nmore text\nSigned-off-by: x <x@y>\n"),
    ("sob-25-percent-fails", "S\n\na\nb\nc\nd\nSigned-off-by: x <x@y>\n"),
    (
        "cherry-pick",
        "S\n\n(cherry picked from commit 0123456789abcdef0123456789abcdef01234567)\nReviewed-by: R <r@x>\n",
    ),
    ("cherry-pick-with-prose", "S\n\nprose line\n(cherry picked from commit 0123456789abcdef)\n"),
    ("continuation", "S\n\nCo-authored-by: Claude\n  <noreply@anthropic.com>\nReviewed-by: B\n"),
    ("continuation-tabs", "S\n\nKey: first\n\tsecond\n \tthird\nOther: x\n"),
    ("title-only-colon", "Fix: something in the title\n"),
    ("no-blank-after-title", f"Subject\n{CLAUDE}\n"),
    ("comment-lines", "S\n\nKey: v\n# a comment\n"),
    ("comment-inside", "S\n\nKey: v\n# note\nOther: w\n"),
    ("trailing-blank-lines", "S\n\nKey: v\n\n\n"),
    ("space-before-colon", "S\n\nKey : value\nOther\t: tabbed\n"),
    ("url-looks-like-key", "S\n\nhttp://example.com: link\n"),
    ("two-words-key", "S\n\nSee also: something\n"),
    ("non-ascii-key", "S\n\nRévisé-par: x\n"),
    ("dashes-divider", "S\n\nBody\n---\nKey: v\n"),
    ("dashes-divider-own-para", "S\n\nBody\n\n---\n\nKey: v\n"),
    ("no-final-newline", "S\n\nKey: v"),
    ("empty-value", "S\n\nKey:\nOther: x\n"),
    ("conflicts-block", "S\n\nKey: v\n\nConflicts:\n\tfile.c\n\tother.c\n"),
    ("conflicts-last-line", "\nConflicts:\n"),
    ("conflicts-no-newline", "S\n\nKey: v\nConflicts:"),
    ("crlf", "S\r\n\r\nKey: v\r\nOther: w\r\n"),
    ("whitespace-only-separator", "S\n\nbody\n  \nKey: v\n"),
    ("indented-first", "S\n\n  indented\nKey: v\n"),
    ("two-trailer-paragraphs", "S\n\nA: 1\n\nB: 2\n"),
    ("sob-many-prose", "S\n\nSigned-off-by: x\nnot a trailer\nnot\nnot\n"),
    ("leading-dash-key", "S\n\n-Key: v\n"),
    ("colon-first", "S\n\n:value\n"),
    ("value-with-colons", "S\n\nRefs: a:b:c\n"),
    ("duplicate-keys", f"S\n\n{CLAUDE}\n{CLAUDE}\nCo-authored-by: Copilot <copilot@github.com>\n"),
    ("prose-with-sob-prefix-only", "S\n\nSigned-off-by:x\nplain prose\n"),
    ("title-comment-then-blank", "# c\nS\n\nKey: v\n"),
    ("scissors", "S\n\nKey: v\n# ------------------------ >8 ------------------------\nTail: no\n"),
    ("unicode-value", "S\n\nCo-authored-by: José Müller <jm@example.com>\n"),
    ("continuation-before-prose", "S\n\n  cont\nplain\nKey: v\n"),
]


def git_parse(message: str, cwd: Path) -> list[Trailer]:
    out = run(cwd, "interpret-trailers", "--parse", "--no-divider", input=message.encode()).stdout
    result = []
    for line in out.decode().splitlines():
        key, _, value = line.partition(":")
        result.append(Trailer(key, value.removeprefix(" ")))
    return result


@pytest.mark.parametrize(("case", "message"), MESSAGES, ids=[m[0] for m in MESSAGES])
def test_matches_git_interpret_trailers(case: str, message: str, tmp_path: Path) -> None:
    assert parse_trailers(message) == git_parse(message, tmp_path), case


def test_prose_is_not_a_trailer() -> None:
    assert parse_trailers(dict(MESSAGES)["prose-colon-mid-body"]) == []
    assert parse_trailers(dict(MESSAGES)["trailer-para-not-last"]) == []
    assert parse_trailers(dict(MESSAGES)["prose-then-trailers"]) == [
        Trailer("Co-Authored-By", "Claude <noreply@anthropic.com>"),
        Trailer("Signed-off-by", "A <a@x>"),
    ]


def test_continuation_is_unfolded() -> None:
    assert parse_trailers(dict(MESSAGES)["continuation"])[0] == Trailer(
        "Co-authored-by", "Claude <noreply@anthropic.com>"
    )


def test_iter_commits_trailers_match_git_log(tmp_path: Path) -> None:
    """The trailers iter_commits reports equal git's own %(trailers) on the stored commits."""
    repo = GitRepo(tmp_path / "r")
    for i, (_, message) in enumerate(MESSAGES):
        repo.commit({"f.txt": f"{i}\n"}, message)
    out = repo.git_bytes("log", "-z", "--format=%H%x01%(trailers:only,unfold)").decode()
    expected: dict[str, list[Trailer]] = {}
    for record in out.split("\0"):
        sha, _, block = record.partition("\x01")
        pairs = [line.partition(":") for line in block.split("\n") if line]
        expected[sha] = [Trailer(k, v.removeprefix(" ")) for k, _, v in pairs]
    commits = list(iter_commits(repo.path, ["HEAD"]))
    assert len(commits) == len(MESSAGES)
    for commit in commits:
        assert commit.trailers == expected[commit.sha], commit.message
