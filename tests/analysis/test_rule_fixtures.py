"""One parametrized test over the rule fixture corpus, comparing exact (file, line, rule) sets.

Each fixture must produce exactly its `# expect:` findings (no more, no fewer) and none on its
`# ok:` lines. Every `# todo-expect:` / `# todo-ok:` annotation becomes a strict xfail case that
fails loudly the day the gap is closed, so the annotation gets promoted instead of forgotten.
"""

from __future__ import annotations

from functools import cache

import pytest

from netgain.analysis import EntryMode, ScanOptions, scan
from tests.analysis.fixture_corpus import Fixture, Key, load_fixtures

FIXTURES = load_fixtures()


@cache
def _found(name: str) -> frozenset[Key]:
    fixture = next(f for f in FIXTURES if f.name == name)
    result = scan(
        fixture.targets, root=fixture.root, options=ScanOptions(mode=EntryMode(fixture.mode))
    )
    assert not result.unparsed, result.unparsed
    return frozenset((f.location.path, f.location.line, f.rule_id) for f in result.findings)


def _cases() -> list[object]:
    cases: list[object] = []
    for fx in FIXTURES:
        cases.append(pytest.param(fx, None, id=fx.name))
        for key in sorted(fx.todo_expect):
            cases.append(
                pytest.param(
                    fx,
                    ("todo-expect", key),
                    id=f"{fx.name}:{key[1]}:todo-expect:{key[2]}",
                    marks=pytest.mark.xfail(strict=True, reason="known false negative"),
                )
            )
        for key in sorted(fx.todo_ok):
            cases.append(
                pytest.param(
                    fx,
                    ("todo-ok", key),
                    id=f"{fx.name}:{key[1]}:todo-ok:{key[2]}",
                    marks=pytest.mark.xfail(strict=True, reason="known false positive"),
                )
            )
    return cases


@pytest.mark.parametrize(("fixture", "todo"), _cases())
def test_fixture(fixture: Fixture, todo: tuple[str, Key] | None) -> None:
    found = _found(fixture.name)
    if todo is None:
        assert fixture.expect, f"{fixture.name} has no `# expect:` annotation"
        assert fixture.ok, f"{fixture.name} has no `# ok:` look-alike"
        reported = found - fixture.todo_ok
        missing = sorted(fixture.expect - reported)
        unexpected = sorted(reported - fixture.expect)
        assert not missing and not unexpected, f"missing: {missing}\nunexpected: {unexpected}"
        assert not (found & fixture.ok), sorted(found & fixture.ok)
        return
    kind, key = todo
    if kind == "todo-expect":
        assert key in found, f"still missed: {key}"
    else:
        assert key not in found, f"still reported: {key}"
