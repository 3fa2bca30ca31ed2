"""Fixes that are not plain edits: merges, roots, binaries, deletions, renames, odd paths."""

from __future__ import annotations

from pathlib import Path

from netgain.szz import find_inducing
from tests.gitrepo import GitRepo


def test_merge_root_and_unknown_fixes_are_problems_not_guesses(tmp_path: Path) -> None:
    r = GitRepo(tmp_path / "r")
    root = r.commit({"a.py": "A = 1\n"}, "root")
    r.branch("side")
    r.checkout("side")
    r.commit({"b.py": "B = 1\n"}, "side")
    r.checkout("main")
    r.commit({"a.py": "A = 2\n"}, "main")
    merge = r.merge("side")
    results = find_inducing(r.path, [merge, root, "f" * 40])
    assert [[p.kind for p in x.problems] for x in results] == [
        ["merge-fix"],
        ["root-fix"],
        ["unknown-commit"],
    ]
    assert all(x.inducing == [] for x in results)


def test_binary_deleted_renamed_and_unicode_paths(tmp_path: Path) -> None:
    r = GitRepo(tmp_path / "r")
    c1 = r.commit(
        {
            "logo.png": b"\x89PNG\r\n\x1a\n\x00\x01",
            "gone.py": "def old():\n    return 1\n",
            "src/ünïcode name.py": "VALUE = compute(1)\nOTHER = 2\n",
            "moved.py": "def f(x):\n    return x + 1\n",
        },
        "Add files",
    )
    r.git("mv", "moved.py", "renamed.py")
    rename = r.commit(message="Rename module")
    fix = r.commit(
        {
            "logo.png": b"\x89PNG\r\n\x1a\n\x00\x02",
            "gone.py": None,
            "src/ünïcode name.py": "VALUE = compute(2)\nOTHER = 2\n",
            "renamed.py": "def f(x):\n    return x - 1\n",
        },
        "Fix several things",
    )
    [b] = find_inducing(r.path, [fix], "b")
    assert b.problems == [] and b.inducing == [c1]
    paths = {e.path for c in b.candidates for e in c.evidence}
    # The deleted file's lines were removed too; the binary has no lines; the renamed file is
    # blamed under its name at the fix's parent, and blame follows it back to c1.
    assert paths == {"gone.py", "src/ünïcode name.py", "renamed.py"}
    [ma] = find_inducing(r.path, [fix], "ma")
    assert ma.inducing == [c1]  # the rename-only commit is never a candidate
    assert rename not in ma.inducing


def test_an_insertion_after_a_trailing_blank_line_is_blamed_on_its_neighbour(
    tmp_path: Path,
) -> None:
    """Real shape (pallets/click 1d0b394): a file ending in `pass\\n\\n`, a fix that only adds
    lines after that blank last line. Its old text lost the blank line, and the adjacent-line
    search ran past the end (IndexError in `risk train`)."""
    r = GitRepo(tmp_path / "r")
    body = "import click\n\n\n@click.command()\ndef cmd3():\n    pass\n\n"
    inducing = r.commit({"ex.py": body}, "Add example")
    fix = r.commit({"ex.py": body + "@click.group()\ndef group():\n    pass\n"}, "Fix groups")
    [result] = find_inducing(r.path, [fix], "netgain")  # blames the lines around an insertion
    assert result.problems == []
    assert result.inducing == [inducing]
    for variant in ("B-SZZ", "R-SZZ"):  # only removed lines: nothing to blame, and no crash
        [result] = find_inducing(r.path, [fix], variant)
        assert result.problems == [] and result.inducing == []


def test_line_numbers_follow_git_across_form_feeds_and_lone_carriage_returns(
    tmp_path: Path,
) -> None:
    """A `^L` page break or a lone CR is a new line to `str.splitlines` but not to git: the
    changed line must still be found at git's number and blamed on the commit that wrote it."""
    r = GitRepo(tmp_path / "r")
    r.commit({"m.py": "A = 1\n\x0c\x0c\nB = 2\rC = 3\nD = 4\n"}, "one")
    second = r.commit({"m.py": "A = 1\n\x0c\x0c\nB = 2\rC = 3\nD = 5\n"}, "two")
    fix = r.commit({"m.py": "A = 1\n\x0c\x0c\nB = 2\rC = 3\nD = 6\n"}, "Fix D")
    for variant in ("netgain", "B-SZZ"):  # the first filters comment and blank lines
        [result] = find_inducing(r.path, [fix], variant)
        assert result.inducing == [second], variant
