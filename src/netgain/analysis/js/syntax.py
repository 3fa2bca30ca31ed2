"""Parsing JavaScript / TypeScript with tree-sitter, and small helpers over its syntax nodes.

The grammar follows the file's extension: `.ts`/`.mts`/`.cts` are TypeScript, `.tsx` is TSX,
everything else (`.js`, `.jsx`, `.mjs`, `.cjs`) is JavaScript (whose grammar includes JSX).
tree-sitter never fails on bad input: it marks the broken region with ERROR or missing nodes.
A file with such a region is still analysed (the rest of it is valid) and is reported as not
fully parsed, with the line of the first error, so the gate does not call it analysed.
"""

from __future__ import annotations

from functools import cache
from pathlib import PurePosixPath

import tree_sitter_javascript
import tree_sitter_typescript
from tree_sitter import Language, Node, Parser, Tree

JS_SUFFIXES = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts")
_TS_SUFFIXES = (".ts", ".mts", ".cts")

FUNCTION_TYPES = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "function_expression",
        "function",
        "arrow_function",
        "generator_function",
        "method_definition",
    }
)


def is_js_path(path: str) -> bool:
    return path.endswith(JS_SUFFIXES)


@cache
def _parser(grammar: str) -> Parser:
    if grammar == "typescript":
        language = Language(tree_sitter_typescript.language_typescript())
    elif grammar == "tsx":
        language = Language(tree_sitter_typescript.language_tsx())
    else:
        language = Language(tree_sitter_javascript.language())
    return Parser(language)


def grammar_for(path: str) -> str:
    suffix = PurePosixPath(path).suffix.lower()
    if suffix in _TS_SUFFIXES:
        return "typescript"
    if suffix == ".tsx":
        return "tsx"
    return "javascript"


_JSX_PARENTS = frozenset({"jsx_element", "jsx_fragment"})
_AMPERSAND = ord("&")


def parse(data: bytes, path: str) -> Tree:
    """The syntax tree of a file (never raises on bad syntax: see `first_error_line`).

    A bare `&` in JSX text (`<p>Files & Folders</p>`) is valid JSX that tsc, Babel and React
    accept, but the tree-sitter grammars end the text there (tree-sitter-typescript #366,
    tree-sitter-javascript #366) and mark the rest of the element as an error, so a valid file
    would be reported as not parsed and the gate would call it not analysed (4 of 416 files of
    humanlayer/humanlayer). Each such `&` (an error among a JSX element's children that starts
    with `&`) is read as a space, same length so every offset and line stays; any other error
    is left as it is and still reported.
    """
    parser = _parser(grammar_for(path))
    tree = parser.parse(data)
    if grammar_for(path) == "typescript" or _AMPERSAND not in data:
        return tree
    masked = bytearray(data)
    while tree.root_node.has_error:
        bare = _bare_jsx_ampersands(tree, masked)
        if not bare:
            break
        for offset in bare:
            masked[offset] = ord(" ")
        tree = parser.parse(bytes(masked))
    return tree


def _bare_jsx_ampersands(tree: Tree, source: bytearray) -> list[int]:
    """Offsets of the `&` that open error nodes among a JSX element's children."""
    found = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if (
            node.is_error
            and node.parent is not None
            and node.parent.type in _JSX_PARENTS
            and source[node.start_byte] == _AMPERSAND
        ):
            found.append(node.start_byte)
        stack.extend(c for c in node.children if c.has_error)
    return found


def first_error_line(tree: Tree) -> int | None:
    """The 1-based line of the first syntax error, or None when the file parsed cleanly."""
    root = tree.root_node
    if not root.has_error:
        return None
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            return node.start_point[0] + 1
        stack.extend(reversed([c for c in node.children if c.has_error or c.is_missing]))
    return root.start_point[0] + 1


def js_comments(source: str, path: str) -> list[tuple[int, int, str]]:
    """(line, column, text) of every comment of a JavaScript / TypeScript source (1-based line,
    0-based column in characters, as Python's tokenize gives them)."""
    data = source.encode("utf-8", "surrogatepass")
    lines = data.split(b"\n")
    out: list[tuple[int, int, str]] = []
    stack = [parse(data, path).root_node]
    while stack:
        node = stack.pop()
        if node.type == "comment":
            row, byte_col = node.start_point
            prefix = lines[row][:byte_col] if row < len(lines) else b""
            out.append((row + 1, len(prefix.decode("utf-8", "replace")), text(node)))
        else:
            stack.extend(node.children)
    return sorted(out)


def text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def unwrap(node: Node) -> Node:
    """The expression inside parentheses, TypeScript casts and non-null assertions."""
    while node.type in (
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "type_assertion",
    ):
        inner = [c for c in node.named_children if c.type != "comment"]
        if not inner:
            break
        node = inner[0] if node.type != "type_assertion" else inner[-1]
    return node


def string_value(node: Node | None) -> str | None:
    """The value of a string literal (or a template without substitutions), else None."""
    if node is None:
        return None
    node = unwrap(node)
    if node.type == "string":
        return "".join(text(c) for c in node.named_children)
    if node.type == "template_string" and not any(
        c.type == "template_substitution" for c in node.named_children
    ):
        return "".join(text(c) for c in node.named_children)
    return None


def arguments(node: Node | None) -> list[Node]:
    if node is None:
        return []
    return [c for c in node.named_children if c.type != "comment"]


def object_keys(node: Node) -> dict[str, Node]:
    """An object literal's `key: value` pairs (shorthand `{ text }` maps to the identifier)."""
    out: dict[str, Node] = {}
    for child in node.named_children:
        if child.type == "pair":
            key, value = child.child_by_field_name("key"), child.child_by_field_name("value")
            if key is not None and value is not None:
                out[string_value(key) or text(key)] = value
        elif child.type == "shorthand_property_identifier":
            out[text(child)] = child
    return out
