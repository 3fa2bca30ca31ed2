"""Signal definitions per language, read from `polyglot/data/<language>.toml`.

Each family lists `apis` (qualified-name prefixes: modules, packages, namespaces, classes, as the
language spells them), optional `imports` (names that count on import lines only), optional `members` (method or property names that count on any
receiver, kept for names specific enough) and `history`, the POSIX ERE that `git log -G` uses to
ask whether an author wrote such code before. `[raw_sql]` names the query methods and format
functions of the language's drivers and ORMs. Family names are the ones `analysis.signals`
defines, so a policy's zones and rules work for every language.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from netgain.analysis.languages import extensions
from netgain.analysis.polyglot.grammars import GRAMMARS, LANGUAGES
from netgain.analysis.signals import FAMILIES


@dataclass(frozen=True, slots=True)
class FamilyDef:
    name: str
    apis: tuple[str, ...]
    members: frozenset[str]
    history: str
    imports: tuple[str, ...] = ()  # count on import lines only (Ruby's lowercase `require` names)


@dataclass(frozen=True, slots=True)
class RawSqlDef:
    query_methods: frozenset[str]  # built text containing an SQL statement counts
    fragment_methods: frozenset[str]  # any built text counts (where/order clauses, raw())
    raw_methods: frozenset[str]  # every call counts (unsafe raw-query APIs)
    format_functions: frozenset[str]  # calls that build a string from a literal format


@dataclass(frozen=True, slots=True)
class LanguageDefs:
    name: str
    families: dict[str, FamilyDef]
    raw_sql: RawSqlDef
    # Whether a name no import binds can still be an API: yes where fully qualified names and
    # global constants are the norm (Java, C#, PHP, Ruby); no in JavaScript and Go, where an
    # unbound `square` is a local variable (except the listed `globals`, e.g. Web Crypto).
    resolve_unbound: bool = True
    globals: frozenset[str] = frozenset()


class DefinitionError(ValueError):
    """A data file names an unknown family or has the wrong shape."""


def _strings(table: dict[str, object], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DefinitionError(f"{where}: `{key}` must be a list of strings")
    return tuple(str(v) for v in value)


@cache
def load(stem: str) -> LanguageDefs:
    """The definitions in `data/<stem>.toml` (cached: they ship with netgain)."""
    where = f"netgain/analysis/polyglot/data/{stem}.toml"
    raw = files("netgain.analysis.polyglot").joinpath("data", f"{stem}.toml").read_text("utf-8")
    data = tomllib.loads(raw)
    families: dict[str, FamilyDef] = {}
    for name, table in data.get("families", {}).items():
        if name not in FAMILIES:
            raise DefinitionError(f"{where}: unknown family {name!r}")
        history = table.get("history")
        if not isinstance(history, str) or not history:
            raise DefinitionError(f"{where}: family {name!r} needs a `history` regex")
        families[name] = FamilyDef(
            name,
            _strings(table, "apis", where),
            frozenset(_strings(table, "members", where)),
            history,
            _strings(table, "imports", where),
        )
    sql = data.get("raw_sql", {})
    return LanguageDefs(
        str(data.get("language", stem)),
        families,
        RawSqlDef(
            frozenset(_strings(sql, "query_methods", where)),
            frozenset(_strings(sql, "fragment_methods", where)),
            frozenset(_strings(sql, "raw_methods", where)),
            frozenset(_strings(sql, "format_functions", where)),
        ),
        bool(data.get("resolve_unbound", True)),
        frozenset(_strings(data, "globals", where)),
    )


def history(language: str, family: str) -> tuple[str, str, tuple[str, ...]] | None:
    """(group, `git log -G` regex, pathspecs) for `family` in `language`, or None.

    Languages that share a data file share a history: a TypeScript author who wrote
    `require("jsonwebtoken")` in JavaScript before is not new to JWT (group "javascript").
    """
    grammar = GRAMMARS.get(language)
    if grammar is None:
        return None
    found = load(grammar.name).families.get(family)
    if found is None:
        return None
    languages = sorted({k for k, g in GRAMMARS.items() if g.name == grammar.name} & LANGUAGES)
    paths = tuple(f"*{ext}" for name in languages for ext in extensions(name))
    return grammar.name, found.history, paths
