"""Rule conditions in CEL (Common Expression Language), through the `cel-python` implementation.

CEL is the language of Kubernetes admission policies and cloud IAM conditions: side-effect free,
always terminating, and safe to evaluate on untrusted input. A condition sees one variable,
`change`, holding the facts of `netgain.policy.facts` (see docs/policy.md for the list).

Conditions are checked when the policy loads: a syntax error, a misspelt fact
(`change.ai_shar`) or a type mix CEL refuses (`change.ai_share > 1`, int against double) is a
configuration error naming the file and line, not a surprise in CI.

CEL always terminates, but not quickly: macros nest, so `[1, ..., 30].all(a, [...].all(b, ...))`
four deep is 810,000 evaluations (a minute in cel-python), and `change.paths` of a large change
makes a quadratic condition slow. Conditions are therefore at most `MAX_CONDITION_LENGTH`
characters, and one evaluation may visit at most `BASE_STEPS` expression nodes plus
`STEPS_PER_ITEM` per item of the facts' lists: enough for any condition that looks at each path or
label a few times (cel-python spends about 40 steps on `p.startsWith("x") || p.endsWith("y")`),
never enough for one that pairs every item with every other. Past that the condition is an error,
which the gate reports like any other. `matches()` runs on
RE2 in cel-python, so patterns in conditions are linear-time too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

import celpy
import lark
from celpy import celtypes
from celpy.adapter import json_to_cel
from celpy.celparser import CELParseError
from celpy.evaluation import Activation, CELEvalError, Context, Evaluator, Result

from netgain.errors import ConfigError

# celpy logs every evaluation error at ERROR level; netgain reports them itself.
logging.getLogger("celpy").setLevel(logging.CRITICAL)
for _name in ("Environment", "Evaluator", "NameContainer", "evaluation"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

MAX_CONDITION_LENGTH = 4000
BASE_STEPS = 100_000  # about a second of cel-python
STEPS_PER_ITEM = 200
_STEPS: ContextVar[int] = ContextVar("netgain_cel_steps", default=BASE_STEPS)


class ConditionError(Exception):
    """A condition that could not be evaluated on these facts (the rule's status is `error`)."""


class _OutOfSteps(BaseException):
    """Stops a runaway evaluation. A BaseException, so celpy's `except Exception` handlers
    (which turn errors into CEL values and keep evaluating) let it through."""


class _Budget:
    __slots__ = ("left",)

    def __init__(self, steps: int) -> None:
        self.left = steps


class _BudgetEvaluator(Evaluator):
    """celpy's tree-walking evaluator, counting every node it visits against a shared budget."""

    def __init__(self, ast: lark.Tree[Any], activation: Activation, budget: _Budget) -> None:
        super().__init__(ast, activation)
        self._budget = budget

    def visit_children(self, tree: lark.Tree[Any]) -> list[Result]:
        # lark descends through visit_children (not visit), once per interior node
        self._budget.left -= 1
        if self._budget.left < 0:
            raise _OutOfSteps
        return super().visit_children(tree)

    def sub_evaluator(self, ast: lark.Tree[Any]) -> Evaluator:
        return _BudgetEvaluator(ast, self.activation, self._budget)  # macro bodies share it


class _BudgetRunner(celpy.InterpretedRunner):
    def evaluate(self, context: Context) -> celtypes.Value:
        evaluator = _BudgetEvaluator(self.ast, self.new_activation(), _Budget(_STEPS.get()))
        return evaluator.evaluate(context)


_ENV = celpy.Environment(runner_class=_BudgetRunner)


def _short_errors(
    operation: Callable[[celtypes.Value, celtypes.Value], celtypes.Value], symbol: str
) -> Callable[[celtypes.Value, celtypes.Value], celtypes.Value]:
    """`operation` (celpy's `||` or `&&`), with a TypeError of bounded length.

    celpy's message for non-boolean operands embeds repr() of both. The `exists` and `all`
    macros fold their items with these functions, so the previous item's error is the next
    operand and the message, with its escaping, doubles per item: `change.exists(v, [])` over
    the 29 facts grew past 20 GB before the kernel stopped it. CEL's answer is the same error.
    """

    def apply(left: celtypes.Value, right: celtypes.Value) -> celtypes.Value:
        try:
            return operation(left, right)
        except TypeError:
            names = f"{type(left).__name__} {symbol} {type(right).__name__}"
            raise TypeError(f"no such overload: {names}") from None

    return apply


# The macros look these up on the module at evaluation time (the `||` and `&&` operators use
# celpy's own table, whose errors do not accumulate).
# (mypy sees a def replaced by a callable of the same signature)
celtypes.logical_or = _short_errors(celtypes.logical_or, "||")  # type: ignore[assignment]
celtypes.logical_and = _short_errors(celtypes.logical_and, "&&")  # type: ignore[assignment]


@lru_cache(maxsize=256)
def _program(text: str) -> celpy.Runner:
    if len(text) > MAX_CONDITION_LENGTH:
        raise ConditionError(
            f"the condition is {len(text):,} characters long; the limit is {MAX_CONDITION_LENGTH:,}"
        )
    return _ENV.program(_ENV.compile(text))


def _to_python(value: Any) -> Any:
    if isinstance(value, celtypes.BoolType):
        return bool(value)
    return value


def compile_condition(text: str, *, where: Callable[[str], ConfigError]) -> None:
    """Compile `text` and try it on sample facts; raise `where(message)` when it is unusable."""
    from netgain.policy.model import sample_facts

    try:
        _program(text)
    except ConditionError as exc:
        raise where(str(exc)) from exc
    except CELParseError as exc:
        detail = str(exc).rstrip()
        position = f" (condition line {exc.line}, column {exc.column})" if exc.line else ""
        raise where(f"CEL syntax error{position}:\n{detail}") from exc
    except Exception as exc:
        raise where(f"CEL error: {exc}") from exc
    try:
        result = evaluate(text, sample_facts())
    except ConditionError as exc:
        raise where(str(exc)) from exc
    if not isinstance(result, bool):
        raise where(f"the condition must be true or false, not {type(result).__name__}")


def evaluate(text: str, facts: Mapping[str, Any]) -> bool | Any:
    """Evaluate a condition on `facts` (the `change` variable).

    Raises:
        ConditionError: a missing fact, a type mismatch or any other evaluation error.
    """
    program = _program(text)
    activation = {"change": json_to_cel(dict(facts))}
    steps = BASE_STEPS + STEPS_PER_ITEM * _list_items(facts)
    token = _STEPS.set(steps)
    try:
        value = program.evaluate(activation)
    except _OutOfSteps:
        raise ConditionError(
            f"CEL: the condition did not finish within {steps:,} steps (macros nested over "
            "lists of the change?)"
        ) from None
    except CELEvalError as exc:
        raise ConditionError(_explain(exc)) from exc
    except Exception as exc:
        raise ConditionError(f"CEL evaluation failed: {exc}") from exc
    finally:
        _STEPS.reset(token)
    if isinstance(value, CELEvalError):
        raise ConditionError(_explain(value))
    return _to_python(value)


def _list_items(facts: Mapping[str, Any]) -> int:
    """How many items the lists in `facts` hold, at any depth (facts are small and shallow)."""
    count = 0
    pending: list[Any] = [facts]
    while pending:
        value = pending.pop()
        if isinstance(value, Mapping):
            pending.extend(value.values())
        elif isinstance(value, list | tuple):
            count += len(value)
            pending.extend(value)
    return count


def _explain(exc: CELEvalError) -> str:
    text = str(exc.args[0]) if exc.args else str(exc)
    if "no such member" in text:
        return f"CEL: unknown fact: {text} (see docs/policy.md for the facts)"
    if "no matching overload" in text or "no such overload" in text:
        return (
            f"CEL type error: {text} (CEL never mixes int and double: write 0.5 or 1.0 for "
            "shares, 1 for counts)"
        )
    return f"CEL evaluation error: {text}"
