"""git-ai notes, Agent Trace records, trailers and team markers under hostile input.

The regressions below are the crashes the fuzz targets found, each in the real shape of its input.
"""

from __future__ import annotations

import pytest

from netgain.provenance.agent_trace import parse_trace_lines
from netgain.provenance.gitai import NoteFormatError, parse_note
from tests.fuzz import seeds


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
