"""Which lines are code: the comment classifier AG-SZZ and later use to skip cosmetic fix lines."""

from __future__ import annotations

from netgain.szz.lines import code_lines, normalize, normalize_format


def test_python_comments_docstrings_and_code() -> None:
    text = (
        "# header\n"
        "import os  # trailing comment\n"
        "\n"
        "def f():\n"
        '    """Docstring\n'
        "    spanning lines.\n"
        '    """\n'
        "    x = '#not a comment'\n"
        '    y = """inline string"""\n'
        "    return x\n"
    )
    assert code_lines(text, "m.py") == [
        False,
        True,
        False,
        True,
        False,
        False,
        False,
        True,
        True,
        True,
    ]


def test_c_block_comments_across_lines_and_code_after_a_block() -> None:
    text = "/* start\n still comment\n end */ int x = 1;\n// line\nint y; /* tail */\n"
    assert code_lines(text, "m.c") == [False, False, True, False, True]


def test_unknown_language_counts_every_non_blank_line() -> None:
    assert code_lines("# x\n\nplain\n", "README") == [True, False, True]


def test_normalisers() -> None:
    assert normalize("  a =  1 ") == "a=1"
    assert normalize_format("f('a',\n  'b',\n)") == normalize_format('f("a", "b")')
