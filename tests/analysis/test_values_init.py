"""The faster `__init__` that `fast_pickle` gives frozen value classes behaves as the generated one."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass, field

import pytest

from netgain.analysis.findings import Confidence
from netgain.analysis.summaries import ParamSink, RawFinding
from netgain.analysis.values import NOCONST, Label, Step, Value, fast_pickle


@fast_pickle
@dataclass(frozen=True, slots=True)
class _Sample:
    name: str
    count: int = 3
    tags: list[str] = field(default_factory=list)
    _cache: object = field(default=None, compare=False)
    derived: int = field(default=7, init=False)


@dataclass(frozen=True, slots=True)
class _Generated:  # the same fields, with the `__init__` dataclasses generates
    name: str
    count: int = 3
    tags: list[str] = field(default_factory=list)
    _cache: object = field(default=None, compare=False)
    derived: int = field(default=7, init=False)


def _fields(obj: object) -> tuple[object, ...]:
    return tuple(getattr(obj, f.name) for f in dataclasses.fields(obj))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [(("a",), {}), (("a", 5), {}), (("a",), {"tags": ["x"]}), ((), {"name": "b", "_cache": 1})],
)
def test_same_fields_as_the_generated_init(
    args: tuple[object, ...], kwargs: dict[str, object]
) -> None:
    assert _fields(_Sample(*args, **kwargs)) == _fields(_Generated(*args, **kwargs))  # type: ignore[arg-type]


def test_factories_run_per_instance_and_the_class_stays_frozen() -> None:
    a, b = _Sample("a"), _Sample("a")
    assert a.tags == [] and a.tags is not b.tags
    assert a == b and hash(_Sample("x", 1, ("t",))) == hash(_Sample("x", 1, ("t",)))  # type: ignore[arg-type]
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.count = 4  # type: ignore[misc]
    with pytest.raises(TypeError):
        _Sample()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        _Sample("a", derived=1)  # type: ignore[call-arg]
    copy = pickle.loads(pickle.dumps(_Sample("p", 2, ["t"])))  # noqa: S301 - its own bytes
    assert copy == _Sample("p", 2, ["t"])


def test_the_engine_values_use_it() -> None:
    step = Step("m.py", 3, 1, "source")
    label = Label("user", Confidence.HIGH, (step,))
    value = Value(frozenset({label}), const="x")
    assert (value.const, value.elems, value.head, value.labels) == (
        "x",
        None,
        None,
        frozenset({label}),
    )
    assert Value().const is NOCONST and label.param == -1 and label.cleaned == frozenset()
    for cls in (Step, Label, Value, ParamSink, RawFinding):
        # stores through slot descriptors, not `object.__setattr__` as the generated one does
        names = cls.__init__.__code__.co_names
        assert "_set0" in names and "__setattr__" not in names
