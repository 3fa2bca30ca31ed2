"""The hostile-JSON loader every reader of other people's JSON goes through."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netgain.jsoninput import MAX_DEPTH, JsonInputError, decode_at, loads

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=30,
)


@settings(max_examples=100, derandomize=True, database=None)
@given(JSON_VALUES, st.sampled_from([None, 2]))
def test_valid_json_reads_as_json_loads_reads_it(value: Any, indent: int | None) -> None:
    text = json.dumps(value, indent=indent)
    assert loads(text) == json.loads(text)


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ('{\n  "a": [1,\n   ' + "7" * 4301 + "]\n}", "integer with more than 4300 digits", 3, 4),
        (
            '{"a":\n' + "[" * 5000 + "]" * 5000 + "}",
            "nested too deeply (more than 200 levels)",
            2,
            MAX_DEPTH,
        ),
        (
            '{"a":\n' + "[" * 300 + "]" * 300 + "}",
            "nested too deeply (more than 200 levels)",
            2,
            MAX_DEPTH,
        ),
        ("[1,\n NaN]", "NaN (JSON has no such number)", 2, 2),
        ("[1,\n -Infinity]", "-Infinity (JSON has no such number)", 2, 2),
        ("[\n1e999]", "number 1e999 is out of range", 2, 1),
        ("[1]\n[2]", "Extra data", 2, 1),
        ('{"a": 1,}', "Expecting property name enclosed in double quotes", 1, 9),
        ("", "Expecting value", 1, 1),
    ],
)
def test_every_failure_is_one_error_with_line_and_column(
    text: str, message: str, line: int, column: int
) -> None:
    with pytest.raises(JsonInputError) as info:
        loads(text)
    assert (info.value.msg, info.value.line, info.value.column) == (message, line, column)


def test_nesting_up_to_the_limit_is_accepted() -> None:
    text = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert decode_at(text, 0)[1] == len(text)
