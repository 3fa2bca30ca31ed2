"""benchmarks/corpus.py reads other projects' labels; these check the reading and the scoring on
small trees written here, so `make test` needs none of the fetched sources."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from benchmarks.corpus import (
    CorpusError,
    HandLabel,
    Hits,
    Label,
    flagged,
    hand_labels,
    merge,
    score,
    semgrep_labels,
    statement_spans,
)

RULES_YAML = """\
rules:
  - id: tainted-sql
    metadata:
      cwe:
        - "CWE-89: SQL Injection"
  - id: style-only
    metadata:
      category: best-practice
"""

TEST_PY = """\
import sqlite3
# ruleid: tainted-sql
import os

def view(cur, name):
    # ruleid: tainted-sql
    cur.execute(
        "SELECT " + name,
    )
    # ok: tainted-sql
    cur.execute("SELECT 1")
    cur.execute("SELECT " + name)  # ruleid: tainted-sql, style-only
    # ok: style-only
    print(name)
"""


def _semgrep_tree(root: Path) -> Path:
    folder = root / "python" / "lang"
    folder.mkdir(parents=True)
    (folder / "sql.yaml").write_text(RULES_YAML, encoding="utf-8")
    (folder / "sql.py").write_text(TEST_PY, encoding="utf-8")
    (folder / "unlabelled.py").write_text("# ruleid: tainted-sql\nx = 1\n", encoding="utf-8")
    return root


def test_semgrep_annotations_label_the_next_statement_and_its_lines(tmp_path: Path) -> None:
    labels = semgrep_labels(_semgrep_tree(tmp_path))
    got = {(label.line, label.start, label.end, label.flaw) for label in labels}
    # the multi-line call spans lines 7-9; a same-line annotation labels its own line; the
    # label on an import is left out; the rule without a CWE is not scored; a file without a
    # rule file next to it is not read
    assert got == {(7, 7, 9, True), (11, 11, 11, False), (12, 12, 12, True)}
    assert {label.category for label in labels} == {"sql-injection"}


def test_a_finding_counts_inside_the_labelled_statement_only(tmp_path: Path) -> None:
    labels = semgrep_labels(_semgrep_tree(tmp_path))
    hits: dict[str, Hits] = {"netgain": defaultdict(list), "bandit": defaultdict(list)}
    key = ("semgrep-rules", "python/lang/sql.py", "sql-injection")
    hits["netgain"][key] += [(8, 8, "sql-injection"), (13, 13, "sql-injection")]
    hits["bandit"][key] += [(11, 11, "B608")]
    table = score(labels, hits)["sql-injection"]
    assert (table.flaws, table.safe) == (2, 1)
    assert (table.tp["netgain"], table.fp["netgain"]) == (1, 0)
    assert (table.tp["bandit"], table.fp["bandit"]) == (0, 1)
    flaw = next(label for label in labels if label.line == 7)
    assert flagged(flaw, hits["netgain"])
    assert not flagged(flaw, hits["netgain"], frozenset({"sql-injection"}))


def test_hand_labels_must_name_one_line(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("run(a)\nrun(a)\nsafe(b)\n", encoding="utf-8")
    dirs = {"app": tmp_path}
    [label] = hand_labels((HandLabel("app", "app.py", "run(a)", "sql-injection", True, 2),), dirs)
    assert (label.line, label.flaw) == (2, True)
    with pytest.raises(CorpusError, match=r"app:app.py: 'run\(a\)' is on 2 lines, not 1"):
        hand_labels((HandLabel("app", "app.py", "run(a)", "sql-injection", True),), dirs)
    with pytest.raises(CorpusError, match="unknown category"):
        hand_labels((HandLabel("app", "app.py", "safe(b)", "no-such", False),), dirs)


def test_a_line_labelled_flaw_and_look_alike_counts_as_a_flaw() -> None:
    flaw = Label("s", "f.py", 3, 3, 3, "xss", True)
    safe = Label("s", "f.py", 3, 3, 3, "xss", False)
    assert merge([safe, flaw]) == [flaw]


def test_an_inner_line_is_held_by_its_smallest_call_or_literal() -> None:
    spans = statement_spans(
        "TEMPLATES = [\n"  # 1
        "    {\n"  # 2
        "        'a': 1,\n"  # 3
        "    },\n"  # 4
        "    {\n"  # 5
        "        'autoescape': False,\n"  # 6
        "    },\n"  # 7
        "]\n"  # 8
        "make(\n"  # 9
        "    key_size=1024,\n"  # 10
        ")\n"  # 11
    )
    assert spans.tolerance(1) == (1, 8)
    assert spans.tolerance(2) == (2, 4)
    assert spans.tolerance(6) == (5, 7)
    assert spans.tolerance(10) == (9, 11)
