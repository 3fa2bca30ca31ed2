"""An API configured without a default rate limit (CWE-770)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import PatternContext, PatternHit, pattern_rule

API_WITHOUT_RATE_LIMIT = rule_meta(
    id="api-without-rate-limit",
    name="ApiWithoutDefaultThrottle",
    family="auth",
    cwe=(770, 400),
    severity=Severity.LOW,
    confidence=Confidence.LOW,
    summary="Django REST framework configured without a default throttle",
    doc="""
    ## What it does
    Flags a `REST_FRAMEWORK = {...}` settings dictionary written at module level without
    `DEFAULT_THROTTLE_CLASSES`: every API view then accepts any number of requests unless it
    sets `throttle_classes` itself. Reported at low confidence (views may throttle one by
    one), so it does not fail `scan` or `check` by default.

    ## Why is this bad?
    Without a rate limit, login, password-reset and search endpoints can be called as fast as
    a client can send: credentials can be guessed, and expensive queries exhaust the service.

    ## Example
    ```python
    REST_FRAMEWORK = {"PAGE_SIZE": 10}
    ```

    ## Use instead
    ```python
    REST_FRAMEWORK = {
        "PAGE_SIZE": 10,
        "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
        "DEFAULT_THROTTLE_RATES": {"anon": "100/hour"},
    }
    ```

    ## References
    - [CWE-770: Allocation of Resources Without Limits or Throttling](https://cwe.mitre.org/data/definitions/770.html)
    - [Django REST framework: throttling](https://www.django-rest-framework.org/api-guide/throttling/)
    """,
)


@pattern_rule(API_WITHOUT_RATE_LIMIT, ast.Assign, names={"REST_FRAMEWORK"})
def check_rest_framework_throttle(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if (
        not isinstance(node, ast.Assign)
        or ctx.function_stack
        or ctx.class_stack
        or not isinstance(node.value, ast.Dict)
        or not any(isinstance(t, ast.Name) and t.id == "REST_FRAMEWORK" for t in node.targets)
    ):
        return
    if any(key is None for key in node.value.keys):
        return  # `{**BASE, ...}`: the defaults may come from elsewhere
    keys = {ctx.const(key) for key in node.value.keys if key is not None}
    if "DEFAULT_THROTTLE_CLASSES" not in keys:
        yield PatternHit(
            API_WITHOUT_RATE_LIMIT,
            node,
            "REST_FRAMEWORK settings without DEFAULT_THROTTLE_CLASSES: API views are not rate "
            "limited by default",
        )
