"""Validation guards: conditions that, once passed, make a value safe for some sink kinds.

A guard is read from an `if` test; the branch where the check passed gets the validated value.
Calls that never return (`abort(400)`, `sys.exit()`) end a branch, which is how an early exit
turns a check into a guard for the code after it.
"""

from __future__ import annotations

import ast

from netgain.analysis.flow.state import (
    AnalyzerState,
    Env,
)
from netgain.analysis.index import dotted_name

_NO_RETURN = frozenset(
    {
        "flask.abort",
        "werkzeug.exceptions.abort",
        "sys.exit",
        "exit",
        "quit",
        "os._exit",
        "fastapi.HTTPException",
    }
)
_VALIDATORS = {
    "re.fullmatch": 1, "re.match": 1, "url_has_allowed_host_and_scheme": 0,
    "django.utils.http.url_has_allowed_host_and_scheme": 0, "isinstance": 0,
}  # fmt: skip
_VALIDATING_METHODS = frozenset(
    {"isdigit", "isnumeric", "isdecimal", "isalnum", "isalpha", "isidentifier", "fullmatch"}
)


class GuardMixin(AnalyzerState):
    """Recognise validation checks and calls that end a path."""

    def no_return(self, call: ast.Call) -> bool:
        dotted = dotted_name(call.func)
        qual = self.index.qualify(self.module, dotted) if dotted else None
        return (qual or dotted) in _NO_RETURN

    def guard(self, test: ast.expr, env: Env) -> tuple[str, bool] | None:
        """A validation check on a tainted variable: (name, whether `test` true means valid).

        Recognised: allow-list membership (`x in ALLOWED`), full-match regular expressions,
        `str.isdigit()`-style predicates and host checks, possibly negated with `not`.
        """
        positive = True
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            test, positive = test.operand, False
        target: ast.expr | None = None
        if (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and isinstance(test.ops[0], ast.In | ast.NotIn)
        ):
            allowed = self.ev(test.comparators[0], env)
            if allowed.tainted:
                return None
            target = test.left
            if isinstance(test.ops[0], ast.NotIn):
                positive = not positive
        elif isinstance(test, ast.Call):
            dotted = dotted_name(test.func)
            qual = (self.index.qualify(self.module, dotted) if dotted else None) or dotted
            if qual in _VALIDATORS and len(test.args) >= _VALIDATORS[qual] + 1:
                target = test.args[_VALIDATORS[qual]]
            elif isinstance(test.func, ast.Attribute) and test.func.attr in _VALIDATING_METHODS:
                target = test.func.value
        if target is None:
            return None
        for node in ast.walk(target):
            if isinstance(node, ast.Name) and node.id in env and env[node.id].tainted:
                return node.id, positive
        return None
