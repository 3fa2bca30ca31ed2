"""Which tree-sitter grammar parses which file, and the node types each grammar uses.

The signal layer reads JavaScript/TypeScript, Java, Go, Ruby, PHP and C# through tree-sitter
(error-tolerant, no code is run). Grammar knowledge (node and field names) lives here, once per
language; what counts as a signal is data (`polyglot/data/*.toml`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import PurePosixPath

import tree_sitter
import tree_sitter_c_sharp
import tree_sitter_go
import tree_sitter_java
import tree_sitter_javascript
import tree_sitter_php
import tree_sitter_ruby
import tree_sitter_typescript


@dataclass(frozen=True, slots=True)
class Grammar:
    """Node types of one grammar, named by role.

    `calls` maps a call node type to (callee field, arguments field); a callee field of "" means
    the callee is the first named child (constructors whose type has no field name).
    `members` maps a member-access node type to (object field, member field).
    `strings` are literal node types; `interpolations` the child types that make one built.
    `concat` is the binary node type and the operators that join strings.
    """

    name: str  # the data file's stem
    loader: Callable[[], object]
    calls: dict[str, tuple[str, str]]
    members: dict[str, tuple[str, str]]
    names: frozenset[str]
    strings: frozenset[str]
    interpolations: frozenset[str]
    concat: tuple[str, frozenset[str]]
    method_field: dict[str, str]  # call types whose method name is a separate field


_JS_LIKE = {
    "calls": {"call_expression": ("function", "arguments"), "new_expression": ("constructor", "arguments")},
    "members": {"member_expression": ("object", "property")},
    "names": frozenset({"identifier", "property_identifier", "this", "type_identifier"}),
    "strings": frozenset({"string", "template_string"}),
    "interpolations": frozenset({"template_substitution"}),
    "concat": ("binary_expression", frozenset({"+"})),
    "method_field": {},
}  # fmt: skip

GRAMMARS: dict[str, Grammar] = {
    "JavaScript": Grammar("javascript", tree_sitter_javascript.language, **_JS_LIKE),  # type: ignore[arg-type]
    "TypeScript": Grammar("javascript", tree_sitter_typescript.language_typescript, **_JS_LIKE),  # type: ignore[arg-type]
    "TSX": Grammar("javascript", tree_sitter_typescript.language_tsx, **_JS_LIKE),  # type: ignore[arg-type]
    "Java": Grammar(
        "java",
        tree_sitter_java.language,
        calls={"method_invocation": ("object", "arguments"), "object_creation_expression": ("type", "arguments")},
        members={"field_access": ("object", "field"), "scoped_identifier": ("scope", "name"),
                 "scoped_type_identifier": ("", "")},
        names=frozenset({"identifier", "type_identifier", "this"}),
        strings=frozenset({"string_literal", "text_block"}),
        interpolations=frozenset(),
        concat=("binary_expression", frozenset({"+"})),
        method_field={"method_invocation": "name"},
    ),
    "Go": Grammar(
        "go",
        tree_sitter_go.language,
        calls={"call_expression": ("function", "arguments")},
        members={"selector_expression": ("operand", "field"), "qualified_type": ("package", "name")},
        names=frozenset({"identifier", "field_identifier", "package_identifier", "type_identifier"}),
        strings=frozenset({"interpreted_string_literal", "raw_string_literal"}),
        interpolations=frozenset(),
        concat=("binary_expression", frozenset({"+"})),
        method_field={},
    ),
    "Ruby": Grammar(
        "ruby",
        tree_sitter_ruby.language,
        calls={"call": ("receiver", "arguments")},
        members={"scope_resolution": ("scope", "name")},
        names=frozenset({"identifier", "constant"}),
        strings=frozenset({"string"}),
        interpolations=frozenset({"interpolation"}),
        concat=("binary", frozenset({"+", "%"})),
        method_field={"call": "method"},
    ),
    "PHP": Grammar(
        "php",
        tree_sitter_php.language_php,
        calls={
            "function_call_expression": ("function", "arguments"),
            "member_call_expression": ("object", "arguments"),
            "nullsafe_member_call_expression": ("object", "arguments"),
            "scoped_call_expression": ("scope", "arguments"),
            "object_creation_expression": ("", ""),
        },
        members={"member_access_expression": ("object", "name"),
                 "class_constant_access_expression": ("", "")},
        names=frozenset({"name", "qualified_name", "variable_name"}),
        strings=frozenset({"string", "encapsed_string", "heredoc", "nowdoc"}),
        interpolations=frozenset({"variable_name", "member_access_expression", "subscript_expression",
                                  "dynamic_variable_name", "function_call_expression"}),
        concat=("binary_expression", frozenset({"."})),
        method_field={"member_call_expression": "name", "nullsafe_member_call_expression": "name",
                      "scoped_call_expression": "name"},
    ),
    "C#": Grammar(
        "csharp",
        tree_sitter_c_sharp.language,
        calls={"invocation_expression": ("function", "arguments"), "object_creation_expression": ("type", "arguments")},
        members={"member_access_expression": ("expression", "name"), "qualified_name": ("qualifier", "name")},
        names=frozenset({"identifier", "predefined_type", "generic_name", "this"}),
        strings=frozenset({"string_literal", "verbatim_string_literal", "raw_string_literal",
                           "interpolated_string_expression"}),
        interpolations=frozenset({"interpolation"}),
        concat=("binary_expression", frozenset({"+"})),
        method_field={},
    ),
}  # fmt: skip

# Extensions each grammar reads; other files of these languages (templates such as .erb, .jsp,
# .cshtml) have no grammar here and are reported as not parsed for signals.
_SUFFIXES: dict[str, str] = {
    ".js": "JavaScript", ".mjs": "JavaScript", ".cjs": "JavaScript", ".jsx": "JavaScript",
    ".ts": "TypeScript", ".mts": "TypeScript", ".cts": "TypeScript", ".tsx": "TSX",
    ".java": "Java", ".go": "Go", ".rb": "Ruby", ".rake": "Ruby", ".gemspec": "Ruby",
    ".php": "PHP", ".phtml": "PHP", ".cs": "C#",
}  # fmt: skip
_NAMES: dict[str, str] = {"Rakefile": "Ruby", "Vagrantfile": "Ruby", "Gemfile": "Ruby"}

# The languages (as `analysis.languages` names them) this layer covers.
LANGUAGES = frozenset({"JavaScript", "TypeScript", "Java", "Go", "Ruby", "PHP", "C#"})


def grammar_for(path: str) -> str | None:
    """The grammar key for `path` (`TSX` for .tsx), or None when no grammar here reads it."""
    pure = PurePosixPath(path)
    return _NAMES.get(pure.name) or _SUFFIXES.get(pure.suffix.lower())


@cache
def parser(key: str) -> tree_sitter.Parser:
    """A parser for grammar `key` (parsers are cheap; languages are loaded once)."""
    return tree_sitter.Parser(tree_sitter.Language(GRAMMARS[key].loader()))
