"""Results of library calls whose shape (or settings) says which parts carry their input.

`getopt.getopt(argv, "ho:", ["help", "output="])` returns `(options, rest)`: each option is a
pair `(name, value)` whose name is one the program declared (`-o`, `--output`; getopt rejects
any other), so only the value and the remaining arguments carry the command line. Keeping that
shape lets `for name, value in options: os.system(name)` pass while `os.system(value)` is still
reported. The options list is given as one representative pair (its length is not known, and no
folding reads it).

`lxml.etree.XMLParser(resolve_entities=False)` is a parser that leaves entities alone: its value
is tagged, so a parse given that parser by position or keyword, or through a local name, is no
XXE sink (`unless_arg_type` in the sink models).
"""

from __future__ import annotations

from netgain.analysis.values import Value

_OPTION_PARSERS = frozenset({"getopt.getopt", "getopt.gnu_getopt"})
# type tag of a value that is one of the program's own constants (not text of unknown origin)
CONSTANT_CHOICE = "netgain:constant-choice"


ENTITY_SAFE_PARSER = "netgain:entity-safe-parser"
_XML_PARSERS = frozenset({"lxml.etree.XMLParser"})


def structured_result(
    qual: str | None, args: list[Value], kwargs: dict[str, Value]
) -> Value | None:
    """The shaped result of a call in the tables above, or None for any other call."""
    if qual in _XML_PARSERS:
        setting = kwargs.get("resolve_entities")
        safe = setting is not None and setting.const is False
        return Value(type=ENTITY_SAFE_PARSER) if safe else None
    if qual not in _OPTION_PARSERS or not args:
        return None
    given = Value(labels=args[0].all_labels())
    options = Value(elems=(Value(elems=(Value(type=CONSTANT_CHOICE), given)),))
    return Value(elems=(options, given))
