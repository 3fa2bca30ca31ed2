"""Property tests against git itself: random inputs, git's answer is the oracle."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netgain.git import Trailer, parse_trailers, parse_unified_diff
from netgain.git.diff import _parse_lines
from tests.gitrepo import run

# Lines chosen to hit every branch of git's trailer rules when combined at random.
TRAILER_LINES = [
    "",
    " ",
    "Subject line",
    "plain prose",
    "Key: value",
    "Co-Authored-By: Claude <noreply@anthropic.com>",
    "Signed-off-by: A <a@x>",
    "(cherry picked from commit abc)",
    "  continued",
    "\tcontinued",
    "# comment",
    "Key : spaced",
    "Bad Key: two words",
    "http://x: y",
    ":colon first",
    "---",
    "Conflicts:",
    "\tfile.c",
    "Ünï: x",
]


def git_trailers(message: str) -> list[Trailer]:
    with tempfile.TemporaryDirectory() as cwd:
        out = run(cwd, "interpret-trailers", "--parse", "--no-divider", input=message.encode())
    pairs = [line.partition(":") for line in out.stdout.decode().split("\n") if line]
    return [Trailer(k, v.removeprefix(" ")) for k, _, v in pairs]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(TRAILER_LINES), min_size=1, max_size=9),
    st.booleans(),
)
def test_trailers_match_git_on_random_messages(lines: list[str], final_newline: bool) -> None:
    message = "\n".join(lines) + ("\n" if final_newline else "")
    assert parse_trailers(message) == git_trailers(message), repr(message)


def file_lines(text: str) -> list[str]:
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # text after the final newline is not a line
    return lines


def unchanged(lines: list[str], ranges: list[tuple[int, int]]) -> list[str]:
    drop = {n for start, end in ranges for n in range(start, end + 1)}
    return [line for i, line in enumerate(lines, 1) if i not in drop]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.sampled_from(["a", "b", "c", "-- x", "++ y", ""]), max_size=25),
    st.lists(st.sampled_from(["a", "b", "c", "-- x", "++ y", ""]), max_size=25),
    st.sampled_from(["-U0", "-U1", "-U3"]),
    st.booleans(),
)
def test_diff_ranges_explain_the_change(
    tmp_path: Path, old: list[str], new: list[str], context: str, newline_at_end: bool
) -> None:
    """Lines outside the removed ranges of the old file == lines outside the added ranges of
    the new file: the ranges account for exactly what changed."""
    end = "\n" if newline_at_end else ""
    a, b = tmp_path / "old.txt", tmp_path / "new.txt"
    a.write_text("\n".join(old) + (end if old else ""))
    b.write_text("\n".join(new) + (end if new else ""))
    proc = run(
        tmp_path,
        "diff",
        "--no-index",
        "--inter-hunk-context=0",
        context,
        "old.txt",
        "new.txt",
        check=False,
    )
    diffs = parse_unified_diff(proc.stdout)
    if context == "-U0":  # the header-only fast path netgain uses for its own -U0 diffs
        assert _parse_lines(proc.stdout.split(b"\n"), zero_context=True) == diffs
    if not diffs:
        assert a.read_bytes() == b.read_bytes()
        return
    [diff] = diffs
    removed = [(r.start, r.end) for r in diff.removed]
    added = [(r.start, r.end) for r in diff.added]
    old_lines, new_lines = file_lines(a.read_text()), file_lines(b.read_text())
    assert unchanged(old_lines, removed) == unchanged(new_lines, added)
    assert all(1 <= s <= e <= len(old_lines) for s, e in removed)
    assert all(1 <= s <= e <= len(new_lines) for s, e in added)
