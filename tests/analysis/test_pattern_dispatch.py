"""Pattern checks run only on the calls and attributes they declared (`rules.registry`).

Dispatching by the callee's name must not change what is found: a rule declared for `md5`
fires through an import alias, a `from x import y as z` rename, a re-export under another name
and an attribute call exactly as when every check ran on every call, and stays silent on a
look-alike of the same name that is not the library's function.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

import netgain.analysis.rules  # noqa: F401 - registers every rule
from netgain.analysis import patterns
from netgain.analysis.index import ProgramIndex
from netgain.analysis.options import EntryMode, ScanOptions
from netgain.analysis.patterns import run_patterns
from netgain.analysis.rules import registry
from netgain.analysis.rules.crypto.weak_hash import WEAK_HASH
from netgain.analysis.rules.registry import (
    EVERYWHERE,
    PatternContext,
    PatternHit,
    Registration,
    Trigger,
    callee_names,
    pattern_rule,
)
from netgain.analysis.scanner import scan

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "rules"


def _scan(root: Path, files: dict[str, str]) -> set[tuple[str, int, str]]:
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    result = scan([root], root=root, options=ScanOptions(mode=EntryMode.LIBRARY))
    return {(f.location.path, f.location.line, f.rule_id) for f in result.findings}


def test_a_rule_declared_for_names_fires_through_aliases_renames_and_attributes(
    tmp_path: Path,
) -> None:
    found = _scan(
        tmp_path,
        {
            "helpers.py": "from hashlib import md5 as fast_digest\n",
            "app.py": (
                "import hashlib\n"
                "import hashlib as h\n"
                "from hashlib import md5 as digest\n"
                "from helpers import fast_digest\n"
                "import helpers\n"
                "\n"
                "def checksums(data):\n"
                "    a = hashlib.md5(data)\n"
                "    b = h.md5(data)\n"
                "    c = digest(data)\n"
                "    d = fast_digest(data)\n"
                "    e = helpers.fast_digest(data)\n"
                "    return a, b, c, d, e\n"
            ),
        },
    )
    weak = {line for path, line, rule in found if path == "app.py" and rule == "weak-hash"}
    assert weak == {8, 9, 10, 11, 12}


def test_look_alikes_of_the_declared_name_stay_silent(tmp_path: Path) -> None:
    found = _scan(
        tmp_path,
        {
            "app.py": (
                "import hashlib\n"
                "\n"
                "def md5(data):\n"
                "    return hashlib.sha256(data)\n"
                "\n"
                "class Digests:\n"
                "    def md5(self, data):\n"
                "        return data\n"
                "\n"
                "def checksums(data, digests):\n"
                "    a = md5(data)\n"
                "    b = Digests().md5(data)\n"
                "    c = digests.md5(data)\n"
                "    d = hashlib.md5(data, usedforsecurity=False)\n"
                "    return a, b, c, d\n"
            ),
        },
    )
    assert not {f for f in found if f[2] == "weak-hash"}


def test_keyword_and_argument_triggers_fire_whatever_is_called(tmp_path: Path) -> None:
    found = _scan(
        tmp_path,
        {
            "app.py": (
                "import ssl\n"
                "import requests\n"
                "from ssl import PROTOCOL_TLSv1\n"
                "\n"
                "def fetch(session, sock, wrap):\n"
                "    session.get('https://example.com', verify=False)\n"
                "    requests.get('https://example.com', verify=True)\n"
                "    wrap(sock, ssl.PROTOCOL_TLSv1)\n"
                "    wrap(sock, protocol=PROTOCOL_TLSv1)\n"
                "    wrap(sock, ssl.PROTOCOL_TLS_CLIENT)\n"
                "    connect(password='hunter2go')\n"
            ),
        },
    )
    assert {(line, rule) for _path, line, rule in found} == {
        (6, "tls-verification-disabled"),
        (8, "weak-tls-version"),
        (9, "weak-tls-version"),
        (11, "hardcoded-password"),
    }


def _index(files: list[Path], root: Path) -> ProgramIndex:
    index = ProgramIndex()
    for path in files:
        index.add_module(path.relative_to(root).as_posix(), ast.parse(path.read_bytes()))
    index.finish()
    return index


def _all_hits(root: Path) -> list[tuple[str, int, int, str, str]]:
    files = sorted(root.rglob("*.py"))
    index = _index(files, root)
    hits = []
    for module in sorted(index.modules.values(), key=lambda m: m.path):
        text = (root / module.path).read_text(encoding="utf-8")
        for hit in run_patterns(index, module, text, lambda _rule: True):
            where = (getattr(hit.node, "lineno", 0), getattr(hit.node, "col_offset", 0))
            hits.append((module.path, *where, hit.rule.id, hit.message))
    return hits


@pytest.mark.parametrize("family", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
def test_dispatch_finds_what_running_every_check_on_every_node_finds(
    family: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every declared name, keyword and argument, checked against the rule fixtures: a rule
    whose declaration misses a name its code fires on loses that finding here."""
    selected = _all_hits(FIXTURES / family)
    everywhere = {
        node_type: [replace(entry, trigger=EVERYWHERE) for entry in entries]
        for node_type, entries in registry.registrations().items()
    }
    monkeypatch.setattr(registry, "_CHECKS", everywhere)
    monkeypatch.setattr(registry, "_VERSION", [registry.registry_version() + 1])
    unselected = _all_hits(FIXTURES / family)
    monkeypatch.undo()
    patterns._DISPATCH.clear()
    assert selected, "the fixtures of every family have pattern findings"
    assert selected == unselected


def _calls_seen(names: frozenset[str], source: str) -> list[str]:
    """The callees a check declared for `names` was run on, walking `source`."""
    seen: list[str] = []

    def check(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
        assert isinstance(node, ast.Call)
        seen.append(ast.unparse(node.func))
        return iter(())

    tree = ast.parse(source)
    index = ProgramIndex()
    module = index.add_module("app.py", tree)
    index.finish()
    entry = Registration(WEAK_HASH, check, Trigger(names))
    selector = patterns._selector([entry])
    ctx = PatternContext(index, module, source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for chosen in selector.for_call(ctx, node):
                list(chosen(ctx, node))
    return seen


def test_a_check_runs_only_on_calls_of_its_names() -> None:
    source = (
        "import hashlib as h\n"
        "from hashlib import md5 as m\n"
        "h.md5(a)\nm(b)\nh.sha256(c)\nprint(d)\nx.md5(e)\nhandlers[0](f)\n"
    )
    assert sorted(_calls_seen(frozenset({"md5"}), source)) == ["h.md5", "m", "x.md5"]


def test_registration_rejects_names_for_node_types_they_cannot_select() -> None:
    with pytest.raises(ValueError, match="only select calls, attributes, assignments"):
        pattern_rule(WEAK_HASH, ast.Call, ast.If, names={"md5"})
    with pytest.raises(ValueError, match="selected by its names only"):
        pattern_rule(WEAK_HASH, ast.Attribute, keywords={"verify"})
    with pytest.raises(ValueError, match="selected by its names only"):
        pattern_rule(WEAK_HASH, ast.Assign, arguments={"PROTOCOL_TLSv1"})
    assert callee_names({"hashlib.md5", "Crypto.Hash.MD5.new"}, ["md5"]) == {"md5", "new"}


def test_keyword_patterns_select_by_search() -> None:
    entry = Registration(
        WEAK_HASH, lambda ctx, node: iter(()), Trigger(keyword_pattern=re.compile("pass"))
    )
    selector = patterns._selector([entry])
    assert selector.keyword("db_password") == (0,)
    assert selector.keyword("user") == ()


def test_a_full_name_memo_is_cleared_and_answers_stay_right(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(patterns, "_MEMO_LIMIT", 2)
    entry = Registration(WEAK_HASH, lambda ctx, node: iter(()), Trigger(frozenset({"md5"})))
    selector = patterns._selector([entry])
    answers = [selector.name(n) for n in ("a", "b", "c", "md5", "d", "md5")]
    assert answers == [(), (), (), (0,), (), (0,)]
    assert len(selector._name_memo) <= 3
