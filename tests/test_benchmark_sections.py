"""`benchmarks/scan.py --record` on a copy of docs/BENCHMARKS.md: it rewrites the tables it
generates and keeps the hand-written subsections of `## scan` and every other section."""

from __future__ import annotations

import re
from pathlib import Path

from benchmarks.scan import Results, record, tables
from benchmarks.sections import BENCHMARKS_MD, replace_section


def _section(text: str, header: str) -> str:
    start = text.index(header + "\n")
    following = re.search(r"^## ", text[start + len(header) :], re.MULTILINE)
    end = start + len(header) + following.start() if following else len(text)
    return text[start:end]


def _subsections(section: str) -> dict[str, str]:
    parts = re.split(r"^(?=### )", section, flags=re.MULTILINE)
    return {p.splitlines()[0]: p.strip("\n") for p in parts if p.startswith("### ")}


def test_record_keeps_hand_written_subsections(tmp_path: Path) -> None:
    doc = tmp_path / "BENCHMARKS.md"
    original = BENCHMARKS_MD.read_text(encoding="utf-8")
    doc.write_text(original, encoding="utf-8")
    before = _subsections(_section(original, "## scan"))
    hand_written = {t: body for t, body in before.items() if not t.startswith("### Accuracy")}
    hand_written = {t: b for t, b in hand_written.items() if not t.startswith("### Speed")}
    assert hand_written, "the doc's ## scan section has hand-written subsections to keep"

    record(tables(Results(accuracy={})), "benchmarks/scan.py --record", "1.0", path=doc)
    once = doc.read_text(encoding="utf-8")
    after = _subsections(_section(once, "## scan"))
    for title, body in hand_written.items():
        assert after[title] == body
    assert "Recorded with `benchmarks/scan.py --record`" in _section(once, "## scan")
    assert "### Speed" not in _section(once, "## scan")  # the old generated table is replaced
    assert _section(once, "## security corpus") == _section(original, "## security corpus")
    assert once.count("## scan\n") == 1

    record(tables(Results(accuracy={})), "benchmarks/scan.py --record", "1.0", path=doc)
    assert doc.read_text(encoding="utf-8") == once  # recording again duplicates nothing


def test_replace_section_without_generated_titles_replaces_all(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("# B\n\n## a\n\nold\n\n### by hand\n\nkept?\n\n## b\n\nother\n", "utf-8")
    replace_section("## a", "## a\n\nnew\n", doc)
    assert doc.read_text(encoding="utf-8") == "# B\n\n## a\n\nnew\n\n## b\n\nother\n"
    doc.write_text("# B\n\n## a\n\nold\n\n### by hand\n\nkept\n\n## b\n\nother\n", "utf-8")
    replace_section("## a", "## a\n\nnew\n\n### Table\n\nx\n", doc, generated=("### Table",))
    assert doc.read_text(encoding="utf-8") == (
        "# B\n\n## a\n\nnew\n\n### Table\n\nx\n\n### by hand\n\nkept\n\n## b\n\nother\n"
    )
