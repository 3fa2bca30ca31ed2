"""Intra-procedural taint analysis of one function body (or module body) to a fixpoint.

The analyzer is an abstract interpreter over the AST: it walks statements in order with an
environment mapping names (and dotted paths such as `self.x`) to abstract `Value`s. Branches are
analysed separately and joined; branches whose condition folds to a constant are skipped; loops are
iterated until the environment stops changing (bounded). Calls consult, in order, the sanitizer,
source and sink models, then the callee's summary when the callee is in the scanned tree, and fall
back to "the result carries the taint of every input".

Each concern is a module of `netgain.analysis.flow`; this module assembles them into
`FunctionAnalyzer` and turns one run into a `Summary` for the callers.
"""

from __future__ import annotations

import ast

from netgain.analysis.findings import Confidence
from netgain.analysis.flow.calls import CallMixin
from netgain.analysis.flow.expressions import ExpressionMixin
from netgain.analysis.flow.guards import GuardMixin, meet
from netgain.analysis.flow.markup import MarkupMixin
from netgain.analysis.flow.params import ParamsMixin
from netgain.analysis.flow.sinks import SinkMixin
from netgain.analysis.flow.sqltext import BUILT_QUERY
from netgain.analysis.flow.state import AnalysisResult, Env, Program
from netgain.analysis.flow.statements import StatementMixin
from netgain.analysis.flow.unknown import UnknownOriginMixin
from netgain.analysis.index import FunctionInfo, ModuleInfo, dotted_name
from netgain.analysis.summaries import EMPTY_SUMMARY, ParamFlow, Summary
from netgain.analysis.values import (
    CLEAN,
    NOCONST,
    Label,
    Value,
    head_of,
    lower_confidence,
    merge_labels,
    preferred_trace,
    taint,
)

_MAX_RETURN_HEAD = 4  # leading elements of a returned list kept in a summary


class FunctionAnalyzer(
    StatementMixin,
    ExpressionMixin,
    CallMixin,
    GuardMixin,
    SinkMixin,
    UnknownOriginMixin,
    MarkupMixin,
    ParamsMixin,
):
    """Analyse one function (or a module body when `fn` is None)."""

    def run(self) -> AnalysisResult:
        env: Env = {}
        body: list[ast.stmt]
        if self.fn is None:
            body = self.module.tree.body if self.module.tree is not None else []
        else:
            node = self.fn.node
            if node is None:
                return AnalysisResult(EMPTY_SUMMARY, [], set())
            env = self.initial_env(self.fn, node)
            body = node.body
            self.name_sink_return = [ns.rule for ns in self.p.name_sinks_in(self.fn.name)]
        end = self.block(body, env)
        summary = self._summary(end if end is not None else {})
        if self.fn is None and end is not None:
            self.p.globals[self.module.name] = {k: v for k, v in end.items() if "." not in k}
        return AnalysisResult(
            summary, list(self.findings.values()), self.callees, self.global_writes
        )

    def _summary(self, end: Env) -> Summary:
        if self.fn is None:
            return EMPTY_SUMMARY
        returns: dict[tuple[int, frozenset[str]], ParamFlow] = {}
        sources: list[Label] = []
        ret = self.ret or CLEAN
        for label in ret.all_labels():
            if label.kind == "param":
                _keep_flow(returns, ParamFlow(label.param, label.cleaned, label.trace[1:]))
            else:
                sources.append(label)
        self_flows: dict[tuple[int, frozenset[str]], ParamFlow] = {}
        if self.fn.is_method and self.fn.params:
            prefix = self.fn.params[0] + "."
            for key, value in end.items():
                if key.startswith(prefix):
                    for label in value.all_labels():
                        if label.kind == "param" and label.param != 0:
                            _keep_flow(
                                self_flows, ParamFlow(label.param, label.cleaned, label.trace[1:])
                            )
        return_head: tuple[tuple[frozenset[int], frozenset[Label]], ...] | None = None
        head = head_of(ret)
        if head:
            return_head = tuple(
                (
                    frozenset(lb.param for lb in e.all_labels() if lb.kind == "param"),
                    frozenset(lb for lb in e.all_labels() if lb.kind != "param"),
                )
                for e in head[:_MAX_RETURN_HEAD]
            )
        return Summary(
            return_head=return_head,
            returns=tuple(returns.values()),
            sinks=tuple(self.param_sinks.values()),
            source_returns=merge_labels(frozenset(sources)) if sources else frozenset(),
            self_flows=tuple(self_flows.values()),
            return_type=ret.type or self._declared_return_type(ret),
            validates=self._validates(),
        )

    def _declared_return_type(self, ret: Value) -> str | None:
        """The modelled type the return annotation names (`-> Select[...]`), when the body's own
        values lose it (a statement passed in as an unannotated-for-us parameter and rebuilt).
        SQL text built in the body keeps its finding: an annotation does not make text a statement.
        """
        node = self.fn.node if self.fn is not None else None
        if node is None or node.returns is None:
            return None
        if any(lb.kind == BUILT_QUERY for lb in ret.all_labels()) or ret.const is not NOCONST:
            return None
        ann = node.returns.value if isinstance(node.returns, ast.Subscript) else node.returns
        dotted = dotted_name(ann)
        if not dotted:
            return None
        return self.m.type_of_call(self.index.qualify(self.module, dotted, self.scope) or dotted)

    def _validates(self) -> tuple[tuple[int, frozenset[str]], ...]:
        """Parameters validated on every truthy return (see `GuardMixin.note_return`)."""
        if not self.return_validations:
            return ()
        common = dict(self.return_validations[0])
        for seen in self.return_validations[1:]:
            common = {p: meet(r, seen[p]) for p, r in common.items() if p in seen}
        return tuple(sorted((p, r) for p, r in common.items() if r))


def _keep_flow(flows: dict[tuple[int, frozenset[str]], ParamFlow], flow: ParamFlow) -> None:
    """One flow per parameter and cleaning: the trace `preferred_trace` picks."""
    key = (flow.param, flow.cleaned)
    old = flows.get(key)
    if old is None or preferred_trace(flow.trace, old.trace):
        flows[key] = flow


def analyze_function(
    program: Program, module: ModuleInfo, fn: FunctionInfo | None
) -> AnalysisResult:
    """Analyse one function (or the module body when `fn` is None)."""
    return FunctionAnalyzer(program, module, fn).run()


def lower(a: Confidence, b: Confidence) -> Confidence:
    return lower_confidence(a, b)


__all__ = ["AnalysisResult", "Env", "FunctionAnalyzer", "Program", "analyze_function", "taint"]
