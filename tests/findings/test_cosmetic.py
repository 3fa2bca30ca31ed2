"""Telling a reformat from a change: Python syntax trees, and hunk text for everything else."""

from __future__ import annotations

from netgain.findings.cosmetic import parse_hunks, same_python

OLD = b"""x = foo(a, \\
        b)
s = u'text'
t = ('a', 'b')
"""
BLACK = b"""x = foo(
    a,
    b,
)
s = "text"
t = ("a", "b")
"""


def test_a_formatter_run_keeps_the_syntax_tree() -> None:
    assert same_python(OLD, BLACK)


def test_a_real_change_does_not() -> None:
    assert not same_python(OLD, BLACK.replace(b"b,\n)", b"c,\n)"))
    assert not same_python(b"t = (a)\n", b"t = (a,)\n")  # a one-element tuple is a change
    assert not same_python(b"print 'py2'\n", b"print('py2')\n")  # does not parse: not the same


PATCH = """diff --git a/q.js b/q.js
@@ -3,2 +3,4 @@ function q() {
-  return db.query('SELECT ' +
-                  cols)
+  return db.query(
+    "SELECT " +
+      cols,
+  )
@@ -9 +11 @@ function r() {
-  return 'a'
+  return 'b'
@@ -20,0 +23 @@
+  check(x)
"""


def test_hunks_say_which_lines_were_only_reformatted() -> None:
    hunks = parse_hunks(PATCH)
    assert [(h.start, h.count) for h in hunks] == [(3, 4), (11, 1), (23, 1)]
    assert [h.formatting_only for h in hunks] == [True, False, False]
