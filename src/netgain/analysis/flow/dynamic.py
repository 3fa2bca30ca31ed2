"""Modules and their members reached by name at run time.

`getattr(os, "system")`, `__import__("os").system` and `importlib.import_module("os")` call the
same `os.system` as the plain spelling; code that hides a dangerous call this way (on purpose or
to import lazily) must reach the same models. With a literal name the target is known, so the
result is a reference to that qualified name: calling it is calling the member, and reading an
attribute of it names the member below. A name computed at run time stays unknown.
"""

from __future__ import annotations

import re

from netgain.analysis.values import Value

# The type tag of a reference: `func` holds the qualified name (`os`, `os.system`).
REFERENCE_TYPE = "netgain:reference"

_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
IMPORTERS = frozenset({"__import__", "importlib.import_module"})


def reference(qualified: str) -> Value:
    return Value(func=qualified, type=REFERENCE_TYPE)


def imported_module(qual: str | None, args: list[Value], *, from_list: bool) -> Value | None:
    """The module a literal `__import__(name)` / `importlib.import_module(name)` returns.

    `__import__("os.path")` returns the top package `os` unless a from-list is given;
    `import_module("os.path")` returns `os.path`. A relative name (`.sibling`) is not resolved.
    """
    if qual not in IMPORTERS or not args:
        return None
    name = args[0].const
    if not isinstance(name, str) or not _DOTTED.match(name):
        return None
    if qual == "__import__" and not from_list:
        name = name.partition(".")[0]
    return reference(name)


def member(base: str | None, args: list[Value]) -> Value | None:
    """`getattr(base, "name"[, default])` where `base` names a module or a member of one."""
    if base is None or len(args) < 2:
        return None
    attr = args[1].const
    if not isinstance(attr, str) or not _IDENTIFIER.match(attr):
        return None
    return reference(f"{base}.{attr}")
