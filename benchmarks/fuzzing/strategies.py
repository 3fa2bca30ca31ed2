"""Hypothesis strategies for hostile inputs: real documents mutated by their structure, and bytes.

Each input kind has a structure-aware mutator that starts from a seed of `benchmarks.fuzzing.seeds`:

* JSON: values anywhere in the tree replaced by a value of another type, a number JSON cannot
  hold (`NaN`, `1e999`, 5,000 digits), odd Unicode (NUL, lone surrogates, RTL marks, U+2028),
  deep nesting; keys deleted or added; list items repeated;
* text: lines deleted, repeated, swapped or replaced by hostile ones, odd characters spliced in;
* CSV: cells replaced (quotes, newlines, NUL, long text), rows made ragged, header columns lost;
* TOML: the same tree mutations as JSON, written back as TOML, or the text mutated by line;
* CEL: expressions built from the grammar, over real and misspelt facts;
* Cobertura XML and lcov: elements and records with bad attributes, entities, broken tags.

Every kind also gets raw bytes and byte-level damage of a seed (a BOM, CRLF, invalid UTF-8, a
truncation), since a file is bytes before it is anything else.
"""

from __future__ import annotations

import csv
import io
import json
import math
import tomllib
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from benchmarks.fuzzing.targets import Kind, Target

ODD_TEXT = (
    "",
    " ",
    "\x00",
    "\ud800",
    "\udcff",
    "\ufeff",
    "\u202e",
    "\u2028",
    "\x0c",
    "\x1e",
    "\r",
    "\t",
    "𝔘𝔫𝔦",
    "é\u0301",
    "٣",
    "../../etc/passwd",
    "C:\\x\\y",
    "file:///etc/passwd",
    "http://[::1",
    "%00",
    "'\"`",
    "${x}",
    "{id}",
    "*",
    "**/",
    "(a+)+$",
    "1970-01-01T00:00:00Z",
    "9999-12-31T23:59:59+14:00",
    "0000-00-00",
    "-1",
    "NaN",
    "x" * 300,
)


@dataclass(frozen=True, slots=True)
class Raw:
    """A JSON token written as is: what json.dumps cannot or will not write."""

    token: str


RAW_NUMBERS = (
    Raw("NaN"),
    Raw("Infinity"),
    Raw("-Infinity"),
    Raw("1e999"),
    Raw("-1e400"),
    Raw("9" * 5000),
    Raw("-" + "1" * 4301),
    Raw("0." + "0" * 400 + "1"),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([0, -1, 1, 2**31, 2**63, 2**64, -(2**63) - 1, 10**30, 10**300]),
    st.integers(),
    st.sampled_from([0.5, -0.0, 1e308, -1e-308, 5e-324, 1.7976931348623157e308]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(ODD_TEXT),
    st.text(max_size=40),
    st.sampled_from(RAW_NUMBERS),
)


def _nested(depth: int, leaf: Any) -> Any:
    value = leaf
    for level in range(depth):
        value = [value] if level % 2 else {"a": value}
    return value


VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=4),
    st.dictionaries(st.sampled_from(["", "a", "name", "0", "\x00"]), SCALARS, max_size=3),
    st.builds(_nested, st.integers(min_value=10, max_value=260), SCALARS),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every position in a JSON tree, the root first (iteratively: seeds can be wide)."""
    found: list[tuple[Any, ...]] = []
    pending = [(value, prefix)]
    while pending:
        node, path = pending.pop()
        found.append(path)
        if isinstance(node, dict):
            pending.extend((child, (*path, key)) for key, child in node.items())
        elif isinstance(node, list):
            pending.extend((child, (*path, index)) for index, child in enumerate(node))
    return found


def _keys(value: Any) -> list[str]:
    keys: set[str] = set()
    pending = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            keys.update(node)
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return sorted(keys) or ["a"]


def _get(tree: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        tree = tree[step]
    return tree


@st.composite
def mutated_tree(draw: st.DrawFn, tree: Any) -> Any:
    """`tree` (a deep copy) with 1 to 4 structural mutations at random positions."""
    tree = json.loads(json.dumps(tree))
    keys = _keys(tree)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = _paths(tree)
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["replace", "replace", "delete", "add", "repeat", "wrap"]))
        value = _get(tree, path)
        if op == "replace" or (not path and op == "delete"):
            new = draw(VALUES)
        elif op == "delete":
            parent = _get(tree, path[:-1])
            del parent[path[-1]]
            continue
        elif op == "add" and isinstance(value, dict):
            value[draw(st.sampled_from([*keys, *ODD_TEXT[:8]]))] = draw(VALUES)
            continue
        elif op == "repeat" and isinstance(value, list) and value:
            value.extend([value[0]] * draw(st.integers(min_value=1, max_value=50)))
            continue
        else:
            new = [value] if draw(st.booleans()) else {"value": value}
        if path:
            _get(tree, path[:-1])[path[-1]] = new
        else:
            tree = new
    return tree


def to_json(value: Any, indent: int | None) -> str:
    """JSON text of `value`, writing Raw tokens and lone surrogates as they are."""
    if isinstance(value, Raw):
        return value.token
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN"
    if isinstance(value, dict):
        items = [f"{json.dumps(str(k))}: {to_json(v, indent)}" for k, v in value.items()]
        return "{" + _join(items, indent) + "}"
    if isinstance(value, list):
        return "[" + _join([to_json(v, indent) for v in value], indent) + "]"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**4000:
        return "1" + "0" * 4400
    return json.dumps(value)


def _join(items: list[str], indent: int | None) -> str:
    if indent is None:
        return ",".join(items)
    return "\n" + ",\n".join(" " * indent + item for item in items) + "\n"


@st.composite
def json_documents(draw: st.DrawFn, seeds: tuple[bytes, ...]) -> bytes:
    seed = json.loads(draw(st.sampled_from(seeds)).decode("utf-8-sig"))
    tree = draw(mutated_tree(seed))
    text = to_json(tree, draw(st.sampled_from([None, 1, 2])))
    return text.encode("utf-8", "surrogatepass")


@st.composite
def jsonl_documents(draw: st.DrawFn, seeds: tuple[bytes, ...]) -> bytes:
    """JSON lines: each line a (possibly mutated) record, or a hostile line."""
    records = [
        json.loads(line)
        for seed in seeds
        for line in seed.decode().splitlines()
        if line.startswith("{")
    ]
    lines = []
    for _ in range(draw(st.integers(min_value=1, max_value=5))):
        if draw(st.integers(min_value=0, max_value=3)):
            lines.append(to_json(draw(mutated_tree(draw(st.sampled_from(records)))), None))
        else:
            lines.append(draw(st.sampled_from([*ODD_TEXT, "[]", "{", "{}", "1", '"x"'])))
    return "\n".join(lines).encode("utf-8", "surrogatepass")


LINE_POOL = (
    *ODD_TEXT,
    "---",
    "  x",
    "    deep indent",
    "\t tab",
    "#",
    "# comment",
    "Key: value",
    "Signed-off-by: A <a@x>",
    "Conflicts:",
    "# ------------------------ >8 ------------------------",
    "  s_0a1b2c3d4e5f60::t_99887766554433 1-999999999999",
    "  0123456789abcdef 0-1",
    "  h_ 1,2,,3",
    '"unterminated path',
    "# netgain: ignore[x] why",
    "# netgain: ignore[",
    "x = '''",
    "* @o",
    "/src/ @a/b",
    "!x @y",
    "[abc] @z",
    "SF:x.py",
    "DA:1,1",
    "DA:" + "9" * 5000 + ",1",
    "end_of_record",
)


@st.composite
def text_documents(draw: st.DrawFn, seeds: tuple[bytes, ...]) -> bytes:
    lines = draw(st.sampled_from(seeds)).decode("utf-8", "surrogateescape").split("\n")
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        op = draw(st.sampled_from(["insert", "insert", "delete", "repeat", "swap", "splice"]))
        at = draw(st.integers(min_value=0, max_value=max(0, len(lines) - 1)))
        if op == "insert":
            lines.insert(at, draw(st.sampled_from(LINE_POOL) | st.text(max_size=30)))
        elif op == "delete" and lines:
            del lines[at]
        elif op == "repeat" and lines:
            lines[at:at] = [lines[at]] * draw(st.integers(min_value=1, max_value=30))
        elif op == "swap" and len(lines) > 1:
            other = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif lines:
            cut = draw(st.integers(min_value=0, max_value=len(lines[at])))
            odd = draw(st.sampled_from(ODD_TEXT))
            lines[at] = lines[at][:cut] + odd + lines[at][cut:]
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return newline.join(lines).encode("utf-8", "surrogatepass")


CELLS = st.one_of(
    st.sampled_from(ODD_TEXT),
    st.sampled_from(['"', '""', 'a"b', "a,b", "a\nb", "a\r\nb", "2024-01-02", "12", "#15 abc1234"]),
    st.text(max_size=20),
)


@st.composite
def csv_documents(draw: st.DrawFn, seeds: tuple[bytes, ...]) -> bytes:
    text = draw(st.sampled_from(seeds)).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for _ in range(draw(st.integers(min_value=1, max_value=5))):
        row = rows[draw(st.integers(min_value=0, max_value=len(rows) - 1))]
        op = draw(st.sampled_from(["cell", "cell", "drop", "add", "row", "dup"]))
        if op == "cell" and row:
            row[draw(st.integers(min_value=0, max_value=len(row) - 1))] = draw(CELLS)
        elif op == "drop" and row:
            del row[draw(st.integers(min_value=0, max_value=len(row) - 1))]
        elif op == "add":
            row.append(draw(CELLS))
        elif op == "row":
            rows.append(draw(st.lists(CELLS, max_size=len(rows[0]) + 2)))
        else:
            rows.extend([row] * draw(st.integers(min_value=1, max_value=20)))
    out = io.StringIO()
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    csv.writer(
        out, quoting=quoting, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))
    ).writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


def to_toml(data: dict[str, Any]) -> str:
    """TOML text of a table: scalars and inline values at the top, then one table per key."""
    head = [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in data.items() if not _is_table(v)]
    tables = []
    for key, value in data.items():
        if isinstance(value, dict):
            tables.append(f"[{_toml_key(key)}]\n" + to_toml(value))
        elif _is_table(value):
            tables.extend(f"[[{_toml_key(key)}]]\n" + to_toml(item) for item in value)
    return "\n".join(head) + "\n" + "".join(t + "\n" for t in tables)


def _is_table(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(v, dict | list | str | int | float | bool) for v in value.values())
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _toml_key(key: str) -> str:
    return json.dumps(key)  # a JSON string is a TOML basic string (lone surrogates aside)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Raw) or value is None:
        return {"NaN": "nan", "Infinity": "inf", "-Infinity": "-inf"}.get(
            getattr(value, "token", ""), '""'
        )
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "nan"
    if isinstance(value, int):
        return str(value) if abs(value) < 10**4000 else "1"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    return '""'


@st.composite
def toml_documents(draw: st.DrawFn, seeds: tuple[bytes, ...]) -> bytes:
    if draw(st.booleans()):
        return draw(text_documents(seeds))
    data = tomllib.loads(draw(st.sampled_from(seeds)).decode())
    tree = draw(mutated_tree(data))
    text = to_toml(tree if isinstance(tree, dict) else {"value": tree})
    return text.encode("utf-8", "surrogatepass")


FACTS = (
    "change.ai_share",
    "change.ai_lines",
    "change.zones",
    "change.paths",
    "change.labels",
    "change.author.login",
    "change.author.first_signals",
    "change.risk",
    "change.risk_tier",
    "change.ai_shar",
    "change",
    "x",
)
CEL_LITERALS = (
    "true",
    "false",
    "null",
    "0",
    "1",
    "-1",
    "1u",
    "0.5",
    "1e308",
    "9223372036854775807",
    "9223372036854775808",
    "'auth'",
    '"a\\u0000b"',
    "b'\\xff'",
    "'(a+)+$'",
    "[]",
    "[1, 2, 3]",
    "{'a': 1}",
    "duration('1h')",
    "timestamp('2026-01-01T00:00:00Z')",
)
CEL_LEAVES = st.sampled_from(FACTS + CEL_LITERALS)


def _cel_node(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.sampled_from(
        ["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "in"]
    )
    macro = st.sampled_from(["all", "exists", "exists_one", "map", "filter"])
    function = st.sampled_from(
        ["size", "int", "double", "string", "bool", "type", "has", "duration", "timestamp"]
    )
    method = st.sampled_from(["startsWith", "endsWith", "contains", "matches", "size"])
    return st.one_of(
        st.tuples(children, binary, children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        children.map(lambda c: f"!{c}"),
        children.map(lambda c: f"-{c}"),
        st.tuples(children, children, children).map(lambda t: f"({t[0]} ? {t[1]} : {t[2]})"),
        st.tuples(children, macro, children).map(lambda t: f"{t[0]}.{t[1]}(v, {t[2]})"),
        st.tuples(function, children).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(children, method, children).map(lambda t: f"{t[0]}.{t[1]}({t[2]})"),
        st.tuples(children, children).map(lambda t: f"{t[0]}[{t[1]}]"),
        st.lists(children, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
    )


CEL_EXPRESSIONS = st.recursive(CEL_LEAVES | st.just("v"), _cel_node, max_leaves=12)


@st.composite
def cel_documents(draw: st.DrawFn, seeds: tuple[bytes, ...]) -> bytes:
    choice = draw(st.integers(min_value=0, max_value=3))
    if choice == 0:
        return draw(text_documents(seeds))
    if choice == 1:
        depth = draw(st.integers(min_value=1, max_value=300))
        return ("(" * depth + draw(CEL_EXPRESSIONS) + ")" * depth).encode("utf-8", "surrogatepass")
    return draw(CEL_EXPRESSIONS).encode("utf-8", "surrogatepass")


XML_ATTRS = st.dictionaries(
    st.sampled_from(["number", "hits", "filename", "name", "line-rate", "x"]),
    st.sampled_from(["1", "0", "-1", "x", "", "9" * 5000, "1e3", "١", " 2 ", "&amp;", "\x00"]),
    max_size=3,
)
XML_TAGS = st.sampled_from(["coverage", "packages", "class", "classes", "lines", "line", "method"])
XML_EXTRAS = (
    '<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">',
    '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    "<![CDATA[ x ]]>",
    "<!-- c -->",
    "<?pi x?>",
    "&b;",
    "&e;",
    "<",
    "</coverage>",
)


def _xml_attr_text(attrs: dict[str, str]) -> str:
    return "".join(
        f' {k}="{v.replace("&", "&amp;").replace(chr(34), "&quot;")}"' for k, v in attrs.items()
    )


@st.composite
def cobertura_documents(draw: st.DrawFn) -> bytes:
    parts = ['<?xml version="1.0" ?>'] if draw(st.booleans()) else []
    open_tags: list[str] = []
    for _ in range(draw(st.integers(min_value=1, max_value=15))):
        action = draw(st.integers(min_value=0, max_value=4))
        if action <= 1 or not open_tags:
            tag = draw(XML_TAGS)
            parts.append(f"<{tag}{_xml_attr_text(draw(XML_ATTRS))}>")
            open_tags.append(tag)
        elif action == 2:
            parts.append(f"</{open_tags.pop()}>")
        elif action == 3:
            parts.append(f"<line{_xml_attr_text(draw(XML_ATTRS))}/>")
        else:
            parts.append(draw(st.sampled_from(XML_EXTRAS)))
    if draw(st.booleans()):
        parts.extend(f"</{tag}>" for tag in reversed(open_tags))
    return "\n".join(parts).encode("utf-8", "surrogatepass")


@st.composite
def damaged(draw: st.DrawFn, seeds: tuple[bytes, ...]) -> bytes:
    """A seed with byte-level damage: what a broken download or an editor does to a file."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        at = draw(st.integers(min_value=0, max_value=len(data)))
        op = draw(st.sampled_from(["bom", "crlf", "bytes", "truncate", "nul", "delete"]))
        if op == "bom":
            data[0:0] = b"\xef\xbb\xbf"
        elif op == "crlf":
            data = bytearray(bytes(data).replace(b"\n", b"\r\n"))
        elif op == "bytes":
            data[at:at] = draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf0\x9f"]))
        elif op == "truncate":
            del data[at:]
        elif op == "nul":
            data[at:at] = b"\x00"
        else:
            del data[at : at + draw(st.integers(min_value=1, max_value=20))]
    return bytes(data)


def _is_json(seed: bytes) -> bool:
    return seed.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{")


def _structured(kind: Kind, seeds: tuple[bytes, ...]) -> st.SearchStrategy[bytes]:
    if kind == "export":  # JSON and CSV exports mixed: each seed mutated by its own structure
        json_seeds = tuple(seed for seed in seeds if _is_json(seed))
        csv_seeds = tuple(seed for seed in seeds if not _is_json(seed))
        return json_documents(json_seeds) | csv_documents(csv_seeds)
    if kind == "json":
        return json_documents(seeds)
    if kind == "jsonl":
        return jsonl_documents(seeds) | json_documents(seeds[1:] or seeds)
    if kind == "csv":
        return csv_documents(seeds)
    if kind == "toml":
        return toml_documents(seeds)
    if kind == "cel":
        return cel_documents(seeds)
    if kind == "xml-or-lcov":
        return cobertura_documents() | text_documents(seeds)
    return text_documents(seeds)


def inputs_for(target: Target) -> st.SearchStrategy[bytes]:
    """Inputs for one target: mostly structure-aware mutations, some damage, some raw bytes."""
    return st.one_of(
        _structured(target.kind, target.seeds),
        _structured(target.kind, target.seeds),
        _structured(target.kind, target.seeds),
        damaged(target.seeds),
        st.binary(max_size=512),
    )
