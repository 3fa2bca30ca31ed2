"""Template autoescaping switched off (CWE-79 / CWE-116): every value rendered by that
environment or context reaches the page unescaped."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import PatternContext, PatternHit, pattern_rule

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
    `jinja2.Environment`, `jinja2.sandbox.SandboxedEnvironment` or `jinja2.Template`; an
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

_JINJA = frozenset(
    {"jinja2.Environment", "jinja2.Template", "jinja2.sandbox.SandboxedEnvironment", "jinja2.environment.Environment"}
)  # fmt: skip


@pattern_rule(AUTOESCAPE_DISABLED, ast.Call, ast.Assign, ast.Dict)
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
