"""Pathological inputs of 0.5 to 2 MB for the parsers most at risk, with their documented outcome.

No timing assertions: a superlinear parser makes these tests take minutes instead of seconds,
which CI notices. benchmarks/fuzz.py runs every shape of benchmarks/fuzzing/pathological.py at 10 MB
and records time and memory.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from benchmarks.fuzzing import seeds
from benchmarks.fuzzing.pathological import SHAPES
from netgain.analysis.sarif_import import MAX_PROBLEMS as SARIF_MAX_PROBLEMS
from netgain.analysis.sarif_import import import_sarif
from netgain.analysis.suppressions import parse_suppressions
from netgain.errors import ConfigError
from netgain.git.model import LineRange
from netgain.git.trailers import parse_trailers
from netgain.incidents.formats import parse_file
from netgain.incidents.records import MAX_PROBLEMS
from netgain.policy.codeowners import parse_codeowners
from netgain.policy.coverage import parse_coverage
from netgain.policy.schema import load_policy
from netgain.provenance.gitai import parse_note

MB = 1024 * 1024


def _shape(target: str, name: str, size: int) -> bytes:
    return dict(SHAPES[target])[name](size)


def test_two_mb_of_incidents_keep_their_lines(tmp_path: Path) -> None:
    """Each element's line was counted from the top of the file: quadratic in the elements."""
    path = tmp_path / "incidents.json"
    path.write_bytes(_shape("incidents-json", "10 MB of incidents, one a line", 2 * MB))
    result = parse_file(path, "json")
    lines = path.read_bytes().count(b"\n")
    assert len(result.records) == lines - 2 and not result.problems
    assert (result.records[0].line, result.records[-1].line) == (2, lines - 1)


def test_a_trailer_folded_over_a_million_lines_is_one_trailer() -> None:
    """Each continuation line was appended to a string: quadratic in the lines."""
    message = _shape("trailers", "one trailer, 10 MB of continuation lines", MB).decode()
    [trailer] = parse_trailers(message)
    assert trailer.key == "Key" and trailer.value == "v" + " c" * (message.count("\n") - 3)


def test_an_unclosed_csv_quote_stops_after_the_problem_limit(tmp_path: Path) -> None:
    """Every line after it became a ragged row: millions of problems, a minute per 10 MB."""
    path = tmp_path / "incidents.csv"
    path.write_bytes(_shape("incidents-csv", "a quote never closed, 10 MB", 2 * MB))
    result = parse_file(path, "csv")
    assert result.records == [] and len(result.problems) == MAX_PROBLEMS + 1
    assert "field larger than field limit" in result.problems[0].message
    assert "stopped reading here after 1,000 problems" in result.problems[-1].message


def test_a_million_empty_issues_stop_after_the_problem_limit(tmp_path: Path) -> None:
    path = tmp_path / "issues.json"
    path.write_bytes(b"[" + b"{},\n" * (MB // 4) + b"{}]")
    result = parse_file(path, "github")
    assert len(result.problems) == MAX_PROBLEMS + 1
    assert result.problems[-1].line == MAX_PROBLEMS + 1


def test_a_million_empty_sarif_runs_stop_after_the_problem_limit(tmp_path: Path) -> None:
    path = tmp_path / "scan.sarif"
    path.write_bytes(b'{"version": "2.1.0", "runs": [' + b"{}," * (MB // 3) + b"{}]}")
    imported = import_sarif(path, root=tmp_path)
    assert len(imported.problems) == SARIF_MAX_PROBLEMS + 1
    assert "stopped reading at runs[1000]" in imported.problems[-1].message


def test_a_sarif_log_nested_two_mb_deep_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "scan.sarif"
    path.write_bytes(_shape("sarif", "nested 5 M deep", 2 * MB))
    [problem] = import_sarif(path, root=tmp_path).problems
    assert (problem.line, "nested too deeply" in problem.message) == (1, True)


def test_a_note_with_a_quarter_million_ranges_merges_them() -> None:
    data = _shape("gitai-note", "one attestation of 10 MB of ranges", MB)
    tracemalloc.start()
    try:
        note = parse_note(data, "c" * 40)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    [attestation] = note.files["a.py"]
    assert attestation.ranges == (LineRange(1, 3),)
    assert peak < 32 * MB  # 115 MB when the list was checked by one regex and read as tuples


def test_half_a_megabyte_of_codeowners_rules(tmp_path: Path) -> None:
    text = _shape("codeowners", "2.9 MB of rules, matched", MB // 2).decode()
    owners = parse_codeowners(text + "/src/dir/x.py @last\n")
    assert not owners.problems
    assert owners.owners_of("src/dir/x.py") == ("@last",)
    assert owners.owners_of("src/dir/y.py") == ("@team",)
    assert owners.owners_of("src/dir/deeper/y.py") == ()


def test_two_mb_of_suppression_comments(tmp_path: Path) -> None:
    text = _shape("suppressions", "10 MB of suppression lines", 2 * MB).decode()
    found = parse_suppressions(text)
    assert len(found) == text.count("\n") and found[-1].target == found[-1].line


def test_two_mb_of_lcov_records(tmp_path: Path) -> None:
    path = tmp_path / "lcov.info"
    path.write_bytes(_shape("coverage", "10 MB of lcov lines", 2 * MB))
    assert parse_coverage(path).files == {"a.py": {1: 1}}


def test_a_policy_over_one_mib_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "netgain.toml"
    path.write_bytes(seeds.POLICIES[0] + b"#" * (2 * MB) + b"\n")
    with pytest.raises(ConfigError, match="netgain reads configuration files of at most"):
        load_policy(tmp_path, path)
