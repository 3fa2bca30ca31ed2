"""Precision classes found by scanning netgain's own source (one finding per flaw, honest sources)."""

from __future__ import annotations

from pathlib import Path

from netgain.analysis import ScanOptions, scan
from netgain.analysis.options import EntryMode


def _findings(tmp_path: Path, code: str, mode: EntryMode = EntryMode.WEB) -> list[tuple[str, int]]:
    (tmp_path / "app.py").write_text(code, encoding="utf-8")
    result = scan([tmp_path], root=tmp_path, options=ScanOptions(mode=mode))
    return [(f.rule_id, f.location.column) for f in result.findings]


def test_raw_sql_fragment_is_reported_once_where_it_is_built(tmp_path: Path) -> None:
    code = (
        "from flask import request\n"
        "from sqlalchemy import text\n\n\n"
        "def view(session):\n"
        "    session.execute(text(f\"SELECT * FROM t WHERE a = '{request.args['a']}'\"))\n"
    )
    assert _findings(tmp_path, code) == [("sql-injection", 21)]


def test_environment_and_argv_do_not_make_paths_or_urls_attacker_controlled(
    tmp_path: Path,
) -> None:
    code = (
        "import os\nimport sys\n\nimport requests\n\n\n"
        "def main():\n"
        "    open(sys.argv[1]).read()\n"
        "    requests.get(os.environ['API'], timeout=5)\n"
        "    os.system('ls ' + sys.argv[2])\n"
    )
    # the shell command built from argv stays a finding: injection sinks accept local input
    assert [rule for rule, _ in _findings(tmp_path, code)] == ["command-injection"]


def test_child_process_output_carries_no_argument_taint(tmp_path: Path) -> None:
    code = (
        "import os\nimport subprocess\n\n\n"
        "def head(cursor):\n"
        "    out = subprocess.run(['git', 'rev-parse', 'HEAD'], env=dict(os.environ),\n"
        "                         capture_output=True, text=True).stdout\n"
        '    cursor.execute("SELECT 1 FROM c WHERE sha = \'" + out + "\'")\n'
    )
    (tmp_path / "app.py").write_text(code, encoding="utf-8")
    result = scan([tmp_path], root=tmp_path, options=ScanOptions(mode=EntryMode.LIBRARY))
    # no taint from the command's arguments or environment: the one finding is the
    # low-confidence audit mark on SQL built from text of unknown origin
    assert [(f.rule_id, f.confidence.value) for f in result.findings] == [("sql-injection", "low")]
    assert "unknown origin" in result.findings[0].message
