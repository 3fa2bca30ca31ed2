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


def test_python_strings_opened_in_code_are_code_and_keep_the_scan_in_step() -> None:
    # The shape met in drgn: an f-string literal spanning lines, opened after code, then a
    # raw docstring and a string argument on a line of its own. A scanner that reads every
    # line-leading triple quote as a docstring gets out of step here and calls the rest of
    # the file a comment.
    text = (
        "def show(task):\n"
        "    sys.stdout.write(\n"
        '        f"""\\\n'
        "    RUN TIME: {task.run_time}\n"
        '"""\n'
        "    )\n"
        "\n"
        "def search(pattern):\n"
        '    r"""\n'
        "    Search memory.\n"
        '    """\n'
        "    code.append(\n"
        '        """\\\n'
        "parent = task.parent\n"
        '"""\n'
        "    )\n"
        '    sql = """SELECT 1""".strip()  # trailing\n'
        '    return """\n'
        "    a\n"
        '    """.format(x)\n'
    )
    # one character per line: C code, . not code
    assert _marks(code_lines(text, "m.py")) == "CCCCCC.C...CCCCCCCCC"


def test_python_string_statement_on_one_line_is_not_code_but_a_used_string_is() -> None:
    text = "'''One-line docstring.'''\n\"x\".join(parts)\n'tail'  # note\n"
    assert _marks(code_lines(text, "m.py")) == ".C."


def _marks(flags: list[bool]) -> str:
    return "".join("C" if f else "." for f in flags)
