"""scan(): files, parsing, hostile input, traces, modes, selection and masking."""

from __future__ import annotations

from pathlib import Path

import pytest

from netgain.analysis import Confidence, EntryMode, ScanOptions, scan

FLASK_SQL = """\
from flask import Flask, request

app = Flask(__name__)


@app.route("/u")
def user(db):
    name = request.args["name"]
    query = "SELECT * FROM u WHERE n = '" + name + "'"
    db.cursor().execute(query)
    return "ok"
"""


def _write(root: Path, rel: str, text: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_finding_has_cwe_trace_snippets_and_relative_path(tmp_path: Path) -> None:
    _write(tmp_path, "pkg/app.py", FLASK_SQL)
    result = scan([tmp_path / "pkg"], root=tmp_path, options=ScanOptions(mode=EntryMode.WEB))
    assert result.files_scanned == 1
    assert result.lines_scanned == 11
    [finding] = result.findings
    assert finding.rule_id == "sql-injection"
    assert finding.cwe[0] == 89
    assert finding.confidence is Confidence.HIGH
    assert finding.location.path == "pkg/app.py"
    assert finding.location.line == 10
    assert finding.location.snippet == "db.cursor().execute(query)"
    lines = [step.location.line for step in finding.trace]
    assert lines[0] == 8 and lines[-1] == 10
    assert "request.args" in finding.trace[0].message
    assert finding.trace[0].location.snippet == 'name = request.args["name"]'
    assert any(step.location.line == 9 for step in finding.trace)
    assert finding.lines() == {("pkg/app.py", n) for n in lines}


def test_unparsable_files_are_reported_not_skipped(tmp_path: Path) -> None:
    _write(tmp_path, "good.py", "import os\nos.system('ls')\n")
    _write(tmp_path, "broken.py", "def f(:\n    pass\n")
    _write(tmp_path, "badenc.py", b"# -*- coding: klingon -*-\nx = 1\n")
    _write(tmp_path, "notutf8.py", b"x = '\xff\xfe'\n")
    result = scan([tmp_path], root=tmp_path, options=ScanOptions())
    unparsed = {u.path: u for u in result.unparsed}
    assert set(unparsed) == {"broken.py", "badenc.py", "notutf8.py"}
    assert unparsed["broken.py"].line == 1 and "syntax error" in unparsed["broken.py"].reason
    assert "cannot decode" in unparsed["badenc.py"].reason
    assert result.files_scanned == 1


def test_pep263_and_pep701_sources_parse(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "latin.py",
        "# -*- coding: latin-1 -*-\nimport os\nNAME = 'caf\xe9'\nos.system(input())\n".encode(
            "latin-1"
        ),
    )
    _write(
        tmp_path,
        "fstr.py",
        'import os\nsongs = ["a"]\nos.system(f"play {"\\n".join(songs)} {f"{input()}"}")\n',
    )
    result = scan([tmp_path], root=tmp_path, options=ScanOptions())
    assert result.unparsed == []
    assert {(f.location.path, f.location.line, f.rule_id) for f in result.findings} == {
        ("latin.py", 4, "command-injection"),
        ("fstr.py", 3, "command-injection"),
    }


def test_scanned_code_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    _write(
        tmp_path, "evil.py", f"from pathlib import Path\nPath({str(marker)!r}).write_text('x')\n"
    )
    _write(tmp_path, "conftest.py", f"open({str(marker)!r}, 'w')\n")
    scan([tmp_path], root=tmp_path, options=ScanOptions())
    assert not marker.exists()


def test_library_mode_treats_uncalled_public_parameters_as_input(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "lib.py",
        "import os\n\n\ndef run(cmd):\n    os.system(cmd)\n\n\ndef _private(cmd):\n    os.system(cmd)\n\n\n"
        "def called(cmd):\n    os.system(cmd)\n\n\ndef caller():\n    called('ls')\n",
    )
    library = scan([tmp_path], root=tmp_path, options=ScanOptions(mode=EntryMode.LIBRARY))
    web = scan([tmp_path], root=tmp_path, options=ScanOptions(mode=EntryMode.WEB))
    assert [(f.location.line, f.confidence) for f in library.findings] == [(5, Confidence.LOW)]
    assert "no caller" in library.findings[0].trace[0].message
    assert web.findings == []


def test_select_and_ignore_by_rule_and_family(tmp_path: Path) -> None:
    _write(tmp_path, "m.py", "import hashlib, os, sys\nhashlib.md5(b'x')\nos.system(sys.argv[1])\n")
    everything = {
        f.rule_id for f in scan([tmp_path], root=tmp_path, options=ScanOptions()).findings
    }
    assert everything == {"weak-hash", "command-injection"}
    only_crypto = scan([tmp_path], root=tmp_path, options=ScanOptions(select=frozenset({"crypto"})))
    assert {f.rule_id for f in only_crypto.findings} == {"weak-hash"}
    no_cmd = scan(
        [tmp_path], root=tmp_path, options=ScanOptions(ignore=frozenset({"command-injection"}))
    )
    assert {f.rule_id for f in no_cmd.findings} == {"weak-hash"}


def test_secrets_are_masked_in_message_and_snippet(tmp_path: Path) -> None:
    secret = "ghp_" + "a1B2c3D4e5" * 4
    _write(tmp_path, "conf.py", f'TOKEN = "{secret}"\nAPI_SECRET = "Zx81kQ9wLmN3pR7tYv2B"\n')
    result = scan([tmp_path], root=tmp_path, options=ScanOptions())
    assert [f.rule_id for f in result.findings] == ["hardcoded-secret", "hardcoded-secret"]
    for finding in result.findings:
        assert secret not in finding.message and secret not in finding.location.snippet
        assert "Zx81kQ9wLmN3pR7tYv2B" not in finding.message
        assert "Zx81kQ9wLmN3pR7tYv2B" not in finding.location.snippet
        assert "****" in finding.location.snippet


def test_exclude_globs_and_hidden_directories(tmp_path: Path) -> None:
    _write(tmp_path, "app/a.py", "import os, sys\nos.system(sys.argv[1])\n")
    _write(tmp_path, "app/vendor/b.py", "import os, sys\nos.system(sys.argv[1])\n")
    _write(tmp_path, ".venv/c.py", "import os, sys\nos.system(sys.argv[1])\n")
    result = scan([tmp_path], root=tmp_path, options=ScanOptions(exclude=("app/vendor/",)))
    assert {f.location.path for f in result.findings} == {"app/a.py"}
    assert result.files_scanned == 1


def test_deep_nesting_and_huge_constants_do_not_break_the_scan(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "deep.py",
        "x = " + "(" * 150 + "1" + ")" * 150 + "\nimport os, sys\nos.system(sys.argv[1])\n",
    )
    _write(tmp_path, "big.py", "x = 'a' * 10**9\ny = 2 ** 10**8\nif x:\n    pass\n")
    _write(
        tmp_path, "chain.py", "import os, sys\nx = sys.argv[1]" + " + x" * 2500 + "\nos.system(x)\n"
    )
    _write(tmp_path, "toodeep.py", "y = 1" + " + 1" * 50_000 + "\n")
    result = scan([tmp_path], root=tmp_path, options=ScanOptions())
    assert [(f.location.path, f.rule_id) for f in result.findings] == [
        ("chain.py", "command-injection"),
        ("deep.py", "command-injection"),
    ]
    assert [u.path for u in result.unparsed] == ["toodeep.py"]


def test_recursion_terminates_and_keeps_the_flow(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "rec.py",
        "import os, sys\n\n\ndef walk(cmd, depth):\n    if depth > 0:\n        return walk(cmd + ' x', depth - 1)\n"
        "    os.system(cmd)\n    return cmd\n\n\ndef main():\n    walk(sys.argv[1], 3)\n",
    )
    result = scan([tmp_path], root=tmp_path, options=ScanOptions(mode=EntryMode.WEB))
    assert [(f.location.line, f.rule_id) for f in result.findings] == [(7, "command-injection")]


def test_a_parse_the_caller_made_is_used_only_for_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`netgain check` parses the changed files for their imports; the scan reuses that parse
    when the file holds exactly those bytes, and parses a file whose bytes differ itself."""
    from netgain.analysis import loading
    from netgain.analysis.source import ParsedSource, parse_source

    _write(tmp_path, "app.py", FLASK_SQL)
    _write(tmp_path, "other.py", "x = 1\n")
    fresh = scan([tmp_path], root=tmp_path, options=ScanOptions())
    made = parse_source("app.py", FLASK_SQL.encode())
    stale = parse_source("other.py", b"x = 2\n")  # bytes the file no longer holds
    assert isinstance(made, ParsedSource) and isinstance(stale, ParsedSource)
    parsed: list[str] = []

    def counting(rel: str, data: bytes) -> object:
        parsed.append(rel)
        return parse_source(rel, data)

    monkeypatch.setattr(loading, "parse_source", counting)
    reused = scan(
        [tmp_path],
        root=tmp_path,
        options=ScanOptions(),
        preparsed={"app.py": (FLASK_SQL.encode(), made), "other.py": (b"x = 2\n", stale)},
    )
    assert parsed == ["other.py"]
    assert [(f.rule_id, f.location.line) for f in reused.findings] == [
        (f.rule_id, f.location.line) for f in fresh.findings
    ]
    assert any(f.rule_id == "sql-injection" for f in reused.findings)
