"""Template autoescaping switched off (CWE-79 / CWE-116): every value rendered by that
environment or context reaches the page unescaped."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import (
    NOT_CONST,
    PatternContext,
    PatternHit,
    last_name,
    pattern_rule,
)

AUTOESCAPE_DISABLED = rule_meta(
    id="autoescape-disabled",
    name="TemplateAutoescapeOff",
    family="web",
    cwe=(79, 116),
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="Template autoescaping explicitly turned off",
    doc="""
    ## What it does
    Flags templates set to render without HTML escaping: `autoescape=False` given to
    `jinja2.Environment`, `jinja2.sandbox.SandboxedEnvironment`, `jinja2.Template` or
    `aiohttp_jinja2.setup` (which builds the environment from its keywords); an
    `autoescape` attribute set to `False` (`app.jinja_env.autoescape = False`); and a dictionary
    entry `"autoescape": False` (a Django template context, or the `OPTIONS` of `TEMPLATES` in
    settings). An environment that leaves `autoescape` out is not reported: Jinja2's default is
    off, but such environments often render text that is not HTML (configuration files, emails
    in plain text), and reporting all of them would bury the explicit cases.

    ## Why is this bad?
    With escaping off, any value that reaches a template, from a request or from the database,
    is inserted as markup: `<script>` in a user name runs in every visitor's browser (stored or
    reflected XSS). Escaping by default and marking the few trusted fragments safe is the only
    arrangement that stays correct as templates change.

    ## Example
    ```python
    env = jinja2.Environment(loader=loader, autoescape=False)
    ```

    ## Use instead
    ```python
    env = jinja2.Environment(loader=loader, autoescape=jinja2.select_autoescape())
    ```

    ## References
    - [CWE-79: Cross-site Scripting](https://cwe.mitre.org/data/definitions/79.html)
    - [CWE-116: Improper Encoding or Escaping of Output](https://cwe.mitre.org/data/definitions/116.html)
    - [Jinja2 docs: autoescaping](https://jinja.palletsprojects.com/en/stable/api/#autoescaping)
    """,
)

# `aiohttp_jinja2.setup(app, **kwargs)` passes its keywords on to `jinja2.Environment`.
_JINJA = frozenset(
    {"jinja2.Environment", "jinja2.Template", "jinja2.sandbox.SandboxedEnvironment", "jinja2.environment.Environment", "aiohttp_jinja2.setup"}
)  # fmt: skip


@pattern_rule(AUTOESCAPE_DISABLED, ast.Dict)
@pattern_rule(AUTOESCAPE_DISABLED, ast.Assign, names={"autoescape"})
@pattern_rule(AUTOESCAPE_DISABLED, ast.Call, keywords={"autoescape"})
def check_autoescape(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if isinstance(node, ast.Call):
        if ctx.is_const(ctx.keyword(node, "autoescape"), False) and ctx.qualname(node) in _JINJA:
            yield PatternHit(AUTOESCAPE_DISABLED, node, "Jinja2 template autoescaping turned off")
    elif isinstance(node, ast.Assign):
        if any(
            isinstance(t, ast.Attribute) and t.attr == "autoescape" for t in node.targets
        ) and ctx.is_const(node.value, False):
            yield PatternHit(AUTOESCAPE_DISABLED, node, "template autoescaping turned off")
    elif isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            if ctx.is_const(key, "autoescape") and ctx.is_const(value, False):
                yield PatternHit(
                    AUTOESCAPE_DISABLED, value, "template context or options turn autoescaping off"
                )


UNESCAPED_TEMPLATE = rule_meta(
    id="unescaped-template",
    name="TemplateRenderedWithoutEscaping",
    family="web",
    cwe=(79, 116),
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="Values rendered into a template that Flask does not escape",
    doc="""
    ## What it does
    Flags Flask's `render_template(name, **values)` when the template's file name does not end
    in an extension Flask autoescapes (`.html`, `.htm`, `.xml`, `.xhtml`, `.svg`) and values
    are passed to it: `.txt`, `.email`, `.j2`, `.jinja2`, no extension at all. The extension is
    read from a constant name or the constant end of a built one (`template + ".txt"`,
    `"%s.txt" % style`). A template rendered without values is not reported.

    ## Why is this bad?
    Flask turns autoescaping on by file extension only. Whatever a `.txt` or `.j2` template
    prints is inserted as written, so a value that reaches it from a request is markup when
    the result is served as a page (reflected or stored XSS).

    ## Example
    ```python
    return render_template("profile.txt", name=request.args["name"])
    ```

    ## Use instead
    Name templates served as HTML `*.html`, or escape in the template (`{{ name | e }}`), or
    serve plain text with `Content-Type: text/plain`.

    ## References
    - [CWE-79: Cross-site Scripting](https://cwe.mitre.org/data/definitions/79.html)
    - [Flask docs: controlling autoescaping](https://flask.palletsprojects.com/en/stable/templating/#controlling-autoescaping)
    """,
)

_FLASK_RENDER = frozenset({"flask.render_template", "flask.templating.render_template"})
# What Flask's `select_jinja_autoescape` escapes (`.svg` since Flask 2.3).
_ESCAPED_SUFFIXES = (".html", ".htm", ".xml", ".xhtml", ".svg")


def _template_suffix(ctx: PatternContext, name: ast.expr) -> str | None:
    """The constant end of a template name, or None when it is not known."""
    value = ctx.const(name)
    if isinstance(value, str):
        return value
    if isinstance(name, ast.BinOp) and isinstance(name.op, ast.Add):
        tail = ctx.const(name.right)
        return tail if isinstance(tail, str) and "." in tail else None
    if isinstance(name, ast.BinOp) and isinstance(name.op, ast.Mod):
        template = ctx.const(name.left)
        return template if isinstance(template, str) and "." in template else None
    if (
        isinstance(name, ast.Call)
        and isinstance(name.func, ast.Attribute)
        and name.func.attr == "format"
    ):
        template = ctx.const(name.func.value)
        return template if isinstance(template, str) and "." in template else None
    return None


@pattern_rule(UNESCAPED_TEMPLATE, ast.Call, names={"render_template"})
def check_unescaped_template(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if not isinstance(node, ast.Call) or not node.args or not (node.keywords or node.args[1:]):
        return
    if last_name(node.func) != "render_template" or ctx.qualname(node) not in _FLASK_RENDER:
        return
    suffix = _template_suffix(ctx, node.args[0])
    if suffix is None or suffix.lower().endswith(_ESCAPED_SUFFIXES):
        return
    yield PatternHit(
        UNESCAPED_TEMPLATE,
        node,
        "values rendered into a template Flask does not autoescape (by its file extension)",
    )


FORMAT_HTML_BUILT = rule_meta(
    id="format-html-built-template",
    name="FormatHtmlTemplateBuiltAtRunTime",
    family="web",
    cwe=(79,),
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="format_html() given a template built from values, which it does not escape",
    doc="""
    ## What it does
    Flags Django's `format_html(template, ...)` when `template` itself is built with an
    f-string, `%`, `str.format` or `+` from something that is not a constant. Only the
    arguments after the template are escaped; whatever was put into the template first is
    inserted as markup.

    ## Why is this bad?
    `format_html` exists to escape values, and reads as safe in review; a template built
    beforehand silently skips that escaping for exactly the values that were interpolated.

    ## Example
    ```python
    format_html(f"<b>{name}</b>")
    ```

    ## Use instead
    ```python
    format_html("<b>{}</b>", name)
    ```

    ## References
    - [CWE-79: Cross-site Scripting](https://cwe.mitre.org/data/definitions/79.html)
    - [Django docs: format_html](https://docs.djangoproject.com/en/stable/ref/utils/#django.utils.html.format_html)
    """,
)

_FORMAT_HTML = frozenset({"django.utils.html.format_html", "format_html"})


def _built_from_values(ctx: PatternContext, node: ast.expr) -> bool:
    """A string expression built at run time from a part that is not a constant."""
    if ctx.const(node) is not NOT_CONST:
        return False
    if isinstance(node, ast.JoinedStr):
        return any(
            isinstance(v, ast.FormattedValue) and ctx.const(v.value) is NOT_CONST
            for v in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return ctx.const(node.left) is NOT_CONST or ctx.const(node.right) is NOT_CONST
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and isinstance(ctx.const(node.func.value), str)
    ):
        return any(
            ctx.const(a) is NOT_CONST for a in [*node.args, *(k.value for k in node.keywords)]
        )
    return False


@pattern_rule(FORMAT_HTML_BUILT, ast.Call, names={"format_html"})
def check_format_html(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if not isinstance(node, ast.Call) or not node.args or last_name(node.func) != "format_html":
        return
    if ctx.qualname(node) not in _FORMAT_HTML:
        return
    if _built_from_values(ctx, node.args[0]):
        yield PatternHit(
            FORMAT_HTML_BUILT,
            node,
            "format_html() template built from values: what was interpolated is not escaped",
        )
