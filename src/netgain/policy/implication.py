"""Whether one rule condition provably implies another, for the organisation floor.

A repository may widen a floor rule's condition (the rule then applies to more changes) but never
narrow it. Implication between arbitrary CEL expressions cannot be decided in general, so this
module accepts only forms it can prove and answers False ("not proven") for everything else; the
floor check then reports a loosening, which the team fixes by writing the floor's condition back.
Proven, on the parsed expressions (spacing, redundant parentheses and the order of `||` / `&&`
operands do not matter):

* the same expression; `true` as the wider condition; `false` as the narrower one;
* disjunctions and conjunctions by the sequent rules: F implies `A || B` when it implies A or B;
  `A || B` implies R when both do; F implies `A && B` when it implies both; `A && B` implies R
  when either does. So `floor || more` and `true` are always wider than `floor`;
* thresholds on the same fact against literals of the same type: `change.ai_share > 0.5`
  implies `change.ai_share > 0.3` (and `>=`, `<`, `<=` alike).

The reasoning is two-valued. A CEL condition can also fail to evaluate (a null fact), which makes
the rule `error` and fails closed; `floor || more` may still be true where the floor's condition
errs, so the repository's rule then applies its requirements instead of blocking outright. That
is the one way a wider condition is not stronger, and it only concerns floors whose conditions
err on real facts (docs/policy.md, "Organisation floor").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import celpy
from lark import Token, Tree

# Nodes that only wrap their single child; unwrapping them reaches the node that means something.
_WRAPPERS = frozenset(
    {"expr", "conditionalor", "conditionaland", "relation", "addition", "multiplication"}
    | {"unary", "member", "primary"}
)
_NUMBERS = frozenset({"INT_LIT", "UINT_LIT", "FLOAT_LIT"})
_FLIP = {">": "<", ">=": "<=", "<": ">", "<=": ">="}
_OPS = {"relation_gt": ">", "relation_ge": ">=", "relation_lt": "<", "relation_le": "<="}


@dataclass(frozen=True, slots=True)
class Const:
    value: bool


@dataclass(frozen=True, slots=True)
class Junction:
    kind: str  # "or" | "and"
    items: frozenset[Form]


@dataclass(frozen=True, slots=True)
class Compare:
    fact: str  # the parse tree of the member path, as text
    op: str  # > >= < <=
    literal: str  # INT_LIT, UINT_LIT or FLOAT_LIT: CEL never compares across them
    value: int | float  # ints stay ints: as floats two thresholds could round together


@dataclass(frozen=True, slots=True)
class Atom:
    text: str  # the parse tree, as text (token positions are not part of it)


Form = Const | Junction | Compare | Atom
TRUE, FALSE = Const(True), Const(False)

_ENV = celpy.Environment()


def implies(narrow: str, wide: str) -> bool:
    """True when `wide` is provably true wherever `narrow` is (both compile: the policy loaded)."""
    return _implies(canonical(narrow), canonical(wide), {})


def same_condition(a: str, b: str) -> bool:
    """The same condition up to spacing, parentheses and operand order of `||` and `&&`."""
    return canonical(a) == canonical(b)


@lru_cache(maxsize=512)
def canonical(text: str) -> Form:
    """The canonical form of a CEL condition (see the module docstring)."""
    return _form(_ENV.compile(text))


def _unwrap(node: Tree[Token]) -> Tree[Token]:
    while node.data in _WRAPPERS and len(node.children) == 1:
        child = node.children[0]
        if not isinstance(child, Tree):
            break
        node = child
    return node


def _form(tree: Tree[Token]) -> Form:
    node = _unwrap(tree)
    kind = str(node.data)
    children = [c for c in node.children if isinstance(c, Tree)]
    if kind == "paren_expr":
        return _form(children[0])
    if kind in ("conditionalor", "conditionaland") and len(children) == 2:
        return _join("or" if kind == "conditionalor" else "and", [_form(c) for c in children])
    if kind == "literal":
        token = node.children[0]
        if isinstance(token, Token) and token.type == "BOOL_LIT":
            return Const(str(token) == "true")
    if kind == "relation" and len(children) == 2 and str(children[0].data) in _OPS:
        compared = _comparison(children[0], children[1])
        if compared is not None:
            return compared
    return Atom(repr(node))


def _join(kind: str, items: list[Form]) -> Form:
    flat: set[Form] = set()
    for item in items:
        if isinstance(item, Junction) and item.kind == kind:
            flat |= item.items
        else:
            flat.add(item)
    return next(iter(flat)) if len(flat) == 1 else Junction(kind, frozenset(flat))


def _comparison(op_node: Tree[Token], right: Tree[Token]) -> Compare | None:
    """`fact OP number` (or `number OP fact`, flipped to that order)."""
    op = _OPS[str(op_node.data)]
    first = op_node.children[0]
    if not isinstance(first, Tree):
        return None
    left, right = _unwrap(first), _unwrap(right)
    number = _number(right)
    if number is not None and _is_fact(left):
        return Compare(repr(left), op, *number)
    number = _number(left)
    if number is not None and _is_fact(right):
        return Compare(repr(right), _FLIP[op], *number)
    return None


def _number(node: Tree[Token]) -> tuple[str, int | float] | None:
    if str(node.data) != "literal":
        return None
    token = node.children[0]
    if not isinstance(token, Token) or token.type not in _NUMBERS:
        return None
    text = str(token).rstrip("uU")
    return token.type, float(text) if token.type == "FLOAT_LIT" else int(text, 0)


def _is_fact(node: Tree[Token]) -> bool:
    """A plain member path such as `change.ai_share` (no calls, no indexing)."""
    kind = str(node.data)
    if kind == "ident":
        return True
    if kind == "member_dot" and isinstance(node.children[0], Tree):
        return _is_fact(_unwrap(node.children[0]))
    return False


def _implies(narrow: Form, wide: Form, memo: dict[tuple[Form, Form], bool]) -> bool:
    """The sequent rules; `memo` keeps each pair of sub-forms to one visit, so a long condition
    from a repository costs time polynomial in its size, never exponential."""
    known = memo.get((narrow, wide))
    if known is None:
        known = memo[narrow, wide] = _prove(narrow, wide, memo)
    return known


def _prove(narrow: Form, wide: Form, memo: dict[tuple[Form, Form], bool]) -> bool:
    if wide == TRUE or narrow in (FALSE, wide):
        return True
    if isinstance(wide, Junction):
        each = (_implies(narrow, w, memo) for w in wide.items)
        if any(each) if wide.kind == "or" else all(each):
            return True
    if isinstance(narrow, Junction):
        each = (_implies(n, wide, memo) for n in narrow.items)
        if any(each) if narrow.kind == "and" else all(each):
            return True
    return isinstance(narrow, Compare) and isinstance(wide, Compare) and _threshold(narrow, wide)


def _threshold(narrow: Compare, wide: Compare) -> bool:
    """`x > a` implies `x > b` when b <= a; `x >= a` implies `x > b` only when b < a."""
    if (narrow.fact, narrow.literal) != (wide.fact, wide.literal):
        return False
    a, b = narrow.value, wide.value
    if narrow.op in (">", ">=") and wide.op in (">", ">="):
        return b < a or (b == a and (wide.op == ">=" or narrow.op == ">"))
    if narrow.op in ("<", "<=") and wide.op in ("<", "<="):
        return b > a or (b == a and (wide.op == "<=" or narrow.op == "<"))
    return False
