"""Shell command text of unknown origin: a place to look, not a proof.

`os.system(build_command())` or `subprocess.run(self.cmd, shell=True)` hands a string to a shell
whatever its origin. The taint analysis reports it when the text comes from a known source; when
nothing is known about the value (the result of an unmodelled call, a module global set
elsewhere, an attribute), a sink whose model accepts the `unknown-origin` kind reports it at low
confidence: the audit finding Bandit's B605 and Semgrep's audit rules make, which the gate does
not fail on by default (`--fail-on-confidence medium`). Constants, values with any label (a
source, a parameter whose callers decide, input a guard cleaned) and text that went through a
sanitizer for the rule (`shlex.quote`) or a numeric conversion are not reported. This is the
command counterpart of `sqltext.py` for SQL.
"""

from __future__ import annotations

import ast

from netgain.analysis.findings import Confidence
from netgain.analysis.flow.dynamic import REFERENCE_TYPE
from netgain.analysis.flow.sqltext import NUMERIC_CALLS
from netgain.analysis.flow.state import AnalyzerState, step_at
from netgain.analysis.flow.structured import CONSTANT_CHOICE
from netgain.analysis.flow.treewalk import inner_nodes
from netgain.analysis.index import dotted_name
from netgain.analysis.values import NOCONST, Label, Value

UNKNOWN_ORIGIN = "unknown-origin"
_MAX_HOPS = 3  # local assignments followed back from the sink's argument


def unknown_value(value: Value) -> bool:
    """Not a constant, no label, no known structure, not a module or function reference."""
    return (
        value.const is NOCONST
        and not value.tainted
        and value.elems is None
        and value.keys is None
        and value.head is None
        and value.type not in (REFERENCE_TYPE, CONSTANT_CHOICE)
        and value.func is None
    )


class UnknownOriginMixin(AnalyzerState):
    """Report shell command text of unknown origin at low confidence."""

    _local_assignments: dict[str, list[ast.expr]] | None = None

    def audit_unknown(
        self,
        rule: str,
        value: Value,
        exprs: list[ast.expr],
        node: ast.AST,
        what: str,
    ) -> None:
        if not unknown_value(value) or any(self._traced(e, rule, _MAX_HOPS) for e in exprs):
            return
        origin = step_at(self.path, self._built_at(exprs) or node, "text of unknown origin")
        label = Label(UNKNOWN_ORIGIN, Confidence.LOW, (origin,))
        sink = step_at(self.path, node, f"reaches {what} ({rule})")
        self.report(rule, sink, label, frozenset({UNKNOWN_ORIGIN}))

    def _built_at(self, exprs: list[ast.expr]) -> ast.expr | None:
        """Where a command held in a local name was assembled, when one assignment did it:
        the place to read (and fix) is there rather than at the call."""
        if len(exprs) != 1 or not isinstance(exprs[0], ast.Name):
            return None
        assigned = self.local_assignments().get(exprs[0].id, [])
        return assigned[0] if len(assigned) == 1 else None

    def _traced(self, expr: ast.expr, rule: str, hops: int) -> bool:
        """Whether the expression (following local names back `hops` assignments) passes its
        text through a sanitizer for `rule` or a numeric conversion, or takes it from a function
        of the scanned tree: that function was analysed, so a result without a label is not of
        unknown origin (its constants are not all kept in a summary). A parameter (or an attribute of
        one) is its callers' to judge, or the framework's (`Depends(...)`, a typed route part)."""
        params = self.fn.params if self.fn is not None else ()
        for sub in ast.walk(expr):
            if isinstance(sub, ast.Call) and self._known_call(sub.func, rule):
                return True
            if isinstance(sub, ast.Name) and sub.id in params:
                return True  # a parameter's callers decide, or the framework provides it
            if isinstance(sub, ast.Name) and hops > 0:
                for assigned in self.local_assignments().get(sub.id, ()):
                    if assigned is not expr and self._traced(assigned, rule, hops - 1):
                        return True
        return False

    def _known_call(self, func: ast.expr, rule: str) -> bool:
        if isinstance(func, ast.Name) and func.id in NUMERIC_CALLS:
            return True
        key = dotted_name(func) if isinstance(func, ast.Name | ast.Attribute) else ""
        qual = self.index.qualify(self.module, key, self.scope) if key else None
        if qual is not None and (qual in self.index.functions or qual in self.index.classes):
            return True
        method = func.attr if isinstance(func, ast.Attribute) else None
        rules = self.sanitizer_rules(qual or key or None, method)
        return rules is not None and ("*" in rules or rule in rules)

    def local_assignments(self) -> dict[str, list[ast.expr]]:
        """Every value assigned to each plain name in the body being analysed (read off the
        syntax once per scan and body: see `Program.syntax_memo`). Callers must not mutate it."""
        if self._local_assignments is None:
            root: ast.AST | None = self.fn.node if self.fn is not None else self.module.tree
            self._local_assignments = (
                self.p.syntax_memo("assignments", root, lambda: _assignments(root))
                if root is not None
                else {}
            )
        return self._local_assignments


def _assignments(root: ast.AST) -> dict[str, list[ast.expr]]:
    found: dict[str, list[ast.expr]] = {}
    for sub in inner_nodes(root):
        if isinstance(sub, ast.Assign):
            for target in sub.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append(sub.value)
        elif (
            isinstance(sub, ast.AnnAssign | ast.AugAssign | ast.NamedExpr)
            and isinstance(sub.target, ast.Name)
            and sub.value is not None
        ):
            found.setdefault(sub.target.id, []).append(sub.value)
    return found
