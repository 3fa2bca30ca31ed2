"""The abstract values of the taint engine.

A `Value` is what the engine knows about one expression: the taint labels that reach it, its
elements when it is a list/tuple/dict built in view of the analysis (element-level precision),
a constant when the value is known at analysis time (constant folding), and a type tag when the
value was built by a known constructor (so `session.get(...)` resolves to `requests.Session.get`).
Everything here is immutable so values can be shared between branches without copying.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from typing import Any

from netgain.analysis.findings import Confidence

MAX_TRACE = 16  # steps kept per label; longer flows keep the source and the last hops
MAX_LABELS = 8  # distinct labels kept per value; enough for precision, bounded for speed


def lower_confidence(a: Confidence, b: Confidence) -> Confidence:
    """The weaker of two confidences (a flow is only as sure as its weakest hop)."""
    return a if a.rank <= b.rank else b


def fast_pickle[T](cls: type[T]) -> type[T]:
    """Pickle a dataclass as `cls(*fields)`: the cache holds hundreds of thousands of them, and
    the generated `__setstate__` of slotted dataclasses (a loop over `fields()` per object) made
    loading a warm cache slower than analysing a changed file. Fields named `_...` are caches and
    are not stored."""
    names = tuple(f.name for f in fields(cls) if f.init and not f.name.startswith("_"))  # type: ignore[arg-type]

    def __reduce__(self: Any) -> tuple[type[T], tuple[object, ...]]:  # noqa: N807
        return (cls, tuple(getattr(self, name) for name in names))

    cls.__reduce__ = __reduce__  # type: ignore[method-assign]
    _fast_frozen_init(cls)
    return cls


def _fast_frozen_init(cls: type) -> None:
    """Give a frozen slotted dataclass an `__init__` that stores each field through its slot
    descriptor. The generated one calls `object.__setattr__(self, name, value)` per field (the
    frozen class's own `__setattr__` refuses), a generic attribute lookup each time; the taint
    engine builds millions of these values in a scan (and unpickling a cache entry builds them
    again), and constructing them was about a tenth of a cold scan's CPU time. Same
    signature, defaults and result; the class stays frozen for everyone else."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in cls.__dict__:
        return
    if hasattr(cls, "__post_init__"):
        return
    namespace: dict[str, object] = {"_MISSING": MISSING}
    args: list[str] = []
    body: list[str] = []
    for i, f in enumerate(fields(cls)):
        if f.kw_only or not f.name.isidentifier():
            return  # not needed by any value class yet: keep the generated one
        namespace[f"_set{i}"] = cls.__dict__[f.name].__set__
        if f.default is not MISSING:
            namespace[f"_default{i}"] = f.default
            value = f"_default{i}"
        elif f.default_factory is not MISSING:
            namespace[f"_factory{i}"] = f.default_factory
            value = f"_factory{i}()"
        else:
            value = ""
        if not f.init:
            body.append(f"    _set{i}(self, {value})")
            continue
        if f.default_factory is not MISSING:
            args.append(f"{f.name}=_MISSING")
            body.append(f"    _set{i}(self, {value} if {f.name} is _MISSING else {f.name})")
        else:
            args.append(f"{f.name}={value}" if value else f.name)
            body.append(f"    _set{i}(self, {f.name})")
    source = f"def __init__(self, {', '.join(args)}):\n" + "\n".join(body or ["    pass"])
    # the source is built from the dataclass's own field names (checked identifiers above)
    exec(source, namespace)  # noqa: S102
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"  # type: ignore[attr-defined]
    cls.__init__ = init  # type: ignore[misc]


@fast_pickle
@dataclass(frozen=True, slots=True)
class Step:
    """A position in the scanned tree with what happened there (turned into a TraceStep later)."""

    path: str
    line: int
    column: int
    message: str
    _hash: int | None = field(default=None, init=False, compare=False, repr=False)

    def __hash__(self) -> int:
        # cached: a label's hash hashes its whole trace, and labels are rebuilt at every hop
        h = self._hash
        if h is None:
            h = hash((self.path, self.line, self.column, self.message))
            _set_step_hash(self, h)
        return h


@fast_pickle
@dataclass(frozen=True, slots=True)
class Label:
    """One origin of taint.

    `kind` is a source kind from the models (`user`, `env`, `random`, ...) or `param` while a
    function summary is computed, with `param` the parameter index. `cleaned` holds the rule ids
    the value was sanitized for (`*` = all rules).
    """

    kind: str
    confidence: Confidence
    trace: tuple[Step, ...]
    param: int = -1
    cleaned: frozenset[str] = frozenset()

    _hash: int | None = field(default=None, init=False, compare=False, repr=False)

    def __hash__(self) -> int:
        # cached: labels live in frozensets that are merged at every join and hop
        h = self._hash
        if h is None:
            h = hash((self.kind, self.confidence, self.trace, self.param, self.cleaned))
            _set_label_hash(self, h)
        return h

    def key(self) -> tuple[str, int, frozenset[str], Step | None]:
        return (self.kind, self.param, self.cleaned, self.trace[0] if self.trace else None)

    def is_clean_for(self, rule: str) -> bool:
        return "*" in self.cleaned or rule in self.cleaned

    def with_step(self, step: Step) -> Label:
        if self.trace and self.trace[-1].line == step.line and self.trace[-1].path == step.path:
            return self
        trace = (*self.trace, step)
        if len(trace) > MAX_TRACE:
            trace = trace[:1] + trace[-(MAX_TRACE - 1) :]
        # the constructor rather than `dataclasses.replace` (a loop over the fields): this runs
        # for every label at every hop of every flow
        return Label(self.kind, self.confidence, trace, self.param, self.cleaned)

    def cleaned_for(self, rules: frozenset[str]) -> Label:
        return Label(self.kind, self.confidence, self.trace, self.param, self.cleaned | rules)


def _steps(trace: tuple[Step, ...]) -> tuple[tuple[str, int, int, str], ...]:
    return tuple((s.path, s.line, s.column, s.message) for s in trace)


def preferred_trace(a: tuple[Step, ...], b: tuple[Step, ...]) -> bool:
    """Whether trace `a` is shown rather than `b` where both describe an equally sure flow.

    The rule: the shorter trace, then the one first in source order (steps compared one by one:
    path, line, column, message). A total order, so the trace a finding shows (and with it its
    fingerprint) depends neither on the order functions were analysed in nor on the iteration
    order of a set (which changes with PYTHONHASHSEED)."""
    if len(a) != len(b):
        return len(a) < len(b)
    return a is not b and _steps(a) < _steps(b)


def _label_order(lb: Label) -> tuple[object, ...]:
    """Which labels a value keeps when it has too many: real sources first, then by trace rule,
    then by origin (a total order, for the same reason as `preferred_trace`)."""
    return (
        lb.kind == "param",
        len(lb.trace),
        _steps(lb.trace),
        lb.kind,
        lb.param,
        sorted(lb.cleaned),
    )


# the slots' own setters: the classes are frozen for everyone but their hash cache
_set_step_hash = Step.__dict__["_hash"].__set__
_set_label_hash = Label.__dict__["_hash"].__set__


class _NoConst:
    """Marker: the value is not known at analysis time."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOCONST"

    def __reduce__(self) -> str:
        # the one instance, by name: a copy from the cache must still be `is NOCONST`
        return "NOCONST"


NOCONST: object = _NoConst()


def merge_labels(*groups: frozenset[Label]) -> frozenset[Label]:
    """Union label sets, keeping one label per origin (the trace `preferred_trace` picks) and at
    most MAX_LABELS."""
    if len(groups) == 1:
        return groups[0]
    best: dict[tuple[str, int, frozenset[str], Step | None], Label] = {}
    for group in groups:
        for label in group:
            k = label.key()
            old = best.get(k)
            if old is None or preferred_trace(label.trace, old.trace):
                best[k] = label
    if len(best) > MAX_LABELS:
        kept = sorted(best.values(), key=_label_order)
        return frozenset(kept[:MAX_LABELS])
    return frozenset(best.values())


@fast_pickle
@dataclass(frozen=True, slots=True)
class Value:
    labels: frozenset[Label] = frozenset()
    elems: tuple[Value, ...] | None = None  # known list/tuple elements, in order
    keys: tuple[tuple[object, Value], ...] | None = None  # known dict entries (constant keys)
    const: object = NOCONST
    type: str | None = None  # qualified type, or `netgain:request` / `netgain:session` tags
    func: str | None = None  # qualified name of a function/lambda this value refers to
    # Known leading elements of a list whose tail is not known (`[GIT, "-C", repo, *args]`, or a
    # list returned by a helper): enough to tell whether an argument list's program is tainted.
    # `labels` already holds every label of the value; `head` only adds precision.
    head: tuple[Value, ...] | None = None
    _all: frozenset[Label] | None = field(default=None, compare=False, repr=False)

    def all_labels(self) -> frozenset[Label]:
        """Labels of the value and of every element it contains."""
        if self.elems is None and self.keys is None:
            return self.labels
        if self._all is not None:
            return self._all
        groups = [self.labels]
        if self.elems is not None:
            groups.extend(e.all_labels() for e in self.elems)
        if self.keys is not None:
            groups.extend(v.all_labels() for _, v in self.keys)
        merged = merge_labels(*groups)
        object.__setattr__(self, "_all", merged)
        return merged

    @property
    def tainted(self) -> bool:
        return bool(self.all_labels())

    def flat(self) -> Value:
        """The value without structure: all contained labels, no constant."""
        return Value(labels=self.all_labels(), type=self.type)

    def get_key(self, key: object) -> Value | None:
        if self.keys is None:
            return None
        for k, v in self.keys:
            if k == key:
                return v
        return None


CLEAN = Value()


def const_value(c: object) -> Value:
    return Value(const=c)


def taint(labels: frozenset[Label]) -> Value:
    return Value(labels=labels) if labels else CLEAN


def join(a: Value, b: Value) -> Value:
    """The least upper bound of two values (used where branches meet)."""
    if a is b or a == b:
        return a
    elems: tuple[Value, ...] | None = None
    if a.elems is not None and b.elems is not None and len(a.elems) == len(b.elems):
        elems = tuple(join(x, y) for x, y in zip(a.elems, b.elems, strict=True))
        labels = merge_labels(a.labels, b.labels)
    else:
        labels = (
            merge_labels(a.labels, b.labels)
            if a.elems is None and b.elems is None
            else merge_labels(
                a.all_labels() if a.elems is not None else a.labels,
                b.all_labels() if b.elems is not None else b.labels,
            )
        )
    keys: tuple[tuple[object, Value], ...] | None = None
    if a.keys is not None and b.keys is not None:
        names = [k for k, _ in a.keys] + [k for k, _ in b.keys if a.get_key(k) is None]
        merged: list[tuple[object, Value]] = []
        for k in names:
            va, vb = a.get_key(k), b.get_key(k)
            merged.append(
                (k, join(va, vb) if va is not None and vb is not None else (va or vb or CLEAN))
            )
        keys = tuple(merged)
    elif a.keys is not None or b.keys is not None:
        labels = merge_labels(labels, a.all_labels(), b.all_labels())
    const = a.const if a.const == b.const and type(a.const) is type(b.const) else NOCONST
    head: tuple[Value, ...] | None = None
    if elems is None:
        ha, hb = head_of(a), head_of(b)
        if ha and hb:
            head = tuple(join(x, y) for x, y in zip(ha, hb, strict=False))
    return Value(
        labels=labels,
        elems=elems,
        keys=keys,
        const=const,
        type=a.type if a.type == b.type else None,
        func=a.func if a.func == b.func else None,
        head=head,
    )


def head_of(value: Value) -> tuple[Value, ...] | None:
    """The known leading elements of a list value: all of them, or its known head."""
    return value.elems if value.elems is not None else value.head


def combine(values: list[Value], *, type_: str | None = None) -> Value:
    """A value derived from several inputs (string building, unknown calls): all their labels."""
    groups = [v.all_labels() for v in values]
    groups = [g for g in groups if g]
    if not groups:
        return Value(type=type_) if type_ else CLEAN
    return Value(labels=merge_labels(*groups), type=type_)


def add_step(value: Value, step: Step) -> Value:
    """Record a hop on every label of a flat value (structured values keep per-element traces)."""
    if not value.labels:
        return value
    labels = frozenset(lb.with_step(step) for lb in value.labels)
    v = value
    return Value(labels, v.elems, v.keys, v.const, v.type, v.func, v.head)


def sanitize(value: Value, rules: frozenset[str]) -> Value:
    """The value after a sanitizer for `rules`; keeps no structure (sanitizers return new data)."""
    labels = value.all_labels()
    if not labels:
        return CLEAN
    return Value(labels=frozenset(lb.cleaned_for(rules) for lb in labels))
