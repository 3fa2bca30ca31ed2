"""Templates that escape the values they print: the page carries the template's taint, not theirs.

`render_template_string("<p>{{ name }}</p>", name=name)` is Flask's safe way to put input in a
page: Flask turns autoescaping on for templates given as strings, so `name` is printed escaped.
A Jinja2 `Template(source, autoescape=True)` or a template of an `Environment(autoescape=...)` set
to escape (`True` or `select_autoescape(...)`) does the same for `render(...)`. Without this the
rendered page carried the taint of every context value and a view returning it was reported as
XSS. The template *source* still counts (a template built from input is injection, and its
sink is checked before this), and so does a constant source that prints raw (`|safe`,
`{% autoescape false %}`): those renders are left to the general propagation.
"""

from __future__ import annotations

import re

from netgain.analysis.values import NOCONST, Value

# Renderers whose context values Flask (or Quart) print escaped, with the template source first.
ESCAPING_RENDERERS = frozenset(
    {
        "flask.render_template_string",
        "flask.templating.render_template_string",
        "quart.render_template_string",
        "quart.templating.render_template_string",
    }
)
JINJA_TEMPLATES = frozenset({"jinja2.Template", "jinja2.environment.Template"})
# (a sandboxed environment keeps its own type: its `from_string` is no template-injection sink)
JINJA_ENVIRONMENTS = frozenset({"jinja2.Environment", "jinja2.environment.Environment"})
AUTOESCAPE_SELECTORS = frozenset({"jinja2.select_autoescape", "jinja2.utils.select_autoescape"})
# type tags: `jinja2.select_autoescape()` (given in the models), and the escaping objects
AUTOESCAPE_TYPE = "netgain:autoescape"
ESCAPING_ENVIRONMENT = "netgain:escaping-environment"
SELECTING_ENVIRONMENT = "netgain:select-autoescape-environment"  # escapes by file name
ESCAPING_TEMPLATE = "netgain:escaping-template"
_ENVIRONMENTS = (ESCAPING_ENVIRONMENT, SELECTING_ENVIRONMENT)
_RENDER_METHODS = frozenset({"render", "render_async"})
# what `select_autoescape()` escapes by default, by template file name
_ESCAPED_SUFFIXES = (".html", ".htm", ".xml")
_PRINTS_RAW = re.compile(r"\|\s*safe\b|autoescape\s+(?:false|off)\b", re.IGNORECASE)


def escaped_render(
    qual: str | None,
    method: str | None,
    args: list[Value],
    kwargs: dict[str, Value],
    receiver: Value | None,
) -> Value | None:
    """The value of a call that builds or renders an escaping template, or None for any other
    call (and for a constant template source that prints raw)."""
    source = args[0] if args else kwargs.get("source")
    if qual in ESCAPING_RENDERERS:
        return _page(source)
    if qual in AUTOESCAPE_SELECTORS:
        # the extensions it escapes, carried as the value's constant while they are known
        listed = args[0] if args else kwargs.get("enabled_extensions")
        return Value(type=AUTOESCAPE_TYPE, const=_suffixes(listed))
    if qual in JINJA_TEMPLATES and _escapes(kwargs.get("autoescape")):
        page = _page(source)
        return Value(labels=page.labels, type=ESCAPING_TEMPLATE) if page is not None else None
    if qual in JINJA_ENVIRONMENTS and _escapes(kwargs.get("autoescape")):
        setting = kwargs["autoescape"]
        if setting.type == AUTOESCAPE_TYPE:
            return Value(type=SELECTING_ENVIRONMENT, const=setting.const)
        return Value(type=ESCAPING_ENVIRONMENT)
    if receiver is None or method is None:
        return None
    if receiver.type in _ENVIRONMENTS and method == "from_string":
        page = _page(source)
        return Value(labels=page.labels, type=ESCAPING_TEMPLATE) if page is not None else None
    if receiver.type in _ENVIRONMENTS and method == "get_template":
        name = args[0].const if args else kwargs["name"].const if "name" in kwargs else NOCONST
        suffixes = receiver.const if isinstance(receiver.const, tuple) else _ESCAPED_SUFFIXES
        # A name not known here (a render helper's parameter) is one the project chose for an
        # environment it set to escape by name; a known name is checked against the suffixes.
        escaped = (
            receiver.type == ESCAPING_ENVIRONMENT
            or not isinstance(name, str)
            or name.lower().endswith(suffixes)
        )
        return Value(type=ESCAPING_TEMPLATE) if escaped else None
    if receiver.type == ESCAPING_TEMPLATE and method in _RENDER_METHODS:
        return Value(labels=receiver.labels)
    return None


def _suffixes(listed: Value | None) -> object:
    """`select_autoescape(["html", "j2"])` -> `(".html", ".j2")`; the default list when none is
    given; NOCONST when the list is computed."""
    if listed is None:
        return _ESCAPED_SUFFIXES
    items = listed.const if isinstance(listed.const, tuple | list) else None
    if items is None and listed.elems is not None:
        items = [e.const for e in listed.elems]
    if items is None or not all(isinstance(i, str) for i in items):
        return NOCONST
    return tuple(f".{str(i).lower().lstrip('.')}" for i in items)


def _escapes(setting: Value | None) -> bool:
    """`autoescape=True`, or `autoescape=select_autoescape(...)`."""
    if setting is None:
        return False
    return setting.const is True or setting.type == AUTOESCAPE_TYPE


def _page(source: Value | None) -> Value | None:
    """What a rendered page carries: the taint of its template source. None when the source is
    a constant that prints a value raw, so the context's taint is kept."""
    if source is None:
        return Value()
    if isinstance(source.const, str) and _PRINTS_RAW.search(source.const):
        return None
    return Value(labels=source.all_labels())
