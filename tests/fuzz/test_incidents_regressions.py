"""Incident exports (generic CSV and JSON, PagerDuty, Jira, GitHub issues) under hostile input.

The regressions below are the crashes the fuzz targets found, each in a real export's shape.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.fuzzing.seeds import INCIDENTS
from netgain.errors import UsageError
from netgain.incidents.formats import parse_file


def _jira_text() -> str:
    return (INCIDENTS / "jira.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("replace", "by", "message"),
    [
        # a 5,000-digit number raised ValueError (CPython's int-conversion limit)
        ('"total": 4', '"total": ' + "4" * 5000, "integer with more than 4300 digits"),
        # an ADF description nested 5,000 deep raised RecursionError in json
        ('"version": 1,', '"version": ' + "[" * 5000 + "]" * 5000 + ",", "nested too deeply"),
        # NaN was accepted, then broke on the way to the store
        ('"total": 4', '"total": NaN', "NaN (JSON has no such number)"),
    ],
)
def test_jira_values_json_cannot_hold_name_file_and_line(
    tmp_path: Path, replace: str, by: str, message: str
) -> None:
    text = _jira_text()
    line = text[: text.index(replace)].count("\n") + 1
    path = tmp_path / "jira.json"
    path.write_text(text.replace(replace, by, 1), encoding="utf-8")
    with pytest.raises(UsageError, match=rf"jira\.json:{line}: not valid JSON: ") as info:
        parse_file(path, "jira")
    assert message in str(info.value)


def test_jira_issues_key_written_twice_reads_the_last_one_as_json_does(tmp_path: Path) -> None:
    """`{"issues": {...}, ..., "issues": [...]}` leaked a JSONDecodeError from the line finder."""
    data = json.loads(_jira_text())
    text = '{"issues": {"not": "the list"},\n' + json.dumps(data, indent=1)[1:]
    path = tmp_path / "jira.json"
    path.write_text(text, encoding="utf-8")
    result = parse_file(path, "jira")
    assert [r.external_id for r in result.records] == ["INC-7", "INC-8"]
    assert all(p.line > 2 for p in result.problems)


@pytest.mark.parametrize("stamp", ["1e300", "-1e300", "253402318800"])
def test_epoch_times_out_of_range_are_record_problems(tmp_path: Path, stamp: str) -> None:
    """datetime.fromtimestamp raised OverflowError / ValueError past year 9999."""
    path = tmp_path / "incidents.json"
    path.write_text(
        '[\n{"id": "OUT-1", "started_at": "2024-01-15T08:00:00Z"},\n'
        f'{{"id": "OUT-2", "started_at": {stamp}}}\n]\n',
        encoding="utf-8",
    )
    result = parse_file(path, "json")
    assert [r.external_id for r in result.records] == ["OUT-1"]
    [problem] = result.problems
    assert (problem.line, problem.record_id) == (3, "OUT-2")
    assert "started_at" in problem.message


def test_a_csv_cell_over_the_field_limit_costs_its_row_only(tmp_path: Path) -> None:
    """csv raised `_csv.Error: field larger than field limit (131072)` out of the parser."""
    rows = (INCIDENTS / "generic.csv").read_text(encoding="utf-8").splitlines()
    big = rows[1].replace("Checkout down, 502s", "x" * 200_000)
    path = tmp_path / "incidents.csv"
    path.write_text("\n".join([rows[0], big, rows[2]]) + "\n", encoding="utf-8")
    result = parse_file(path, "csv")
    assert [r.external_id for r in result.records] == ["OUT-2"]
    [problem] = result.problems
    assert problem.line == 2 and "field larger than field limit" in problem.message


@pytest.mark.parametrize(
    ("description", "body"),
    [
        ({"type": "doc", "content": None}, ""),  # iterating None raised TypeError
        ({"type": "paragraph", "content": 5}, ""),
        ({"type": {"not": "a name"}, "content": []}, ""),  # `in {...}` of a dict: TypeError
        ({"type": ["doc"], "content": [{"type": "text", "text": "x"}]}, "x"),
    ],
)
def test_jira_descriptions_that_are_not_adf_are_read_without_crashing(
    tmp_path: Path, description: dict[str, object], body: str
) -> None:
    data = json.loads(_jira_text())
    data["issues"][1]["fields"]["description"] = description
    path = tmp_path / "jira.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    result = parse_file(path, "jira")
    record = next(r for r in result.records if r.external_id == "INC-8")
    assert record.body == body
