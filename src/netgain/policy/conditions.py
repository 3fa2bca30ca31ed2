"""Rule conditions in CEL (Common Expression Language), through the `cel-python` implementation.

CEL is the language of Kubernetes admission policies and cloud IAM conditions: side-effect free,
always terminating, and safe to evaluate on untrusted input. A condition sees one variable,
`change`, holding the facts of `netgain.policy.facts` (see docs/policy.md for the list).

Conditions are checked when the policy loads: a syntax error, a misspelt fact
(`change.ai_shar`) or a type mix CEL refuses (`change.ai_share > 1`, int against double) is a
configuration error naming the file and line, not a surprise in CI.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import celpy
from celpy import celtypes
from celpy.adapter import json_to_cel
from celpy.celparser import CELParseError
from celpy.evaluation import CELEvalError

from netgain.errors import ConfigError

# celpy logs every evaluation error at ERROR level; netgain reports them itself.
logging.getLogger("celpy").setLevel(logging.CRITICAL)
for _name in ("Environment", "Evaluator", "NameContainer", "evaluation"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

_ENV = celpy.Environment()


class ConditionError(Exception):
    """A condition that could not be evaluated on these facts (the rule's status is `error`)."""


@lru_cache(maxsize=256)
def _program(text: str) -> celpy.Runner:
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
    try:
        value = program.evaluate(activation)
    except CELEvalError as exc:
        raise ConditionError(_explain(exc)) from exc
    except Exception as exc:
        raise ConditionError(f"CEL evaluation failed: {exc}") from exc
    if isinstance(value, CELEvalError):
        raise ConditionError(_explain(value))
    return _to_python(value)


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
