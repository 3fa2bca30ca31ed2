"""HTML markup built from input and handed to a template as a context value.

A template escapes a context value on output, so a value passed to it is safe unless the template
prints it raw (`|safe`, `{% autoescape off %}`). Markup assembled by string building
(`'<a href="/u/%s">' % name`, an f-string with tags) is only ever built to be printed raw: escaped,
it would show its tags as text. So input formatted into markup that goes into a template's
context is reflected XSS wherever the template shows it, which the analysis cannot see: the
finding is low confidence, at the place the markup is built. Text without tags is not markup.
"""

from __future__ import annotations

import ast
import re
from dataclasses import replace

from netgain.analysis.findings import Confidence
from netgain.analysis.flow.state import AnalyzerState, Env, step_at
from netgain.analysis.values import Label, Value

# Renderers whose context (a dict argument, or keyword arguments) is printed by a template.
TEMPLATE_RENDERERS = frozenset(
    {
        "django.shortcuts.render",
        "django.shortcuts.render_to_response",
        "django.template.loader.render_to_string",
        "django.template.response.TemplateResponse",
        "flask.render_template",
        "quart.render_template",
    }
)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:[\s>/]|$)")
_INPUT_KINDS = frozenset({"user", "socket", "file"})


class MarkupMixin(AnalyzerState):
    """Report input formatted into markup that a template prints."""

    _markup_stores: dict[str, list[tuple[ast.AST, Value]]] | None = None

    def note_markup_store(self, key: str, v: Value, at: ast.AST, env: Env) -> None:
        """`context["html"] = "<b>%s</b>" % name`: remembered until `context` is rendered."""
        rhs = at.value if isinstance(at, ast.Assign) else None
        if rhs is not None and self._input_markup(rhs, v, env):
            if self._markup_stores is None:
                self._markup_stores = {}
            self._markup_stores.setdefault(key, []).append((rhs, v))

    def check_template_context(self, qual: str | None, node: ast.Call, env: Env) -> None:
        if qual not in TEMPLATE_RENDERERS:
            return
        built: list[tuple[ast.AST, Value]] = []
        for arg in node.args:
            if isinstance(arg, ast.Dict):
                built.extend((val, self.ev(val, env)) for val in arg.values if val is not None)
            elif isinstance(arg, ast.Name) and self._markup_stores:
                built.extend(self._markup_stores.get(arg.id, ()))
        built.extend((kw.value, self.ev(kw.value, env)) for kw in node.keywords if kw.arg)
        for expr, value in built:
            if self._input_markup(expr, value, env):
                self._report_markup(expr, value)

    def _report_markup(self, expr: ast.AST, value: Value) -> None:
        sink = step_at(self.path, expr, "markup built from input, printed by a template (xss)")
        for label in value.all_labels():
            if label.kind in _INPUT_KINDS or label.kind == "param":
                self.report("xss", sink, _low(label), _INPUT_KINDS)

    def _input_markup(self, expr: ast.AST, value: Value, env: Env) -> bool:
        """Markup (a constant part with an HTML tag) built by string operations from a value
        carrying input."""
        if not value.tainted or not isinstance(expr, ast.expr):
            return False
        return any(_has_tag(part) for part in self._template_parts(expr, env))

    def _template_parts(self, expr: ast.expr, env: Env) -> list[object]:
        """The constant text of a string-building expression (names bound to constants read)."""
        match expr:
            case ast.JoinedStr(values=values):
                return [v.value for v in values if isinstance(v, ast.Constant)]
            case ast.BinOp(left=left, op=ast.Add(), right=right):
                return [*self._template_parts(left, env), *self._template_parts(right, env)]
            case ast.BinOp(left=left, op=ast.Mod()):
                return [self._constant(left, env)]
            case ast.Call(func=ast.Attribute(value=template, attr="format")):
                return [self._constant(template, env)]
            case ast.Constant(value=text):
                return [text]
        return []

    def _constant(self, expr: ast.expr, env: Env) -> object:
        if isinstance(expr, ast.Constant):
            return expr.value
        if isinstance(expr, ast.Name):
            return self.ev(expr, env).const
        return None


def _has_tag(text: object) -> bool:
    return isinstance(text, str) and _TAG.search(text) is not None


def _low(label: Label) -> Label:
    """The template may print the value escaped: the flow is a place to look, not proof."""
    return replace(label, confidence=Confidence.LOW)
