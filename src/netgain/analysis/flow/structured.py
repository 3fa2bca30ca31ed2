"""Results of library calls whose shape says which parts carry their input.

`getopt.getopt(argv, "ho:", ["help", "output="])` returns `(options, rest)`: each option is a
pair `(name, value)` whose name is one the program declared (`-o`, `--output`; getopt rejects
any other), so only the value and the remaining arguments carry the command line. Keeping that
shape lets `for name, value in options: os.system(name)` pass while `os.system(value)` is still
reported. The options list is given as one representative pair (its length is not known, and no
folding reads it).
"""

from __future__ import annotations

from netgain.analysis.values import Value

_OPTION_PARSERS = frozenset({"getopt.getopt", "getopt.gnu_getopt"})
# type tag of a value that is one of the program's own constants (not text of unknown origin)
CONSTANT_CHOICE = "netgain:constant-choice"


def structured_result(qual: str | None, args: list[Value]) -> Value | None:
    """The shaped result of a call in the table above, or None for any other call."""
    if qual not in _OPTION_PARSERS or not args:
        return None
    given = Value(labels=args[0].all_labels())
    options = Value(elems=(Value(elems=(Value(type=CONSTANT_CHOICE), given)),))
    return Value(elems=(options, given))
