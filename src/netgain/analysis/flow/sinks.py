"""Where labels end: sinks reached by a call, a name, the session store or a route's response.

A label from a real source becomes a finding; a `param` label becomes a summary entry so that
callers report it with their own arguments.
"""

from __future__ import annotations

import ast

from netgain.analysis.flow.content_type import (
    NON_HTML_RESPONSE,
    non_html_media_type,
    retyped_as_text,
    typed_by_headers,
)
from netgain.analysis.flow.sqltext import BUILT_QUERY, sql_shaped
from netgain.analysis.flow.state import (
    REQUEST_TYPE,
    SESSION_TYPE,
    AnalyzerState,
    Env,
    snake,
    step_at,
)
from netgain.analysis.flow.unknown import UNKNOWN_ORIGIN
from netgain.analysis.index import dotted_name
from netgain.analysis.summaries import ParamSink, RawFinding, better_finding
from netgain.analysis.taint_models import SinkModel
from netgain.analysis.values import (
    CLEAN,
    MAX_TRACE,
    NOCONST,
    Label,
    Step,
    Value,
    combine,
    head_of,
    join,
    preferred_trace,
)

_RESPONSE_BODY_ATTRIBUTES = frozenset({"body", "text", "unicode_body"})
_PAGE_SOURCES = frozenset({"user", "socket", "file"})


def response_body(v: Value, node: ast.AST) -> Value | None:
    """The part of a route's return value served as HTML, or None when it is serialised as JSON.

    Flask (and Quart, Bottle) turn a returned dict or list into a JSON response; a returned
    tuple is `(body, status[, headers])`.
    """
    value = node.value if isinstance(node, ast.Return) else None
    if v.type == NON_HTML_RESPONSE or typed_by_headers(value, v):
        return None  # served as text, JSON, ...: not parsed as HTML
    if isinstance(value, ast.Tuple) and v.elems:
        v, value = v.elems[0], value.elts[0] if value.elts else None
    if v.keys is not None or isinstance(value, ast.Dict | ast.List | ast.DictComp | ast.ListComp):
        return None
    return v


def proxy_html_body(v: Value) -> Value | None:
    """The body of an API Gateway / Lambda proxy response served as HTML, or None.

    A handler behind API Gateway (or a Lambda function URL) answers with a dict:
    `{"statusCode": 200, "headers": {"Content-Type": "text/html"}, "body": html}`; the gateway
    serves `body` with those headers, so HTML built from the event is reflected XSS.
    """
    if v.keys is None or v.get_key("statusCode") is None:
        return None
    body, headers = v.get_key("body"), v.get_key("headers")
    if body is None or headers is None or headers.keys is None:
        return None
    for name, value in headers.keys:
        if (
            isinstance(name, str)
            and name.lower() == "content-type"
            and isinstance(value.const, str)
            and "html" in value.const.lower()
        ):
            return body
    return None


def option_arguments(argv: Value) -> Value:
    """The elements of an argument list a program may read as options: those after the program
    (element 0) and before a `--` separator. Only known elements count: a list whose
    structure is not known is not judged (which element an input lands in is what matters)."""
    head = head_of(argv)
    if head is None:
        return CLEAN
    options: list[Value] = []
    for element in head[1:]:
        if element.const == "--":
            break
        options.append(element)
    return combine(options)


class SinkMixin(AnalyzerState):
    """Report labels reaching sinks."""

    def _rule_on(self, rule: str) -> bool:
        enabled = self.p.enabled_rules
        return enabled is None or rule in enabled

    def report(self, rule: str, sink: Step, label: Label, sources: frozenset[str]) -> None:
        """A label reaching a sink: a finding for a real source, a summary entry for a parameter."""
        if label.is_clean_for(rule) or not self._rule_on(rule):
            return
        trace = (*label.trace, sink)
        if len(trace) > MAX_TRACE + 1:
            trace = trace[:1] + trace[-MAX_TRACE:]
        if label.kind == "param":
            self.keep_param_sink(ParamSink(label.param, rule, sources, label.cleaned, trace))
            return
        if label.kind not in sources:
            return
        self.keep_finding(RawFinding(rule, sink, trace, label.confidence, label.kind))

    def keep_param_sink(self, ps: ParamSink) -> None:
        """One entry per parameter, rule, cleaning and sink: the trace `preferred_trace` picks."""
        key = (ps.param, ps.rule, ps.cleaned, ps.trace[-1])
        old = self.param_sinks.get(key)
        if old is None or preferred_trace(ps.trace, old.trace):
            self.param_sinks[key] = ps

    def keep_finding(self, finding: RawFinding) -> None:
        """One finding per rule and sink: the surest origin (a request parameter over the
        low-confidence `built-query` mark on the same string), then the preferred trace."""
        fkey = (finding.rule, finding.sink.line, finding.sink.column)
        old = self.findings.get(fkey)
        if old is None or better_finding(finding, old):
            self.findings[fkey] = finding

    def check_sink(
        self,
        rule: str,
        sources: frozenset[str],
        value: Value,
        node: ast.AST,
        what: str,
        *,
        first_element: bool = False,
        option_elements: bool = False,
    ) -> None:
        if first_element:
            head = head_of(value)
            if head is not None:
                value = head[0] if head else CLEAN
        elif option_elements:
            value = option_arguments(value)
        labels = value.all_labels()
        if not labels:
            return
        sink = step_at(self.path, node, f"reaches {what} ({rule})")
        for label in labels:
            self.report(rule, sink, label, sources)

    def check_name_sinks(self, name: str, value: Value, node: ast.AST) -> None:
        if not name or not value.tainted:
            return
        for ns in self.p.name_sinks_in(snake(name)):
            self.check_sink(ns.rule, ns.sources, value, node, f"`{name}`")

    def apply_sink(
        self,
        sink: SinkModel,
        node: ast.Call,
        args: list[Value],
        kwargs: dict[str, Value],
        receiver: Value | None,
        name: str,
        starred: bool,
    ) -> None:
        kw_nodes = {kw.arg: kw.value for kw in node.keywords if kw.arg}
        for kw, expected in sink.when_keyword:
            if not self._kw_matches(kwargs.get(kw), kw_nodes.get(kw), expected):
                return
        for kw, expected in sink.unless_keyword:
            if self._kw_matches(kwargs.get(kw), kw_nodes.get(kw), expected):
                return
            if expected == "non-html-type" and retyped_as_text(self._body_root(), node):
                return
        if sink.unless_arg_type and any(
            v.type == sink.unless_arg_type for v in [*args, *kwargs.values()]
        ):
            return
        if sink.receiver_attr:
            func = node.func
            if not (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Attribute)
                and func.value.attr == sink.receiver_attr
            ):
                return
        values: list[tuple[Value, ast.expr | None]] = []
        for i in sink.args:
            if i < len(args):
                values.append((args[i], node.args[i] if not starred else None))
            elif starred and args:
                values.append((args[-1], None))
        values.extend((kwargs[k], kw_nodes[k]) for k in sink.keywords if k in kwargs)
        if sink.receiver and receiver is not None:
            values.append((receiver, None))
        for v, expr in values:
            sources = sink.sources
            if sink.sql_text and not (
                expr is not None and sql_shaped(expr, self.local_assignments())
            ):
                sources = sources & {BUILT_QUERY}
            self.check_sink(
                sink.rule,
                sources,
                v,
                node,
                f"{name}()",
                first_element=sink.first_element,
                option_elements=sink.option_elements,
            )
            if UNKNOWN_ORIGIN in sink.sources and expr is not None:
                self.audit_unknown(sink.rule, v, [expr], node, f"{name}()")

    def _body_root(self) -> ast.AST | None:
        return self.fn.node if self.fn is not None else self.module.tree

    def _kw_matches(self, value: Value | None, node: ast.expr | None, expected: object) -> bool:
        if value is None or node is None:
            return False
        if expected == "safe":
            text = dotted_name(node)
            return any(part in text for part in ("Safe", "BaseLoader"))
        if expected == "non-html-type":
            return non_html_media_type(value.const)
        if expected == "entity-safe-parser":
            return isinstance(node, ast.Call) and any(
                kw.arg == "resolve_entities"
                and isinstance(kw.value, ast.Constant)
                and kw.value.value is False
                for kw in node.keywords
            )
        return (
            value.const is not NOCONST
            and value.const == expected
            and type(value.const) is type(expected)
        )

    def response_body_write(self, target: ast.Attribute, v: Value, at: ast.AST, env: Env) -> None:
        """`request.response.body = html` (WebOb, Pyramid): the response a view is building is
        served as text/html unless its content type was set to something else first."""
        owner = target.value
        if (
            target.attr not in _RESPONSE_BODY_ATTRIBUTES
            or not v.tainted
            or not isinstance(owner, ast.Attribute)
            or owner.attr != "response"
        ):
            return
        key = dotted_name(owner)
        if self.ev(owner.value, env).type != REQUEST_TYPE or (
            key and env.get(key, CLEAN).type == NON_HTML_RESPONSE
        ):
            return
        self.check_sink(
            self.m.html_return_rule, _PAGE_SOURCES, v, at, "the body of request.response"
        )

    def session_store(self, v: Value, at: ast.AST) -> None:
        for sink in self.m.sinks_for(f"{SESSION_TYPE}.__setitem__", None):
            self.check_sink(sink.rule, sink.sources, v, at, "the session store")

    def returned(self, v: Value, node: ast.AST) -> None:
        if self.html_route and v.tainted:
            body = response_body(v, node)
            if body is not None and body.tainted:
                self.check_sink(
                    self.m.html_return_rule,
                    frozenset({"user"}),
                    body,
                    node,
                    "an HTML response of a route",
                )
        proxy_body = proxy_html_body(v) if v.keys is not None else None
        if proxy_body is not None and proxy_body.tainted:
            self.check_sink(
                self.m.html_return_rule,
                frozenset({"user"}),
                proxy_body,
                node,
                "the HTML body of a proxy response",
            )
        for rule in self.name_sink_return:
            for ns in self.m.name_sinks:
                if ns.rule == rule and self.fn is not None:
                    self.check_sink(rule, ns.sources, v, node, f"the result of {self.fn.name}()")
        self.ret = v if self.ret is None else join(self.ret, v)
