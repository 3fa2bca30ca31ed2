"""Responses declared as something other than markup: a browser does not run what they hold.

`Response(text, mimetype="text/plain")`, `HttpResponse(data, content_type="application/json")`,
`return body, 200, {"Content-Type": "text/plain"}`, or a response whose `mimetype`,
`content_type` or `headers["Content-Type"]` is set afterwards: input in such a body is shown as
text, not parsed as HTML, so it is not reflected XSS. Only a constant media type counts, and
only one that is not HTML, XML or SVG (XML and SVG documents run scripts too). A response built
with such a type gets the `NON_HTML_RESPONSE` type tag, which the route's return check reads.
"""

from __future__ import annotations

import ast

from netgain.analysis.index import dotted_name
from netgain.analysis.values import Value

NON_HTML_RESPONSE = "netgain:non-html-response"
# keyword arguments of response constructors that set the media type
TYPE_KEYWORDS = ("mimetype", "content_type")
# response attributes that set it afterwards
TYPE_ATTRIBUTES = frozenset({"mimetype", "content_type"})
# Response constructors whose media type keywords are read (Flask/Werkzeug, Django, WebOb and
# Pyramid, Starlette/FastAPI); Flask's `app.response_class` is Werkzeug's Response.
RESPONSE_CLASSES = frozenset(
    {
        "flask.Response",
        "flask.wrappers.Response",
        "flask.Flask.response_class",
        "werkzeug.Response",
        "werkzeug.wrappers.Response",
        "werkzeug.wrappers.response.Response",
        "django.http.HttpResponse",
        "django.http.response.HttpResponse",
        "webob.Response",
        "webob.response.Response",
        "pyramid.response.Response",
        "pyramid.request.Response",
        "starlette.responses.Response",
        "fastapi.responses.Response",
        "fastapi.Response",
    }
)
_MARKUP = ("html", "xml", "svg")


def non_html_media_type(value: object) -> bool:
    """A constant media type a browser does not render as markup (`text/plain; charset=utf-8`)."""
    if not isinstance(value, str | bytes):
        return False
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    media = text.split(";", 1)[0].strip().lower()
    return "/" in media and not any(kind in media for kind in _MARKUP)


def declared_type(kwargs: dict[str, Value]) -> Value | None:
    """The media type keyword given to a response constructor, if any."""
    for keyword in TYPE_KEYWORDS:
        if keyword in kwargs:
            return kwargs[keyword]
    return None


def response_value(qual: str | None, kwargs: dict[str, Value], built: Value) -> Value:
    """`built` (a constructor's result) tagged as a non-HTML response when it declares one."""
    if qual not in RESPONSE_CLASSES:
        return built
    declared = declared_type(kwargs)
    if declared is None or not non_html_media_type(declared.const):
        return built
    return Value(labels=built.all_labels(), type=NON_HTML_RESPONSE)


def typed_by_headers(returned: ast.expr | None, v: Value) -> bool:
    """`return body, status, headers` / `return body, headers` whose headers (a dict written in
    place) give a non-HTML `Content-Type`."""
    if not isinstance(returned, ast.Tuple) or v.elems is None or len(v.elems) < 2:
        return False
    for headers in v.elems[1:]:
        for key, value in headers.keys or ():
            if isinstance(key, str) and key.lower() == "content-type":
                return non_html_media_type(value.const)
    return False


def retyped(target: ast.expr, v: Value) -> tuple[str, bool] | None:
    """For `resp.mimetype = ...`, `resp.content_type = ...` and
    `resp.headers["Content-Type"] = ...`: the response's (dotted) name and whether the new type
    is non-HTML. None for any other assignment."""
    base: ast.expr | None = None
    if isinstance(target, ast.Attribute) and target.attr in TYPE_ATTRIBUTES:
        base = target.value
    elif (
        isinstance(target, ast.Subscript)
        and isinstance(target.value, ast.Attribute)
        and target.value.attr == "headers"
        and isinstance(target.slice, ast.Constant)
        and isinstance(target.slice.value, str)
        and target.slice.value.lower() == "content-type"
    ):
        base = target.value.value
    name = dotted_name(base) if isinstance(base, ast.Name | ast.Attribute) else ""
    return (name, non_html_media_type(v.const)) if name else None


def retyped_as_text(root: ast.AST | None, call: ast.Call) -> bool:
    """`resp = make_response(body)` followed, anywhere in the same body, by a constant non-HTML
    `resp.mimetype = ...` / `resp.headers["Content-Type"] = ...`: the response is built first and
    typed after, so the constructor's own check would report a body served as text."""
    if root is None:
        return False
    names = {
        t.id
        for node in ast.walk(root)
        if isinstance(node, ast.Assign) and node.value is call
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    if not names:
        return False
    for node in ast.walk(root):
        if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Constant):
            continue
        for target in node.targets:
            found = retyped(target, Value(const=node.value.value))
            if found is not None and found[0] in names and found[1]:
                return True
    return False
