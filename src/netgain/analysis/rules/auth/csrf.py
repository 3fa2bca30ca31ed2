"""CSRF protection disabled on state-changing views (CWE-352)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.index import dotted_name
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import PatternContext, PatternHit, last_name, pattern_rule

CSRF_DISABLED = rule_meta(
    id="csrf-disabled",
    name="CsrfProtectionDisabled",
    family="auth",
    cwe=(352,),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="CSRF protection disabled",
    doc="""
    ## What it does
    Flags views exempted from CSRF protection (Django `@csrf_exempt`, Flask-WTF
    `@csrf.exempt`, Pyramid `@view_config(require_csrf=False)` or `check_origin=False`)
    unless they only accept safe methods (`@require_GET`, `@require_safe`, `methods=["GET"]`),
    and configurations that switch it off (`WTF_CSRF_ENABLED = False` as a module setting, a
    config attribute or item, or in `config.update(...)` / `config.from_mapping(...)`; Pyramid
    `config.set_default_csrf_options(require_csrf=False)`). A configuration call that also sets
    `TESTING=True` is a test configuration and is not reported.

    ## Why is this bad?
    A state-changing endpoint without CSRF protection can be triggered by any page the user
    visits: the browser attaches the session cookie to the forged request.

    ## Example
    ```python
    @csrf_exempt
    def transfer(request):
        ...
    ```

    ## Use instead
    Keep CSRF protection and send the token from the client (`X-CSRFToken` header); exempt
    only endpoints authenticated by something other than cookies (signed webhooks, bearer tokens).

    ## References
    - [CWE-352: Cross-Site Request Forgery](https://cwe.mitre.org/data/definitions/352.html)
    """,
)

_SAFE_ONLY = {"require_GET", "require_safe"}
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _safe_only(ctx: PatternContext, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for deco in fn.decorator_list:
        name = dotted_name(deco).rsplit(".", 1)[-1]
        if name in _SAFE_ONLY:
            return True
        if isinstance(deco, ast.Call):
            methods = ctx.keyword(deco, "methods")
            if name == "require_http_methods" and deco.args:
                methods = deco.args[0]
            value = ctx.const(methods)
            if (
                isinstance(value, list | tuple | set)
                and value
                and all(isinstance(m, str) and m.upper() in _SAFE_METHODS for m in value)
            ):
                return True
            if name == "get" and isinstance(deco.func, ast.Attribute):
                return True
    return False


# Calls that set configuration from keywords: Flask's `config.update` / `config.from_mapping`.
_CONFIG_SETTERS = {"update", "from_mapping"}
# Pyramid: per-view options (`@view_config`, `config.add_view`) and the global default.
_PYRAMID_VIEW = {"view_config", "add_view"}
_PYRAMID_CSRF_OPTIONS = ("require_csrf", "check_origin")
_CONFIG_CALLS = {*_CONFIG_SETTERS, *_PYRAMID_VIEW, "set_default_csrf_options"}


@pattern_rule(CSRF_DISABLED, ast.FunctionDef, ast.AsyncFunctionDef)
@pattern_rule(CSRF_DISABLED, ast.Assign, names={"WTF_CSRF_ENABLED"})
@pattern_rule(CSRF_DISABLED, ast.Call, names=_CONFIG_CALLS)
def check_csrf(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        for deco in node.decorator_list:
            qual = ctx.qualname(deco)
            exempt = qual.endswith("csrf_exempt") or (
                isinstance(deco, ast.Attribute)
                and deco.attr == "exempt"
                and "csrf" in dotted_name(deco.value).lower()
            )
            if exempt and not _safe_only(ctx, node):
                yield PatternHit(
                    CSRF_DISABLED, deco, f"view {node.name}() is exempt from CSRF protection"
                )
        return
    if isinstance(node, ast.Assign):
        if not ctx.is_const(node.value, False):
            return
        for target in node.targets:
            key = (
                target.id
                if isinstance(target, ast.Name)
                else target.attr
                if isinstance(target, ast.Attribute)
                else ctx.const(target.slice)
                if isinstance(target, ast.Subscript)
                else None
            )
            if key == "WTF_CSRF_ENABLED":
                yield PatternHit(
                    CSRF_DISABLED,
                    node,
                    "WTF_CSRF_ENABLED = False disables CSRF protection for every form",
                )
        return
    if isinstance(node, ast.Call):
        yield from _config_call(ctx, node)


def _config_call(ctx: PatternContext, node: ast.Call) -> Iterator[PatternHit]:
    name = last_name(node.func)
    if name in _CONFIG_SETTERS:
        if ctx.is_const(ctx.keyword(node, "WTF_CSRF_ENABLED"), False) and not ctx.is_const(
            ctx.keyword(node, "TESTING"), True
        ):
            yield PatternHit(
                CSRF_DISABLED,
                node,
                "WTF_CSRF_ENABLED=False disables CSRF protection for every form",
            )
        return
    if name in _PYRAMID_VIEW or name == "set_default_csrf_options":
        for option in _PYRAMID_CSRF_OPTIONS:
            value = ctx.keyword(node, option)
            if ctx.is_const(value, False) and value is not None:
                where = "every view" if name == "set_default_csrf_options" else "this view"
                yield PatternHit(
                    CSRF_DISABLED, value, f"{option}=False turns off CSRF checks for {where}"
                )
