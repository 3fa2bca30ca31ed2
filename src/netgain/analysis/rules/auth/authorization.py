"""A route missing the authorization decorator that its sibling routes have (CWE-862)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from netgain.analysis.findings import Confidence, Severity
from netgain.analysis.index import dotted_name
from netgain.analysis.rules.base import rule_meta
from netgain.analysis.rules.registry import PatternContext, PatternHit, pattern_rule

MISSING_AUTHORIZATION = rule_meta(
    id="missing-authorization",
    name="RouteWithoutSiblingsAuthorization",
    family="auth",
    cwe=(862,),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="Route lacks the authorization check its sibling routes have",
    doc="""
    ## What it does
    Groups the routes of a module by the object that registers them (`@app.route`,
    `@bp.post`, `@router.get`, Django views of one module) and, when at least two of them and at
    least half carry an authorization decorator (`@login_required`, `@permission_required`,
    `@jwt_required`, `@requires_auth`, ...), flags the routes that carry none. Routes that are
    public by nature (login, logout, signup, health checks, password reset) are not flagged.

    ## Why is this bad?
    A new endpoint added next to protected ones without the decorator is reachable by anyone:
    a classic broken-access-control bug that code review misses because the code looks alike.

    ## Example
    ```python
    @app.route("/admin/users")
    @login_required
    def users(): ...

    @app.route("/admin/delete", methods=["POST"])
    def delete_user(): ...
    ```

    ## Use instead
    Add the same decorator (or protect the whole blueprint with a `before_request` check).

    ## References
    - [CWE-862: Missing Authorization](https://cwe.mitre.org/data/definitions/862.html)
    """,
)

ROUTE_METHODS = {"route", "get", "post", "put", "delete", "patch", "api_route"}
_AUTH = re.compile(
    r"(?i)(login_required|auth|permission|roles?_(required|accepted)|admin_required|jwt_required|token_required|requires?_|user_passes_test|staff_member_required|superuser_required|protected|authenticated)"
)
_PUBLIC = re.compile(
    r"(?i)(login|logout|signin|signup|sign_in|sign_up|register|health|ping|status|index|home|public|static|callback|reset|forgot|verify|ready|live|metrics|docs|openapi|favicon|robots)"
)


def _route_owner(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    for deco in fn.decorator_list:
        if (
            isinstance(deco, ast.Call)
            and isinstance(deco.func, ast.Attribute)
            and deco.func.attr in ROUTE_METHODS
        ):
            return dotted_name(deco.func.value)
    return None


def _has_auth(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for deco in fn.decorator_list:
        if (
            isinstance(deco, ast.Call)
            and isinstance(deco.func, ast.Attribute)
            and deco.func.attr in ROUTE_METHODS
        ):
            for kw in deco.keywords:  # FastAPI: dependencies=[Depends(require_user)]
                if kw.arg == "dependencies" and _AUTH.search(ast.unparse(kw.value)):
                    return True
            continue
        if _AUTH.search(dotted_name(deco) or ""):
            return True
    args = fn.args
    defaults = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
    return any(isinstance(d, ast.Call) and _AUTH.search(ast.unparse(d)) for d in defaults)


@pattern_rule(MISSING_AUTHORIZATION, ast.Module)
def check_missing_authorization(ctx: PatternContext, node: ast.AST) -> Iterator[PatternHit]:
    if not isinstance(node, ast.Module):
        return
    groups: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
    for stmt in node.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            owner = _route_owner(stmt)
            if (
                owner is None
                and ctx.module_basename in ("views", "api")
                and stmt.args.args
                and stmt.args.args[0].arg == "request"
            ):
                owner = "<django views>"
            if owner is not None:
                groups.setdefault(owner, []).append(stmt)
    for routes in groups.values():
        protected = [r for r in routes if _has_auth(r)]
        if len(protected) < 2 or len(protected) * 2 < len(routes):
            continue
        for route in routes:
            if route in protected or _PUBLIC.search(route.name):
                continue
            yield PatternHit(
                MISSING_AUTHORIZATION,
                route,
                f"route {route.name}() has no authorization decorator while {len(protected)} of its {len(routes)} sibling routes do",
            )
