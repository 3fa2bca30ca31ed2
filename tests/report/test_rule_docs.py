"""docs/rules/ is generated from the rules' docstrings; stale pages fail the suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from netgain.report.rule_docs import generate, index_markdown, rule_markdown
from tests.report.sample import HASH, SQL

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "docs" / "rules"


def test_committed_rule_docs_are_up_to_date(tmp_path: Path) -> None:
    out = tmp_path / "rules"
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen_rule_docs.py"), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    fresh = {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.md")}
    committed = {p.name: p.read_text(encoding="utf-8") for p in COMMITTED.glob("*.md")}
    stale = sorted(n for n in fresh.keys() | committed.keys() if fresh.get(n) != committed.get(n))
    assert not stale, (
        f"docs/rules is stale for {stale}: run `.venv/bin/python scripts/gen_rule_docs.py`"
    )
    assert "README.md" in fresh and len(fresh) > 1


def test_page_has_metadata_sections_and_suppression_hint() -> None:
    page = rule_markdown(SQL)
    assert page.startswith("# sql-injection (SqlQueryBuiltFromInput)")
    assert "[CWE-89](https://cwe.mitre.org/data/definitions/89.html), [CWE-943]" in page
    positions = [
        page.index(f"## {s}")
        for s in ("What it does", "Why is this bad?", "Example", "Use instead", "References")
    ]
    assert positions == sorted(positions)
    assert "`# netgain: ignore[sql-injection] <why this is safe>`" in page


def test_index_groups_by_family_and_links_pages() -> None:
    index = index_markdown([SQL, HASH])
    assert index.index("## crypto") < index.index("## injection")
    assert "| [weak-hash](weak-hash.md) | WeakHashForSecurity | CWE-328 | medium |" in index
    assert set(generate([SQL, HASH])) == {"sql-injection.md", "weak-hash.md", "README.md"}
