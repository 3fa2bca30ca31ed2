"""Abstract values of the JavaScript / TypeScript taint analysis.

A value is what the analysis knows about an expression: whether client-controlled data reaches
it (`Taint`, with the trace from the source), what module member it names (`qname`:
`child_process.exec`), which request role it holds (a route handler's `req`), the local
function it is (for summaries and handler registration) and, for an object literal, its
properties. Values are immutable; environments map variable names to them and are joined
where control flow meets (the union of taint; a rule stays sanitized only when both sides
sanitized it).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from tree_sitter import Node

from netgain.analysis.values import Step

MAX_TRACE = 12  # steps kept between a source and a sink (the first and the last are kept)
EVERY_RULE = "*"


@dataclass(frozen=True, slots=True)
class Taint:
    """Data from a source (`trace`, source first) and/or a summarised function's parameters."""

    trace: tuple[Step, ...] = ()
    params: frozenset[int] = frozenset()
    clean: frozenset[str] = frozenset()  # the rules this data was sanitized or validated for

    def dirty_for(self, rule: str) -> bool:
        return EVERY_RULE not in self.clean and rule not in self.clean

    def with_step(self, step: Step) -> Taint:
        if not self.trace or self.trace[-1].line == step.line:
            return self
        trace = (*self.trace, step)
        if len(trace) > MAX_TRACE:
            trace = trace[:1] + trace[-(MAX_TRACE - 1) :]
        return replace(self, trace=trace)

    def cleaned(self, rules: frozenset[str]) -> Taint | None:
        """This taint sanitized for `rules` (None when sanitized for every rule)."""
        if EVERY_RULE in rules:
            return None
        return replace(self, clean=self.clean | rules)


def join_taint(a: Taint | None, b: Taint | None) -> Taint | None:
    if a is None:
        return b
    if b is None or a == b:
        return a
    return Taint(a.trace or b.trace, a.params | b.params, a.clean & b.clean)


@dataclass(frozen=True, slots=True)
class Value:
    taint: Taint | None = None
    qname: str | None = None
    role: str | None = None
    func: Node | None = field(default=None, compare=False)
    closure: dict[str, Value] | None = field(default=None, compare=False, repr=False)
    props: tuple[tuple[str, Value], ...] | None = None
    text: str | None = None  # a string constant

    def prop(self, name: str) -> Value | None:
        for key, value in self.props or ():
            if key == name:
                return value
        return None


EMPTY = Value()


def tainted(taint: Taint | None) -> Value:
    return Value(taint=taint) if taint is not None else EMPTY


def join(a: Value, b: Value) -> Value:
    """What a variable holds after two paths meet (or an expression that is one of two values)."""
    if a is b or (a == b and a.func is b.func):
        return a
    return Value(
        taint=join_taint(a.taint, b.taint),
        qname=a.qname if a.qname == b.qname else None,
        role=a.role if a.role == b.role else None,
        func=a.func if a.func is b.func else None,
        closure=a.closure if a.func is b.func else None,
    )


def join_all(values: list[Value]) -> Value:
    out = EMPTY
    for value in values:
        out = join(out, value)
    return out


def join_taints(values: list[Value]) -> Taint | None:
    out: Taint | None = None
    for value in values:
        out = join_taint(out, value.taint)
    return out


Env = dict[str, Value]


def join_envs(a: Env, b: Env) -> Env:
    out = dict(a)
    for name, value in b.items():
        out[name] = join(out[name], value) if name in out else value
    return out
