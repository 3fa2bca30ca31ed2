"""User-written patterns run on RE2: linear time, clear errors for what RE2 cannot run."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netgain.errors import ConfigError
from netgain.userpattern import PatternError, compile_pattern, config_pattern, glob_regex, matchable

TEN_MB = 10 * 1024 * 1024


def test_a_catastrophic_pattern_finishes_on_10_mb() -> None:
    """`(a+)+$` on 'aaa...a!' is exponential for a backtracking engine (benchmarks/fuzz.py
    times Python's re on 30 characters); RE2 reads 10 MB once. No timing: it must finish."""
    text = "a" * TEN_MB + "!"
    assert compile_pattern("(a+)+$").search(text) is None
    assert compile_pattern("(a+)+!$").search(text) is not None


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(?=a)b", "look-around and backreferences cannot run in linear time"),
        ("(?<!a)b", "look-around and backreferences cannot run in linear time"),
        ("(a)\\1", "look-around and backreferences cannot run in linear time"),
        ("end\\Z", "write \\z for the end of the text"),
        ("(", "missing )"),
        ("a{1001}", "invalid repetition size"),
    ],
)
def test_patterns_re2_rejects_are_config_errors_saying_where_and_why(
    pattern: str, reason: str
) -> None:
    with pytest.raises(ConfigError) as info:
        config_pattern(pattern, "netgain.toml:12: provenance.markers[0].pattern")
    message = str(info.value)
    assert message.startswith(
        f"netgain.toml:12: provenance.markers[0].pattern: invalid pattern {pattern!r}: "
    )
    assert reason in message


def test_a_pattern_too_large_for_the_memory_budget_is_rejected() -> None:
    with pytest.raises(PatternError):
        compile_pattern("((((((a{100}){100}){100}){100}){100}){100})")


def test_lone_surrogates_match_as_replacement_characters_at_the_same_positions() -> None:
    match = compile_pattern("b(.)c").search("a\udcffb\udcfec")
    assert match is not None
    assert (match.group(1), match.start(), match.end()) == ("\ufffd", 2, 5)
    assert matchable("plain") == "plain"


@settings(max_examples=200, derandomize=True, database=None)
@given(st.text(alphabet="ab*.?+()[]\\^$ é", max_size=12), st.text(alphabet="ab.é*", max_size=12))
def test_url_globs_agree_with_a_literal_reading(glob: str, url: str) -> None:
    """`*` is any run of characters, everything else literal, as Python's re reads it."""
    literal = "".join(".*" if part == "*" else re.escape(part) for part in re.split(r"(\*)", glob))
    expected = re.fullmatch(literal, url) is not None
    assert (compile_pattern(glob_regex(glob) + r"\z").match(url) is not None) == expected
