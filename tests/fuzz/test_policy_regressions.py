"""The review gate's inputs under hostile input: the policy file and its CEL conditions,
CODEOWNERS, coverage reports and GitHub event payloads and reviews.

The regressions below are the crashes and hangs the fuzz targets found, each in the real shape
of its input.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from benchmarks.fuzzing import seeds
from netgain.errors import ConfigError, UsageError
from netgain.globs import matches
from netgain.policy.codeowners import parse_codeowners
from netgain.policy.conditions import (
    MAX_CONDITION_LENGTH,
    ConditionError,
    compile_condition,
    evaluate,
)
from netgain.policy.coverage import parse_coverage
from netgain.policy.defaults import STARTER_POLICY
from netgain.policy.github import parse_event
from netgain.policy.globs import url_matches
from netgain.policy.schema import load_policy


def test_policy_nested_too_deeply_for_tomllib_names_file_and_line(tmp_path: Path) -> None:
    """tomllib recurses per nested array: RecursionError escaped `load_policy`."""
    path = tmp_path / "netgain.toml"
    path.write_text(STARTER_POLICY + "\n[scan]\nx = " + "[" * 3000 + "]" * 3000 + "\n")
    line = STARTER_POLICY.count("\n") + 3
    with pytest.raises(ConfigError, match=rf"netgain\.toml:{line}: invalid TOML: .* nested too"):
        load_policy(tmp_path, path)


def test_toml_syntax_errors_start_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "netgain.toml"
    path.write_text(STARTER_POLICY + "\n[scan]\n[scan]\n")
    line = STARTER_POLICY.count("\n") + 3
    with pytest.raises(ConfigError, match=rf"netgain\.toml:{line}: invalid TOML: Cannot declare"):
        load_policy(tmp_path, path)


def _where(message: str) -> ConfigError:
    return ConfigError(f"netgain.toml:7: rules[0].if: {message}")


def test_nested_macros_stop_at_the_step_budget() -> None:
    """Four macros over 30-item lists are 810,000 evaluations: a minute in cel-python."""
    items = "[" + ", ".join(["1"] * 30) + "]"
    condition = f"{items}.all(a, {items}.all(b, {items}.all(c, {items}.all(d, true))))"
    with pytest.raises(ConfigError, match=r"did not finish within [0-9,]+ steps"):
        compile_condition(condition, where=_where)


def test_a_condition_longer_than_the_limit_is_refused() -> None:
    condition = " && ".join(["true"] * (MAX_CONDITION_LENGTH // 8 + 1))
    with pytest.raises(ConfigError, match="characters long; the limit is 4,000"):
        compile_condition(condition, where=_where)


def test_codeowners_lines_are_counted_as_github_counts_them() -> None:
    """str.splitlines() split at \\v, so every problem after one was reported a line too low."""
    owners = parse_codeowners("*.py @py \x0b note\n!secret @x\n", "CODEOWNERS")
    assert [(p.line, p.message.split()[0]) for p in owners.problems] == [
        (1, "invalid"),
        (2, "negated"),
    ]


def test_codeowners_matching_stays_linear_on_hostile_patterns_and_paths() -> None:
    owners = parse_codeowners(
        "*a*a*a*a*a*a*a*a*a*a*b @x\n**/a/**/a/**/a/**/a/**/b @y\n* a@" + "." * 200_000 + "@\n"
    )
    assert owners.owners_of("a" * 200_000) == ()
    assert owners.owners_of("a/" * 100_000 + "c") == ()
    assert owners.owners_of("src/\udcff/x.py") == ()  # a path git could not decode


def test_codeowners_of_3_mb_or_more_is_ignored_as_on_github() -> None:
    owners = parse_codeowners("* @all\n" * 450_000, "CODEOWNERS")
    assert owners.entries == []
    assert owners.owners_of("a.py") == ()
    [problem] = owners.problems
    assert "GitHub ignores a CODEOWNERS of 3 MB or more" in problem.message


def test_design_doc_url_globs_do_not_backtrack() -> None:
    """Six `*` against a 100-character URL took 32 s on Python's re."""
    assert not url_matches(["https://*a*a*a*a*a*a*/x"], "https://" + "a" * 100_000)
    assert url_matches(
        ["https://wiki.example.com/*/design/*"], "https://wiki.example.com/p/design/1"
    )


def test_zone_globs_match_paths_git_could_not_decode() -> None:
    """pathspec runs on RE2, which raised UnicodeEncodeError on a surrogateescape'd path."""
    assert matches(["**/auth/**"], "src/auth/\udcff.py")
    assert not matches(["docs/"], "src/\udcff")


def test_cobertura_entity_declarations_are_refused_with_their_line(tmp_path: Path) -> None:
    """ElementTree expanded entities ("billion laughs"); a coverage report never needs them."""
    report = seeds.COVERAGE[0].decode()
    bomb = '<!DOCTYPE coverage [\n<!ENTITY a "aaaaaaaaaa">\n<!ENTITY b "&a;&a;&a;&a;">\n]>\n'
    path = tmp_path / "coverage.xml"
    path.write_text(report.replace("\n", "\n" + bomb, 1), encoding="utf-8")
    with pytest.raises(UsageError, match=r"coverage\.xml:3: entity declaration 'a' is not allowed"):
        parse_coverage(path)


def test_cobertura_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "coverage.xml"
    path.write_text(seeds.COVERAGE[0].decode().replace('hits="0"', 'hits="zero"'))
    with pytest.raises(UsageError, match=r"coverage\.xml:6: bad <line> number='2' hits='zero'"):
        parse_coverage(path)


def test_lcov_with_a_byte_order_mark_keeps_its_first_record(tmp_path: Path) -> None:
    """With the BOM kept, `SF:` on line 1 was not seen and the first DA record was an error."""
    path = tmp_path / "lcov.info"
    path.write_bytes(b"\xef\xbb\xbf" + seeds.COVERAGE[1].removeprefix(b"TN:\n"))
    assert parse_coverage(path).files == {"src/app/users.py": {1: 0, 3: 5}}


@pytest.mark.parametrize(
    ("replace", "by", "message"),
    [
        ('"number": 7,', '"number": ' + "7" * 5000 + ",", "integer with more than 4300 digits"),
        ('"draft": false,', '"draft": ' + "[" * 3000 + "]" * 3000 + ",", "nested too deeply"),
    ],
)
def test_event_payload_values_json_cannot_hold_name_file_and_line(
    tmp_path: Path, replace: str, by: str, message: str
) -> None:
    text = seeds.EVENTS[0].decode()
    line = text[: text.index(replace)].count("\n") + 1
    path = tmp_path / "event.json"
    path.write_text(text.replace(replace, by, 1), encoding="utf-8")
    with pytest.raises(UsageError, match=rf"event\.json:{line}: event payload is not valid JSON"):
        parse_event(path)


def test_a_macro_folding_type_errors_keeps_its_memory_bounded() -> None:
    """celpy's `||` embedded repr() of both operands in its error, and `exists` feeds each item's
    error into the next: the text doubled per item (the 29 facts of a change: over 20 GB)."""
    facts = {f"fact_{i}": ["x"] for i in range(22)}
    tracemalloc.start()
    try:
        with pytest.raises(ConditionError, match="no such overload"):
            evaluate("change.exists(v, [])", facts)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024  # 36 MB before, doubling with every fact added
