"""git-ai notes, Agent Trace records, trailers and team markers under hostile input.

The regressions below are the crashes the fuzz targets found, each in the real shape of its input.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.fuzzing import seeds
from netgain.config import load_config
from netgain.errors import ConfigError
from netgain.git.model import Commit, Identity, Trailer
from netgain.provenance.agent_trace import parse_trace_lines
from netgain.provenance.gitai import NoteFormatError, parse_note
from netgain.provenance.markers import detect_commit_markers, marker_rules
from netgain.provenance.ranges import normalize, parse_normalized, parse_ranges


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1" * 5000, "integer with more than 4300 digits"),  # was ValueError
        ("[" * 3000 + "]" * 3000, "nested too deeply"),  # was RecursionError
    ],
)
def test_note_metadata_json_cannot_hold_names_the_note_line(value: str, message: str) -> None:
    note = seeds.GITAI[0].decode().replace('"total_additions": 12', f'"total_additions": {value}')
    line = note[: note.index(value)].count("\n") + 1
    with pytest.raises(NoteFormatError) as info:
        parse_note(note.encode(), "c" * 40)
    assert (info.value.line, info.value.sha) == (line, "c" * 40)
    assert message in info.value.message


def test_a_trace_line_json_cannot_hold_costs_that_line_only() -> None:
    """A line nested 3,000 deep raised RecursionError and lost the whole traces file."""
    good = seeds.AGENT_TRACE[0].split(b"\n")[0]
    data = good + b"\n" + b"[" * 3000 + b"]" * 3000 + b"\n" + good + b"\n"
    records, warnings = parse_trace_lines(data, "traces.jsonl")
    assert len(records) == 2
    assert [(w.line, w.message) for w in warnings] == [
        (2, "not valid JSON: nested too deeply (more than 200 levels)")
    ]


def test_team_marker_rejected_by_re2_names_file_line_and_key(tmp_path: Path) -> None:
    """Team markers run on RE2 (linear time); look-ahead cannot, and says so where it is."""
    path = tmp_path / "netgain.toml"
    path.write_text(
        '[provenance]\n\n[[provenance.markers]]\ntool = "bot"\nfield = "trailer"\n'
        'pattern = "^AI-Assisted: (?=yes)"\n',
        encoding="utf-8",
    )
    raw = load_config(tmp_path, path)
    with pytest.raises(ConfigError) as info:
        marker_rules(raw.section("provenance"), raw.source)
    message = str(info.value)
    assert message.startswith(f"{path}:6: provenance.markers[0].pattern: ")
    assert "look-around and backreferences cannot run in linear time" in message


def test_markers_match_text_with_undecodable_bytes() -> None:
    """git messages are decoded with surrogateescape; RE2 needs UTF-8 (UnicodeEncodeError)."""
    who = Identity("Ada \udcff", "ada@example.com")
    when = datetime(2026, 1, 1, tzinfo=UTC)
    trailer = Trailer("Co-Authored-By", "Claude <noreply@anthropic.com>")
    message = "fix \udcfe\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"
    commit = Commit("c" * 40, (), who, when, who, when, message, trailers=[trailer])
    evidence = detect_commit_markers(commit, marker_rules())
    assert [e.tool for e in evidence] == ["claude-code"]


def test_catastrophic_team_marker_runs_in_linear_time_on_a_long_message() -> None:
    """`(a+)+$` backtracks exponentially in Python's re on 'aaa...a!'; RE2 does not."""
    rules = marker_rules({"markers": [{"tool": "bot", "field": "subject", "pattern": "(a+)+$"}]})
    who = Identity("Ada", "ada@example.com")
    when = datetime(2026, 1, 1, tzinfo=UTC)
    commit = Commit("c" * 40, (), who, when, who, when, "a" * 1_000_000 + "!")
    assert [e.tool for e in detect_commit_markers(commit, rules)] == []
    commit.message = "a" * 1_000_000
    assert [e.tool for e in detect_commit_markers(commit, rules)] == ["bot"]


def test_a_note_ending_at_its_divider_names_the_divider_line() -> None:
    """The error named the line after '---', which a note ending there does not have."""
    note = seeds.GITAI[0].split(b"\n---\n")[0] + b"\n---"
    with pytest.raises(NoteFormatError) as info:
        parse_note(note, "c" * 40)
    assert info.value.line == note.count(b"\n") + 1
    assert info.value.message == "no JSON metadata after '---'"


@settings(max_examples=300, derandomize=True, database=None)
@given(st.text(alphabet="0123,-9 ²", max_size=14))
def test_fast_range_parsing_agrees_with_the_careful_one(text: str) -> None:
    """parse_normalized (one integer per range) answers as normalize(parse_ranges(...)),
    the same error included."""
    try:
        expected: object = normalize(parse_ranges(text))
    except ValueError as exc:
        expected = str(exc)
    try:
        got: object = parse_normalized(text)
    except ValueError as exc:
        got = str(exc)
    assert got == expected
