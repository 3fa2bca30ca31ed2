"""Code signals in JavaScript/TypeScript, Java, Go, Ruby, PHP and C# (tree-sitter, data per language).

Each `signal_fixtures/uses.*` file marks the lines that must carry a signal (`expect: family`,
in a comment, which the parser itself ignores); each `safe.*` file is the look-alike: the same
names in comments and strings, parameterised SQL, strings built for something else. Both must
come out exactly as marked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from netgain.analysis.polyglot.definitions import history, load
from netgain.analysis.polyglot.grammars import GRAMMARS
from netgain.analysis.polyglot.imports import go_package_name
from netgain.analysis.polyglot.signals import find_signals, signals_in
from netgain.analysis.signals import FAMILIES

FIXTURES = Path(__file__).parent / "signal_fixtures"
_EXPECT = re.compile(r"expect: ([\w ]+)")


def _expected(text: str) -> set[tuple[str, int]]:
    out = set()
    for number, line in enumerate(text.splitlines(), 1):
        match = _EXPECT.search(line)
        if match:
            out.update((family, number) for family in match.group(1).split())
    return out


@pytest.mark.parametrize(
    "name",
    sorted(p.name for p in FIXTURES.iterdir()),
)
def test_fixture_signals_are_exactly_the_marked_lines(name: str) -> None:
    data = (FIXTURES / name).read_bytes()
    every_line = set(range(1, data.count(b"\n") + 2))
    signals, problem = signals_in(name, data, every_line)
    assert problem is None
    assert {(s.family, s.line) for s in signals} == _expected(data.decode())
    if name.startswith("uses"):
        assert {s.family for s in signals} >= {"jwt", "raw_sql", "password"}


def test_every_language_is_covered_by_a_fixture_pair() -> None:
    suffixes = {p.suffix for p in FIXTURES.iterdir()}
    assert suffixes == {".ts", ".java", ".go", ".rb", ".php", ".cs"}
    for stem in ("uses", "safe"):
        assert len([p for p in FIXTURES.iterdir() if p.stem.lower() == stem]) == 6


def test_only_added_lines_count() -> None:
    data = (FIXTURES / "uses.ts").read_bytes()
    signals, _ = signals_in("uses.ts", data, {10})
    assert [(s.family, s.line, s.detail) for s in signals] == [
        ("raw_sql", 10, "db.query(interpolation)")
    ]
    assert signals_in("uses.ts", data, set())[0] == []


def test_raw_sql_detail_names_how_the_text_was_built() -> None:
    data = (FIXTURES / "Uses.cs").read_bytes()
    signals, _ = signals_in("Uses.cs", data, set(range(1, 40)))
    details = {s.detail for s in signals if s.family == "raw_sql"}
    assert details == {
        "SqlCommand(concatenation)",
        "db.Users.FromSqlRaw(interpolation)",
        "db.Database.ExecuteSqlRaw(format:string.Format)",
        "SqlCommand(concatenation in sql)",  # built a line before, in a local variable
    }


def test_a_query_argument_on_an_added_line_counts_for_a_call_started_earlier() -> None:
    code = b'const rows = await db.query(\n  "SELECT * FROM t WHERE id = " + id,\n);\n'
    signals, _ = signals_in("a.js", code, {2})
    assert [(s.family, s.line) for s in signals] == [("raw_sql", 1)]


def test_a_local_binding_resolves_calls_and_an_unrelated_module_does_not() -> None:
    code = b'import { verify as check } from "jsonwebtoken";\nconst a = check(t, k);\n'
    signals, _ = signals_in("a.ts", code, {2})
    assert [(s.family, s.detail) for s in signals] == [("jwt", "jsonwebtoken.verify()")]
    other = b'import { verify as check } from "./tokens";\nconst a = check(t, k);\n'
    assert signals_in("a.ts", other, {2})[0] == []


def test_a_namespace_using_does_not_make_every_call_in_the_file_a_signal() -> None:
    code = b"using Stripe;\nclass A { void F() { var x = Helper.Make(); var s = new ChargeService(); } }\n"
    signals, _ = signals_in("A.cs", code, {2})
    assert [s.detail for s in signals] == ["Stripe.ChargeService()"]


def test_tsx_and_javascript_parse_with_their_own_grammars() -> None:
    tsx = b'import jwt from "jsonwebtoken";\nexport const A = () => <div>{jwt.decode(t)}</div>;\n'
    signals, problem = signals_in("a.tsx", tsx, {2})
    assert problem is None and [s.family for s in signals] == ["jwt"]
    js = b'const crypto = require("crypto");\nmodule.exports = crypto.randomBytes(16);\n'
    signals, problem = signals_in("a.cjs", js, {2})
    assert problem is None and [s.family for s in signals] == ["crypto"]


def test_a_bare_ampersand_in_jsx_text_does_not_make_a_tsx_file_unparsed() -> None:
    """humanlayer/humanlayer's `<Label>Performance & Error Reporting</Label>`: valid JSX that the
    grammar rejects; the signals still come from the whole file, and a real error still counts."""
    tsx = (
        b'import jwt from "jsonwebtoken";\nexport const A = () => <p>Terms & {jwt.decode(t)}</p>;\n'
    )
    signals, problem = signals_in("a.tsx", tsx, {2})
    assert problem is None and [s.family for s in signals] == ["jwt"]
    _, problem = signals_in("a.tsx", tsx.replace(b"</p>;", b"</p;"), {2})
    assert problem is not None and problem.line == 2


def test_unparsable_and_unreadable_files_are_reported_with_a_line() -> None:
    broken = b'import jwt from "jsonwebtoken";\nfunction f( {\n  jwt.sign(x);\n'
    signals, problems = find_signals(
        {"a.ts": broken, "views/x.erb": b"<%= x %>"}, {"a.ts": {1, 2, 3}, "views/x.erb": {1}}
    )
    assert "jwt" in {s.family for s in signals}  # what parsed still counts
    assert [(p.path, p.line) for p in problems] == [("a.ts", 2), ("views/x.erb", None)]
    assert "syntax error" in problems[0].reason
    assert "no parser" in problems[1].reason


def test_definitions_name_known_families_and_history_regexes_compile() -> None:
    for grammar in GRAMMARS.values():
        defs = load(grammar.name)
        assert set(defs.families) == set(FAMILIES), grammar.name
        for family in defs.families.values():
            assert family.apis or family.members or family.name == "raw_sql"
            re.compile(family.history)
    group, regex, paths = history("TypeScript", "jwt") or ("", "", ())
    assert "jsonwebtoken" in regex and "*.ts" in paths and "*.tsx" in paths
    assert group == "javascript" and "*.js" in paths  # one history for JS and TS
    assert history("Kotlin", "jwt") is None


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("github.com/golang-jwt/jwt/v5", "jwt"),
        ("github.com/stripe/stripe-go/v76", "stripe"),
        ("gopkg.in/square/go-jose.v2", "jose"),
        ("crypto/sha256", "sha256"),
    ],
)
def test_go_import_paths_bind_their_package_name(path: str, name: str) -> None:
    assert go_package_name(path) == name


def test_deep_nesting_neither_crashes_nor_hides_a_signal() -> None:
    """Hostile input: thousands of concatenations or parentheses stay on the heap, not the stack."""
    terms = " + ".join(["x"] * 5000)
    code = b'db.query("SELECT * FROM t WHERE a = " + ' + terms.encode() + b");\n"
    signals, problem = signals_in("a.js", code, {1})
    assert problem is None
    assert [(s.family, s.detail) for s in signals] == [("raw_sql", "db.query(concatenation)")]
    wrapped = "(" * 3000 + "jwt" + ")" * 3000
    code = f'import jwt from "jsonwebtoken";\n{wrapped}.sign(x);\n'.encode()
    signals, _ = signals_in("a.js", code, {2})
    assert [(s.family, s.detail) for s in signals] == [("jwt", "jsonwebtoken.sign()")]
